"""Everything the evidence views derive from a map, computed once per build."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from evmap.analysis.certainty import Certainty, grade_claim
from evmap.analysis.contradictions import Contradiction, find_contradiction
from evmap.analysis.matrix import (
    NO_COMPOUND,
    VIEW_MAX_CELLS,
    Cell,
    Extent,
    busiest_extent,
    pool_cells,
)
from evmap.analysis.studies import GroupFinder, StudyGroup, is_second_hand, studies_of
from evmap.analysis.summary import (
    NO_PAIRS,
    EvidenceSummary,
    ItemRef,
    PairSummary,
    summarise,
    summarise_pairs,
)
from evmap.core.model import Claim, EvidenceMap, Stance
from evmap.core.pipeline import collector_paused

__all__ = ["MapAnalysis", "analyse_map"]


@dataclass(frozen=True, slots=True)
class MapAnalysis:
    """Grades, flags, cells and attribution of a map.

    Attributes:
        certainty: Each claim's grade and how it was reached.
        contradictions: Claims whose evidence points both ways, with the models on each side.
        cells: Non-empty matrix cells by (compound, pathway): the items bearing on both,
            each with its stance on the pair's question.
        contested_by_compound: Keys of contested cells by compound (for entity pages):
            pairs whose items on the pair's question point both ways.
        contested_by_pathway: The same by pathway.
        second_hand: Whether each item (claim id, index) was read second-hand.
        items_by_compound: The items that tested each compound.
        items_by_pathway: The items that bear on each pathway.
        sole_source: For claims whose supporting evidence rests on one reference
            alone, that reference's key.
        compounds_by_pathway: The compounds with evidence on each pathway (sorted ids).
        pathways_by_compound: The pathways with evidence on each compound (sorted ids).
        extent: The busiest compounds and pathways, when the map is too large for the
            matrix table and the network to show whole (None: they show everything).
        pairs: The tally of compound-pathway pairs by compound id, by pathway id and
            (key ``""``) of the whole map, as the summaries give them.
        left_out: Claims left out of the cells and the summaries (drafts, when the lab
            asks so); they keep their grade and flag.
        one_group: The claims whose studies (of all their items, for and against) all
            come from one research group: the group, by claim id.
    """

    certainty: Mapping[str, Certainty]
    contradictions: Mapping[str, Contradiction]
    cells: Mapping[tuple[str, str], Cell]
    contested_by_compound: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    contested_by_pathway: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    second_hand: Mapping[ItemRef, bool] = field(default_factory=dict)
    items_by_compound: Mapping[str, tuple[ItemRef, ...]] = field(default_factory=dict)
    items_by_pathway: Mapping[str, tuple[ItemRef, ...]] = field(default_factory=dict)
    sole_source: Mapping[str, str] = field(default_factory=dict)
    compounds_by_pathway: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pathways_by_compound: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    extent: Extent | None = None
    pairs: Mapping[tuple[str, str], PairSummary] = field(default_factory=dict)
    left_out: frozenset[str] = frozenset()
    one_group: Mapping[str, StudyGroup] = field(default_factory=dict)

    def shown(self, compound: str, pathway: str) -> bool:
        """Whether the matrix table (and the network) shows the cell of this pair."""
        return self.extent is None or self.extent.shows(compound, pathway)

    def summary(self, evidence_map: EvidenceMap, kind: str, subject: str = "") -> EvidenceSummary:
        """The state of the evidence on a pathway or compound page, or (``kind`` ``map``) all.

        Its pairs are the subject's compound-pathway pairs (claims naming no compound
        form none).
        """
        m = evidence_map
        if kind == "pathway":
            ids, items = (
                m.claims_by_pathway.get(subject, ()),
                self.items_by_pathway.get(subject, ()),
            )
        elif kind == "compound":
            ids = m.claims_by_compound.get(subject, ())
            items = self.items_by_compound.get(subject, ())
        else:
            ids = tuple(m.claims)
            items = tuple((cid, i) for cid, c in m.claims.items() for i in range(len(c.evidence)))
        if self.left_out:
            ids = tuple(cid for cid in ids if cid not in self.left_out)
            items = tuple(ref for ref in items if ref[0] not in self.left_out)
        return summarise(
            m,
            [m.claims[i] for i in ids],
            items,
            self.certainty,
            self.contradictions,
            self.second_hand,
            self.pairs.get(
                (kind, subject) if kind in ("pathway", "compound") else ("", ""), NO_PAIRS
            ),
        )


def _sole_source(claim: Claim, evidence_map: EvidenceMap) -> str | None:
    """The one reference the claim's supporting evidence rests on, if there is one."""
    basis = [ev for ev in claim.evidence if ev.stance is Stance.SUPPORTS]
    if not basis:
        return None
    studies = {s for ev in basis for s in studies_of(ev, evidence_map.kind_of)}
    if len(studies) == 1:
        return next(iter(studies))
    if studies:
        return None
    keys = {k for ev in basis for k in ev.sources()}
    return next(iter(keys)) if len(keys) == 1 else None


