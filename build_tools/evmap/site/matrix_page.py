"""The matrix page: compounds against pathways, each cell answering one question.

A cell counts the items that tested its compound and its pathway by how they
answer "does this compound act through this pathway?" (their stance on the
pair's question, :func:`evmap.analysis.matrix.pair_stance`); items of claims
asking another question of the pair are marked apart (○) and never counted.
Built from the map and its analysis; hrefs come from a :class:`Linker`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from evmap.analysis.analyse import MapAnalysis
from evmap.analysis.facets import FACETS, FacetIndex
from evmap.analysis.matrix import (
    NO_COMPOUND,
    Cell,
    CellItem,
    cell_loads,
    compound_rows,
    pathway_columns,
)
from evmap.core.model import EvidenceMap, Relation, Stance
from evmap.core.vocab import (
    FLAG_GLYPH,
    GRADE_LABELS,
    GRADES,
    OTHER_GLYPH,
    RELATION_LABELS,
    STANCE_GLYPHS,
    TYPE_LABELS,
    TYPE_STRENGTH,
    plural,
    species_of,
)
from evmap.site.views import Anchor, FlagView, Linker, cell_href, flag_view, term_links

__all__ = [
    "CODE_DIGITS",
    "FACET_LIST_LIMIT",
    "FIRST_HAND",
    "SECOND_HAND",
    "SOURCE_LABELS",
    "CellDetail",
    "ClaimLine",
    "ColumnGroup",
    "FacetEntry",
    "FacetGroup",
    "FilterGroup",
    "FilterOption",
    "MatrixCell",
    "MatrixPage",
    "MatrixRow",
    "MatrixWhole",
    "cell_glyphs",
    "cell_label",
    "facet_groups",
    "filter_codes",
    "filter_groups",
    "item_code",
    "matrix_page",
]

FACET_LIST_LIMIT = 50
"""Claims listed under one facet value on the matrix page; the filters find the rest."""


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """One non-empty cell of the matrix table (empty cells are ``None``).

    A large map has 100,000 cells, so a cell carries little: its balance as one
    letter (``s``, ``c``, ``m``, or ``o`` for evidence only on other questions: the
    cell's class), the counts on the pair's question as glyph text (``"▲3 ▼1 ⚠ ○2"``),
    a title only when its evidence points both ways (naming the models on each
    side), and its items as :func:`item_code` tokens. ``count`` counts the items on
    the pair's question; ``other`` those of claims asking another question.
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
    other: int = 0
    label: str = ""
    """The cell link's accessible name (:func:`cell_label`): screen readers read it, not
    the glyphs."""


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
    """A claim listed under a cell: link, counts and grade.

    Under a cell its counts are of its items there, on the pair's question (an
    item supporting a claim that the compound acts without the pathway counts
    against); ``asserts`` says what the claim asserts of the pair, and ``flagged``
    whether the claim's own items point both ways.
    """

    link: Anchor
    supports: int
    contradicts: int
    mixed: int
    grade: str
    grade_label: str
    flagged: bool
    asserts: str = ""


@dataclass(frozen=True, slots=True)
class CellDetail:
    """The entry of a non-empty cell in the cell list below the matrix: its counts on the
    pair's question, its flag, the claims answering it and (``others``) the claims asking
    another question of the pair, with ``other`` items."""

    anchor: str
    compound: Anchor
    pathway: Anchor
    supports: int
    contradicts: int
    mixed: int
    flag: FlagView | None
    claims: Sequence[ClaimLine]
    others: Sequence[ClaimLine] = ()
    other: int = 0


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
        items: Evidence items counted in the table's cells, on their pairs' questions
            (an item counts once in each cell of what it tested).
        filled: Number of cells with evidence on their pair's question.
        total_cells: Number of cells.
        flagged_cells: Number of cells whose items on that question point both ways.
        other_cells: Number of cells with evidence only on other questions (○).
        downloads: Links to the data downloads.
        certainty_href: The certainty rule's page ("" when the site has none).
        network_href: The network page.
        glossary: The page defining the map's terms (append ``#term-<name>``).
        whole: The whole map's size when the table shows only its busiest compounds
            and pathways (:attr:`MapAnalysis.extent`); None when it shows everything.
        terms: Hrefs of the defined terms by anchor (:data:`evmap.core.vocab.DEFINITIONS`).
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
    other_cells: int = 0
    terms: Mapping[str, str] = field(default_factory=dict)


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

    Its stance on the pair's question (``s`` for, ``c`` against, ``m`` mixed; ``o``
    for an item of a claim asking another question), then the codes of its species,
    evidence type, certainty grade and how it was read (:func:`filter_codes`).
    """
    return (
        ("o" if item.relation is Relation.OTHER else item.stance.value[0])
        + codes["species"][item.species]
        + codes["type"][item.type.value]
        + codes["certainty"][item.grade.value]
        + codes["source"][SECOND_HAND if item.second_hand else FIRST_HAND]
    )


def cell_glyphs(supports: int, contradicts: int, mixed: int, flagged: bool, other: int = 0) -> str:
    """The counts of a cell as glyphs, zeros left out: ``"▲3 ▼1 ⚠ ○2"`` (○: items on
    another question, never counted)."""
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
    if other:
        parts.append(f"{OTHER_GLYPH}{other}")
    return " ".join(parts)


def cell_label(
    compound: str,
    pathway: str,
    supports: int,
    contradicts: int,
    mixed: int,
    flagged: bool,
    other: int = 0,
) -> str:
    """The words a screen reader says for a cell's link, zeros left out: ``"Ketamine
    \u00d7 NMDA receptor inhibition: 4 evidence items, 3 for, 1 against, contested"``. The total
    is the number the cell shows, so the name holds the visible text (WCAG 2.5.3)."""
    parts = [plural(supports + contradicts + mixed, "evidence item")]
    parts += [
        f"{n} {word}"
        for n, word in ((supports, "for"), (contradicts, "against"), (mixed, "mixed"))
        if n
    ]
    if flagged:
        parts.append("contested")
    if other:
        parts.append(f"{other} on another question")
    return f"{compound} \u00d7 {pathway}: {', '.join(parts)}"


def _cell_title(compound: str, pathway: str, cell: Cell) -> str:
    s, c, m = (cell.count(st) for st in (Stance.SUPPORTS, Stance.CONTRADICTS, Stance.MIXED))
    text = (
        f"{compound} \u00d7 {pathway}: {plural(len(cell.items), 'evidence item')} on whether "
        f"it acts through it ({s} for, {c} against, {m} mixed) in "
        f"{plural(len(cell.claims), 'claim')}"
    )
    if cell.contradiction is not None:
        sides = cell.contradiction
        text += (
            f". Evidence points both ways: for: {' / '.join(sides.supports)}; "
            f"against: {' / '.join(sides.contradicts)}"
        )
    return text


def _claim_line(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    links: Linker,
    cid: str,
    cell: Cell,
    items: Sequence[CellItem],
) -> ClaimLine:
    """A claim under a cell; its counts are of ``items`` (the cell's items of it)."""
    claim = evidence_map.claims[cid]
    grade = analysis.certainty[cid].grade
    stances = [item.stance for item in items if item.claim == cid]
    relation = claim.relation(cell.compound, cell.pathway)
    return ClaimLine(
        Anchor(claim.statement, links.claim(cid)),
        stances.count(Stance.SUPPORTS),
        stances.count(Stance.CONTRADICTS),
        stances.count(Stance.MIXED),
        grade.value,
        GRADE_LABELS[grade],
        cid in analysis.contradictions,
        RELATION_LABELS[relation],
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
    # Families first, parents before children, the busiest rows and columns first.
    compound_loads, pathway_loads = cell_loads(analysis.cells)
    grouped = pathway_columns(m, pathway_loads)
    row_specs = compound_rows(m, compound_loads)
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
    terms = term_links(links)
    # An item's token depends on five values shared by many items: make each token once.
    tokens: dict[tuple[object, ...], str] = {}

    def token(item: CellItem) -> str:
        key = (item.stance, item.relation, item.species, item.type, item.grade, item.second_hand)
        found = tokens.get(key)
        if found is None:
            found = tokens[key] = item_code(item, codes)
        return found

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
                    tokens=" ".join(token(item) for item in (*cell.items, *cell.other)),
                    glyphs=cell_glyphs(s, c, x, flagged, len(cell.other)),
                    other=len(cell.other),
                    label=cell_label(
                        header.label, m.pathways[pid].name, s, c, x, flagged, len(cell.other)
                    ),
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
                    flag=flag_view(cell.contradiction, terms["contested-pair"], pair=True),
                    claims=[
                        _claim_line(m, analysis, links, k, cell, cell.items) for k in cell.claims
                    ],
                    others=[
                        _claim_line(m, analysis, links, k, cell, cell.other)
                        for k in cell.other_claims
                    ],
                    other=len(cell.other),
                )
            )
        rows.append(MatrixRow(cid, header, depth, cells))
    table = [cell for row in rows for cell in row.cells if cell is not None]  # counted as shown
    answered = [cell for cell in table if cell.count]
    return MatrixPage(
        groups=groups,
        columns=columns,
        rows=rows,
        details=details,
        filters=filters,
        facets=facet_groups(m, facets, links),
        items=sum(cell.count for cell in table),
        filled=len(answered),
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
        other_cells=len(table) - len(answered),
        terms=terms,
    )


FIRST_HAND, SECOND_HAND = "first-hand", "second-hand"
"""Values of the matrix's source filter: read in the study itself, or through a review."""
SOURCE_LABELS = {
    FIRST_HAND: "read in the study",
    SECOND_HAND: "second-hand (in a review, a news report or the title only)",
}


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
    return [
        FilterGroup(
            "species",
            "Species",
            [
                FilterOption(v, species_of(v).label, species[v])
                for v in sorted(species, key=lambda v: (species_of(v).rank, v))
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
