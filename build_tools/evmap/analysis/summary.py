"""The state of the evidence at a glance: what is known about a page's subject, and how surely.

Every pathway and compound page, and the home page for the whole map, opens
with such a summary: claims by grade, contested claims, how many items were
read first-hand, the sources most relied on, and whether anything against the
claims has been curated at all (absence of contradiction and absence of
curation must not look the same).

It speaks of one unit at a time, each named: *claims* (by grade, contested when
their own items point both ways), *evidence items* (the rows a page shows for
its subject, by their stance on their claim) and *compound-pathway pairs* (by
how their evidence answers "does this compound act through this pathway?",
contested when items on that question point both ways).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from evmap.analysis.certainty import Certainty
from evmap.analysis.matrix import Balance, Cell
from evmap.core.model import Claim, EvidenceMap, Grade, Stance
from evmap.core.vocab import GRADES

__all__ = [
    "NO_PAIRS",
    "TOP_SOURCES",
    "EvidenceSummary",
    "ItemRef",
    "PairSummary",
    "SourceUse",
    "summarise",
    "summarise_pairs",
    "weight_order",
]

TOP_SOURCES = 3
"""How many of the most relied-on sources a summary names."""


@dataclass(frozen=True, slots=True)
class SourceUse:
    """A reference and how many of the summarised items rest on it (as study or as route)."""

    key: str
    items: int


@dataclass(frozen=True, slots=True)
class PairSummary:
    """Compound-pathway pairs by how their evidence answers the pair's question.

    Attributes:
        answered: Pairs with at least one item on the question (``through`` or
            ``not-through`` claims).
        supports: Of those, pairs whose items all point to the compound acting
            through the pathway.
        contradicts: Pairs whose items all point against it.
        mixed: Pairs whose items point both ways or are mixed.
        contested: The pairs whose items point both ways, as (compound, pathway).
        other: Pairs with evidence only on other questions (``other`` claims).
    """

    answered: int
    supports: int
    contradicts: int
    mixed: int
    contested: Sequence[tuple[str, str]]
    other: int


NO_PAIRS = PairSummary(0, 0, 0, 0, (), 0)
"""The tally of a subject with no compound-pathway pair."""


def summarise_pairs(cells: Iterable[Cell]) -> PairSummary:
    """Tally ``cells`` (non-empty matrix cells) by their balance on the pair's question."""
    counts = dict.fromkeys(Balance, 0)
    contested: list[tuple[str, str]] = []
    for cell in cells:
        counts[cell.balance] += 1
        if cell.contradiction is not None:
            contested.append((cell.compound, cell.pathway))
    return PairSummary(
        answered=counts[Balance.SUPPORTS] + counts[Balance.CONTRADICTS] + counts[Balance.MIXED],
        supports=counts[Balance.SUPPORTS],
        contradicts=counts[Balance.CONTRADICTS],
        mixed=counts[Balance.MIXED],
        contested=tuple(contested),
        other=counts[Balance.OTHER],
    )


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """What is known about a set of claims and how surely.

    Attributes:
        claims: How many claims.
        by_grade: Claims per certainty grade, every grade listed, highest first.
        contested: Ids of the claims whose own evidence points both ways.
        items: Evidence items counted: those bearing on the page's subject (the rows
            its claims show, apart from the folded ones on other subjects).
        first_hand: Items read in the study itself (not second-hand).
        supporting: Items supporting their claim.
        against: Items contradicting their claim.
        mixed: Items with mixed results.
        sources: The most relied-on references, most items first.
        pairs: The compound-pathway pairs of the subject, by how their evidence
            answers the pair's question.
    """

    claims: int
    by_grade: Sequence[tuple[Grade, int]]
    contested: Sequence[str]
    items: int
    first_hand: int
    supporting: int
    against: int
    mixed: int
    sources: Sequence[SourceUse]
    pairs: PairSummary = NO_PAIRS

    @property
    def second_hand(self) -> int:
        """Items read second-hand (in a review, through a news report, from a title)."""
        return self.items - self.first_hand


ItemRef = tuple[str, int]
"""An evidence item by its claim's id and its index in the claim's evidence."""


def summarise(
    evidence_map: EvidenceMap,
    claims: Sequence[Claim],
    items: Iterable[ItemRef],
    certainty: Mapping[str, Certainty],
    contested: Iterable[str],
    second_hand: Mapping[ItemRef, bool],
    pairs: PairSummary = NO_PAIRS,
) -> EvidenceSummary:
    """Summarise ``claims`` and the evidence ``items`` that bear on the page's subject;
    ``pairs`` is the tally of the subject's compound-pathway pairs (:func:`summarise_pairs`).

    ``second_hand`` says whether an item was read second-hand (as
    :func:`evmap.analysis.certainty.is_second_hand` decides).
    """
    grades = Counter(certainty[c.id].grade for c in claims)
    stances: dict[Stance, int] = dict.fromkeys(Stance, 0)
    uses: dict[str, int] = {}
    total = first = 0
    claims_by_id = evidence_map.claims
    for ref in items:
        ev = claims_by_id[ref[0]].evidence[ref[1]]
        total += 1
        if not second_hand.get(ref, False):
            first += 1
        stances[ev.stance] += 1
        for key in ev.citations:
            uses[key] = uses.get(key, 0) + 1
        for key in ev.via:
            if key not in ev.citations:
                uses[key] = uses.get(key, 0) + 1
    ids = {c.id for c in claims}
    return EvidenceSummary(
        claims=len(claims),
        by_grade=tuple((g, grades[g]) for g in GRADES),
        contested=tuple(c for c in contested if c in ids),
        items=total,
        first_hand=first,
        supporting=stances[Stance.SUPPORTS],
        against=stances[Stance.CONTRADICTS],
        mixed=stances[Stance.MIXED],
        sources=tuple(
            SourceUse(key, n)
            for key, n in heapq.nsmallest(TOP_SOURCES, uses.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        pairs=pairs,
    )


def weight_order(
    evidence_map: EvidenceMap, certainty: Mapping[str, Certainty], claim_ids: Iterable[str]
) -> list[str]:
    """Claims by certainty (highest first), then weight of evidence, then statement.

    Weight: independent studies, then evidence items.
    """
    rank = {grade: i for i, grade in enumerate(GRADES)}

    def key(cid: str) -> tuple[int, int, int, str, str]:
        grade = certainty[cid]
        claim = evidence_map.claims[cid]
        return (
            rank[grade.grade],
            -grade.studies,
            -len(claim.evidence),
            claim.statement.lower(),
            cid,
        )

    return sorted(claim_ids, key=key)
