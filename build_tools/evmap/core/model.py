"""The evidence map as immutable data. No I/O happens here.

Every entry keeps its :class:`Source` (file and line) so that any later check or
page can point back to where a curator wrote it.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from typing import Any

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


class _Pickles:
    """Pickles as ``cls(*fields)``: several times faster to load than the dataclass default.

    The persistent cache (:mod:`evmap.cache`) stores thousands of these objects.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, name) for name in _field_names(type(self))))  # type: ignore[arg-type]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model class, in declaration order (pickling reads them)."""
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class Source(_Pickles):
    """Where an entry was written: a project-relative path and a 1-based line."""

    path: str
    line: int


class Stance(enum.StrEnum):
    """How one evidence item bears on a claim's statement."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MIXED = "mixed"


class EvidenceType(enum.StrEnum):
    """What kind of study an evidence item comes from."""

    IN_VITRO = "in-vitro"
    EX_VIVO = "ex-vivo"
    IN_VIVO = "in-vivo"
    CLINICAL = "clinical"
    REVIEW = "review"


class Design(enum.StrEnum):
    """The design of a clinical study (how strongly it can show cause and effect)."""

    RANDOMISED_CONTROLLED = "randomised-controlled"
    CONTROLLED = "controlled"
    OPEN_LABEL = "open-label"
    OBSERVATIONAL = "observational"
    CASE_REPORT = "case-report"
    META_ANALYSIS = "meta-analysis"


class Reading(enum.StrEnum):
    """How the curators read a study: what of it they saw."""

    FULL_TEXT = "full-text"
    ABSTRACT = "abstract"
    TITLE_ONLY = "title-only"
    NEWS_REPORT = "news-report"


class Relation(enum.StrEnum):
    """What a claim asserts about a compound-pathway pair it names.

    The question every pair answers is "does this compound act through (or need)
    this pathway?"; a claim answers it yes (``through``), no (``not-through``: the
    compound acts independently of the pathway, or through something else
    instead), or asks something else about the pair (``other``: a side effect, a
    biomarker, an open question).
    """

    THROUGH = "through"
    NOT_THROUGH = "not-through"
    OTHER = "other"


class Grade(enum.StrEnum):
    """Certainty of a claim, GRADE-like, highest first."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"


@dataclass(frozen=True, slots=True)
class Compound(_Pickles):
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
class Pathway(_Pickles):
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
class ModelSystem(_Pickles):
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
        """Human-readable, e.g. ``"mouse, CSDS"``."""
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
class Evidence(_Pickles):
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
class CertaintyOverride(_Pickles):
    """A curator's grade that replaces the derived one, with the reason why."""

    grade: Grade
    reason: str


@dataclass(frozen=True, slots=True)
class Assertion(_Pickles):
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