def analyse_map(
    evidence_map: EvidenceMap,
    view_max_cells: int = VIEW_MAX_CELLS,
    leave_out: frozenset[str] = frozenset(),
) -> MapAnalysis:
    """Grade every claim, flag contradictions, attribute items and pool them into cells.

    ``view_max_cells`` bounds the compound x pathway grid the matrix table and the
    network show (:func:`evmap.analysis.matrix.busiest_extent`); claims in
    ``leave_out`` (drafts) are graded but left out of the cells and the summaries.
    """
    # The analysis allocates a few objects per item and pair, none in a reference cycle:
    # the collector would only scan the map again and again while they pile up.
    with collector_paused():
        return _analyse(evidence_map, view_max_cells, leave_out)


def _analyse(
    evidence_map: EvidenceMap, view_max_cells: int, leave_out: frozenset[str]
) -> MapAnalysis:
    m = evidence_map
    kind_of = m.kind_of
    groups = GroupFinder.of_map(m)
    certainty = {cid: grade_claim(claim, kind_of, groups.groups) for cid, claim in m.claims.items()}
    contradictions = {
        cid: found
        for cid, claim in m.claims.items()
        if (found := find_contradiction(claim.evidence)) is not None
    }
    second_hand: dict[ItemRef, bool] = {}
    by_compound: dict[str, list[ItemRef]] = {}
    by_pathway: dict[str, list[ItemRef]] = {}
    for cid, claim in m.claims.items():
        for index, ev in enumerate(claim.evidence):
            second_hand[cid, index] = is_second_hand(ev, kind_of)
            if cid in leave_out:
                continue
            for compound in claim.item_compounds(ev):
                by_compound.setdefault(compound, []).append((cid, index))
            for pathway in claim.item_pathways(ev):
                by_pathway.setdefault(pathway, []).append((cid, index))
    counted = m
    if leave_out:
        kept = {cid: claim for cid, claim in m.claims.items() if cid not in leave_out}
        counted = dataclasses.replace(m, claims=kept)
    cells = pool_cells(counted, {cid: c.grade for cid, c in certainty.items()}, second_hand)
    contested_compound: dict[str, list[tuple[str, str]]] = {}
    contested_pathway: dict[str, list[tuple[str, str]]] = {}
    compounds_by_pathway: dict[str, list[str]] = {}
    pathways_by_compound: dict[str, list[str]] = {}
    # The pairs of each compound and pathway, tallied once for the pages' summaries.
    pair_cells: dict[tuple[str, str], list[Cell]] = {("", ""): []}
    for key, cell in cells.items():  # sorted by (compound, pathway)
        if key[0] != NO_COMPOUND:
            compounds_by_pathway.setdefault(key[1], []).append(key[0])
            pathways_by_compound.setdefault(key[0], []).append(key[1])
            pair_cells.setdefault(("compound", key[0]), []).append(cell)
            pair_cells.setdefault(("pathway", key[1]), []).append(cell)
            pair_cells["", ""].append(cell)
        if cell.contradiction is not None and key[0] != NO_COMPOUND:
            contested_compound.setdefault(key[0], []).append(key)
            contested_pathway.setdefault(key[1], []).append(key)
    return MapAnalysis(
        certainty,
        contradictions,
        cells,
        {k: tuple(v) for k, v in contested_compound.items()},
        {k: tuple(v) for k, v in contested_pathway.items()},
        second_hand,
        {k: tuple(v) for k, v in by_compound.items()},
        {k: tuple(v) for k, v in by_pathway.items()},
        {
            cid: source
            for cid, claim in m.claims.items()
            if (source := _sole_source(claim, m)) is not None
        },
        {k: tuple(v) for k, v in compounds_by_pathway.items()},
        {k: tuple(sorted(v)) for k, v in pathways_by_compound.items()},
        busiest_extent(m, cells, view_max_cells),
        {key: summarise_pairs(found) for key, found in pair_cells.items()},
        frozenset(leave_out),
        _one_group(m, groups),
    )


def _one_group(evidence_map: EvidenceMap, groups: GroupFinder) -> dict[str, StudyGroup]:
    """The claims whose studies all come from one research group (see MapAnalysis)."""
    found: dict[str, StudyGroup] = {}
    for cid, claim in evidence_map.claims.items():
        keys: set[str] = set()
        for ev in claim.evidence:
            keys.update(studies_of(ev, evidence_map.kind_of))
        if keys:
            tested = groups.groups(keys)
            if len(tested) == 1:
                found[cid] = tested[0]
    return found
