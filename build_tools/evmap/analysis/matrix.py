"""The compound x pathway matrix: each evidence item credited only to the pairs it tested,
on the one question every pair answers.

An item bears on the compounds and pathways it names itself, or, when it names
none, on all its claim's (``Claim.item_compounds`` / ``item_pathways``). A cell
pools the items of every claim that bear on its very compound and its very
pathway, so a broad claim naming four compounds and two pathways no longer
lends each of its items to all eight pairs.

A stance is relative to its claim, and claims say different things of a pair
(``Claim.relation``). A cell answers one question, "does this compound act
through this pathway?": an item supporting a claim that asserts ``through``
counts for it, one supporting a ``not-through`` claim counts against it (and
contradicting such a claim counts for it), mixed stays mixed
(:func:`pair_stance`). Items of claims asking another question of the pair
(``other``) are kept apart in the cell: shown, never counted in its balance or
its contradiction flag.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from evmap.analysis.contradictions import Contradiction, find_pair_contradiction
from evmap.core.model import Claim, Evidence, EvidenceMap, EvidenceType, Grade, Relation, Stance
from evmap.core.vocab import KIND_LABELS, category_order

__all__ = [
    "FAMILY_KINDS",
    "NO_COMPOUND",
    "VIEW_MAX_CELLS",
    "Balance",
    "Cell",
    "CellItem",
    "Extent",
    "balance_of",
    "balance_of_items",
    "busiest_extent",
    "cell_anchor",
    "cell_loads",
    "compound_rows",
    "item_pairs",
    "pair_stance",
    "pathway_columns",
    "pool_cells",
]

NO_COMPOUND = ""
"""Row key of the matrix row holding claims that name no compound."""


class Balance(enum.StrEnum):
    """Balance of a matrix cell, a claim or an edge; values are CSS class suffixes."""

    EMPTY = "empty"
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MIXED = "mixed"
    OTHER = "other"
    """Evidence only on another question (claims asserting ``other`` of the pair)."""


def balance_of(supports: int, contradicts: int, mixed: int) -> Balance:
    """Only supporting items: supports; only contradicting: contradicts; anything else: mixed."""
    if not (supports or contradicts or mixed):
        return Balance.EMPTY
    if supports and not (contradicts or mixed):
        return Balance.SUPPORTS
    if contradicts and not (supports or mixed):
        return Balance.CONTRADICTS
    return Balance.MIXED


def balance_of_items(evidence: Iterable[Evidence]) -> Balance:
    """The balance of some evidence items."""
    stances = [ev.stance for ev in evidence]
    return balance_of(
        stances.count(Stance.SUPPORTS),
        stances.count(Stance.CONTRADICTS),
        stances.count(Stance.MIXED),
    )


def item_pairs(
    claim: Claim,
    evidence: Evidence,
    compounds: Mapping[str, object],
    pathways: Mapping[str, object],
) -> Iterator[tuple[str, str]]:
    """The (compound, pathway) pairs one item of ``claim`` bears on (known ids only).

    A claim naming no compound puts its items in the :data:`NO_COMPOUND` row.
    """
    named = [c for c in claim.item_compounds(evidence) if c in compounds]
    if not named and not claim.compounds:
        named = [NO_COMPOUND]
    for pid in claim.item_pathways(evidence):
        if pid in pathways:
            for cid in named:
                yield cid, pid


_SWAPPED = {
    Stance.SUPPORTS: Stance.CONTRADICTS,
    Stance.CONTRADICTS: Stance.SUPPORTS,
    Stance.MIXED: Stance.MIXED,
}


def pair_stance(stance: Stance, relation: Relation) -> Stance:
    """How an item bears on its pair's question, from its stance on its claim.

    ``SUPPORTS`` reads "for: the compound acts through the pathway", ``CONTRADICTS``
    "against". An item supporting a ``not-through`` claim is against the pair, and
    one contradicting it is for; mixed stays mixed. For ``other`` the stance is
    returned as it is: such items never enter a pair's balance.
    """
    return _SWAPPED[stance] if relation is Relation.NOT_THROUGH else stance


@dataclass(frozen=True, slots=True)
class CellItem:
    """One evidence item as a matrix cell counts it.

    Attributes:
        claim: The item's claim.
        stance: The item's stance on the pair's question (:func:`pair_stance`); for
            an item of a claim asking another question, its stance on its claim.
        species: The species of its model.
        type: Its kind of study.
        grade: Its claim's certainty grade.
        second_hand: Whether it was read second-hand.
        relation: What its claim asserts about the pair.
    """

    claim: str
    stance: Stance
    species: str
    type: EvidenceType
    grade: Grade
    second_hand: bool = False
    relation: Relation = Relation.THROUGH


@dataclass(frozen=True, slots=True)
class Cell:
    """The evidence on one compound-pathway pair: the items that bear on both.

    Attributes:
        compound: The row (:data:`NO_COMPOUND` for claims naming no compound).
        pathway: The column.
        claims: The claims answering the pair's question (``through`` or ``not-through``).
        items: Their items that bear on the pair, each with its stance on the question.
        contradiction: The models on each side when those items point both ways.
        other_claims: Claims asking another question of the pair (``other``).
        other: Their items that bear on the pair: shown, never counted.
        tally: How many of ``items`` are for, against and mixed (in that order), counted
            once: every page of a compound or pathway reads the balance of its cells.
    """

    compound: str
    pathway: str
    claims: tuple[str, ...]
    items: tuple[CellItem, ...]
    contradiction: Contradiction | None
    other_claims: tuple[str, ...] = ()
    other: tuple[CellItem, ...] = ()
    tally: tuple[int, int, int] = (0, 0, 0)

    @property
    def anchor(self) -> str:
        """Id of the cell's entry in the matrix page's cell list."""
        return cell_anchor(self.compound, self.pathway)

    @property
    def listed(self) -> bool:
        """Whether the cell has an entry in the matrix page's cell list.

        Cells pooling several claims (answering its question or another), or whose
        evidence points both ways, do; a cell resting on one uncontested claim links
        straight to that claim, which already shows all the entry would (most cells
        of a large map are such).
        """
        return len(self.claims) + len(self.other_claims) > 1 or self.contradiction is not None

    @property
    def first_claim(self) -> str:
        """The claim a cell resting on one claim leads to."""
        return (self.claims or self.other_claims)[0]

    def count(self, stance: Stance) -> int:
        """Number of items with ``stance`` on the pair's question."""
        return self.tally[_TALLY[stance]]

    @property
    def balance(self) -> Balance:
        """The cell's balance on the pair's question (``other`` when only claims asking
        another question of the pair bear on it)."""
        if not self.items:
            return Balance.OTHER if self.other else Balance.EMPTY
        return balance_of(
            self.count(Stance.SUPPORTS), self.count(Stance.CONTRADICTS), self.count(Stance.MIXED)
        )


