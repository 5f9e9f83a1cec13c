"""Contexts of the evidence views: the matrix page, flags, certainty badges, facet chips.

Built from the map and its :class:`~evmap.analysis.MapAnalysis`; every href
comes from a :class:`Linker` supplied by the renderer, so the same views work
hosted and from ``file://``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from evmap.analysis.analyse import MapAnalysis
from evmap.analysis.certainty import Certainty
from evmap.analysis.contradictions import Contradiction
from evmap.analysis.facets import FACETS, FacetIndex, facet_values
from evmap.analysis.matrix import NO_COMPOUND, Cell, CellItem, compound_rows, pathway_columns
from evmap.core.model import Claim, EvidenceMap, Stance
from evmap.core.vocab import (
    FLAG_GLYPH,
    GRADE_LABELS,
    GRADE_SYMBOLS,
    GRADES,
    SPECIES_LABELS,
    STANCE_GLYPHS,
    TYPE_LABELS,
    TYPE_STRENGTH,
    plural,
)

__all__ = [
    "CODE_DIGITS",
    "FACET_LIST_LIMIT",
    "SOURCE_LABELS",
    "Anchor",
    "CellDetail",
    "CertaintyView",
    "ClaimLine",
    "ColumnGroup",
    "FacetChip",
    "FacetEntry",
    "FacetGroup",
    "FilterGroup",
    "FilterOption",
    "FlagView",
    "Linker",
    "MatrixCell",
    "MatrixPage",
    "MatrixRow",
    "MatrixWhole",
    "PairFlag",
    "cell_glyphs",
    "cell_href",
    "certainty_view",
    "facet_chips",
    "facet_groups",
    "filter_codes",
    "filter_groups",
    "flag_view",
    "item_code",
    "matrix_page",
    "pair_flags",
]

FACET_LIST_LIMIT = 50
"""Claims listed under one facet value on the matrix page; the filters find the rest."""


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


def cell_href(cell: Cell, links: Linker, matrix: str | None = None, shown: bool = True) -> str:
    """Where a cell leads: its entry in the matrix page's cell list, or its one claim.

    ``matrix`` is the href of the matrix page from the linking page (``""`` on the
    matrix page itself); by default ``links.page("matrix")``. A cell of several
    claims that the matrix of a large map does not show (``shown`` false) has no
    entry there, so it leads nowhere (``""``).
    """
    if not cell.listed:
        return links.claim(cell.claims[0])
    if not shown:
        return ""
    return f"{links.page('matrix') if matrix is None else matrix}#{cell.anchor}"


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
        glossary: The page defining the map's terms (append ``#term-<name>``).
        whole: The whole map's size when the table shows only its busiest compounds
            and pathways (:attr:`MapAnalysis.extent`); None when it shows everything.
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
    glossary: str = ""
    whole: MatrixWhole | None = None


@dataclass(frozen=True, slots=True)
class MatrixWhole:
    """The size of a map whose matrix table shows only its busiest compounds and pathways."""

    compounds: int
    pathways: int
    cells: int
    filled: int


CODE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
"""Digits of the filter codes: a value's code is its position among its group's checkboxes."""


def filter_codes(filters: Sequence[FilterGroup]) -> dict[str, dict[str, str]]:
    """Code of every filter value by group name: the digit of its checkbox's position.

    The schemas bound each group (7 species, 5 evidence types, 4 grades, 2 ways
    of reading), far below the 36 one-character codes.
    """
    return {
        group.name: {option.value: CODE_DIGITS[i] for i, option in enumerate(group.options)}
        for group in filters
    }


def item_code(item: CellItem, codes: Mapping[str, Mapping[str, str]]) -> str:
    """Five-character token of a cell item the filter script reads: ``s1201``.

    Stance letter (``s``, ``c``, ``m``), then the codes of its species, evidence
    type, certainty grade and how it was read (:func:`filter_codes`).
    """
    return (
        item.stance.value[0]
        + codes["species"][item.species]
        + codes["type"][item.type.value]
        + codes["certainty"][item.grade.value]
        + codes["source"][SECOND_HAND if item.second_hand else FIRST_HAND]
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
        f"{compound} \u00d7 {pathway}: {plural(len(cell.items), 'evidence item')} "
        f"({s} supporting, {c} contradicting, {m} mixed) in {plural(len(cell.claims), 'claim')}"
    )
    if cell.contradiction is not None:
        text += f". Evidence points both ways: {cell.contradiction.describe()}"
    return text


def _claim_line(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    links: Linker,
    cid: str,
    items: Sequence[CellItem] | None = None,
) -> ClaimLine:
    """A claim in a list; its counts are of ``items`` (a cell's items of it), else all its items."""
    claim = evidence_map.claims[cid]
    grade = analysis.certainty[cid].grade
    stances = (
        [item.stance for item in items if item.claim == cid]
        if items is not None
        else [ev.stance for ev in claim.evidence]
    )
    return ClaimLine(
        Anchor(claim.statement, links.claim(cid)),
        stances.count(Stance.SUPPORTS),
        stances.count(Stance.CONTRADICTS),
        stances.count(Stance.MIXED),
        grade.value,
        GRADE_LABELS[grade],
        cid in analysis.contradictions,
    )


def _shown_depth(evidence_map: EvidenceMap, cid: str, shown: Collection[str]) -> int:
    """How many of a compound's ancestors the table shows: its indent there."""
    depth, seen = 0, {cid}
    parent = evidence_map.compounds[cid].parent
    while parent is not None and parent in evidence_map.compounds and parent not in seen:
        depth += parent in shown
        seen.add(parent)
        parent = evidence_map.compounds[parent].parent
    return depth


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
    extent = analysis.extent
    grouped = pathway_columns(m)
    row_specs = compound_rows(m)
    if extent is not None:  # a large map: its busiest compounds and pathways, in the same order
        grouped = [
            (cat, kept)
            for cat, ids in grouped
            if (kept := [i for i in ids if i in extent.pathways])
        ]
        row_specs = [
            (cid, _shown_depth(m, cid, extent.compounds))
            for cid, _ in row_specs
            if cid in extent.compounds
        ]
    groups = [ColumnGroup(cat, category_labels.get(cat, cat), len(ids)) for cat, ids in grouped]
    column_ids = [pid for _, ids in grouped for pid in ids]
    columns = [Anchor(m.pathways[p].name, links.page("pathway", p)) for p in column_ids]
    has_no_compound = any(key[0] == NO_COMPOUND for key in analysis.cells)
    if has_no_compound:
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
                    claims=[_claim_line(m, analysis, links, k, cell.items) for k in cell.claims],
                )
            )
        rows.append(MatrixRow(cid, header, depth, cells))
    table = [cell for row in rows for cell in row.cells if cell is not None]  # counted as shown
    return MatrixPage(
        groups=groups,
        columns=columns,
        rows=rows,
        details=details,
        filters=filters,
        facets=facet_groups(m, facets, links),
        items=sum(cell.count for cell in table),
        filled=len(table),
        total_cells=len(rows) * len(columns),
        flagged_cells=sum(cell.flagged for cell in table),
        downloads=downloads,
        certainty_href=certainty_href,
        network_href=links.page("network"),
        glossary=links.page("home"),
        whole=None
        if extent is None
        else MatrixWhole(
            len(m.compounds),
            len(m.pathways),
            (len(m.compounds) + has_no_compound) * len(m.pathways),
            len(analysis.cells),
        ),
    )


