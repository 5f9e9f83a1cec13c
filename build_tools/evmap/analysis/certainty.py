"""Certainty grades of claims, GRADE-like, from the independent studies behind them.

The rule, written out for readers with worked examples in ``docs/certainty.md``
(a test keeps the two in step):

1. Start from the strongest kind of study among the items that *support* the
   claim (items against it never raise a grade): clinical high, in vivo
   moderate, ex vivo and in vitro low; a review's own synthesis low. With no
   supporting item, mixed items are the basis; with neither, the grade is very low.
2. Down one for a single study. Studies, not citation keys, are counted: a
   review and a study it reports are one study (the review is only the route,
   ``via``); reviews are not studies; findings read in a review whose study is
   not identified count as one study at most, since they may all be one.
3. Down one for inconsistency: items for and against, or any mixed item.
4. Down one for indirectness: every item at the starting level was read only
   second-hand, or is marked ``indirect`` (for example a clinical-efficacy
   trial used for a mechanism).
5. Never below very low. A curator's ``certainty: {grade, reason}`` replaces the
   result; pages show the reason and the grade the rule gives.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evmap.core.model import Claim, Evidence, EvidenceType, Grade, ReferenceKind, Stance
from evmap.core.vocab import GRADE_LABELS, GRADES, TYPE_LABELS, TYPE_STRENGTH

__all__ = [
    "MIN_STUDIES",
    "START_GRADE",
    "Certainty",
    "Consistency",
    "KindOf",
    "consistency_of",
    "derive_certainty",
    "grade_claim",
    "is_second_hand",
    "studies_of",
]

START_GRADE: Mapping[EvidenceType, Grade] = {
    EvidenceType.CLINICAL: Grade.HIGH,
    EvidenceType.IN_VIVO: Grade.MODERATE,
    EvidenceType.EX_VIVO: Grade.LOW,
    EvidenceType.IN_VITRO: Grade.LOW,
    EvidenceType.REVIEW: Grade.LOW,
}
MIN_STUDIES = 2
"""A claim resting on fewer independent studies than this loses one grade."""

KindOf = Callable[[str], ReferenceKind | None]
"""The curated kind of a reference key (None when nobody said)."""


def _unknown_kind(key: str) -> ReferenceKind | None:
    return None


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


def studies_of(evidence: Evidence, kind_of: KindOf = _unknown_kind) -> frozenset[str]:
    """The identified studies an item rests on: its citations that are not reviews.

    Empty for a review's own synthesis, and for a finding read in a review whose
    study is not identified (no citation, or only reviews cited).
    """
    if evidence.type is EvidenceType.REVIEW:
        return frozenset()
    return frozenset(k for k in evidence.citations if kind_of(k) is not ReferenceKind.REVIEW)


def is_second_hand(evidence: Evidence, kind_of: KindOf = _unknown_kind) -> bool:
    """Whether the finding was read second-hand: in a review (``via``, or only reviews
    cited for a study), in a news report, or from the study's title alone."""
    if evidence.second_hand:
        return True
    return evidence.type is not EvidenceType.REVIEW and not studies_of(evidence, kind_of)


@dataclass(frozen=True, slots=True)
class Certainty:
    """A claim's certainty grade and how it was reached.

    Attributes:
        grade: The grade shown (the curators' override when there is one).
        derived: The grade the rule gives, shown even when overridden.
        strongest: The strongest kind of study among the supporting items (the
            basis); None when no item supports the claim.
        studies: Independent studies behind the basis (see the module doc).
        consistency: Whether the items agree.
        steps: The rule's steps for this claim, as short sentences.
        overridden: True when the claim's YAML sets ``certainty``.
        reason: The curators' reason for the override ("" when derived).
        second_hand: Every basis item at the starting level was read second-hand.
        indirect: Every basis item at the starting level is marked indirect.
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


def derive_certainty(evidence: Sequence[Evidence], kind_of: KindOf = _unknown_kind) -> Certainty:
    """Grade evidence by the documented rule (the module doc, ``docs/certainty.md``)."""
    consistency = consistency_of(ev.stance for ev in evidence)
    basis = [ev for ev in evidence if ev.stance is Stance.SUPPORTS] or [
        ev for ev in evidence if ev.stance is Stance.MIXED
    ]
    if not basis:
        reason = "no item supports the claim" if evidence else "no evidence"
        return Certainty(
            Grade.VERY_LOW, Grade.VERY_LOW, None, 0, consistency, (f"very low: {reason}",)
        )
    supporting = basis[0].stance is Stance.SUPPORTS
    types = {ev.type for ev in basis}
    strongest = next(t for t in TYPE_STRENGTH if t in types)
    start = START_GRADE[strongest]
    level = GRADES.index(start)
    what = "supporting" if supporting else "mixed (no item supports the claim)"
    first = f"starts {GRADE_LABELS[start].lower()}: strongest {what} evidence"
    steps = [f"{first} is {TYPE_LABELS[strongest]}"]

    identified = {study for ev in basis for study in studies_of(ev, kind_of)}
    unidentified = any(
        not studies_of(ev, kind_of) and ev.type is not EvidenceType.REVIEW for ev in basis
    )
    studies = len(identified) or (1 if unidentified else 0)
    if studies == 0:
        level += 1
        steps.append("down one: no study, only reviews' own conclusions")
    elif studies < MIN_STUDIES:
        level += 1
        steps.append("down one: a single study")

    if consistency is not Consistency.CONSISTENT:
        level += 1
        steps.append(f"down one: {consistency.value}")

    top = [ev for ev in basis if ev.type is strongest]
    second_hand = all(is_second_hand(ev, kind_of) for ev in top)
    indirect = all(ev.indirect for ev in top)
    if all(is_second_hand(ev, kind_of) or ev.indirect for ev in top):
        level += 1
        if second_hand:
            why = "read only second-hand, in reviews"
        elif indirect:
            why = "indirect (" + "; ".join(dict.fromkeys(ev.indirect for ev in top)) + ")"
        else:
            why = "read second-hand or indirect"
        steps.append(f"down one: the {TYPE_LABELS[strongest]} evidence is {why}")
    grade = GRADES[min(level, len(GRADES) - 1)]
    return Certainty(
        grade,
        grade,
        strongest,
        studies,
        consistency,
        tuple(steps),
        second_hand=second_hand,
        indirect=indirect,
    )


def grade_claim(claim: Claim, kind_of: KindOf = _unknown_kind) -> Certainty:
    """The certainty of ``claim``: the rule's grade, or the curators' override with its reason."""
    derived = derive_certainty(claim.evidence, kind_of)
    if claim.certainty is None:
        return derived
    return Certainty(
        grade=claim.certainty.grade,
        derived=derived.grade,
        strongest=derived.strongest,
        studies=derived.studies,
        consistency=derived.consistency,
        steps=derived.steps,
        overridden=True,
        reason=claim.certainty.reason,
        second_hand=derived.second_hand,
        indirect=derived.indirect,
    )
