"""The evidence map as immutable data. No I/O happens here.

Every entry keeps its :class:`Source` (file and line) so that any later check or
page can point back to where a curator wrote it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from typing import Any

from evmap.core.kinds import (
    Design,
    EvidenceType,
    Grade,
    NoteType,
    Pickled,
    Reading,
    ReferenceKind,
    Relation,
    ReviewStatus,
    Source,
    Stance,
)
from evmap.core.reference import (
    LINK_FIELDS,
    Reference,
    ReferenceInfo,
    ReferenceNote,
    ReferenceText,
    ResearchGroup,
    reference_slug,
)

__all__ = [
    "LINK_FIELDS",
    "Assertion",
    "CertaintyOverride",
    "Claim",
    "Compound",
    "Design",
    "Evidence",
    "EvidenceMap",
    "EvidenceType",
    "Grade",
    "ModelSystem",
    "NoteType",
    "Pathway",
    "Reading",
    "Reference",
    "ReferenceInfo",
    "ReferenceKind",
    "ReferenceNote",
    "ReferenceText",
    "Relation",
    "ResearchGroup",
    "Review",
    "ReviewStatus",
    "Source",
    "Stance",
    "build_map",
    "reference_slug",
    "written_as",
    "yaml_fields",
]


@dataclass(frozen=True, slots=True)
class Compound(Pickled):
    """A compound: a racemate, one of its enantiomers, a metabolite or a tool."""

    id: str
    name: str
    kind: str
    source: Source
    synonyms: tuple[str, ...] = ()
    parent: str | None = None
    identifiers: Mapping[str, str | int] = field(default_factory=dict)
    summary: str = ""
    parent_line: int = field(default=0, compare=False, repr=False)
    identifier_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Pathway(Pickled):
    """A mechanism, axis or circuit through which a compound may act."""

    id: str
    name: str
    category: str
    source: Source
    related: tuple[str, ...] = ()
    summary: str = ""
    related_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    identifiers: Mapping[str, str] = field(default_factory=dict)
    identifier_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ModelSystem(Pickled):
    """The experimental model an evidence item rests on.

    Attributes:
        species: A species of the vocabulary (its NCBI Taxonomy id comes from there).
        paradigm: The experimental paradigm ("" when not said).
        taxon: The NCBI Taxonomy id of the exact species, when the vocabulary's is too
            broad or has none (a macaque for ``non-human-primate``); "" when not said.
    """

    species: str
    paradigm: str = ""
    taxon: str = ""

    def describe(self) -> str:
        """As the YAML writes it, e.g. ``"mouse, CSDS"`` (``evmap diff`` shows it; pages
        name species by their labels, :func:`evmap.core.vocab.model_words`)."""
        return ", ".join(part for part in (self.species, self.paradigm) if part)

    @classmethod
    def from_yaml(cls, data: Mapping[str, str]) -> ModelSystem:
        """The model as written in YAML: ``{species: mouse, paradigm: CSDS}``."""
        return cls(data["species"], data.get("paradigm", ""), data.get("taxon", ""))

    def to_yaml(self) -> dict[str, str]:
        """The model as YAML writes it (paradigm and taxon only when set)."""
        return {
            "species": self.species,
            **({"paradigm": self.paradigm} if self.paradigm else {}),
            **({"taxon": self.taxon} if self.taxon else {}),
        }


def _optional(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``read`` for an optional field: None (left out) stays None."""
    return lambda value: None if value is None else read(value)


def written_as(
    key: str,
    label: str,
    read: Callable[[Any], Any],
    write: Callable[[Any], Any],
    *,
    lines: str = "",
    missing: Any = None,
) -> dict[str, Any]:
    """Metadata of a model field written in YAML as ``key``: how to read and write it.

    Loading (:mod:`evmap.core.load`), the downloads (:mod:`evmap.site.export`) and
    :mod:`evmap.site.diff` go through such fields, so a new optional field of an
    evidence item reaches all of them from its declaration here. ``label`` names
    it for readers; ``lines`` names the field that keeps the line of each list
    item; ``missing`` is the value of a field left out of the YAML (the field's
    default, or for a field the constructor requires, this value).
    """
    return {
        "yaml": key,
        "label": label,
        "read": read,
        "write": write,
        "lines": lines,
        "missing": missing,
    }


