"""Layered graph drawing: order the nodes of each layer to cut edge crossings.

Pure functions of layers and weighted edges (no positions, no links); the
network page (:mod:`evmap.site.network`) lays the ordered layers out.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

__all__ = ["SWEEPS", "LayerEdges", "crossings", "order_layers", "ordered_layers"]

SWEEPS = 8
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
