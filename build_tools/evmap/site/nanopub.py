"""Nanopublications: one per claim, in TriG, for knowledge graphs and provenance tools.

A nanopublication is four named graphs (see nanopub.net's guidelines):

- ``head``: which graphs are the assertion, its provenance and its publication info;
- ``assertion``: what the claim asserts about each compound-pathway pair it names
  (:meth:`evmap.core.model.Claim.relation`), as a Biolink association: the compound
  ``biolink:affects`` the pathway (``through``), the same negated (``not-through``:
  the compound acts without it), or ``biolink:related_to`` (``other``). Compounds
  and pathways are named by the map's IRIs, with their ChEBI, PubChem, GO... ids
  as ``skos:exactMatch`` (compounds) and ``skos:closeMatch`` (pathways);
- ``provenance``: the assertion ``prov:wasDerivedFrom`` each evidence item: its
  stance, finding, model (with the NCBI Taxonomy id of its species), ECO type, the
  papers it cites (``cito:citesAsEvidence``, by DOI when known) and every other field
  the model declares (:func:`evmap.core.model.yaml_fields`), so a new field of an
  evidence item reaches this file with no code of its own;
- ``pubinfo``: the map's version, licence and curators.

The text is written here rather than through an RDF library: rdflib takes minutes
to serialise the hundreds of thousands of triples of a large map, and TriG's escapes
are few. ``tests/test_exports.py`` parses the file with rdflib. Signing (trusty URIs
and an RSA signature, as nanopub-py does) needs a key a lab would configure; it is
not done here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import MISSING
from typing import Any

from evmap.core.identifiers import (
    COMPOUND_SCHEMES,
    ECO,
    NCBI_TAXON,
    PATHWAY_SCHEMES,
    identifiers_of,
)
from evmap.core.library.links import doi_href
from evmap.core.model import Claim, Evidence, EvidenceMap, Relation, yaml_fields
from evmap.core.vocab import SPECIES_TAXA, TYPE_ECO
from evmap.site.linked_data import MapInfo
from evmap.site.urls import PageKind

__all__ = [
    "EVMAP_VOCAB",
    "PREDICATES",
    "PREFIXES",
    "iri",
    "literal",
    "map_to_trig",
]

EVMAP_VOCAB = "https://evmap.invalid/vocab#"
"""evmap's own terms: one per field of an evidence item (``evmap:stance``...)."""

PREFIXES = {
    "np": "http://www.nanopub.org/nschema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "pav": "http://purl.org/pav/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "cito": "http://purl.org/spar/cito/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "evmap": EVMAP_VOCAB,
}

PREDICATES: dict[Relation, tuple[str, bool]] = {
    Relation.THROUGH: ("biolink:affects", False),
    Relation.NOT_THROUGH: ("biolink:affects", True),
    Relation.OTHER: ("biolink:related_to", False),
}
"""The Biolink predicate of each relation, and whether the association is negated."""

# IRIREF may not hold these (RDF 1.1 Turtle): they are percent-encoded.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LITERAL_UNSAFE = re.compile(r'[\\"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def iri(value: str) -> str:
    """``value`` as a TriG IRI, characters IRIs may not hold percent-encoded."""
    return "<" + _IRI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value) + ">"


def literal(value: object) -> str:
    """``value`` as a TriG literal: text quoted and escaped, numbers and booleans typed."""
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^xsd:boolean'
    if isinstance(value, int):
        return f'"{value}"^^xsd:integer'
    return '"' + _LITERAL_UNSAFE.sub(_escape, str(value)) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _LITERAL_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _triples(subject: str, pairs: list[tuple[str, str]]) -> str:
    """``subject p o, o ; p o .``: objects of one predicate in a row joined by commas."""
    parts: list[str] = []
    last = ""
    for predicate, obj in pairs:
        if predicate == last:
            parts[-1] += f", {obj}"
        else:
            parts.append(f"{predicate} {obj}")
            last = predicate
    return f"  {subject} " + " ;\n    ".join(parts) + " .\n"


