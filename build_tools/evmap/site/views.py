"""Pieces of the evidence views shared by every page: flags, certainty badges, facet chips,
contested pairs and what a claim asserts about its pairs.

Built from the map and its :class:`~evmap.analysis.MapAnalysis`; every href
comes from a :class:`Linker` supplied by the renderer, so the same views work
hosted and from ``file://``. The matrix page is :mod:`evmap.site.matrix_page`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from evmap.analysis.analyse import MapAnalysis
from evmap.analysis.certainty import Certainty
from evmap.analysis.contradictions import Contradiction
from evmap.analysis.facets import FACETS, FacetIndex, facet_values
from evmap.analysis.matrix import NO_COMPOUND, Cell
from evmap.analysis.studies import StudyGroup
from evmap.core.model import Claim, EvidenceMap, Relation
from evmap.core.vocab import (
    DEFINITIONS,
    GRADE_LABELS,
    GRADE_SYMBOLS,
    OTHER_QUESTION,
    RELATION_LABELS,
)

__all__ = [
    "Anchor",
    "CertaintyView",
    "FacetChip",
    "FlagView",
    "GroupView",
    "Linker",
    "PairFlag",
    "asserted",
    "cell_href",
    "certainty_view",
    "facet_chips",
    "flag_view",
    "one_group_text",
    "pair_flags",
    "shorten",
    "term_links",
]


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

    def term(self, anchor: str) -> str:
        """Href of the definition of a term (:data:`evmap.core.vocab.DEFINITIONS`)."""
        ...


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:. ")
    return cut + "\u2026"


def term_links(links: Linker) -> dict[str, str]:
    """The href of every defined term by its anchor, for templates (``terms["contested-pair"]``)."""
    return {entry.anchor: links.term(entry.anchor) for entry in DEFINITIONS}


@dataclass(frozen=True, slots=True)
class Anchor:
    """A label with its href and an optional note (a local link type, see ``render.Link``)."""

    label: str
    href: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class GroupView:
    """A research group behind a claim's supporting studies, as its certainty shows it.

    ``papers`` link to their reference pages; ``reason`` says why they are one group.
    """

    name: str
    papers: Sequence[Anchor]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CertaintyView:
    """A claim's grade as shown on its card (``groups``: the research groups behind its
    identified supporting studies, shown with the steps on its home page)."""

    grade: str
    label: str
    symbol: str
    overridden: bool
    reason: str
    derived_label: str
    steps: str
    href: str
    groups: Sequence[GroupView] = ()


@dataclass(frozen=True, slots=True)
class FlagView:
    """A contradiction flag: the models on each side.

    ``sides`` names the two sides: ``("Supports", "Contradicts")`` on a claim,
    ``("For", "Against")`` on a compound-pathway pair (its question); ``href`` leads
    to the definition of contested at that level.
    """

    supports: Sequence[str]
    contradicts: Sequence[str]
    text: str
    sides: tuple[str, str] = ("Supports", "Contradicts")
    href: str = ""


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
        return links.claim(cell.first_claim)
    if not shown:
        return ""
    return f"{links.page('matrix') if matrix is None else matrix}#{cell.anchor}"


def certainty_view(
    certainty: Certainty, doc_href: str, cite: Callable[[str], Anchor] | None = None
) -> CertaintyView:
    """The certainty badge of a claim; ``doc_href`` points at the rule ("" when absent).

    ``cite`` links a reference key to its page; with it, the research groups behind
    the claim's supporting studies are listed when there is more than one paper.
    """
    groups: list[GroupView] = []
    if cite is not None and sum(len(g.keys) for g in certainty.groups) > 1:
        groups = [
            GroupView(g.name, [cite(key) for key in g.keys], g.reason) for g in certainty.groups
        ]
    return CertaintyView(
        grade=certainty.grade.value,
        label=GRADE_LABELS[certainty.grade],
        symbol=GRADE_SYMBOLS[certainty.grade],
        overridden=certainty.overridden,
        reason=certainty.reason,
        derived_label=GRADE_LABELS[certainty.derived],
        steps="; ".join(certainty.steps),
        href=doc_href,
        groups=groups,
    )


def flag_view(
    contradiction: Contradiction | None, href: str = "", pair: bool = False
) -> FlagView | None:
    """The view of a contradiction, or None; ``pair`` for a compound-pathway pair's flag."""
    if contradiction is None:
        return None
    return FlagView(
        contradiction.supports,
        contradiction.contradicts,
        contradiction.describe(),
        ("For", "Against") if pair else ("Supports", "Contradicts"),
        href,
    )


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


def _names(ids: Sequence[str], names: dict[str, str], every: str) -> str:
    return ", ".join(names.get(i, i) for i in ids) if ids else every


def asserted(claim: Claim, evidence_map: EvidenceMap) -> list[str]:
    """What a claim asserts about its pairs, one sentence per rule ([] for the default).

    ``Arketamine acts without mTORC1 signalling``; ``Rapamycin, any of its pathways:
    another question about this pair``; then what every other pair gets.
    """
    if not claim.asserts:
        return []
    compounds = {
        c: evidence_map.compounds[c].name for c in claim.compounds if c in evidence_map.compounds
    }
    pathways = {
        p: evidence_map.pathways[p].name for p in claim.pathways if p in evidence_map.pathways
    }
    lines = []
    for rule in claim.asserts:
        who = _names(rule.compounds, compounds, "each of its compounds")
        what = _names(rule.pathways, pathways, "each of its pathways")
        if rule.relation is Relation.OTHER:
            lines.append(f"{who} \u00d7 {what}: {OTHER_QUESTION}")
        else:
            lines.append(f"{who} {RELATION_LABELS[rule.relation]} {what}")
    covered = all(
        any(rule.covers(c, p) for rule in claim.asserts)
        for c in (claim.compounds or (NO_COMPOUND,))
        for p in claim.pathways
    )
    if not covered:
        lines.append(f"every other pair: {RELATION_LABELS[Relation.THROUGH]}")
    return lines


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
    """Contested pairs involving ``compound`` (or ``pathway``), for that entity's page:
    pairs whose items on the pair's question point both ways."""
    flags = []
    matrix = links.page("matrix")
    href = links.term("contested-pair")
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
        view = flag_view(cell.contradiction, href, pair=True)
        assert view is not None
        flags.append(
            PairFlag(other, cell_href(cell, links, matrix, analysis.shown(cid, pid)), view)
        )
    return sorted(flags, key=lambda f: f.other.label.lower())


def one_group_text(group: StudyGroup | None) -> str:
    """What a claim says when every study behind it comes from one research group."""
    if group is None:
        return ""
    if len(group.keys) == 1:
        return "Only one study has tested this claim so far; no other research group has."
    return (
        f"Only one research group has tested this claim so far ({group.name}: "
        f"{len(group.keys)} papers); no independent group has."
    )
