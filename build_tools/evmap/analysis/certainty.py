"""Certainty grades of claims, GRADE-like, from the independent research behind them.

The rule, written out for readers with worked examples in ``docs/certainty.md``
(a test keeps the two in step):

1. Start from the strongest study among the items that *support* the claim
   (items against it never raise a grade), by its design: a randomised
   controlled trial or a meta-analysis high, a controlled clinical study
   moderate, an observational or open-label one low, a case report very low;
   a clinical study whose design is not recorded moderate (the rule cannot
   credit a randomisation it cannot see); in vivo moderate, ex vivo and in
   vitro low, a review's own synthesis low. With no supporting item, mixed
   items are the basis; with neither, the grade is very low.
2. Down one for a single study or a single research group. Studies are counted
   by the research groups behind them (:mod:`evmap.analysis.studies`), not by
   citation keys: a review and a study it reports are one study; reviews are
   not studies; findings read in a review whose study is not identified count
   as one study at most; papers of one group count once. A large randomised
   trial or meta-analysis (:data:`LARGE_TRIAL` participants) stands on its own.
3. Down one for inconsistency: items for and against, or any mixed item.
4. Down one for imprecision: every study at the starting level states its size
   and together they are small (:data:`IMPRECISE_BELOW`); unknown sizes never
   trigger it.
5. Down one for indirectness: every item at the starting level was read only
   second-hand (in a review, through a news report, from its title alone) or is
   marked ``indirect``.
6. Never below very low. A curator's ``certainty: {grade, reason}`` replaces the
   result; pages show the reason and the grade the rule gives.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evmap.analysis.studies import (
    GroupsOf,
    KindOf,
    StudyGroup,
    is_second_hand,
    one_group_each,
    second_hand_reason,
    studies_of,
)
from evmap.core.model import Claim, Design, Evidence, EvidenceType, Grade, Stance
from evmap.core.vocab import DESIGN_LABELS, GRADE_LABELS, GRADES, TYPE_LABELS, TYPE_STRENGTH

__all__ = [
    "DESIGN_START",
    "IMPRECISE_BELOW",
    "LARGE_TRIAL",
    "MIN_STUDIES",
    "START_GRADE",
    "UNRECORDED_DESIGN_START",
    "Certainty",
    "Consistency",
    "KindOf",
    "consistency_of",
    "derive_certainty",
    "grade_claim",
    "is_second_hand",
    "item_start",
    "strongest_item",
    "studies_of",
]

START_GRADE: Mapping[EvidenceType, Grade] = {
    EvidenceType.CLINICAL: Grade.HIGH,
    EvidenceType.IN_VIVO: Grade.MODERATE,
    EvidenceType.EX_VIVO: Grade.LOW,
    EvidenceType.IN_VITRO: Grade.LOW,
    EvidenceType.REVIEW: Grade.LOW,
}
"""Starting grade by kind of study; a clinical study starts from its design instead."""
DESIGN_START: Mapping[Design, Grade] = {
    Design.META_ANALYSIS: Grade.HIGH,
    Design.RANDOMISED_CONTROLLED: Grade.HIGH,
    Design.CONTROLLED: Grade.MODERATE,
    Design.OBSERVATIONAL: Grade.LOW,
    Design.OPEN_LABEL: Grade.LOW,
    Design.CASE_REPORT: Grade.VERY_LOW,
}
"""Starting grade of a clinical study by its design: only a controlled comparison, and
best a randomised one, can separate a drug's effect from the course of the illness."""
UNRECORDED_DESIGN_START = Grade.MODERATE
"""Starting grade of a clinical study whose design the curators have not recorded: as a
controlled study, since the rule cannot credit a randomisation it cannot see (an
open-label series of seven patients and a large trial are both "clinical")."""
MIN_STUDIES = 2
"""A claim resting on fewer independent studies (research groups) loses one grade."""
LARGE_TRIAL = 300
"""Participants from which a randomised controlled trial or a meta-analysis at the
starting level stands on its own: ten times the imprecision threshold of clinical
studies, large enough that GRADE would not mark it down for want of a second study."""
IMPRECISE_BELOW: Mapping[EvidenceType, int] = {
    EvidenceType.CLINICAL: 30,
    EvidenceType.IN_VIVO: 20,
}
"""Participants (clinical) or animals (in vivo) that the studies at the starting level
must reach together; fewer, with every size stated, lowers the grade. Tissue and cell
studies count replicates, not subjects, and are never judged imprecise."""
_UNIT = {EvidenceType.CLINICAL: ("participant", "participants")}