class _Writer:
    """Writes one map's nanopublications: IRIs under the map's base relative to it (the
    file declares ``@base``), each entity's description made once."""

    def __init__(self, evidence_map: EvidenceMap, info: MapInfo) -> None:
        self.map = evidence_map
        self.info = info
        self.base = info.base
        self._nodes: dict[tuple[str, str], str] = {}
        self.papers: dict[str, str] = {}  # the IRI of each cited paper, by key

    def ref(self, value: str) -> str:
        """``value`` as a TriG IRI, relative to the base when under it."""
        if value.startswith(self.base):
            return iri(value[len(self.base) :])
        return iri(value)

    def node(self, kind: str, subject: str) -> str:
        """The description of a compound or pathway in an assertion graph (made once)."""
        key = (kind, subject)
        text = self._nodes.get(key)
        if text is None:
            if kind == PageKind.COMPOUND:
                compound = self.map.compounds[subject]
                pairs = [("rdfs:label", literal(compound.name)), ("a", "biolink:ChemicalEntity")]
                ids = identifiers_of(compound.identifiers, COMPOUND_SCHEMES)
                pairs += [("skos:exactMatch", iri(i.iri)) for i in ids]
            else:
                pathway = self.map.pathways[subject]
                pairs = [("rdfs:label", literal(pathway.name)), ("a", "biolink:BiologicalProcess")]
                ids = identifiers_of(pathway.identifiers, PATHWAY_SCHEMES)
                pairs += [("skos:closeMatch", iri(i.iri)) for i in ids]
            text = self._nodes[key] = _triples(self.ref(self.info.iri(kind, subject)), pairs)
        return text