class ReviewStatus(enum.StrEnum):
    """Where a claim stands in the curators' review."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class Review(_Pickles):
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
class Claim(_Pickles):
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


class ReferenceKind(enum.StrEnum):
    """What kind of paper a reference is (curators' notes beside the library)."""

    PRIMARY_STUDY = "primary-study"
    TRIAL = "trial"
    REVIEW = "review"
    PREPRINT = "preprint"
    CONFERENCE_ABSTRACT = "conference-abstract"
    OTHER = "other"


class NoteType(enum.StrEnum):
    """What a curator's note on a reference is about."""

    RETRACTED = "retracted"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTED = "corrected"
    CONFLICT_OF_INTEREST = "conflict-of-interest"
    COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class ReferenceNote(_Pickles):
    """A note readers must see next to every citation of a reference."""

    type: NoteType
    text: str


@dataclass(frozen=True, slots=True)
class ResearchGroup(_Pickles):
    """A curator's statement of which research group a paper comes from, and why."""

    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReferenceInfo(_Pickles):
    """The curators' entry on one reference, keyed by citation key.

    Attributes:
        key: The citation key.
        source: Where the entry is written.
        kind: What kind of paper it is (None: nobody said).
        notes: Notes readers see next to every citation of it.
        record: Where its bibliographic facts were verified ("" when not said).
        not_seen: BibTeX fields that could not be verified (e.g. ``doi``).
        group: The research group, when a curator overrides the one derived from
            the authors.
    """

    key: str
    source: Source
    kind: ReferenceKind | None = None
    notes: tuple[ReferenceNote, ...] = ()
    record: str = ""
    not_seen: tuple[str, ...] = ()
    group: ResearchGroup | None = None


@dataclass(frozen=True, slots=True)
class ReferenceText(_Pickles):
    """How a reference reads, formatted once per build.

    Attributes:
        label: Short in-text label, e.g. ``"Berman et al., 2000"``.
        html: Full formatted reference as safe HTML (escaped).
        text: The same as plain text (used for hover tooltips).
        fields: Plain-text fields (title, year, journal, volume, number, pages...).
    """

    label: str
    html: str
    text: str
    fields: Mapping[str, str] = field(default_factory=dict)


# Fields kept as written (validated, never formatted): they become links.
LINK_FIELDS = ("doi", "pmid", "url", "arxiv")

_SLUG_UNSAFE = re.compile(r"[^a-z0-9_]+")


@functools.cache
def reference_slug(key: str) -> str:
    """The URL segment of a reference page, from its key alone (so it never moves).

    Lower case, accents dropped, every run of other characters (``:``, ``/``,
    ``.``, ``+``, spaces...) one ``-``: ``knuth:1984`` gives ``knuth-1984``. Two
    keys may give one slug; the library check reports that as an error.
    """
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = _SLUG_UNSAFE.sub("-", ascii_key.lower()).strip("-")
    if not slug:
        slug = "ref-" + hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
    return slug


@dataclass(frozen=True, slots=True)
class Reference(_Pickles):
    """A library entry. Its text is formatted on first use, so checking never pays for it.

    Attributes:
        key: The BibTeX key as written.
        entry_type: ``article``, ``book``...
        source: Where the entry starts in the library.
        links: The validated DOI, PMID, URL and arXiv id (and evmap-ignore).
        formatter: Returns the formatted text; called at most once per content
            (the library layer caches it by the entry's content and style).
        entry_fields: The entry's published fields (the bibliographic ones and those
            opted in: :mod:`evmap.core.library.publish`) as written (LaTeX source),
            with what it inherits through crossref and xdata.
        bibtex: The entry as the download shows it: its published fields, each as
            written in its file.
        requires: What the entry needs to be read on its own, in order: the @string
            macros its published fields use (verbatim) and its crossref/xdata parents
            (published alike).
    """

    key: str
    entry_type: str
    source: Source
    links: Mapping[str, str] = field(default_factory=dict)
    formatter: Callable[[], ReferenceText] = field(
        default=lambda: ReferenceText("", "", ""), compare=False, repr=False
    )
    entry_fields: Mapping[str, str] = field(default_factory=dict)
    bibtex: str = field(default="", compare=False, repr=False)
    requires: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def formatted(
        cls,
        key: str,
        entry_type: str,
        label: str,
        html: str,
        text: str,
        fields: Mapping[str, str],
        source: Source,
    ) -> Reference:
        """A reference whose text is already known (tests, tools)."""
        done = ReferenceText(label, html, text)
        links = {k: v for k, v in fields.items() if k in LINK_FIELDS}
        own = {k: v for k, v in fields.items() if k not in LINK_FIELDS}
        return cls(key, entry_type, source, links, lambda: done, own)

    @property
    def label(self) -> str:
        """Short in-text label."""
        return self.formatter().label

    @property
    def html(self) -> str:
        """Full formatted reference as safe HTML."""
        return self.formatter().html

    @property
    def text(self) -> str:
        """Full formatted reference as plain text."""
        return self.formatter().text

    @property
    def fields(self) -> Mapping[str, str]:
        """The entry's fields as written, with the link fields as validated."""
        return {**self.entry_fields, **self.links}

    @property
    def slug(self) -> str:
        """URL segment of the reference page (see :func:`reference_slug`)."""
        return reference_slug(self.key)

    @property
    def doi(self) -> str:
        """DOI without resolver prefix, or ``""``."""
        return self.links.get("doi", "")


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