class Consistency(enum.StrEnum):
    """Whether a claim's evidence items agree; values read as sentences."""

    CONSISTENT = "all evidence points the same way"
    BOTH_WAYS = "evidence points both ways"
    MIXED = "some evidence is mixed"


def consistency_of(stances: Iterable[Stance]) -> Consistency:
    """Consistency of a set of stances: one direction, both directions, or mixed items."""
    seen = set(stances)
    if Stance.SUPPORTS in seen and Stance.CONTRADICTS in seen:
        return Consistency.BOTH_WAYS
    if Stance.MIXED in seen:
        return Consistency.MIXED
    return Consistency.CONSISTENT


def item_start(evidence: Evidence) -> Grade:
    """Where an item would start the grade: its design (clinical) or its kind of study."""
    if evidence.type is EvidenceType.CLINICAL:
        if evidence.design is None:
            return UNRECORDED_DESIGN_START
        return DESIGN_START[evidence.design]
    return START_GRADE[evidence.type]


def _strength(evidence: Evidence) -> tuple[int, int, int]:
    """Sort key, strongest first: starting grade, kind of study, design."""
    design = list(DESIGN_LABELS).index(evidence.design) if evidence.design else len(DESIGN_LABELS)
    return (GRADES.index(item_start(evidence)), TYPE_STRENGTH.index(evidence.type), design)


def strongest_item(
    evidence: Sequence[Evidence], stance: Stance, second_hand: Callable[[int], bool]
) -> int | None:
    """The index of the strongest of ``evidence``'s items of ``stance``, None when none.

    Strongest as the grade weighs them: read in the study itself before second-hand
    (``second_hand(index)``), then the higher starting grade, kind of study and design,
    then the larger stated sample; ties go to the item written first.
    """
    indexes = [i for i, ev in enumerate(evidence) if ev.stance is stance]
    if not indexes:
        return None
    return min(
        indexes,
        key=lambda i: (
            second_hand(i),
            _strength(evidence[i]),
            -(evidence[i].sample_size or 0),
            i,
        ),
    )


def _what(evidence: Evidence) -> str:
    """The kind of study as a step names it: ``in vivo``, ``clinical, open-label, ...``."""
    kind = TYPE_LABELS[evidence.type]
    if evidence.type is not EvidenceType.CLINICAL:
        return kind
    if evidence.design is None:
        return f"{kind}, design not recorded (taken as controlled, not randomised)"
    return f"{kind}, {DESIGN_LABELS[evidence.design]}"


@dataclass(frozen=True, slots=True)
class Certainty:
    """A claim's certainty grade and how it was reached.

    Attributes:
        grade: The grade shown (the curators' override when there is one).
        derived: The grade the rule gives, shown even when overridden.
        strongest: The kind of study the grade starts from (None when no item
            supports the claim).
        studies: Independent studies behind the basis: research groups, or one for
            findings whose study is not identified (see the module doc).
        consistency: Whether the items agree.
        steps: The rule's steps for this claim, as short sentences.
        overridden: True when the claim's YAML sets ``certainty``.
        reason: The curators' reason for the override ("" when derived).
        second_hand: Every basis item at the starting level was read second-hand.
        indirect: Every basis item at the starting level is marked indirect.
        design: The design the grade starts from (clinical studies; None otherwise
            or when not recorded).
        groups: The research groups of the identified supporting studies.
        imprecise: The studies at the starting level are all small.
    """

    grade: Grade
    derived: Grade
    strongest: EvidenceType | None
    studies: int
    consistency: Consistency
    steps: tuple[str, ...]
    overridden: bool = False
    reason: str = ""
    second_hand: bool = False
    indirect: bool = False
    design: Design | None = None
    groups: tuple[StudyGroup, ...] = ()
    imprecise: bool = False


