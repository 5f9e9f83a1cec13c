"""schema.org JSON-LD for the pages: the map as a Dataset, its entities as typed nodes.

Search engines, repositories and knowledge graphs read these blocks without any
converter. The home page describes the map (a ``Dataset`` with its version, licence,
curators and downloads); a pathway page its pathway (a ``DefinedTerm`` with the
pathway's GO, Reactome or WikiPathways ids) and the claims it shows (``Claim``,
citing ``ScholarlyArticle`` nodes with their DOIs); a compound page its compound
(a ``MolecularEntity``, ``ChemicalSubstance`` or ``Drug`` with its ChEBI, PubChem,
DrugBank ids and InChIKey); a reference page its paper.

Every node is named by an IRI under the site's URL (``site_url``; without one, under
``https://<site>.invalid/``), the hosted page's address whatever the build: an entity
keeps one name across the site, the bundle and the downloads.

Text from content and the library is data here: the block is JSON whose ``<``,
``>``, ``&``, U+2028 and U+2029 are escaped, so no text can end the script element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from evmap.core.config import Curator, Settings
from evmap.core.identifiers import COMPOUND_SCHEMES, PATHWAY_SCHEMES, Identifier, identifiers_of
from evmap.core.library.links import doi_href, pmid_href
from evmap.core.licenses import License
from evmap.core.model import Claim, Compound, EvidenceMap, Pathway, Reference
from evmap.site.urls import PageKind

__all__ = [
    "COMPOUND_TYPES",
    "SCHEMA_CONTEXT",
    "MapInfo",
    "PageNodes",
    "claim_node",
    "compound_node",
    "dataset_node",
    "map_info",
    "pathway_node",
    "reference_node",
    "script",
]

SCHEMA_CONTEXT = "https://schema.org"
"""The context every block names (what search engines expect)."""

COMPOUND_TYPES: Mapping[str, str] = {
    "racemate": "ChemicalSubstance",  # a mixture of two molecules
    "enantiomer": "MolecularEntity",
    "metabolite": "MolecularEntity",
    "drug": "Drug",
    "tool-compound": "MolecularEntity",
    "endogenous": "BioChemEntity",  # a protein, a hormone
}
"""The schema.org type of each kind of compound: the nearest fit."""


_FOLDERS = {"pathway": "pathways", "compound": "compounds", "reference": "references"}


@dataclass(frozen=True, slots=True)
class MapInfo:
    """What the exports say about the map itself.

    Attributes:
        name: The site's name.
        description: The site's description ("" when none).
        url: The hosted site's URL with a trailing ``/`` ("" when not set).
        version: The map's version (the ``version`` option; the bundle's own label in
            the bundle's RO-Crate); "" when not stated.
        license: The licence of the data (None: not stated).
        curators: Who curates the map.
        purpose: What the map is for, a paragraph opening the home page (the ``purpose``
            option; "" when not stated).
    """

    name: str = "Evidence map"
    description: str = ""
    url: str = ""
    version: str = ""
    license: License | None = None
    curators: tuple[Curator, ...] = ()
    purpose: str = ""
    base: str = field(init=False, repr=False, compare=False)
    """The IRI every node's IRI starts with: :attr:`url`, else an ``.invalid`` one (set
    once: every IRI of every export starts with it)."""

    def __post_init__(self) -> None:
        if self.url:
            base = self.url if self.url.endswith("/") else self.url + "/"
        else:
            slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "evidence-map"
            base = f"https://{slug}.invalid/"
        object.__setattr__(self, "base", base)

    def iri(self, kind: str, subject: str = "") -> str:
        """The IRI of an entity of ``kind`` (``pathway``, ``compound``, ``reference``,
        ``claim``), or of the map itself (``map``)."""
        folder = _FOLDERS.get(kind)
        if folder is not None:
            return f"{self.base}{folder}/{subject}/"
        if kind == "claim":
            raise ValueError("a claim's IRI follows from its home pathway: use claim_iri")
        return self.base

    def claim_iri(self, claim: Claim) -> str:
        """A claim's IRI: its anchor on its home pathway's page."""
        return f"{self.iri('pathway', claim.home_pathway)}#claim-{claim.id}"

    def curator_nodes(self) -> list[dict[str, Any]]:
        """The curators as schema.org ``Person`` nodes (ORCID iD as their IRI when given)."""
        nodes = []
        for curator in self.curators:
            node: dict[str, Any] = {"@type": "Person", "name": curator.name}
            if curator.orcid:
                node = {"@id": f"https://orcid.org/{curator.orcid}", **node}
            nodes.append(node)
        return nodes


def map_info(settings: Settings, name: str, description: str = "", url: str = "") -> MapInfo:
    """What the exports say of a project's map: the builder's ``site_name``,
    ``site_description`` and ``site_url``, and the plugin's version, licence and curators.

    The version is the one configured, not read from git: a build runs one git process
    (the pages' history), and the bundle, which reads the checkout's version anyway,
    states its own."""
    return MapInfo(
        name=name or "Evidence map",
        description=description,
        url=url,
        version=settings.version,
        license=settings.license,
        curators=settings.curators,
        purpose=settings.purpose,
    )


def script(node: Mapping[str, Any]) -> Markup:
    """``node`` as a ``<script type="application/ld+json">`` element whose text cannot
    end the element (``<``, ``>``, ``&`` and the JavaScript line separators escaped)."""
    text = json.dumps(
        {"@context": SCHEMA_CONTEXT, **node}, ensure_ascii=False, separators=(",", ":")
    )
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>')


_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _property_values(ids: Iterable[Identifier]) -> list[dict[str, Any]]:
    return [
        {"@type": "PropertyValue", "propertyID": i.scheme.label, "value": i.value, "url": i.href}
        for i in ids
    ]


def _text(value: str) -> dict[str, str]:
    return {"description": value} if value else {}


def dataset_node(
    evidence_map: EvidenceMap, info: MapInfo, downloads: Sequence[tuple[str, str, str]]
) -> dict[str, Any]:
    """The map as a schema.org ``Dataset``.

    ``downloads`` are (site-relative path, media type, description) of each download.
    """
    node: dict[str, Any] = {
        "@id": info.base,
        "@type": "Dataset",
        "name": info.name,
        **_text(info.description),
        "url": info.base,
    }
    if info.version:
        node["version"] = info.version
    if info.license is not None:
        node["license"] = info.license.url
    curators = info.curator_nodes()
    if curators:
        node["creator"] = curators
    node["keywords"] = [p.name for p in evidence_map.pathways.values()][:50]
    node["variableMeasured"] = [
        {"@type": "PropertyValue", "name": name, "value": len(items)}
        for name, items in (
            ("claims", evidence_map.claims),
            ("compounds", evidence_map.compounds),
            ("pathways", evidence_map.pathways),
            ("references", evidence_map.references),
        )
    ]
    node["distribution"] = [
        {
            "@type": "DataDownload",
            "contentUrl": info.base + path,
            "encodingFormat": media,
            "description": what,
            **({"license": info.license.url} if info.license is not None else {}),
        }
        for path, media, what in downloads
    ]
    return node


def pathway_node(pathway: Pathway, info: MapInfo) -> dict[str, Any]:
    """A pathway as a ``DefinedTerm`` of the map's set of pathways, with its ids."""
    ids = identifiers_of(pathway.identifiers, PATHWAY_SCHEMES)
    node: dict[str, Any] = {
        "@id": info.iri("pathway", pathway.id),
        "@type": "DefinedTerm",
        "name": pathway.name,
        "termCode": pathway.id,
        **_text(pathway.summary),
        "url": info.iri("pathway", pathway.id),
        "inDefinedTermSet": {"@id": info.base + "pathways/", "@type": "DefinedTermSet"},
    }
    if ids:
        node["identifier"] = _property_values(ids)
        node["sameAs"] = [i.iri for i in ids]
    return node


def compound_node(compound: Compound, info: MapInfo) -> dict[str, Any]:
    """A compound as the nearest schema.org type (:data:`COMPOUND_TYPES`), with its ids."""
    ids = identifiers_of(compound.identifiers, COMPOUND_SCHEMES)
    node: dict[str, Any] = {
        "@id": info.iri("compound", compound.id),
        "@type": COMPOUND_TYPES.get(compound.kind, "MolecularEntity"),
        "name": compound.name,
        **_text(compound.summary),
        "url": info.iri("compound", compound.id),
    }
    if compound.synonyms:
        node["alternateName"] = list(compound.synonyms)
    if ids:
        node["identifier"] = _property_values(ids)
        node["sameAs"] = [i.iri for i in ids]
    inchikey = compound.identifiers.get("inchikey")
    if inchikey and node["@type"] == "MolecularEntity":
        node["inChIKey"] = str(inchikey)
    return node


def reference_node(reference: Reference, info: MapInfo, full: bool = True) -> dict[str, Any]:
    """A reference as a ``ScholarlyArticle``: its DOI (and PubMed id) as ids and ``sameAs``.

    ``full`` adds the formatted reference (a reference page; a citation needs only the ids).
    """
    node: dict[str, Any] = {
        "@id": info.iri("reference", reference.slug),
        "@type": "ScholarlyArticle",
    }
    if full:
        node["name"] = reference.label
        node["description"] = reference.text
        node["url"] = info.iri("reference", reference.slug)
    ids: list[dict[str, Any]] = []
    same: list[str] = []
    if reference.doi:
        ids.append({"@type": "PropertyValue", "propertyID": "doi", "value": reference.doi})
        same.append(doi_href(reference.doi))
    pmid = reference.links.get("pmid")
    if pmid:
        ids.append({"@type": "PropertyValue", "propertyID": "pmid", "value": pmid})
        same.append(pmid_href(pmid))
    if ids and full:
        node["identifier"] = ids
    if same:
        node["sameAs"] = same if len(same) > 1 else same[0]
    return node


def claim_node(
    claim: Claim,
    evidence_map: EvidenceMap,
    info: MapInfo,
    cited: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A claim as a schema.org ``Claim`` about its compounds and pathways, citing its papers.

    ``cited`` holds citation nodes already made, by key (a paper is cited by many claims).
    """
    about = [{"@id": info.iri("compound", c)} for c in claim.compounds]
    about += [{"@id": info.iri("pathway", p)} for p in claim.pathways]
    citations = []
    for key in claim.citation_keys():
        if key in evidence_map.references:
            node = (cited or {}).get(key)
            if node is None:
                node = reference_node(evidence_map.references[key], info, full=False)
            citations.append(node)
    return {
        "@id": info.claim_iri(claim),
        "@type": "Claim",
        "text": claim.statement,
        "about": about,
        "citation": citations,
        "isPartOf": {"@id": info.base},
    }


class PageNodes:
    """The JSON-LD block of each page of one map, citation nodes made once per paper.

    Args:
        evidence_map: The map.
        info: What the exports say of it.
    """

    def __init__(self, evidence_map: EvidenceMap, info: MapInfo) -> None:
        self.map = evidence_map
        self.info = info
        self._cited: dict[str, dict[str, Any]] = {}

    def _claim(self, claim: Claim) -> dict[str, Any]:
        for key in claim.citation_keys():
            if key in self.map.references and key not in self._cited:
                ref = self.map.references[key]
                self._cited[key] = reference_node(ref, self.info, full=False)
        return claim_node(claim, self.map, self.info, self._cited)

    def script(
        self, kind: str, subject: str = "", downloads: Sequence[tuple[str, str, str]] = ()
    ) -> Markup:
        """The block of a page of ``kind`` about ``subject`` (empty for indexes and views).

        ``downloads`` are the home page's (see :func:`dataset_node`). A pathway page
        describes the claims at home there in full and names the others by IRI: each
        claim is described once across the site, on its home page.
        """
        m, info = self.map, self.info
        if kind == PageKind.HOME:
            return script(dataset_node(m, info, downloads))
        if kind == PageKind.PATHWAY:
            graph = [pathway_node(m.pathways[subject], info)]
            for cid in m.claims_by_pathway[subject]:
                claim = m.claims[cid]
                if claim.home_pathway == subject:
                    graph.append(self._claim(claim))
                else:
                    graph.append({"@id": info.claim_iri(claim), "@type": "Claim"})
            return script({"@graph": graph})
        if kind == PageKind.COMPOUND:
            node = compound_node(m.compounds[subject], info)
            claims = m.claims_by_compound[subject]
            if claims:
                node["subjectOf"] = [{"@id": info.claim_iri(m.claims[c])} for c in claims]
            return script(node)
        if kind == PageKind.REFERENCE:
            node = reference_node(m.references[subject], info)
            node["isPartOf"] = {"@id": info.base}
            return script(node)
        return Markup("")