_TALLY = {Stance.SUPPORTS: 0, Stance.CONTRADICTS: 1, Stance.MIXED: 2}
"""Where each stance is counted in :attr:`Cell.tally`."""


def cell_anchor(compound: str, pathway: str) -> str:
    """``cell-<compound>--<pathway>``; ids never hold ``--``, so the split is unambiguous."""
    return f"cell-{compound or '_none'}--{pathway}"


def pool_cells(
    evidence_map: EvidenceMap,
    grades: Mapping[str, Grade],
    second_hand: Mapping[tuple[str, int], bool],
) -> dict[tuple[str, str], Cell]:
    """Every non-empty cell, in sorted key order.

    Args:
        evidence_map: The map.
        grades: Each claim's grade (its items carry it in the matrix filters).
        second_hand: Whether item ``(claim id, index)`` was read second-hand.
    """
    m = evidence_map
    # Per pair: the claims answering its question, their items and those items' evidence
    # (for the contradiction's models); apart, the claims asking another question.
    pooled: dict[tuple[str, str], tuple[list[str], list[CellItem], list[Evidence]]] = {}
    others: dict[tuple[str, str], tuple[list[str], list[CellItem]]] = {}
    for cid, claim in m.claims.items():
        for index, ev in enumerate(claim.evidence):
            shared = (ev.model.species, ev.type, grades[cid], second_hand.get((cid, index), False))
            for pair in item_pairs(claim, ev, m.compounds, m.pathways):
                # Most claims assert nothing: each of their pairs is "through".
                relation = claim.relation(*pair) if claim.asserts else Relation.THROUGH
                if relation is Relation.OTHER:
                    other_claims, other = others.get(pair) or others.setdefault(pair, ([], []))
                    if not other_claims or other_claims[-1] != cid:
                        other_claims.append(cid)
                    other.append(CellItem(cid, ev.stance, *shared, relation))
                    if pair not in pooled:
                        pooled[pair] = ([], [], [])
                    continue
                entry = pooled.get(pair)
                if entry is None:
                    entry = pooled[pair] = ([], [], [])
                claims, items, evidence = entry
                if not claims or claims[-1] != cid:
                    claims.append(cid)
                items.append(CellItem(cid, pair_stance(ev.stance, relation), *shared, relation))
                evidence.append(ev)
    cells: dict[tuple[str, str], Cell] = {}
    for key, (claims, items, evidence) in sorted(pooled.items()):
        stances = [item.stance for item in items]
        apart = others.get(key)
        cells[key] = Cell(
            key[0],
            key[1],
            tuple(claims),
            tuple(items),
            find_pair_contradiction(zip(stances, evidence, strict=True)),
            tuple(apart[0]) if apart else (),
            tuple(apart[1]) if apart else (),
            (
                stances.count(Stance.SUPPORTS),
                stances.count(Stance.CONTRADICTS),
                stances.count(Stance.MIXED),
            ),
        )
    return cells