@functools.cache
def yaml_fields(cls: type) -> tuple[Field[Any], ...]:
    """The fields of a model class that YAML entries write, in declaration order."""
    return tuple(f for f in fields(cls) if "yaml" in f.metadata)


@dataclass(frozen=True, slots=True)
class Evidence(Pickled):
    """One finding for, against or mixed on a claim.

    Attributes:
        stance: How the finding bears on the claim's statement.
        finding: What the study did and found, in the curators' words.
        model: Species and paradigm of the study.
        type: The kind of study that produced the finding (``review`` only for a
            review's own synthesis), whether it was read first- or second-hand.
        citations: The study (or studies) that produced the finding; empty only
            when it was read second-hand and the study is not identified.
        source: Where the item is written.
        locator: Figure, table or page.
        via: The review(s) through which the finding was read (second-hand).
        compounds: Which of the claim's compounds the item tested (empty: all).
        pathways: Which of the claim's pathways it bears on (empty: all).
        indirect: Why it bears on the claim only indirectly ("" when direct).
        design: The design of a clinical study (None: not recorded).
        sample_size: Participants or animals analysed, as the study states (None: not stated).
        randomised: Whether the study reports randomised allocation (None: not stated).
        blinded: Whether the study reports blinded outcome assessment (None: not stated).
        read: What of the study the curators read (None: not recorded).
        note: The curators' note on how the item was read ("" when none); never part
            of the finding.
    """

    stance: Stance = field(metadata=written_as("stance", "stance", Stance, str))
    finding: str = field(metadata=written_as("finding", "finding", str, str))
    model: ModelSystem = field(
        metadata=written_as("model", "model", ModelSystem.from_yaml, ModelSystem.to_yaml)
    )
    type: EvidenceType = field(metadata=written_as("type", "study type", EvidenceType, str))
    citations: tuple[str, ...] = field(
        metadata=written_as(
            "citations", "citations", tuple, list, lines="citation_lines", missing=()
        )
    )
    source: Source = field()
    locator: str = field(
        default="", metadata=written_as("locator", "locator", str, str, missing="")
    )
    via: tuple[str, ...] = field(
        default=(),
        metadata=written_as("via", "read via", tuple, list, lines="via_lines", missing=()),
    )
    compounds: tuple[str, ...] = field(
        default=(),
        metadata=written_as(
            "compounds", "compounds tested", tuple, list, lines="compound_lines", missing=()
        ),
    )
    pathways: tuple[str, ...] = field(
        default=(),
        metadata=written_as(
            "pathways", "pathways concerned", tuple, list, lines="pathway_lines", missing=()
        ),
    )
    indirect: str = field(
        default="", metadata=written_as("indirect", "indirect because", str, str, missing="")
    )
    design: Design | None = field(
        default=None,
        metadata=written_as("design", "study design", Design, _optional(str), missing=None),
    )
    sample_size: int | None = field(
        default=None,
        metadata=written_as("sample_size", "sample size", int, _optional(int), missing=None),
    )
    randomised: bool | None = field(
        default=None,
        metadata=written_as(
            "randomised", "randomisation reported", bool, _optional(bool), missing=None
        ),
    )
    blinded: bool | None = field(
        default=None,
        metadata=written_as("blinded", "blinding reported", bool, _optional(bool), missing=None),
    )
    read: Reading | None = field(
        default=None,
        metadata=written_as("read", "read from", Reading, _optional(str), missing=None),
    )
    note: str = field(
        default="", metadata=written_as("note", "curators' note", str, str, missing="")
    )
    citation_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    via_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    compound_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    pathway_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def second_hand(self) -> bool:
        """Whether the finding was read in a review (or a news report, or only its title)
        rather than in the study itself."""
        return bool(self.via) or self.read in (Reading.NEWS_REPORT, Reading.TITLE_ONLY)

    def sources(self) -> tuple[str, ...]:
        """Every reference key of the item: the studies, then the reviews it was read in."""
        return self.citations + self.via


