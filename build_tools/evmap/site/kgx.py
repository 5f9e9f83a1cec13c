"""Knowledge-graph edges: the map's compound-pathway relations in KGX TSV, Biolink-typed.

KGX (the Biolink Model's exchange format, read by the NCATS Translator tools, KG-Hub
and Neo4j importers) is two tab-separated files: nodes (compounds and pathways) and
edges (one per claim and compound-pathway pair it names). Each edge carries its
direction (``biolink:affects``, ``negated`` when the claim says the compound acts
without the pathway; ``biolink:related_to`` for other questions about the pair,
:data:`evmap.site.nanopub.PREDICATES`), the evidence items that bear on that pair
(counts by stance, their ECO types, the papers as ``doi:`` or ``PMID:`` CURIEs) and
the claim's certainty grade. Multiple values are joined with ``|``, as KGX reads them.

Compounds are named by their first id in other resources (``CHEBI:6121``...), so
their edges join other graphs' nodes; pathways, whose GO or Reactome ids are close
rather than exact matches, by the map's IRI, with those ids under ``xref``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evmap.analysis.analyse import MapAnalysis
from evmap.core.identifiers import COMPOUND_SCHEMES, PATHWAY_SCHEMES, identifiers_of
from evmap.core.model import EvidenceMap, Stance
from evmap.core.vocab import TYPE_ECO
from evmap.site.linked_data import MapInfo
from evmap.site.nanopub import PREDICATES

__all__ = [
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "compound_node_id",
    "kgx_edges",
    "kgx_nodes",
]

NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "negated",
    "category",
    "knowledge_level",
    "agent_type",
    "publications",
    "has_evidence",
    "relation",
    "supporting_items",
    "contradicting_items",
    "mixed_items",
    "certainty",
    "claim",
    "provided_by",
)
"""Biolink's edge slots, then the map's own: what the claim asserts (``relation``), the
items on the pair by stance, the claim's grade and its IRI."""

_UNSAFE = re.compile(r"[\t\r\n|]+")


def _cell(value: str) -> str:
    """Text safe in a KGX TSV cell: no tab, line break or ``|`` (the list separator)."""
    if "\t" in value or "\n" in value or "\r" in value or "|" in value:
        return _UNSAFE.sub(" ", value).strip()
    return value.strip()


def _join(values: Iterable[str]) -> str:
    return "|".join(dict.fromkeys(_cell(v) for v in values if v))


def compound_node_id(evidence_map: EvidenceMap, cid: str, info: MapInfo) -> str:
    """A compound's node id: its first CURIE in another resource, else the map's IRI."""
    ids = identifiers_of(evidence_map.compounds[cid].identifiers, COMPOUND_SCHEMES)
    return ids[0].curie if ids else info.iri("compound", cid)


def _row(values: Iterable[str]) -> str:
    return "\t".join(values) + "\n"


def kgx_nodes(evidence_map: EvidenceMap, info: MapInfo) -> str:
    """The nodes file: compounds (``biolink:ChemicalEntity``) then pathways
    (``biolink:BiologicalProcess``), in id order."""
    rows = [_row(NODE_COLUMNS)]
    for cid, compound in evidence_map.compounds.items():
        ids = identifiers_of(compound.identifiers, COMPOUND_SCHEMES)
        rows.append(
            _row(
                (
                    compound_node_id(evidence_map, cid, info),
                    "biolink:ChemicalEntity",
                    _cell(compound.name),
                    _join(compound.synonyms),
                    _join(i.curie for i in ids[1:]),
                    info.iri("compound", cid),
                    info.base,
                )
            )
        )
    for pid, pathway in evidence_map.pathways.items():
        ids = identifiers_of(pathway.identifiers, PATHWAY_SCHEMES)
        rows.append(
            _row(
                (
                    info.iri("pathway", pid),
                    "biolink:BiologicalProcess",
                    _cell(pathway.name),
                    "",
                    _join(i.curie for i in ids),
                    info.iri("pathway", pid),
                    info.base,
                )
            )
        )
    return "".join(rows)


def _publication(evidence_map: EvidenceMap, key: str, info: MapInfo) -> str:
    ref = evidence_map.references.get(key)
    if ref is None:
        return ""
    if ref.doi:
        return f"doi:{ref.doi}"
    pmid = ref.links.get("pmid")
    return f"PMID:{pmid}" if pmid else info.iri("reference", ref.slug)


def kgx_edges(evidence_map: EvidenceMap, analysis: MapAnalysis, info: MapInfo) -> str:
    """The edges file: one edge per claim and compound-pathway pair, in claim id order."""
    rows = [_row(EDGE_COLUMNS)]
    publications = {key: _publication(evidence_map, key, info) for key in evidence_map.references}
    node_ids = {cid: compound_node_id(evidence_map, cid, info) for cid in evidence_map.compounds}
    for claim_id, claim in evidence_map.claims.items():
        grade = analysis.certainty[claim_id].grade.value
        claim_iri = info.claim_iri(claim)
        for cid in claim.compounds:
            if cid not in evidence_map.compounds:
                continue
            for pid in claim.pathways:
                if pid not in evidence_map.pathways:
                    continue
                relation = claim.relation(cid, pid)
                predicate, negated = PREDICATES[relation]
                items = [
                    ev
                    for ev in claim.evidence
                    if cid in claim.item_compounds(ev) and pid in claim.item_pathways(ev)
                ]
                stances = [ev.stance for ev in items]
                rows.append(
                    _row(
                        (
                            f"{claim_iri}/{cid}/{pid}",
                            node_ids[cid],
                            predicate,
                            info.iri("pathway", pid),
                            "True" if negated else "False",
                            "biolink:Association",
                            "knowledge_assertion",
                            "manual_agent",
                            _join(
                                publications.get(key, "") for ev in items for key in ev.sources()
                            ),
                            _join(TYPE_ECO[ev.type] for ev in items),
                            relation.value,
                            str(stances.count(Stance.SUPPORTS)),
                            str(stances.count(Stance.CONTRADICTS)),
                            str(stances.count(Stance.MIXED)),
                            grade,
                            claim_iri,
                            info.base,
                        )
                    )
                )
    return "".join(rows)