def _large_trial(top: Sequence[Evidence]) -> Evidence | None:
    """A randomised controlled trial or meta-analysis at the starting level that states at
    least :data:`LARGE_TRIAL` participants (the largest), if there is one."""
    large = [
        ev
        for ev in top
        if ev.design in (Design.RANDOMISED_CONTROLLED, Design.META_ANALYSIS)
        and (ev.sample_size or 0) >= LARGE_TRIAL
    ]
    return max(large, key=lambda ev: ev.sample_size or 0, default=None)


def _single(groups: Sequence[StudyGroup], papers: int, unidentified: bool) -> str:
    """The step for resting on fewer than two independent studies ("" when it does not)."""
    if not groups:
        if unidentified:
            return "down one: a single study"
        return "down one: no study, only reviews' own conclusions"
    if len(groups) >= MIN_STUDIES:
        return ""
    if papers == 1:
        return "down one: a single study"
    group = groups[0]
    return f"down one: a single research group ({group.name}: {papers} studies)"


def _imprecision(top: Sequence[Evidence], kind_of: KindOf) -> str:
    """The imprecision step for the items at the starting level ("" when it does not apply)."""
    totals: dict[EvidenceType, dict[object, int]] = {}
    for ev in top:
        if ev.type is EvidenceType.REVIEW:
            continue
        if ev.type not in IMPRECISE_BELOW or ev.sample_size is None:
            return ""
        sizes = totals.setdefault(ev.type, {})
        # Two findings of one study are one sample: keep its largest stated size.
        study: object = tuple(sorted(studies_of(ev, kind_of))) or id(ev)
        sizes[study] = max(sizes.get(study, 0), ev.sample_size)
    if not totals:
        return ""
    parts = []
    for kind, sizes in totals.items():
        total, limit = sum(sizes.values()), IMPRECISE_BELOW[kind]
        if total >= limit:
            return ""
        one, many = _UNIT.get(kind, ("animal", "animals"))
        unit = one if total == 1 else many
        parts.append(
            f"the {TYPE_LABELS[kind]} studies have {total} {unit} in all (fewer than {limit})"
        )
    return "down one: imprecise: " + "; ".join(parts)


def _basis(evidence: Sequence[Evidence]) -> list[Evidence]:
    """The items a grade rests on: the supporting ones, else the mixed ones."""
    return [ev for ev in evidence if ev.stance is Stance.SUPPORTS] or [
        ev for ev in evidence if ev.stance is Stance.MIXED
    ]


@dataclass(frozen=True, slots=True)
class _Studies:
    """The independent studies behind a basis (step 2 of the rule)."""

    groups: tuple[StudyGroup, ...]
    papers: int
    unidentified: bool

    @property
    def count(self) -> int:
        """Independent studies: research groups, or one for unidentified findings."""
        return len(self.groups) or (1 if self.unidentified else 0)


def _studies(basis: Sequence[Evidence], kind_of: KindOf, groups_of: GroupsOf) -> _Studies:
    """Research groups of the basis's identified studies, and whether some are unidentified."""
    identified = {study for ev in basis for study in studies_of(ev, kind_of)}
    unidentified = any(
        not studies_of(ev, kind_of) and ev.type is not EvidenceType.REVIEW for ev in basis
    )
    groups = groups_of(identified) if identified else ()
    return _Studies(groups, len(identified), unidentified)


