"""The network page: compounds, claims and pathways laid out in columns, as SVG at build time.

Which nodes and edges there are comes from the map and its analysis (an edge
joins a claim to a compound or pathway only when some item of the claim bears
on it); the order within each column from :mod:`evmap.analysis.network`.

Edges answer the question of the pairs they stand for, "does this compound act
through this pathway?": an edge is styled by its items' stances on that question
(:func:`evmap.analysis.matrix.pair_stance`), so a claim that a compound acts
*without* a pathway draws its supporting items as evidence against the route;
an edge carrying only claims that ask another question of its pairs is drawn
apart (``other``). A claim node keeps its own balance: its items on its statement.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evmap.analysis.analyse import MapAnalysis
from evmap.analysis.matrix import (
    NO_COMPOUND,
    Balance,
    balance_of,
    balance_of_items,
    compound_rows,
    item_pairs,
    pair_stance,
    pathway_columns,
)
from evmap.analysis.network import LayerEdges, crossings, ordered_layers
from evmap.core.model import Claim, EvidenceMap, Relation, Stance
from evmap.core.vocab import FLAG_GLYPH, GRADE_LABELS, OTHER_GLYPH, OTHER_QUESTION, plural
from evmap.site.views import Linker, cell_href, term_links

__all__ = [
    "CHAR_WIDTH",
    "CLAIM_NODE_LIMIT",
    "FONT_SIZE",
    "HEADER",
    "LABEL_CHARS",
    "MARGIN",
    "ROW_HEIGHT",
    "NetColumn",
    "NetEdge",
    "NetNode",
    "NetworkLayout",
    "NetworkPage",
    "layout_network",
    "network_page",
]

CLAIM_NODE_LIMIT = 150
"""Above this many claims the network joins compounds to pathways directly, one edge per pair."""
FONT_SIZE = 13
"""Label size in the drawing's units (px). The page draws the SVG at its natural size (one
unit, one CSS pixel) in a scrolling box, so labels read at this size on every screen;
assets/evmap.css sets the same size."""
ROW_HEIGHT = 24.0
CHAR_WIDTH = 7.2
"""The average width of a character at FONT_SIZE, for column widths."""
LABEL_CHARS = 56
MARGIN = 16.0
HEADER = 30.0


@dataclass(frozen=True, slots=True)
class NetNode:
    """A positioned node: a compound, claim or pathway, linking to its page."""

    key: str
    kind: str
    label: str
    title: str
    """The full name or statement (the SVG's ``<title>``; the label may be shortened)."""
    href: str
    x: float
    y: float
    width: float
    text_x: float
    text_anchor: str
    balance: str = ""
    flagged: bool = False
    tip: str = ""
    """What a tooltip says of the node: its title, and for a claim its certainty and flag."""

    @property
    def dom_id(self) -> str:
        """The node's id in the page (``net-`` and its key, ``c:x`` -> ``net-c-x``)."""
        return "net-" + self.key.replace(":", "-", 1)

    @property
    def text_y(self) -> float:
        """Baseline of the label, centred on the node for a FONT_SIZE font."""
        return round(self.y + FONT_SIZE * 0.35, 1)

    @property
    def top(self) -> float:
        """Top of the node's box (claims are 18 px tall boxes, markers 10 px)."""
        return round(self.y - (9 if self.kind == "claim" else 5), 1)


@dataclass(frozen=True, slots=True)
class NetEdge:
    """A drawn edge: an SVG path, its stance class, width, hover text and optional link."""

    d: str
    balance: str
    width: float
    title: str
    href: str = ""
    ends: str = ""
    """The keys of the two nodes it joins (``c:ketamine k:claim-id``), for highlighting."""


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


def _claim_ends(
    claim: Claim, evidence_map: EvidenceMap
) -> tuple[dict[str, list[Stance]], dict[str, list[Stance]]]:
    """The stances of a claim's items on the pairs' question, gathered on each compound
    it tested and each pathway it bears on (an end whose pairs the claim asks only
    another question of gets an empty list)."""
    compounds: dict[str, list[Stance]] = {}
    pathways: dict[str, list[Stance]] = {}
    for ev in claim.evidence:
        for cid, pid in item_pairs(claim, ev, evidence_map.compounds, evidence_map.pathways):
            relation = claim.relation(cid, pid)
            on_compound = compounds.setdefault(cid, []) if cid != NO_COMPOUND else []
            on_pathway = pathways.setdefault(pid, [])
            if relation is not Relation.OTHER:
                stance = pair_stance(ev.stance, relation)
                on_compound.append(stance)
                on_pathway.append(stance)
    return compounds, pathways


def _balance(stances: Sequence[Stance]) -> Balance:
    """The balance of an edge's stances on the question (``other`` when it has none)."""
    if not stances:
        return Balance.OTHER
    return balance_of(
        stances.count(Stance.SUPPORTS),
        stances.count(Stance.CONTRADICTS),
        stances.count(Stance.MIXED),
    )


def layout_network(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    links: Linker,
    claim_node_limit: int = CLAIM_NODE_LIMIT,
) -> NetworkLayout:
    """Lay the network out in columns: compounds left, pathways right.

    Up to ``claim_node_limit`` claims, each claim is a node in a middle column,
    joined to the compounds and pathways its items bear on, each edge styled by
    the balance of those items.
    Above it, edges join compounds to pathways directly, one per pair, as wide
    as the pair's evidence and styled by its balance, so size grows with pairs,
    not claims. Node order within each column comes from :func:`order_layers`.
    """
    m = evidence_map
    aggregated = len(m.claims) > claim_node_limit
    comp_ids = [cid for cid, _ in compound_rows(m)]
    path_ids = [pid for _, ids in pathway_columns(m) for pid in ids]
    extent = analysis.extent if aggregated else None
    if extent is not None:  # a large map: its busiest compounds and pathways, as in the matrix
        comp_ids = [cid for cid in comp_ids if cid in extent.compounds]
        path_ids = [pid for pid in path_ids if pid in extent.pathways]
    if aggregated:
        pair: LayerEdges = {
            (cid, pid): float(len(cell.items) + len(cell.other))
            for (cid, pid), cell in analysis.cells.items()
            if cid != NO_COMPOUND and analysis.shown(cid, pid)
        }
        layer_edges = [pair]
        layers = ordered_layers([comp_ids, path_ids], layer_edges)
    else:
        claim_ids = list(m.claims)
        left: LayerEdges = {}
        right: LayerEdges = {}
        ends = {kid: _claim_ends(claim, m) for kid, claim in m.claims.items()}
        for kid, (compounds, pathways) in ends.items():
            for cid in compounds:
                left[cid, kid] = 1.0
            for pid in pathways:
                right[kid, pid] = 1.0
        layer_edges = [left, right]
        layers = ordered_layers([comp_ids, claim_ids, path_ids], layer_edges)

    def width_of(labels: Iterable[str]) -> float:
        return round(max((len(s) for s in labels), default=8) * CHAR_WIDTH + 12, 1)

    comp_w = width_of(_truncate(m.compounds[c].name) for c in comp_ids)
    path_w = width_of(_truncate(m.pathways[p].name) for p in path_ids)
    gap = 260.0 if aggregated else 170.0
    inner = max((len(layer) for layer in layers), default=1) * ROW_HEIGHT
    height = round(inner + HEADER + 2 * MARGIN, 1)
    x_comp = round(MARGIN + comp_w, 1)  # compound markers sit right of their labels
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
                round(x_comp - 9, 1),
                "end",
                tip=c.name,
            )
        )
        pos[f"c:{cid}"] = (x_comp + 5, y)
    columns = [NetColumn("Compounds", x_comp, "end")]
    x_next = round(x_comp + gap, 1)
    edges: list[NetEdge] = []
    if not aggregated:
        claim_w = width_of(_truncate(FLAG_GLYPH + " " + m.claims[k].statement) for k in layers[1])
        for kid, y in zip(layers[1], _ys(len(layers[1]), inner), strict=True):
            claim = m.claims[kid]
            flagged = kid in analysis.contradictions
            label = _truncate((FLAG_GLYPH + " " if flagged else "") + claim.statement)
            grade = GRADE_LABELS[analysis.certainty[kid].grade].lower()
            tip = f"{claim.statement} ({grade} certainty"
            if flagged:
                tip += "; evidence points both ways: " + analysis.contradictions[kid].describe()
            tip += ")"
            nodes.append(
                NetNode(
                    f"k:{kid}",
                    "claim",
                    label,
                    claim.statement,
                    links.claim(kid),
                    x_next,
                    y,
                    claim_w,
                    round(x_next + 6, 1),
                    "start",
                    balance_of_items(claim.evidence).value,
                    flagged,
                    tip,
                )
            )
            pos[f"k-in:{kid}"] = (x_next, y)
            pos[f"k-out:{kid}"] = (x_next + claim_w, y)
        columns.append(NetColumn("Claims", x_next, "start"))
        x_next = round(x_next + claim_w + gap, 1)
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
                round(x_path + 9, 1),
                "start",
                tip=p.name,
            )
        )
        pos[f"p:{pid}"] = (x_path - 5, y)
    columns.append(NetColumn("Pathways", x_path, "start"))
    width = round(x_path + path_w + MARGIN, 1)

    if aggregated:
        matrix = links.page("matrix")
        for (cid, pid), cell in analysis.cells.items():
            if cid == NO_COMPOUND or not analysis.shown(cid, pid):
                continue
            (x1, y1), (x2, y2) = pos[f"c:{cid}"], pos[f"p:{pid}"]
            n_s, n_c, n_m = (
                cell.count(st) for st in (Stance.SUPPORTS, Stance.CONTRADICTS, Stance.MIXED)
            )
            title = (
                f"{m.compounds[cid].name} \u2192 {m.pathways[pid].name}: "
                f"{plural(len(cell.items), 'evidence item')} on whether it acts through it "
                f"(\u25b2 {n_s} \u25bc {n_c} \u25c6 {n_m}) in {plural(len(cell.claims), 'claim')}"
            )
            if cell.other:
                title += f"; {OTHER_GLYPH} {plural(len(cell.other), 'item')} on {OTHER_QUESTION}"
            edges.append(
                NetEdge(
                    _curve(x1, y1, x2, y2),
                    cell.balance.value,
                    round(1 + math.log2(len(cell.items) + len(cell.other)), 1),
                    title,
                    cell_href(cell, links, matrix),
                    ends=f"c:{cid} p:{pid}",
                )
            )
    else:
        for kid, claim in m.claims.items():
            xin, yin = pos[f"k-in:{kid}"]
            xout, yout = pos[f"k-out:{kid}"]
            compounds, pathways = ends[kid]
            for cid, stances in compounds.items():
                x1, y1 = pos[f"c:{cid}"]
                title = f"{m.compounds[cid].name} \u2014 {claim.statement}"
                edges.append(
                    NetEdge(
                        _curve(x1, y1, xin, yin),
                        _balance(stances).value,
                        1.5,
                        title,
                        ends=f"c:{cid} k:{kid}",
                    )
                )
            for pid, stances in pathways.items():
                x2, y2 = pos[f"p:{pid}"]
                title = f"{claim.statement} \u2014 {m.pathways[pid].name}"
                edges.append(
                    NetEdge(
                        _curve(xout, yout, x2, y2),
                        _balance(stances).value,
                        1.5,
                        title,
                        ends=f"k:{kid} p:{pid}",
                    )
                )
    # Draw contradicting and mixed edges last so they stay visible on top.
    rank = {
        Balance.OTHER.value: 0,
        Balance.SUPPORTS.value: 1,
        Balance.MIXED.value: 2,
        Balance.CONTRADICTS.value: 3,
    }
    edges.sort(key=lambda e: rank.get(e.balance, 0))
    return NetworkLayout(
        width=width,
        height=height,
        aggregated=aggregated,
        columns=columns,
        nodes=nodes,
        edges=edges,
        stats={
            "all_compounds": len(m.compounds),
            "all_pathways": len(m.pathways),
            "compounds": len(layers[0]),
            "pathways": len(layers[-1]),
            "claims": len(m.claims),
            "edges": len(edges),
            "crossings": crossings(layers, layer_edges),
        },
    )


@dataclass(frozen=True, slots=True)
class NetworkPage:
    """Context of ``network.html``: the layout plus links for the page text (``terms``: the
    hrefs of the defined terms by anchor)."""

    layout: NetworkLayout
    matrix_href: str
    legend: Sequence[tuple[str, str, str]]
    terms: Mapping[str, str] = field(default_factory=dict)


def network_page(evidence_map: EvidenceMap, analysis: MapAnalysis, links: Linker) -> NetworkPage:
    """The context of the network page."""
    legend = [
        (Balance.SUPPORTS.value, "\u2501\u2501", "only evidence that it acts through (solid)"),
        (Balance.CONTRADICTS.value, "\u2505\u2505", "only evidence that it acts without (dashed)"),
        (Balance.MIXED.value, "\u2509\u2509", "both ways or mixed (dotted)"),
        (Balance.OTHER.value, "\u2508\u2508", f"only claims on {OTHER_QUESTION} (grey)"),
    ]
    return NetworkPage(
        layout_network(evidence_map, analysis, links),
        links.page("matrix"),
        legend,
        term_links(links),
    )
