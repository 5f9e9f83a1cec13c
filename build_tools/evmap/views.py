"""Evidence views: certainty grades, contradiction flags, the compound x pathway
matrix, facets and the network layout.

Everything here is a pure function of the :class:`~evmap.model.EvidenceMap`:
no I/O and no URLs of its own. Page contexts get their hrefs through a
:class:`Linker` supplied by the renderer, so the same views work hosted and
from ``file://``. The grading rule is written out for readers in
``docs/certainty.md``; a test keeps the two in step.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .model import Claim, Evidence, EvidenceMap, EvidenceType, Grade, Stance
from .schema import load_schema

# -- certainty ----------------------------------------------------------------

GRADES: tuple[Grade, ...] = (Grade.HIGH, Grade.MODERATE, Grade.LOW, Grade.VERY_LOW)
GRADE_LABELS: Mapping[Grade, str] = {
    Grade.HIGH: "High",
    Grade.MODERATE: "Moderate",
    Grade.LOW: "Low",
    Grade.VERY_LOW: "Very low",
}
# The symbols GRADE evidence profiles use, so the grade reads without colour.
GRADE_SYMBOLS: Mapping[Grade, str] = {
    Grade.HIGH: "\u2295\u2295\u2295\u2295",
    Grade.MODERATE: "\u2295\u2295\u2295\u25ef",
    Grade.LOW: "\u2295\u2295\u25ef\u25ef",
    Grade.VERY_LOW: "\u2295\u25ef\u25ef\u25ef",
}
# Strongest first: the claim's starting grade comes from the first of these it has.
TYPE_STRENGTH: tuple[EvidenceType, ...] = (
    EvidenceType.CLINICAL,
    EvidenceType.IN_VIVO,
    EvidenceType.EX_VIVO,
    EvidenceType.IN_VITRO,
    EvidenceType.REVIEW,
)
START_GRADE: Mapping[EvidenceType, Grade] = {
    EvidenceType.CLINICAL: Grade.HIGH,
    EvidenceType.IN_VIVO: Grade.MODERATE,
    EvidenceType.EX_VIVO: Grade.LOW,
    EvidenceType.IN_VITRO: Grade.LOW,
    EvidenceType.REVIEW: Grade.LOW,
}
# A claim resting on fewer distinct references than this loses one grade.
MIN_INDEPENDENT_SOURCES = 2

STANCE_GLYPHS: Mapping[Stance, str] = {
    Stance.SUPPORTS: "\u25b2",
    Stance.CONTRADICTS: "\u25bc",
    Stance.MIXED: "\u25c6",
}
FLAG_GLYPH = "\u26a0"
SPECIES_LABELS: Mapping[str, str] = {
    "human": "human",
    "mouse": "mouse",
    "rat": "rat",
    "non-human-primate": "non-human primate",
    "cell-line": "cell line",
    "unspecified": "species not stated",
    "none": "no model (review or theory)",
}
TYPE_LABELS: Mapping[EvidenceType, str] = {
    EvidenceType.IN_VITRO: "in vitro",
    EvidenceType.EX_VIVO: "ex vivo",
    EvidenceType.IN_VIVO: "in vivo",
    EvidenceType.CLINICAL: "clinical",
    EvidenceType.REVIEW: "review",
}


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


@dataclass(frozen=True, slots=True)
class Certainty:
    """A claim's certainty grade and how it was reached.

    Attributes:
        grade: The grade shown (the curators' override when there is one).
        derived: The grade the rule gives, shown even when overridden.
        strongest: The strongest evidence type among the claim's items.
        sources: Number of independent sources (distinct citation keys).
        consistency: Whether the items agree.
        steps: The rule's steps for this claim, as short sentences.
        overridden: True when the claim's YAML sets ``certainty``.
        reason: The curators' reason for the override ("" when derived).
    """

    grade: Grade
    derived: Grade
    strongest: EvidenceType
    sources: int
    consistency: Consistency
    steps: tuple[str, ...]
    overridden: bool = False
    reason: str = ""


def derive_certainty(evidence: Sequence[Evidence]) -> Certainty:
    """Grade evidence by the documented rule (``docs/certainty.md``).

    1. Start from the strongest evidence type: clinical high, in vivo moderate,
       ex vivo, in vitro and review low.
    2. Down one grade when fewer than :data:`MIN_INDEPENDENT_SOURCES` distinct
       references stand behind the items.
    3. Down one grade when the items do not all point the same way (items
       for and against, or any mixed item).
    4. Never below very low.
    """
    if not evidence:
        return Certainty(
            Grade.VERY_LOW,
            Grade.VERY_LOW,
            EvidenceType.REVIEW,
            0,
            Consistency.CONSISTENT,
            ("very low: no evidence",),
        )
    types = {ev.type for ev in evidence}
    strongest = next(t for t in TYPE_STRENGTH if t in types)
    start = START_GRADE[strongest]
    level = GRADES.index(start)
    steps = [f"starts {GRADE_LABELS[start].lower()}: strongest evidence is {strongest.value}"]
    sources = len({key for ev in evidence for key in ev.citations})
    if sources < MIN_INDEPENDENT_SOURCES:
        level += 1
        steps.append("down one: a single independent source")
    consistency = consistency_of(ev.stance for ev in evidence)
    if consistency is not Consistency.CONSISTENT:
        level += 1
        steps.append(f"down one: {consistency.value}")
    grade = GRADES[min(level, len(GRADES) - 1)]
    return Certainty(grade, grade, strongest, sources, consistency, tuple(steps))


def grade_claim(claim: Claim) -> Certainty:
    """The certainty of ``claim``: the rule's grade, or the curators' override with its reason."""
    derived = derive_certainty(claim.evidence)
    if claim.certainty is None:
        return derived
    return Certainty(
        grade=claim.certainty.grade,
        derived=derived.grade,
        strongest=derived.strongest,
        sources=derived.sources,
        consistency=derived.consistency,
        steps=derived.steps,
        overridden=True,
        reason=claim.certainty.reason,
    )


# -- contradictions -----------------------------------------------------------


def model_label(ev: Evidence) -> str:
    """The model of an evidence item with its type, e.g. ``"mouse, CSDS (in-vivo)"``."""
    none = ev.model.species == "none"
    what = (ev.model.paradigm or "no model") if none else ev.model.describe()
    return f"{what} ({ev.type.value})"


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Evidence pointing both ways: the models on each side, in order of first mention."""

    supports: tuple[str, ...]
    contradicts: tuple[str, ...]

    def describe(self) -> str:
        """One line: ``"supports: mouse, CSDS (in-vivo); contradicts: human, MDD (clinical)"``."""
        return f"supports: {' / '.join(self.supports)}; contradicts: {' / '.join(self.contradicts)}"


def find_contradiction(evidence: Iterable[Evidence]) -> Contradiction | None:
    """A :class:`Contradiction` when the items include both supports and contradicts, else None.

    Mixed items alone do not make a contradiction: they lower the grade instead.
    """
    sides: dict[Stance, list[str]] = {Stance.SUPPORTS: [], Stance.CONTRADICTS: []}
    for ev in evidence:
        if ev.stance in sides:
            sides[ev.stance].append(model_label(ev))
    if not (sides[Stance.SUPPORTS] and sides[Stance.CONTRADICTS]):
        return None
    return Contradiction(
        tuple(dict.fromkeys(sides[Stance.SUPPORTS])),
        tuple(dict.fromkeys(sides[Stance.CONTRADICTS])),
    )


# -- the compound x pathway matrix ---------------------------------------------

NO_COMPOUND = ""
"""Row key of the matrix row holding claims that name no compound."""


class Balance(enum.StrEnum):
    """Balance of a matrix cell or a claim; values are CSS class suffixes."""

    EMPTY = "empty"
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MIXED = "mixed"


def balance_of(supports: int, contradicts: int, mixed: int) -> Balance:
    """Only supporting items: supports; only contradicting: contradicts; anything else: mixed."""
    if not (supports or contradicts or mixed):
        return Balance.EMPTY
    if supports and not (contradicts or mixed):
        return Balance.SUPPORTS
    if contradicts and not (supports or mixed):
        return Balance.CONTRADICTS
    return Balance.MIXED


@dataclass(frozen=True, slots=True)
class CellItem:
    """One evidence item as a matrix cell counts it."""

    claim: str
    stance: Stance
    species: str
    type: EvidenceType
    grade: Grade

    def token(self) -> str:
        """Compact ``stance/species/type/grade`` token the filter script reads."""
        return f"{self.stance.value[0]}/{self.species}/{self.type.value}/{self.grade.value}"


@dataclass(frozen=True, slots=True)
class Cell:
    """The evidence on one compound-pathway pair, pooled over every claim naming both."""

    compound: str
    pathway: str
    claims: tuple[str, ...]
    items: tuple[CellItem, ...]
    contradiction: Contradiction | None

    @property
    def anchor(self) -> str:
        """Id of the cell's entry in the matrix page's cell list."""
        return cell_anchor(self.compound, self.pathway)

    @property
    def listed(self) -> bool:
        """Whether the cell has an entry in the matrix page's cell list.

        Cells pooling several claims, or whose evidence points both ways, do; a
        cell resting on one uncontested claim links straight to that claim, which
        already shows all the entry would (most cells of a large map are such).
        """
        return len(self.claims) > 1 or self.contradiction is not None

    def count(self, stance: Stance) -> int:
        """Number of items with ``stance``."""
        return sum(item.stance is stance for item in self.items)

    @property
    def balance(self) -> Balance:
        """The cell's balance of supporting against contradicting items."""
        return balance_of(
            self.count(Stance.SUPPORTS), self.count(Stance.CONTRADICTS), self.count(Stance.MIXED)
        )


def cell_anchor(compound: str, pathway: str) -> str:
    """``cell-<compound>--<pathway>``; ids never hold ``--``, so the split is unambiguous."""
    return f"cell-{compound or '_none'}--{pathway}"


def cell_href(cell: Cell, links: Linker, matrix: str | None = None) -> str:
    """Where a cell leads: its entry in the matrix page's cell list, or its one claim.

    ``matrix`` is the href of the matrix page from the linking page (``""`` on the
    matrix page itself); by default ``links.page("matrix")``.
    """
    if not cell.listed:
        return links.claim(cell.claims[0])
    return f"{links.page('matrix') if matrix is None else matrix}#{cell.anchor}"


@dataclass(frozen=True, slots=True)
class MapAnalysis:
    """Everything the evidence views derive from a map, computed once per build."""

    certainty: Mapping[str, Certainty]
    contradictions: Mapping[str, Contradiction]
    cells: Mapping[tuple[str, str], Cell]
    # Keys of contested cells by compound and by pathway (for entity pages).
    contested_by_compound: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    contested_by_pathway: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def analyse_map(evidence_map: EvidenceMap) -> MapAnalysis:
    """Grade every claim, flag contradictions and pool evidence into matrix cells."""
    m = evidence_map
    certainty = {cid: grade_claim(claim) for cid, claim in m.claims.items()}
    contradictions = {
        cid: found
        for cid, claim in m.claims.items()
        if (found := find_contradiction(claim.evidence)) is not None
    }
    pooled: dict[tuple[str, str], tuple[list[str], list[CellItem], list[Evidence]]] = {}
    for cid, claim in m.claims.items():
        grade = certainty[cid].grade
        items = [
            CellItem(cid, ev.stance, ev.model.species, ev.type, grade) for ev in claim.evidence
        ]
        compounds = [c for c in claim.compounds if c in m.compounds] or [NO_COMPOUND]
        for pid in claim.pathways:
            if pid not in m.pathways:
                continue
            for compound in compounds:
                claims, cell_items, evidence = pooled.setdefault((compound, pid), ([], [], []))
                claims.append(cid)
                cell_items.extend(items)
                evidence.extend(claim.evidence)
    cells = {
        key: Cell(key[0], key[1], tuple(claims), tuple(items), find_contradiction(evidence))
        for key, (claims, items, evidence) in sorted(pooled.items())
    }
    by_compound: dict[str, list[tuple[str, str]]] = {}
    by_pathway: dict[str, list[tuple[str, str]]] = {}
    for key, cell in cells.items():
        if cell.contradiction is not None:
            by_compound.setdefault(key[0], []).append(key)
            by_pathway.setdefault(key[1], []).append(key)
    return MapAnalysis(
        certainty,
        contradictions,
        cells,
        {k: tuple(v) for k, v in by_compound.items()},
        {k: tuple(v) for k, v in by_pathway.items()},
    )


def compound_rows(evidence_map: EvidenceMap) -> list[tuple[str, int]]:
    """Compounds in tree order (each parent followed by its children, by name) with depth."""
    compounds = evidence_map.compounds
    rows: list[tuple[str, int]] = []

    def walk(cid: str, depth: int, seen: frozenset[str]) -> None:
        rows.append((cid, depth))
        children = sorted(
            evidence_map.children.get(cid, ()), key=lambda i: compounds[i].name.lower()
        )
        for child in children:
            if child not in seen:
                walk(child, depth + 1, seen | {child})

    tops = [c for c in compounds.values() if c.parent not in compounds]
    for c in sorted(tops, key=lambda c: (c.name.lower(), c.id)):
        walk(c.id, 0, frozenset({c.id}))
    placed = {cid for cid, _ in rows}
    # Compounds caught in a parent cycle (validation reports those) still get a row.
    rows.extend((cid, 0) for cid in compounds if cid not in placed)
    return rows


def category_order() -> tuple[str, ...]:
    """Pathway categories in the order the published schema lists them."""
    schema = load_schema("pathway")
    values: list[str] = schema["$defs"]["pathway"]["properties"]["category"]["enum"]
    return tuple(values)


def pathway_columns(evidence_map: EvidenceMap) -> list[tuple[str, list[str]]]:
    """Pathway ids grouped by category (schema order), by name within a category."""
    order = category_order()
    groups: dict[str, list[str]] = {}
    for p in sorted(evidence_map.pathways.values(), key=lambda p: (p.name.lower(), p.id)):
        groups.setdefault(p.category, []).append(p.id)
    rank = {cat: i for i, cat in enumerate(order)}
    return sorted(groups.items(), key=lambda kv: (rank.get(kv[0], len(order)), kv[0]))


# -- page contexts --------------------------------------------------------------


class Linker(Protocol):
    """Hrefs relative to the page being rendered (the renderer supplies one per page)."""

    def page(self, kind: str, subject: str = "") -> str:
        """Href of a generated page, e.g. ``page("compound", "arketamine")``."""
        ...

    def claim(self, claim_id: str) -> str:
        """Href of a claim on its home pathway page."""
        ...

    def file(self, path: str) -> str:
        """Href of a site file given by its site-relative path (downloads, docs)."""
        ...


@dataclass(frozen=True, slots=True)
class Anchor:
    """A label with its href and an optional note (a local link type, see ``render.Link``)."""

    label: str
    href: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class CertaintyView:
    """A claim's grade as shown on its card."""

    grade: str
    label: str
    symbol: str
    overridden: bool
    reason: str
    derived_label: str
    steps: str
    href: str


@dataclass(frozen=True, slots=True)
class FlagView:
    """A contradiction flag: the models on each side."""

    supports: Sequence[str]
    contradicts: Sequence[str]
    text: str


@dataclass(frozen=True, slots=True)
class FacetChip:
    """One facet value on a claim, linking to the facet index on the matrix page.

    ``facet_label`` names the facet (``"Species"``); a claim lists its chips
    grouped by facet, so the name is shown once per group.
    """

    facet: str
    value: str
    label: str
    href: str
    facet_label: str = ""


def certainty_view(certainty: Certainty, doc_href: str) -> CertaintyView:
    """The certainty badge of a claim; ``doc_href`` points at the rule ("" when absent)."""
    return CertaintyView(
        grade=certainty.grade.value,
        label=GRADE_LABELS[certainty.grade],
        symbol=GRADE_SYMBOLS[certainty.grade],
        overridden=certainty.overridden,
        reason=certainty.reason,
        derived_label=GRADE_LABELS[certainty.derived],
        steps="; ".join(certainty.steps),
        href=doc_href,
    )


def flag_view(contradiction: Contradiction | None) -> FlagView | None:
    """The view of a contradiction, or None."""
    if contradiction is None:
        return None
    return FlagView(contradiction.supports, contradiction.contradicts, contradiction.describe())


def slugify(text: str) -> str:
    """Lowercase ASCII slug of free text, for anchors (``"CSDS mice"`` -> ``"csds-mice"``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


@dataclass(frozen=True, slots=True)
class FacetIndex:
    """Every facet value of the map with the claims having it, and each value's anchor."""

    values: Mapping[str, Mapping[str, tuple[str, ...]]]
    anchors: Mapping[tuple[str, str], str]
    labels: Mapping[tuple[str, str], str]


FACET_LIST_LIMIT = 50
"""Claims listed under one facet value on the matrix page; the filters find the rest."""

FACETS: tuple[tuple[str, str], ...] = (
    ("species", "Species"),
    ("type", "Evidence type"),
    ("paradigm", "Paradigm"),
)
"""The facets, each with its heading. A value's anchor on the matrix page is
``<facet>-<slug of value>`` (``species-human``), unique across facets."""


def facet_values(claim: Claim) -> dict[str, list[str]]:
    """The claim's distinct facet values per facet, in order of first use."""
    return {
        "species": list(dict.fromkeys(ev.model.species for ev in claim.evidence)),
        "type": list(dict.fromkeys(ev.type.value for ev in claim.evidence)),
        "paradigm": list(
            dict.fromkeys(ev.model.paradigm for ev in claim.evidence if ev.model.paradigm)
        ),
    }


def facet_label(facet: str, value: str) -> str:
    """Human label of a facet value."""
    if facet == "species":
        return SPECIES_LABELS.get(value, value)
    if facet == "type":
        return TYPE_LABELS.get(EvidenceType(value), value)
    return value


def facet_index(evidence_map: EvidenceMap) -> FacetIndex:
    """Facet values to claim ids, in a stable order, with unique anchors for each value."""
    values: dict[str, dict[str, list[str]]] = {facet: {} for facet, _ in FACETS}
    for cid, claim in evidence_map.claims.items():
        for facet, found in facet_values(claim).items():
            for value in found:
                values[facet].setdefault(value, []).append(cid)
    species_order = list(SPECIES_LABELS)
    type_order = [t.value for t in TYPE_STRENGTH]
    sorters: dict[str, Callable[[str], tuple[int, str]]] = {
        "species": lambda v: (species_order.index(v) if v in species_order else 99, v),
        "type": lambda v: (type_order.index(v) if v in type_order else 99, v),
        "paradigm": lambda v: (0, v.lower()),
    }
    ordered: dict[str, dict[str, tuple[str, ...]]] = {}
    anchors: dict[tuple[str, str], str] = {}
    labels: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for facet, _ in FACETS:
        ordered[facet] = {}
        for value in sorted(values[facet], key=sorters[facet]):
            ordered[facet][value] = tuple(values[facet][value])
            base = f"{facet}-{slugify(value)}"
            anchor, n = base, 1
            while anchor in used:
                n += 1
                anchor = f"{base}-{n}"
            used.add(anchor)
            anchors[facet, value] = anchor
            labels[facet, value] = facet_label(facet, value)
    return FacetIndex(ordered, anchors, labels)


def facet_chips(claim: Claim, facets: FacetIndex, matrix_href: str) -> list[FacetChip]:
    """The facet chips of a claim, each linking to its entry in the matrix page's facet index."""
    chips = []
    names = dict(FACETS)
    for facet, found in facet_values(claim).items():
        for value in found:
            chips.append(
                FacetChip(
                    facet,
                    value,
                    facets.labels.get((facet, value), value),
                    f"{matrix_href}#{facets.anchors.get((facet, value), 'facets')}",
                    names[facet],
                )
            )
    return chips


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """One non-empty cell of the matrix table (empty cells are ``None``).

    A large map has 100,000 cells, so a cell carries little: its balance as one
    letter (``s``, ``c``, ``m``: the cell's class), the counts as glyph text
    (``"▲3 ▼1 ⚠"``), a title only when its evidence points both ways (naming the
    models on each side), and its items as :func:`item_code` tokens.
    """

    anchor: str
    href: str
    title: str
    balance: str
    count: int
    supports: int
    contradicts: int
    mixed: int
    flagged: bool
    tokens: str
    glyphs: str = ""


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """A compound row: its header link, tree depth and one cell per column."""

    id: str
    link: Anchor
    depth: int
    cells: Sequence[MatrixCell | None]


@dataclass(frozen=True, slots=True)
class ColumnGroup:
    """A category heading spanning its pathways' columns."""

    id: str
    label: str
    span: int


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A claim listed under a cell or facet: link, counts and grade."""

    link: Anchor
    supports: int
    contradicts: int
    mixed: int
    grade: str
    grade_label: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class CellDetail:
    """The entry of a non-empty cell in the cell list below the matrix."""

    anchor: str
    compound: Anchor
    pathway: Anchor
    supports: int
    contradicts: int
    mixed: int
    flag: FlagView | None
    claims: Sequence[ClaimLine]


@dataclass(frozen=True, slots=True)
class FilterOption:
    """A checkbox of the filter form: value, label and how many evidence items have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class FilterGroup:
    """A fieldset of the filter form (``name`` is the token field it filters)."""

    name: str
    legend: str
    options: Sequence[FilterOption]


@dataclass(frozen=True, slots=True)
class FacetEntry:
    """One facet value and the claims having it."""

    anchor: str
    label: str
    claims: Sequence[Anchor]
    total: int = 0
    """How many claims have the value; ``claims`` lists the first FACET_LIST_LIMIT."""

    @property
    def more(self) -> int:
        """Claims with the value that are not listed."""
        return max(self.total - len(self.claims), 0)


@dataclass(frozen=True, slots=True)
class FacetGroup:
    """All values of one facet."""

    id: str
    label: str
    entries: Sequence[FacetEntry]


@dataclass(frozen=True, slots=True)
class MatrixPage:
    """Context of ``matrix.html``.

    Attributes:
        groups: Category headings over the pathway columns.
        columns: Pathway column headers, in column order.
        rows: Compound rows in tree order (plus a last row for claims naming no compound).
        details: One entry per listed cell (:attr:`Cell.listed`), linked from the cell.
        filters: Species, evidence type and certainty checkboxes (shown by the script).
        facets: Facet index: each species, type and paradigm with its claims.
        items: Total evidence items counted in the matrix.
        filled: Number of non-empty cells.
        total_cells: Number of cells.
        flagged_cells: Number of cells whose evidence points both ways.
        downloads: Links to the data downloads.
        certainty_href: The certainty rule's page ("" when the site has none).
        network_href: The network page.
    """

    groups: Sequence[ColumnGroup]
    columns: Sequence[Anchor]
    rows: Sequence[MatrixRow]
    details: Sequence[CellDetail]
    filters: Sequence[FilterGroup]
    facets: Sequence[FacetGroup]
    items: int
    filled: int
    total_cells: int
    flagged_cells: int
    downloads: Sequence[Anchor]
    certainty_href: str
    network_href: str


CODE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
"""Digits of the filter codes: a value's code is its position among its group's checkboxes."""


def filter_codes(filters: Sequence[FilterGroup]) -> dict[str, dict[str, str]]:
    """Code of every filter value by group name: the digit of its checkbox's position.

    The schemas bound each group (7 species, 5 evidence types, 4 grades), far
    below the 36 one-character codes.
    """
    return {
        group.name: {option.value: CODE_DIGITS[i] for i, option in enumerate(group.options)}
        for group in filters
    }


def item_code(item: CellItem, codes: Mapping[str, Mapping[str, str]]) -> str:
    """Four-character token of a cell item the filter script reads: ``s120``.

    Stance letter (``s``, ``c``, ``m``), then the codes of its species, evidence
    type and certainty grade (:func:`filter_codes`).
    """
    return (
        item.stance.value[0]
        + codes["species"][item.species]
        + codes["type"][item.type.value]
        + codes["certainty"][item.grade.value]
    )


def cell_glyphs(supports: int, contradicts: int, mixed: int, flagged: bool) -> str:
    """The counts of a cell as glyphs, zeros left out: ``"▲3 ▼1 ⚠"``."""
    parts = [
        f"{STANCE_GLYPHS[stance]}{n}"
        for stance, n in (
            (Stance.SUPPORTS, supports),
            (Stance.CONTRADICTS, contradicts),
            (Stance.MIXED, mixed),
        )
        if n
    ]
    if flagged:
        parts.append(FLAG_GLYPH)
    return " ".join(parts)


def _cell_title(compound: str, pathway: str, cell: Cell) -> str:
    s, c, m = (cell.count(st) for st in (Stance.SUPPORTS, Stance.CONTRADICTS, Stance.MIXED))
    text = (
        f"{compound} \u00d7 {pathway}: {len(cell.items)} evidence items ({s} supporting, "
        f"{c} contradicting, {m} mixed) in {len(cell.claims)} claims"
    )
    if cell.contradiction is not None:
        text += f". Evidence points both ways: {cell.contradiction.describe()}"
    return text


def _claim_line(
    evidence_map: EvidenceMap, analysis: MapAnalysis, links: Linker, cid: str
) -> ClaimLine:
    claim = evidence_map.claims[cid]
    grade = analysis.certainty[cid].grade
    return ClaimLine(
        Anchor(claim.statement, links.claim(cid)),
        sum(ev.stance is Stance.SUPPORTS for ev in claim.evidence),
        sum(ev.stance is Stance.CONTRADICTS for ev in claim.evidence),
        sum(ev.stance is Stance.MIXED for ev in claim.evidence),
        grade.value,
        GRADE_LABELS[grade],
        cid in analysis.contradictions,
    )


def matrix_page(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    facets: FacetIndex,
    links: Linker,
    category_labels: Mapping[str, str],
    downloads: Sequence[Anchor],
    certainty_href: str,
) -> MatrixPage:
    """The context of the matrix page: table, cell list, filters and facet index."""
    m = evidence_map
    grouped = pathway_columns(m)
    groups = [ColumnGroup(cat, category_labels.get(cat, cat), len(ids)) for cat, ids in grouped]
    column_ids = [pid for _, ids in grouped for pid in ids]
    columns = [Anchor(m.pathways[p].name, links.page("pathway", p)) for p in column_ids]
    row_specs = compound_rows(m)
    if any(key[0] == NO_COMPOUND for key in analysis.cells):
        row_specs.append((NO_COMPOUND, 0))
    rows: list[MatrixRow] = []
    details: list[CellDetail] = []
    filters = filter_groups(m, analysis)
    codes = filter_codes(filters)
    for cid, depth in row_specs:
        if cid == NO_COMPOUND:
            header = Anchor("No compound named", "")
        else:
            header = Anchor(m.compounds[cid].name, links.page("compound", cid))
        cells: list[MatrixCell | None] = []
        for pid in column_ids:
            cell = analysis.cells.get((cid, pid))
            if cell is None:
                cells.append(None)
                continue
            s, c, x = (cell.count(st) for st in (Stance.SUPPORTS, Stance.CONTRADICTS, Stance.MIXED))
            flagged = cell.contradiction is not None
            cells.append(
                MatrixCell(
                    anchor=cell.anchor,
                    href=cell_href(cell, links, ""),
                    title=_cell_title(header.label, m.pathways[pid].name, cell) if flagged else "",
                    balance=cell.balance.value,
                    count=len(cell.items),
                    supports=s,
                    contradicts=c,
                    mixed=x,
                    flagged=flagged,
                    tokens=" ".join(item_code(item, codes) for item in cell.items),
                    glyphs=cell_glyphs(s, c, x, flagged),
                )
            )
            if not cell.listed:
                continue
            details.append(
                CellDetail(
                    anchor=cell.anchor,
                    compound=header,
                    pathway=Anchor(m.pathways[pid].name, links.page("pathway", pid)),
                    supports=s,
                    contradicts=c,
                    mixed=x,
                    flag=flag_view(cell.contradiction),
                    claims=[_claim_line(m, analysis, links, k) for k in cell.claims],
                )
            )
        rows.append(MatrixRow(cid, header, depth, cells))
    return MatrixPage(
        groups=groups,
        columns=columns,
        rows=rows,
        details=details,
        filters=filters,
        facets=facet_groups(m, facets, links),
        items=sum(len(cell.items) for cell in analysis.cells.values()),
        filled=len(analysis.cells),
        total_cells=len(rows) * len(columns),
        flagged_cells=sum(cell.contradiction is not None for cell in analysis.cells.values()),
        downloads=downloads,
        certainty_href=certainty_href,
        network_href=links.page("network"),
    )


def filter_groups(evidence_map: EvidenceMap, analysis: MapAnalysis) -> list[FilterGroup]:
    """Filter checkboxes for the species, evidence types and grades present in the map.

    Counts are evidence items in the map (an item counts once however many cells it is in).
    """
    species: dict[str, int] = {}
    types: dict[str, int] = {}
    grades: dict[str, int] = {}
    for cid, claim in evidence_map.claims.items():
        grade = analysis.certainty[cid].grade.value
        for ev in claim.evidence:
            species[ev.model.species] = species.get(ev.model.species, 0) + 1
            types[ev.type.value] = types.get(ev.type.value, 0) + 1
            grades[grade] = grades.get(grade, 0) + 1
    species_order = list(SPECIES_LABELS)
    return [
        FilterGroup(
            "species",
            "Species",
            [
                FilterOption(v, SPECIES_LABELS.get(v, v), species[v])
                for v in sorted(species, key=lambda v: (species_order.index(v), v))
            ],
        ),
        FilterGroup(
            "type",
            "Evidence type",
            [
                FilterOption(t.value, TYPE_LABELS[t], types[t.value])
                for t in TYPE_STRENGTH
                if t.value in types
            ],
        ),
        FilterGroup(
            "certainty",
            "Certainty",
            [
                FilterOption(g.value, GRADE_LABELS[g], grades[g.value])
                for g in GRADES
                if g.value in grades
            ],
        ),
    ]


def facet_groups(evidence_map: EvidenceMap, facets: FacetIndex, links: Linker) -> list[FacetGroup]:
    """The facet index of the matrix page: every value of every facet with its claims."""
    groups = []
    for facet, label in FACETS:
        entries = [
            FacetEntry(
                facets.anchors[facet, value],
                facets.labels[facet, value],
                [
                    Anchor(evidence_map.claims[c].statement, links.claim(c))
                    for c in claim_ids[:FACET_LIST_LIMIT]
                ],
                len(claim_ids),
            )
            for value, claim_ids in facets.values[facet].items()
        ]
        groups.append(FacetGroup(facet, label, entries))
    return groups


@dataclass(frozen=True, slots=True)
class PairFlag:
    """A contested compound-pathway pair on an entity page: the other entity and both sides."""

    other: Anchor
    cell_href: str
    flag: FlagView


def pair_flags(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    links: Linker,
    *,
    compound: str = "",
    pathway: str = "",
) -> list[PairFlag]:
    """Contested pairs involving ``compound`` (or ``pathway``), for that entity's page."""
    flags = []
    matrix = links.page("matrix")
    keys = (
        analysis.contested_by_compound.get(compound, ())
        if compound
        else analysis.contested_by_pathway.get(pathway, ())
    )
    for cid, pid in keys:
        cell = analysis.cells[(cid, pid)]
        if cell.contradiction is None or cid == NO_COMPOUND:
            continue
        if compound and cid == compound:
            other = Anchor(evidence_map.pathways[pid].name, links.page("pathway", pid))
        elif pathway and pid == pathway:
            other = Anchor(evidence_map.compounds[cid].name, links.page("compound", cid))
        else:
            continue
        view = flag_view(cell.contradiction)
        assert view is not None
        flags.append(PairFlag(other, cell_href(cell, links, matrix), view))
    return sorted(flags, key=lambda f: f.other.label.lower())


# -- the network --------------------------------------------------------------

CLAIM_NODE_LIMIT = 150
"""Above this many claims the network joins compounds to pathways directly, one edge per pair."""
ROW_HEIGHT = 22.0
CHAR_WIDTH = 6.6
LABEL_CHARS = 56
MARGIN = 16.0
HEADER = 28.0
SWEEPS = 8


@dataclass(frozen=True, slots=True)
class NetNode:
    """A positioned node: a compound, claim or pathway, linking to its page."""

    key: str
    kind: str
    label: str
    title: str
    href: str
    x: float
    y: float
    width: float
    text_x: float
    text_anchor: str
    balance: str = ""
    flagged: bool = False

    @property
    def text_y(self) -> float:
        """Baseline of the label, centred on the node for a 12 px font."""
        return round(self.y + 4, 1)

    @property
    def top(self) -> float:
        """Top of the node's box (claims are 16 px tall boxes, markers 10 px)."""
        return round(self.y - (8 if self.kind == "claim" else 5), 1)


@dataclass(frozen=True, slots=True)
class NetEdge:
    """A drawn edge: an SVG path, its stance class, width, hover text and optional link."""

    d: str
    balance: str
    width: float
    title: str
    href: str = ""


@dataclass(frozen=True, slots=True)
class NetColumn:
    """A column heading of the layered layout."""

    label: str
    x: float
    anchor: str


@dataclass(frozen=True, slots=True)
class NetworkLayout:
    """The network laid out for SVG: size, columns, nodes and edges (all deterministic)."""

    width: float
    height: float
    aggregated: bool
    columns: Sequence[NetColumn]
    nodes: Sequence[NetNode]
    edges: Sequence[NetEdge]
    stats: Mapping[str, int] = field(default_factory=dict)


LayerEdges = dict[tuple[str, str], float]


def order_layers(
    layers: Sequence[Sequence[str]], edges: Sequence[LayerEdges], sweeps: int = SWEEPS
) -> list[list[str]]:
    """Reorder each layer by the barycentre of its neighbours to reduce edge crossings.

    ``edges[i]`` weights the edges between ``layers[i]`` and ``layers[i + 1]``.
    Alternating down and up sweeps; positions are normalised to 0..1 so layers
    of different sizes compare; nodes without neighbours keep their place; ties
    keep the current order. Deterministic for a given input order. The best
    ordering seen (fewest crossings, counted cheaply) is returned.
    """
    order = [list(layer) for layer in layers]
    down: list[dict[str, list[tuple[str, float]]]] = [{} for _ in layers]
    up: list[dict[str, list[tuple[str, float]]]] = [{} for _ in layers]
    for i, between in enumerate(edges):
        for (a, b), w in between.items():
            up[i + 1].setdefault(b, []).append((a, w))
            down[i].setdefault(a, []).append((b, w))

    def positions(layer: list[str]) -> dict[str, float]:
        span = max(len(layer) - 1, 1)
        return {node: i / span for i, node in enumerate(layer)}

    def reorder(i: int, ref: int, nbrs: dict[str, list[tuple[str, float]]]) -> None:
        pos = positions(order[ref])
        own = positions(order[i])
        keyed = []
        for idx, node in enumerate(order[i]):
            found = [(pos[n], w) for n, w in nbrs.get(node, ()) if n in pos]
            total = sum(w for _, w in found)
            bary = sum(p * w for p, w in found) / total if total else own[node]
            keyed.append((bary, idx, node))
        order[i] = [node for _, _, node in sorted(keyed)]

    best = [list(layer) for layer in order]
    best_score = crossings(best, edges)
    for sweep in range(sweeps):
        if sweep % 2 == 0:
            for i in range(1, len(order)):
                reorder(i, i - 1, up[i])
        else:
            for i in range(len(order) - 2, -1, -1):
                reorder(i, i + 1, down[i])
        score = crossings(order, edges)
        if score < best_score:
            best, best_score = [list(layer) for layer in order], score
    return best


@functools.lru_cache(maxsize=2)
def _order_layers_memo(
    layers: tuple[tuple[str, ...], ...],
    edges: tuple[tuple[tuple[tuple[str, str], float], ...], ...],
) -> list[list[str]]:
    """:func:`order_layers` remembered by its input: ``mkdocs serve`` rebuilds after an
    edit that leaves the graph as it was (most edits) skip the sweeps."""
    return order_layers(layers, [dict(between) for between in edges])


def ordered_layers(layers: Sequence[Sequence[str]], edges: Sequence[LayerEdges]) -> list[list[str]]:
    """:func:`order_layers`, computed once per distinct graph (a copy for the caller)."""
    key_layers = tuple(tuple(layer) for layer in layers)
    key_edges = tuple(tuple(between.items()) for between in edges)
    return [list(layer) for layer in _order_layers_memo(key_layers, key_edges)]


def crossings(layers: Sequence[Sequence[str]], edges: Sequence[LayerEdges]) -> int:
    """Number of edge crossings between consecutive layers (merge-count, O(E log E))."""
    total = 0
    for i, between in enumerate(edges):
        top = {node: k for k, node in enumerate(layers[i])}
        bottom = {node: k for k, node in enumerate(layers[i + 1])}
        pairs = sorted((top[a], bottom[b]) for a, b in between if a in top and b in bottom)
        total += _inversions([b for _, b in pairs])
    return total


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j] (merge sort); equal values do not cross."""
    if len(values) < 2:
        return 0
    mid = len(values) // 2
    left, right = values[:mid], values[mid:]
    count = _inversions(left) + _inversions(right)
    merged: list[int] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            count += len(left) - i
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    values[:] = merged
    return count


def _truncate(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _ys(count: int, inner: float) -> list[float]:
    """Vertical centres of ``count`` nodes spread over ``inner`` pixels (at most 3 rows apart)."""
    if not count:
        return []
    spacing = min(inner / count, ROW_HEIGHT * 3)
    offset = (inner - spacing * count) / 2
    return [round(HEADER + MARGIN + offset + spacing * (k + 0.5), 1) for k in range(count)]


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    mid = round((x1 + x2) / 2, 1)
    return f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _claim_balance(claim: Claim) -> Balance:
    return balance_of(
        sum(ev.stance is Stance.SUPPORTS for ev in claim.evidence),
        sum(ev.stance is Stance.CONTRADICTS for ev in claim.evidence),
        sum(ev.stance is Stance.MIXED for ev in claim.evidence),
    )


def layout_network(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    links: Linker,
    claim_node_limit: int = CLAIM_NODE_LIMIT,
) -> NetworkLayout:
    """Lay the network out in columns: compounds left, pathways right.

    Up to ``claim_node_limit`` claims, each claim is a node in a middle column,
    joined to its compounds and pathways by edges styled by the claim's balance.
    Above it, edges join compounds to pathways directly, one per pair, as wide
    as the pair's evidence and styled by its balance, so size grows with pairs,
    not claims. Node order within each column comes from :func:`order_layers`.
    """
    m = evidence_map
    aggregated = len(m.claims) > claim_node_limit
    comp_ids = [cid for cid, _ in compound_rows(m)]
    path_ids = [pid for _, ids in pathway_columns(m) for pid in ids]
    if aggregated:
        pair: LayerEdges = {
            (cid, pid): float(len(cell.items))
            for (cid, pid), cell in analysis.cells.items()
            if cid != NO_COMPOUND
        }
        layer_edges = [pair]
        layers = ordered_layers([comp_ids, path_ids], layer_edges)
    else:
        claim_ids = list(m.claims)
        left: LayerEdges = {}
        right: LayerEdges = {}
        for kid, claim in m.claims.items():
            for cid in claim.compounds:
                if cid in m.compounds:
                    left[cid, kid] = 1.0
            for pid in claim.pathways:
                if pid in m.pathways:
                    right[kid, pid] = 1.0
        layer_edges = [left, right]
        layers = ordered_layers([comp_ids, claim_ids, path_ids], layer_edges)

    def width_of(labels: Iterable[str]) -> float:
        return max((len(s) for s in labels), default=8) * CHAR_WIDTH + 12

    comp_w = width_of(_truncate(m.compounds[c].name) for c in comp_ids)
    path_w = width_of(_truncate(m.pathways[p].name) for p in path_ids)
    gap = 260.0 if aggregated else 170.0
    inner = max((len(layer) for layer in layers), default=1) * ROW_HEIGHT
    height = round(inner + HEADER + 2 * MARGIN, 1)
    x_comp = MARGIN + comp_w  # compound markers sit right of their labels
    nodes: list[NetNode] = []

    pos: dict[str, tuple[float, float]] = {}
    for cid, y in zip(layers[0], _ys(len(layers[0]), inner), strict=True):
        c = m.compounds[cid]
        nodes.append(
            NetNode(
                f"c:{cid}",
                "compound",
                _truncate(c.name),
                c.name,
                links.page("compound", cid),
                x_comp,
                y,
                10.0,
                x_comp - 9,
                "end",
            )
        )
        pos[f"c:{cid}"] = (x_comp + 5, y)
    columns = [NetColumn("Compounds", x_comp, "end")]
    x_next = x_comp + gap
    edges: list[NetEdge] = []
    if not aggregated:
        claim_w = width_of(_truncate(FLAG_GLYPH + " " + m.claims[k].statement) for k in layers[1])
        for kid, y in zip(layers[1], _ys(len(layers[1]), inner), strict=True):
            claim = m.claims[kid]
            flagged = kid in analysis.contradictions
            label = _truncate((FLAG_GLYPH + " " if flagged else "") + claim.statement)
            grade = GRADE_LABELS[analysis.certainty[kid].grade].lower()
            title = f"{claim.statement} ({grade} certainty"
            if flagged:
                title += "; evidence points both ways: " + analysis.contradictions[kid].describe()
            title += ")"
            nodes.append(
                NetNode(
                    f"k:{kid}",
                    "claim",
                    label,
                    title,
                    links.claim(kid),
                    x_next,
                    y,
                    claim_w,
                    x_next + 6,
                    "start",
                    _claim_balance(claim).value,
                    flagged,
                )
            )
            pos[f"k-in:{kid}"] = (x_next, y)
            pos[f"k-out:{kid}"] = (x_next + claim_w, y)
        columns.append(NetColumn("Claims", x_next, "start"))
        x_next += claim_w + gap
    x_path = x_next
    for pid, y in zip(layers[-1], _ys(len(layers[-1]), inner), strict=True):
        p = m.pathways[pid]
        nodes.append(
            NetNode(
                f"p:{pid}",
                "pathway",
                _truncate(p.name),
                p.name,
                links.page("pathway", pid),
                x_path,
                y,
                10.0,
                x_path + 9,
                "start",
            )
        )
        pos[f"p:{pid}"] = (x_path - 5, y)
    columns.append(NetColumn("Pathways", x_path, "start"))
    width = round(x_path + path_w + MARGIN, 1)

    if aggregated:
        matrix = links.page("matrix")
        for (cid, pid), cell in analysis.cells.items():
            if cid == NO_COMPOUND:
                continue
            (x1, y1), (x2, y2) = pos[f"c:{cid}"], pos[f"p:{pid}"]
            n_s, n_c, n_m = (
                cell.count(st) for st in (Stance.SUPPORTS, Stance.CONTRADICTS, Stance.MIXED)
            )
            title = (
                f"{m.compounds[cid].name} \u2192 {m.pathways[pid].name}: "
                f"{len(cell.items)} evidence items (\u25b2 {n_s} \u25bc {n_c} \u25c6 {n_m}) "
                f"in {len(cell.claims)} claims"
            )
            edges.append(
                NetEdge(
                    _curve(x1, y1, x2, y2),
                    cell.balance.value,
                    round(1 + math.log2(len(cell.items)), 1),
                    title,
                    cell_href(cell, links, matrix),
                )
            )
    else:
        for kid, claim in m.claims.items():
            balance = _claim_balance(claim).value
            xin, yin = pos[f"k-in:{kid}"]
            xout, yout = pos[f"k-out:{kid}"]
            for cid in claim.compounds:
                if f"c:{cid}" in pos:
                    x1, y1 = pos[f"c:{cid}"]
                    title = f"{m.compounds[cid].name} \u2014 {claim.statement}"
                    edges.append(NetEdge(_curve(x1, y1, xin, yin), balance, 1.5, title))
            for pid in claim.pathways:
                if f"p:{pid}" in pos:
                    x2, y2 = pos[f"p:{pid}"]
                    title = f"{claim.statement} \u2014 {m.pathways[pid].name}"
                    edges.append(NetEdge(_curve(xout, yout, x2, y2), balance, 1.5, title))
    # Draw contradicting and mixed edges last so they stay visible on top.
    rank = {Balance.SUPPORTS.value: 0, Balance.MIXED.value: 1, Balance.CONTRADICTS.value: 2}
    edges.sort(key=lambda e: rank.get(e.balance, 0))
    return NetworkLayout(
        width=width,
        height=height,
        aggregated=aggregated,
        columns=columns,
        nodes=nodes,
        edges=edges,
        stats={
            "compounds": len(layers[0]),
            "pathways": len(layers[-1]),
            "claims": len(m.claims),
            "edges": len(edges),
            "crossings": crossings(layers, layer_edges),
        },
    )


@dataclass(frozen=True, slots=True)
class NetworkPage:
    """Context of ``network.html``: the layout plus links for the page text."""

    layout: NetworkLayout
    matrix_href: str
    legend: Sequence[tuple[str, str, str]]


def network_page(evidence_map: EvidenceMap, analysis: MapAnalysis, links: Linker) -> NetworkPage:
    """The context of the network page."""
    legend = [
        (Balance.SUPPORTS.value, "\u2501\u2501", "only supporting evidence (solid)"),
        (Balance.CONTRADICTS.value, "\u2505\u2505", "only contradicting evidence (dashed)"),
        (Balance.MIXED.value, "\u2509\u2509", "both ways or mixed (dotted)"),
    ]
    return NetworkPage(layout_network(evidence_map, analysis, links), links.page("matrix"), legend)
