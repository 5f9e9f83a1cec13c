"""The state of the evidence at a glance: what is known about a page's subject, and how surely.

Every pathway and compound page, and the home page for the whole map, opens
with such a summary: claims by grade, contested claims, how many items were
read first-hand, the sources most relied on, and whether anything against the
claims has been curated at all (absence of contradiction and absence of
curation must not look the same).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from evmap.analysis.certainty import Certainty
from evmap.core.model import Claim, EvidenceMap, Grade, Stance
from evmap.core.vocab import GRADES

__all__ = ["TOP_SOURCES", "EvidenceSummary", "ItemRef", "SourceUse", "summarise", "weight_order"]

TOP_SOURCES = 3
"""How many of the most relied-on sources a summary names."""


@dataclass(frozen=True, slots=True)
class SourceUse:
    """A reference and how many of the summarised items rest on it (as study or as route)."""

    key: str
    items: int


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """What is known about a set of claims and how surely.

    Attributes:
        claims: How many claims.
        by_grade: Claims per certainty grade, every grade listed, highest first.
        contested: Ids of the claims whose evidence points both ways.
        items: Evidence items counted (those bearing on the page's subject).
        first_hand: Items read in the study itself (not through a review).
        supporting: Items supporting their claim.
        against: Items contradicting their claim.
        mixed: Items with mixed results.
        sources: The most relied-on references, most items first.
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

    @property
    def second_hand(self) -> int:
        """Items read second-hand, through a review."""
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
) -> EvidenceSummary:
    """Summarise ``claims`` and the evidence ``items`` that bear on the page's subject.

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