@dataclass(frozen=True, slots=True)
class CertaintyOverride(Pickled):
    """A curator's grade that replaces the derived one, with the reason why."""

    grade: Grade
    reason: str


@dataclass(frozen=True, slots=True)
class Assertion(Pickled):
    """What a claim asserts about some of its compound-pathway pairs.

    Attributes:
        relation: The claim's answer for these pairs (see :class:`Relation`).
        compounds: The compounds the rule covers (empty: all the claim's).
        pathways: The pathways it covers (empty: all the claim's).
        line: Where the rule is written (0 for the one-word form).
    """

    relation: Relation
    compounds: tuple[str, ...] = ()
    pathways: tuple[str, ...] = ()
    line: int = field(default=0, compare=False, repr=False)

    def covers(self, compound: str, pathway: str) -> bool:
        """Whether the rule speaks of the pair."""
        return (not self.compounds or compound in self.compounds) and (
            not self.pathways or pathway in self.pathways
        )

    @classmethod
    def from_yaml(cls, data: Any) -> tuple[Assertion, ...]:
        """The rules as written: one relation for every pair, or a list of rules."""
        if isinstance(data, str):
            return (cls(Relation(data)),)
        lines = getattr(data, "item_lines", [0] * len(data))
        return tuple(
            cls(
                Relation(rule["relation"]),
                tuple(rule.get("compounds", ())),
                tuple(rule.get("pathways", ())),
                line,
            )
            for rule, line in zip(data, lines, strict=True)
        )

    def to_yaml(self) -> dict[str, Any]:
        """The rule as YAML writes it (lists only when set)."""
        return {
            "relation": self.relation.value,
            **({"compounds": list(self.compounds)} if self.compounds else {}),
            **({"pathways": list(self.pathways)} if self.pathways else {}),
        }


@dataclass(frozen=True, slots=True)
class Review(Pickled):
    """A claim's review status, as its curators state it.

    Attributes:
        status: Draft, reviewed or disputed.
        by: Who reviewed it (names, or commit e-mails the ``curators`` option names).
        date: When (``YYYY-MM-DD``; "" when not stated).
        reason: Why it is disputed ("" otherwise).
        line: Where the review is written.
    """

    status: ReviewStatus
    by: tuple[str, ...] = ()
    date: str = ""
    reason: str = ""
    line: int = field(default=0, compare=False, repr=False)

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any], line: int = 0) -> Review:
        """The review as written: ``{status: reviewed, by: [Ana Li], date: 2026-11-02}``."""
        return cls(
            ReviewStatus(data["status"]),
            tuple(data.get("by", ())),
            str(data.get("date", "")),
            data.get("reason", ""),
            line,
        )

    def to_yaml(self) -> dict[str, Any]:
        """The review as YAML writes it (optional fields only when set)."""
        return {
            "status": self.status.value,
            **({"by": list(self.by)} if self.by else {}),
            **({"date": self.date} if self.date else {}),
            **({"reason": self.reason} if self.reason else {}),
        }

    def describe(self, names: Callable[[str], str] = str) -> str:
        """The status as a phrase: ``reviewed by Ana Li on 2026-11-02``, ``disputed: ...``.

        ``names`` turns each reviewer as written (a name or an e-mail) into a name.
        """
        text = self.status.value
        if self.by:
            text += " by " + " and ".join(names(who) for who in self.by)
        if self.date:
            text += f" on {self.date}"
        if self.reason:
            text += f": {self.reason}"
        return text