def _single_step(studies: _Studies, top: Sequence[Evidence]) -> tuple[str, bool]:
    """Step 2: the step's sentence ("" when none) and whether it lowers the grade."""
    single = _single(studies.groups, studies.papers, studies.unidentified)
    large = _large_trial(top) if single else None
    if large is None:
        return single, bool(single)
    size = large.sample_size or 0
    what = "a meta-analysis" if large.design is Design.META_ANALYSIS else "a randomised trial"
    return f"not down for a single study: {what} of {size:,} participants stands on its own", False


def _indirectness(top: Sequence[Evidence], kind_of: KindOf) -> str:
    """Step 5: the step's sentence, or "" when some item at the starting level is direct."""
    if not all(is_second_hand(ev, kind_of) or ev.indirect for ev in top):
        return ""
    if all(is_second_hand(ev, kind_of) for ev in top):
        ways = dict.fromkeys(second_hand_reason(ev) for ev in top)
        why = "read only second-hand, " + " and ".join(
            "in reviews" if way == "in a review" else way for way in ways
        )
    elif all(ev.indirect for ev in top):
        why = "indirect (" + "; ".join(dict.fromkeys(ev.indirect for ev in top)) + ")"
    else:
        why = "read second-hand or indirect"
    kinds = " and ".join(TYPE_LABELS[t] for t in TYPE_STRENGTH if any(ev.type is t for ev in top))
    return f"down one: the {kinds} evidence is {why}"


def derive_certainty(
    evidence: Sequence[Evidence],
    kind_of: KindOf | None = None,
    groups_of: GroupsOf = one_group_each,
) -> Certainty:
    """Grade evidence by the documented rule (the module doc, ``docs/certainty.md``).

    ``groups_of`` sorts study keys into research groups
    (:meth:`evmap.analysis.studies.GroupFinder.groups`); by default each paper is
    its own group.
    """
    kind_of = kind_of or (lambda key: None)
    consistency = consistency_of(ev.stance for ev in evidence)
    basis = _basis(evidence)
    if not basis:
        reason = "no item supports the claim" if evidence else "no evidence"
        return Certainty(
            Grade.VERY_LOW, Grade.VERY_LOW, None, 0, consistency, (f"very low: {reason}",)
        )
    supporting = basis[0].stance is Stance.SUPPORTS
    best = min(basis, key=_strength)
    start = item_start(best)
    what = "supporting" if supporting else "mixed (no item supports the claim)"
    steps = [f"starts {GRADE_LABELS[start].lower()}: strongest {what} evidence is {_what(best)}"]
    top = [ev for ev in basis if item_start(ev) is start]
    studies = _studies(basis, kind_of, groups_of)
    single, single_lowers = _single_step(studies, top)
    imprecise = _imprecision(top, kind_of)
    indirectness = _indirectness(top, kind_of)
    inconsistent = consistency is not Consistency.CONSISTENT
    # Each step: its sentence ("" when it does not apply), and whether it lowers the grade.
    downs = [
        (single, single_lowers),
        (f"down one: {consistency.value}" if inconsistent else "", inconsistent),
        (imprecise, bool(imprecise)),
        (indirectness, bool(indirectness)),
    ]
    steps += [step for step, _ in downs if step]
    level = GRADES.index(start) + sum(1 for _, lowers in downs if lowers)
    grade = GRADES[min(level, len(GRADES) - 1)]
    return Certainty(
        grade,
        grade,
        best.type,
        studies.count,
        consistency,
        tuple(steps),
        second_hand=all(is_second_hand(ev, kind_of) for ev in top),
        indirect=all(ev.indirect for ev in top),
        design=best.design if best.type is EvidenceType.CLINICAL else None,
        groups=studies.groups,
        imprecise=bool(imprecise),
    )


def grade_claim(
    claim: Claim, kind_of: KindOf | None = None, groups_of: GroupsOf = one_group_each
) -> Certainty:
    """The certainty of ``claim``: the rule's grade, or the curators' override with its reason."""
    derived = derive_certainty(claim.evidence, kind_of, groups_of)
    if claim.certainty is None:
        return derived
    return dataclasses.replace(
        derived, grade=claim.certainty.grade, overridden=True, reason=claim.certainty.reason
    )