FAMILY_KINDS = ("racemate", "enantiomer", "metabolite")
"""Kinds of compound that make up a drug's family (the racemate, its enantiomers, their
metabolites); the matrix puts families before drugs, tool compounds and endogenous factors
used to probe them, and within a family a racemate before its enantiomers before their
metabolites."""


def cell_loads(cells: Mapping[tuple[str, str], Cell]) -> tuple[dict[str, int], dict[str, int]]:
    """Evidence items in each compound's and in each pathway's cells (items on another
    question included), by id: how much evidence the matrix shows in a row and a column."""
    compounds: dict[str, int] = {}
    pathways: dict[str, int] = {}
    for (cid, pid), cell in cells.items():
        n = len(cell.items) + len(cell.other)
        compounds[cid] = compounds.get(cid, 0) + n
        pathways[pid] = pathways.get(pid, 0) + n
    return compounds, pathways


def compound_rows(
    evidence_map: EvidenceMap, loads: Mapping[str, int] | None = None
) -> list[tuple[str, int]]:
    """Compounds in tree order (each parent followed by its children) with their depth.

    Without ``loads`` siblings and roots are in name order. With ``loads`` (evidence items
    by compound id, :func:`cell_loads`), as the matrix orders its rows: roots of a family
    (:data:`FAMILY_KINDS`) come first, then the other roots, each group with the most
    evidence (its own and its descendants') first; a parent's children by kind (a racemate's
    enantiomers before its metabolites), then by evidence. Ties go by name, then id.
    """
    compounds = evidence_map.compounds
    rows: list[tuple[str, int]] = []
    kinds = {kind: i for i, kind in enumerate(KIND_LABELS)}
    totals = _subtree_loads(evidence_map, loads or {})

    def by_evidence(cid: str) -> tuple[int, str, str]:
        return (-totals.get(cid, 0), compounds[cid].name.lower(), cid)

    def walk(cid: str, depth: int, seen: frozenset[str]) -> None:
        rows.append((cid, depth))
        children = evidence_map.children.get(cid, ())
        if loads is None:
            ordered = sorted(children, key=lambda i: compounds[i].name.lower())
        else:
            ordered = sorted(
                children, key=lambda i: (kinds.get(compounds[i].kind, len(kinds)), *by_evidence(i))
            )
        for child in ordered:
            if child not in seen:
                walk(child, depth + 1, seen | {child})

    tops = [c.id for c in compounds.values() if c.parent not in compounds]
    if loads is None:
        tops.sort(key=lambda i: (compounds[i].name.lower(), i))
    else:
        tops.sort(key=lambda i: (compounds[i].kind not in FAMILY_KINDS, *by_evidence(i)))
    for cid in tops:
        walk(cid, 0, frozenset({cid}))
    placed = {cid for cid, _ in rows}
    # Compounds caught in a parent cycle (validation reports those) still get a row.
    rows.extend((cid, 0) for cid in compounds if cid not in placed)
    return rows