@dataclass(frozen=True, slots=True)
class Claim(Pickled):
    """One statement about compounds and pathways, with its evidence.

    Attributes:
        asserts: What the claim asserts about its compound-pathway pairs, as rules
            (empty: that each compound acts through each pathway).
        former_ids: Ids the claim had before; their anchors stay on its sections.
        review: Its review status (None: not stated).
    """

    id: str
    statement: str
    compounds: tuple[str, ...]
    pathways: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    source: Source
    certainty: CertaintyOverride | None = None
    compound_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    pathway_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    asserts: tuple[Assertion, ...] = ()
    former_ids: tuple[str, ...] = ()
    former_id_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    review: Review | None = None

    @property
    def draft(self) -> bool:
        """Whether the curators marked the claim as a draft."""
        return self.review is not None and self.review.status is ReviewStatus.DRAFT

    def relation(self, compound: str, pathway: str) -> Relation:
        """What the claim asserts about the pair: the first rule covering it, else
        ``through``."""
        for rule in self.asserts:
            if rule.covers(compound, pathway):
                return rule.relation
        return Relation.THROUGH

    @property
    def home_pathway(self) -> str:
        """The pathway whose page is the claim's canonical home."""
        return self.pathways[0]

    def citation_keys(self) -> tuple[str, ...]:
        """Every reference key of the claim (studies and reviews read through), in order
        of first use, without repeats."""
        return tuple(dict.fromkeys(key for ev in self.evidence for key in ev.sources()))

    def item_compounds(self, evidence: Evidence) -> tuple[str, ...]:
        """The compounds an item of this claim tested: its own list, else all the claim's."""
        return evidence.compounds or self.compounds

    def item_pathways(self, evidence: Evidence) -> tuple[str, ...]:
        """The pathways an item of this claim bears on: its own list, else all the claim's."""
        return evidence.pathways or self.pathways


@dataclass(frozen=True, slots=True)
class EvidenceMap:
    """The whole validated map, with the reverse indexes pages need.

    All mappings iterate in sorted id order, so output is deterministic.
    """

    compounds: Mapping[str, Compound]
    pathways: Mapping[str, Pathway]
    claims: Mapping[str, Claim]
    references: Mapping[str, Reference]
    claims_by_pathway: Mapping[str, tuple[str, ...]]
    claims_by_compound: Mapping[str, tuple[str, ...]]
    claims_by_reference: Mapping[str, tuple[str, ...]]
    children: Mapping[str, tuple[str, ...]]
    reference_info: Mapping[str, ReferenceInfo] = field(default_factory=dict)

    def kind_of(self, key: str) -> ReferenceKind | None:
        """The curated kind of reference ``key``, or None when nobody said."""
        info = self.reference_info.get(key)
        return info.kind if info is not None else None


def build_map(
    compounds: list[Compound],
    pathways: list[Pathway],
    claims: list[Claim],
    references: list[Reference],
    reference_info: list[ReferenceInfo] | None = None,
) -> EvidenceMap:
    """Assemble an :class:`EvidenceMap` with its reverse indexes.

    Entries are expected to have passed validation; dangling ids are skipped in
    the indexes rather than raising, so a partial map can still be inspected.
    """
    by_pathway: dict[str, list[str]] = {p.id: [] for p in pathways}
    by_compound: dict[str, list[str]] = {c.id: [] for c in compounds}
    by_reference: dict[str, list[str]] = {r.key: [] for r in references}
    for claim in sorted(claims, key=lambda c: c.id):
        for pid in claim.pathways:
            if pid in by_pathway:
                by_pathway[pid].append(claim.id)
        for cid in claim.compounds:
            if cid in by_compound:
                by_compound[cid].append(claim.id)
        for key in claim.citation_keys():
            if key in by_reference:
                by_reference[key].append(claim.id)
    children: dict[str, list[str]] = {c.id: [] for c in compounds}
    for compound in sorted(compounds, key=lambda c: c.id):
        if compound.parent in children:
            children[compound.parent].append(compound.id)
    return EvidenceMap(
        compounds={c.id: c for c in sorted(compounds, key=lambda c: c.id)},
        pathways={p.id: p for p in sorted(pathways, key=lambda p: p.id)},
        claims={c.id: c for c in sorted(claims, key=lambda c: c.id)},
        references={r.key: r for r in sorted(references, key=lambda r: r.key.lower())},
        claims_by_pathway={k: tuple(v) for k, v in sorted(by_pathway.items())},
        claims_by_compound={k: tuple(v) for k, v in sorted(by_compound.items())},
        claims_by_reference={k: tuple(v) for k, v in sorted(by_reference.items())},
        children={k: tuple(v) for k, v in sorted(children.items())},
        reference_info={i.key: i for i in sorted(reference_info or (), key=lambda i: i.key)},
    )
