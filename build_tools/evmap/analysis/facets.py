"""Facets of the map: every species, evidence type and paradigm, with the claims having it.

Each value gets an anchor on the matrix page's facet index (``species-human``),
unique across facets and stable while the set of values is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from evmap.core.model import Claim, EvidenceMap, EvidenceType
from evmap.core.vocab import TYPE_LABELS, TYPE_STRENGTH, species_of

__all__ = ["FACETS", "FacetIndex", "facet_index", "facet_label", "facet_values", "slugify"]


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
        return species_of(value).label
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
    type_order = [t.value for t in TYPE_STRENGTH]
    sorters: dict[str, Callable[[str], tuple[int, str]]] = {
        "species": lambda v: (species_of(v).rank, v),
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