def _subtree_loads(evidence_map: EvidenceMap, loads: Mapping[str, int]) -> dict[str, int]:
    """Each compound's evidence plus its descendants' (a compound in a parent cycle counts
    its own only)."""
    totals: dict[str, int] = {}
    for cid in evidence_map.compounds:
        seen = {cid}
        parent = evidence_map.compounds[cid].parent
        totals[cid] = totals.get(cid, 0) + loads.get(cid, 0)
        while parent is not None and parent in evidence_map.compounds and parent not in seen:
            seen.add(parent)
            totals[parent] = totals.get(parent, 0) + loads.get(cid, 0)
            parent = evidence_map.compounds[parent].parent
    return totals


def pathway_columns(
    evidence_map: EvidenceMap, loads: Mapping[str, int] | None = None
) -> list[tuple[str, list[str]]]:
    """Pathway ids grouped by category (schema order); within a category by name, or with
    ``loads`` (evidence items by pathway id) the most evidence first, ties by name and id."""
    order = category_order()
    groups: dict[str, list[str]] = {}
    count = loads or {}
    for p in sorted(
        evidence_map.pathways.values(), key=lambda p: (-count.get(p.id, 0), p.name.lower(), p.id)
    ):
        groups.setdefault(p.category, []).append(p.id)
    rank = {cat: i for i, cat in enumerate(order)}
    return sorted(groups.items(), key=lambda kv: (rank.get(kv[0], len(order)), kv[0]))


VIEW_MAX_CELLS = 100_000
"""The largest compound x pathway grid the matrix table and the network draw whole
(500 compounds by 200 pathways, a 9 MB page). A table of 10 million cells weighs
over 150 MB and no browser opens it; past this size the views show the busiest
compounds and pathways (:func:`busiest_extent`) and say so."""


@dataclass(frozen=True, slots=True)
class Extent:
    """The compounds and pathways the matrix table and the network show of a large map.

    Attributes:
        compounds: Ids of the compounds shown (rows and left-hand nodes).
        pathways: Ids of the pathways shown (columns and right-hand nodes).
    """

    compounds: frozenset[str]
    pathways: frozenset[str]

    def shows(self, compound: str, pathway: str) -> bool:
        """Whether the cell of ``compound`` and ``pathway`` is in the shown table.

        The row of claims naming no compound is shown whenever its pathway is.
        """
        return pathway in self.pathways and (compound == NO_COMPOUND or compound in self.compounds)


def busiest_extent(
    evidence_map: EvidenceMap,
    cells: Mapping[tuple[str, str], Cell],
    max_cells: int = VIEW_MAX_CELLS,
) -> Extent | None:
    """The busiest compounds and pathways whose grid fits ``max_cells``, or None when all fit.

    Rows and columns shrink by the same factor, so the table keeps the map's
    shape; "busiest" counts the evidence items in a compound's (or pathway's)
    cells, ties broken by id so the choice is deterministic.
    """
    n_rows, n_columns = len(evidence_map.compounds), len(evidence_map.pathways)
    if n_rows * n_columns <= max_cells:
        return None
    scale = math.sqrt(max_cells / (n_rows * n_columns))
    rows = max(1, min(n_rows, math.floor(n_rows * scale)))
    columns = max(1, min(n_columns, max_cells // rows))
    by_compound = dict.fromkeys(evidence_map.compounds, 0)
    by_pathway = dict.fromkeys(evidence_map.pathways, 0)
    for (cid, pid), cell in cells.items():
        load = len(cell.items) + len(cell.other)
        if cid in by_compound:
            by_compound[cid] += load
        if pid in by_pathway:
            by_pathway[pid] += load

    def top(counts: dict[str, int], n: int) -> frozenset[str]:
        return frozenset(sorted(counts, key=lambda i: (-counts[i], i))[:n])

    return Extent(top(by_compound, rows), top(by_pathway, columns))