FIRST_HAND, SECOND_HAND = "first-hand", "second-hand"
"""Values of the matrix's source filter: read in the study itself, or through a review."""
SOURCE_LABELS = {FIRST_HAND: "read in the study", SECOND_HAND: "read in a review (second-hand)"}


def filter_groups(evidence_map: EvidenceMap, analysis: MapAnalysis) -> list[FilterGroup]:
    """Filter checkboxes for the species, evidence types, grades and sources in the map.

    Counts are evidence items in the map (an item counts once however many cells it is in).
    """
    species: dict[str, int] = {}
    types: dict[str, int] = {}
    grades: dict[str, int] = {}
    sources: dict[str, int] = {}
    for cid, claim in evidence_map.claims.items():
        grade = analysis.certainty[cid].grade.value
        for index, ev in enumerate(claim.evidence):
            species[ev.model.species] = species.get(ev.model.species, 0) + 1
            types[ev.type.value] = types.get(ev.type.value, 0) + 1
            grades[grade] = grades.get(grade, 0) + 1
            read = SECOND_HAND if analysis.second_hand.get((cid, index)) else FIRST_HAND
            sources[read] = sources.get(read, 0) + 1
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
        FilterGroup(
            "source",
            "Read",
            [
                FilterOption(v, SOURCE_LABELS[v], sources[v])
                for v in (FIRST_HAND, SECOND_HAND)
                if v in sources
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
        flags.append(
            PairFlag(other, cell_href(cell, links, matrix, analysis.shown(cid, pid)), view)
        )
    return sorted(flags, key=lambda f: f.other.label.lower())