def _field_objects(value: Any) -> Iterator[tuple[str, str]]:
    """(name suffix, literal) of a field's written value: lists give one each, mappings
    one per key (``model`` gives ``model_species``...)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"_{key}", literal(inner)
    elif isinstance(value, list):
        for item in value:
            yield "", literal(item)
    else:
        yield "", literal(value)


def _evidence_triples(writer: _Writer, evidence: Evidence) -> list[tuple[str, str]]:
    pairs = [("a", "prov:Entity"), ("dcterms:type", iri(ECO.iri_of(TYPE_ECO[evidence.type])))]
    taxon = evidence.model.taxon or SPECIES_TAXA.get(evidence.model.species, "")
    if taxon:
        pairs.append(("biolink:in_taxon", iri(NCBI_TAXON.iri_of(taxon))))
    for key in evidence.citations:
        pairs.append(("cito:citesAsEvidence", writer.ref(_reference_iri(writer, key))))
    for key in evidence.via:
        pairs.append(("prov:wasQuotedFrom", writer.ref(_reference_iri(writer, key))))
    for name, predicate, missing, optional, write in _fields():
        value = getattr(evidence, name)
        if value is None or (optional and value == missing):
            continue  # left out, as the YAML and the JSON leave it
        for suffix, obj in _field_objects(write(value)):
            pairs.append((predicate + suffix, obj))
    return pairs


@functools.cache
def _fields() -> tuple[tuple[str, str, Any, bool, Any], ...]:
    """(attribute, predicate, value when left out, optional, writer) of each item field."""
    return tuple(
        (
            spec.name,
            f"evmap:{spec.metadata['yaml']}",
            spec.metadata["missing"],
            spec.default is not MISSING,
            spec.metadata["write"],
        )
        for spec in yaml_fields(Evidence)
    )


def _reference_iri(writer: _Writer, key: str) -> str:
    """A paper's IRI: its DOI's, else its page on the map (made once per key)."""
    known = writer.papers.get(key)
    if known is None:
        ref = writer.map.references.get(key)
        if ref is not None and ref.doi:
            known = doi_href(ref.doi)
        else:
            known = writer.info.iri("reference", ref.slug if ref is not None else key)
        writer.papers[key] = known
    return known


def _claim_nanopub(writer: _Writer, claim: Claim) -> str:
    """The four graphs of one claim's nanopublication, in TriG, after its own ``this:``
    and ``sub:`` prefixes (the file's other prefixes and ``@base`` not included)."""
    info = writer.info
    np_iri = f"{info.base}nanopubs/{claim.id}"
    out = [f"@prefix this: {iri(np_iri)} .\n@prefix sub: {iri(np_iri + '#')} .\n\n"]
    out.append("sub:head {\n")
    out.append(
        _triples(
            "this:",
            [
                ("a", "np:Nanopublication"),
                ("np:hasAssertion", "sub:assertion"),
                ("np:hasProvenance", "sub:provenance"),
                ("np:hasPublicationInfo", "sub:pubinfo"),
            ],
        )
    )
    out.append("}\n\nsub:assertion {\n")
    index = 0
    for cid in claim.compounds:
        for pid in claim.pathways:
            index += 1
            relation = claim.relation(cid, pid)
            predicate, negated = PREDICATES[relation]
            subject = writer.ref(info.iri("compound", cid))
            obj = writer.ref(info.iri("pathway", pid))
            out.append(
                _triples(
                    f"sub:association-{index}",
                    [
                        ("a", "biolink:Association"),
                        ("biolink:subject", subject),
                        ("biolink:predicate", predicate),
                        ("biolink:object", obj),
                        ("biolink:negated", literal(negated)),
                        ("evmap:relation", literal(relation.value)),
                        ("rdfs:comment", literal(claim.statement)),
                    ],
                )
            )
            if not negated:
                out.append(f"  {subject} {predicate} {obj} .\n")
    out += [writer.node("compound", c) for c in claim.compounds if c in writer.map.compounds]
    out += [writer.node("pathway", p) for p in claim.pathways if p in writer.map.pathways]
    out.append("}\n\nsub:provenance {\n")
    items = [f"sub:evidence-{n}" for n in range(1, len(claim.evidence) + 1)]
    claim_ref = writer.ref(info.claim_iri(claim))
    derived = [("prov:wasDerivedFrom", item) for item in items]
    out.append(_triples("sub:assertion", [("rdfs:seeAlso", claim_ref), *derived]))
    for item, evidence in zip(items, claim.evidence, strict=True):
        out.append(_triples(item, _evidence_triples(writer, evidence)))
    out.append("}\n\nsub:pubinfo {\n")
    pairs = [("dcterms:isPartOf", writer.ref(info.base)), ("dcterms:source", claim_ref)]
    if info.version:
        pairs.append(("pav:version", literal(info.version)))
    if info.license is not None:
        pairs.append(("dcterms:license", iri(info.license.url)))
    people = [
        (f"https://orcid.org/{c.orcid}" if c.orcid else f"{info.base}#curator-{n}", c.name)
        for n, c in enumerate(info.curators, start=1)
    ]
    pairs += [("pav:curatedBy", writer.ref(who)) for who, _ in people]
    out.append(_triples("this:", pairs))
    out += [_triples(writer.ref(who), [("foaf:name", literal(name))]) for who, name in people]
    out.append("}\n")
    return "".join(out)


def map_to_trig(evidence_map: EvidenceMap, info: MapInfo) -> str:
    """Every claim's nanopublication, in claim id order, after one set of prefixes and
    ``@base`` (the map's IRI: its compounds, pathways and claims are written relative
    to it, which keeps a large map's file a third smaller)."""
    head = "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in PREFIXES.items())
    head += f"@base {iri(info.base)} .\n"
    writer = _Writer(evidence_map, info)
    parts = [_claim_nanopub(writer, claim) for claim in evidence_map.claims.values()]
    return head + "\n" + "\n".join(parts)
