"""Standard exports on a real build of a small site: JSON-LD, nanopublications, KGX, CSL-JSON.

Every reader here works offline: pyld expands the pages' JSON-LD with RO-Crate's copy
of the schema.org terms (from the rocrate package) through a document loader that
refuses anything else; rdflib parses the TriG; pandoc reads the CSL-JSON back.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import replace as dc_replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import rdflib
from bs4 import BeautifulSoup
from conftest import TINY, write_project
from evmap.core.config import load_settings
from evmap.core.library.formatting import pandoc_path
from evmap.core.model import Evidence, EvidenceMap, Relation, yaml_fields
from evmap.core.pipeline import check, format_map_references
from evmap.site.kgx import EDGE_COLUMNS, kgx_edges
from evmap.site.linked_data import MapInfo, script
from evmap.site.nanopub import EVMAP_VOCAB, map_to_trig
from pyld import jsonld
from test_trust import SAMPLE

SCHEMA = "http://schema.org/"
# rdflib's own TriG parser still calls a Dataset method it has deprecated.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

FAIR = dict(TINY)
FAIR["content/compounds/ketamine.yml"] = TINY["content/compounds/ketamine.yml"].rstrip(" ") + (
    "        identifiers:\n          chebi: 'CHEBI:6121'\n          pubchem_cid: 3821\n"
)
FAIR["content/pathways/bdnf-trkb.yml"] = TINY["content/pathways/bdnf-trkb.yml"].rstrip(" ") + (
    "        identifiers:\n          go: 'GO:0031547'\n"
)
FAIR["content/claims/core.yml"] = TINY["content/claims/core.yml"].replace(
    "          pathways: [nmdar-inhibition]\n",
    "          pathways: [nmdar-inhibition]\n"
    "          asserts:\n"
    "            - {relation: not-through, compounds: [arketamine]}\n",
    1,
)
CONFIG = """\
      license: CC-BY-4.0
      curators: [{name: Ada Curator, orcid: 0000-0002-1825-0097}, Bo Reader]
"""


@pytest.fixture(scope="module")
def fair_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_project(tmp_path_factory.mktemp("fair"), FAIR)
    project.write("mkdocs.yml", project.read("mkdocs.yml") + CONFIG)
    return project.root


@pytest.fixture(scope="module")
def fair_site(fair_project: Path) -> Path:
    from evmap.adapters.build import build_site

    return build_site(fair_project / "mkdocs.yml", fair_project / "site", strict=True)


@pytest.fixture(scope="module")
def fair_map(fair_project: Path) -> EvidenceMap:
    settings = load_settings(fair_project / "mkdocs.yml")
    result = check(settings)
    assert result.errors(strict=True) == []
    format_map_references(settings, result.map)
    return result.map


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


def _schema_context() -> dict[str, Any]:
    """schema.org's terms as RO-Crate's context maps them (shipped by the rocrate package)."""
    text = resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_text("utf-8")
    return {"@context": json.loads(text)["@context"]}


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": _schema_context()}
    raise jsonld.JsonLdError(f"refused to load {url}", "loading document failed")


def _blocks(page: Path) -> list[dict[str, Any]]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def _expand(block: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(block, {"documentLoader": _loader})  # type: ignore[no-any-return]


def _flat(expanded: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    graph = jsonld.flatten(expanded, None, {"documentLoader": _loader})
    return {node["@id"]: node for node in graph}


def _values(node: dict[str, Any], prop: str) -> list[str]:
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA + prop, [])]


def test_pathway_page_jsonld_expands_with_its_id_and_its_claims_dois(
    fair_site: Path, no_network: None
) -> None:
    (block,) = _blocks(fair_site / "pathways/bdnf-trkb/index.html")
    nodes = _flat(_expand(block))
    pathway = nodes["https://example.org/tiny/pathways/bdnf-trkb/"]
    assert pathway["@type"] == [SCHEMA + "DefinedTerm"]
    assert _values(pathway, "name") == ["BDNF-TrkB signalling"]
    assert _values(pathway, "sameAs") == ["http://purl.obolibrary.org/obo/GO_0031547"]
    claim = nodes["https://example.org/tiny/pathways/bdnf-trkb/#claim-trkb-needed"]
    assert claim["@type"] == [SCHEMA + "Claim"]
    cited = [nodes[i] for i in _values(claim, "citation")]
    assert sorted(v for c in cited for v in _values(c, "sameAs") if "doi.org" in v) == [
        "https://doi.org/10.1016/S0006-3223(99)00230-9",
        "https://doi.org/10.1038/s41380-021-01121-1",
    ]
    assert {c["@type"][0] for c in cited} == {SCHEMA + "ScholarlyArticle"}


def test_home_page_describes_the_map_as_a_dataset_with_licence_and_curators(
    fair_site: Path, no_network: None
) -> None:
    (block,) = _blocks(fair_site / "index.html")
    nodes = _flat(_expand(block))
    dataset = nodes["https://example.org/tiny/"]
    assert dataset["@type"] == [SCHEMA + "Dataset"]
    assert _values(dataset, "license") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert _values(dataset, "name") == ["Tiny map"]
    creators = [nodes[i] for i in _values(dataset, "creator")]
    assert sorted(_values(c, "name")[0] for c in creators) == ["Ada Curator", "Bo Reader"]
    assert "https://orcid.org/0000-0002-1825-0097" in nodes
    downloads = {_values(nodes[d], "contentUrl")[0] for d in _values(dataset, "distribution")}
    assert "https://example.org/tiny/downloads/nanopubs.trig" in downloads
    home = BeautifulSoup((fair_site / "index.html").read_text("utf-8"), "html.parser")
    licence = home.select_one('a[rel="license"]')
    assert licence is not None and licence["href"] == "https://creativecommons.org/licenses/by/4.0/"


def test_compound_and_reference_pages_embed_their_nodes(fair_site: Path, no_network: None) -> None:
    (block,) = _blocks(fair_site / "compounds/ketamine/index.html")
    node = _flat(_expand(block))["https://example.org/tiny/compounds/ketamine/"]
    assert node["@type"] == [SCHEMA + "ChemicalSubstance"]
    assert sorted(_values(node, "sameAs")) == [
        "http://purl.obolibrary.org/obo/CHEBI_6121",
        "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID3821",
    ]
    (ref,) = _blocks(fair_site / "references/berman2000/index.html")
    node = _flat(_expand(ref))["https://example.org/tiny/references/berman2000/"]
    assert _values(node, "sameAs") == [
        "https://doi.org/10.1016/S0006-3223(99)00230-9",
        "https://pubmed.ncbi.nlm.nih.gov/10686270/",
    ]


def test_jsonld_text_cannot_close_its_script() -> None:
    hostile = {"@type": "Thing", "name": "</script><script>alert(1)</script>\u2028&"}
    html = str(script(hostile))
    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "\u2028" not in html and "<" not in html[len('<script type="x">') + 20 : -9]
    body = html[html.index(">") + 1 : -len("</script>")]
    assert json.loads(body)["name"] == hostile["name"]


def _trig(fair_map: EvidenceMap, info: MapInfo | None = None) -> rdflib.Dataset:
    text = map_to_trig(fair_map, info or MapInfo(name="Tiny map", url="https://example.org/tiny/"))
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format="trig")
    return dataset


NP = rdflib.Namespace("http://www.nanopub.org/nschema#")
BIOLINK = rdflib.Namespace("https://w3id.org/biolink/vocab/")


def test_nanopubs_hold_one_assertion_graph_per_claim(fair_map: EvidenceMap) -> None:
    dataset = _trig(fair_map)
    heads = list(dataset.quads((None, rdflib.RDF.type, NP.Nanopublication, None)))
    assert len(heads) == len(fair_map.claims) == 2
    assertions = {str(o) for _, _, o, _ in dataset.quads((None, NP.hasAssertion, None, None))}
    assert assertions == {
        "https://example.org/tiny/nanopubs/nmdar-main-route#assertion",
        "https://example.org/tiny/nanopubs/trkb-needed#assertion",
    }
    graph = dataset.graph(
        rdflib.URIRef("https://example.org/tiny/nanopubs/nmdar-main-route#assertion")
    )
    pairs = {
        (
            str(graph.value(a, BIOLINK.subject)).split("/")[-2],
            graph.value(a, BIOLINK.negated).toPython(),
        )
        for a in graph.subjects(rdflib.RDF.type, BIOLINK.Association)
    }
    # The claim asserts arketamine acts without the pathway, ketamine through it.
    assert pairs == {("ketamine", False), ("arketamine", True)}
    ketamine = rdflib.URIRef("https://example.org/tiny/compounds/ketamine/")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert set(graph.objects(ketamine, skos.exactMatch)) == {
        rdflib.URIRef("http://purl.obolibrary.org/obo/CHEBI_6121"),
        rdflib.URIRef("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID3821"),
    }
    assert (ketamine, BIOLINK.affects, None) in graph
    arketamine = rdflib.URIRef("https://example.org/tiny/compounds/arketamine/")
    assert (arketamine, BIOLINK.affects, None) not in graph


def test_nanopub_provenance_carries_evidence_eco_taxon_and_dois(fair_map: EvidenceMap) -> None:
    dataset = _trig(fair_map)
    prov = dataset.graph(
        rdflib.URIRef("https://example.org/tiny/nanopubs/nmdar-main-route#provenance")
    )
    item = rdflib.URIRef("https://example.org/tiny/nanopubs/nmdar-main-route#evidence-1")
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    cito = rdflib.Namespace("http://purl.org/spar/cito/")
    evmap = rdflib.Namespace(EVMAP_VOCAB)
    assert prov.value(item, dcterms.type) == rdflib.URIRef(
        "http://purl.obolibrary.org/obo/ECO_0000180"
    )
    assert prov.value(item, BIOLINK.in_taxon) == rdflib.URIRef(
        "http://purl.obolibrary.org/obo/NCBITaxon_9606"
    )
    assert prov.value(item, cito.citesAsEvidence) == rdflib.URIRef(
        "https://doi.org/10.1016/S0006-3223(99)00230-9"
    )
    assert str(prov.value(item, evmap.stance)) == "supports"


def test_nanopub_pubinfo_says_version_licence_and_curators(
    fair_project: Path, fair_map: EvidenceMap
) -> None:
    settings = load_settings(fair_project / "mkdocs.yml")
    info = MapInfo(
        "Tiny map", "", "https://example.org/tiny/", "v1.0", settings.license, settings.curators
    )
    dataset = _trig(fair_map, info)
    pubinfo = dataset.graph(rdflib.URIRef("https://example.org/tiny/nanopubs/trkb-needed#pubinfo"))
    np_iri = rdflib.URIRef("https://example.org/tiny/nanopubs/trkb-needed")
    pav = rdflib.Namespace("http://purl.org/pav/")
    assert str(pubinfo.value(np_iri, pav.version)) == "v1.0"
    assert set(pubinfo.objects(np_iri, pav.curatedBy)) == {
        rdflib.URIRef("https://orcid.org/0000-0002-1825-0097"),
        rdflib.URIRef("https://example.org/tiny/#curator-2"),
    }
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    assert pubinfo.value(np_iri, dcterms.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_trig_escapes_text_and_iris(fair_map: EvidenceMap) -> None:
    claim = fair_map.claims["trkb-needed"]
    hostile = dc_replace(claim, statement='He said "<b>\\n</b>" \t and left.\n')
    evil = dc_replace(fair_map, claims={**fair_map.claims, claim.id: hostile})
    graph = _trig(evil).graph(
        rdflib.URIRef("https://example.org/tiny/nanopubs/trkb-needed#assertion")
    )
    comments = {str(o) for o in graph.objects(None, rdflib.RDFS.comment)}
    assert comments == {hostile.statement}


@pytest.mark.parametrize("spec", yaml_fields(Evidence), ids=lambda f: f.name)
def test_every_evidence_field_reaches_the_nanopubs(fair_map: EvidenceMap, spec: Any) -> None:
    """The contract of test_trust.py, for the TriG: a field declared on the model reaches
    each item's provenance with no code of its own."""
    claim = fair_map.claims["nmdar-main-route"]
    changed = dc_replace(claim.evidence[0], **{spec.name: SAMPLE[spec.name]})
    new_map = dc_replace(
        fair_map,
        claims={
            **fair_map.claims,
            claim.id: dc_replace(claim, evidence=(changed, *claim.evidence[1:])),
        },
    )
    prov = _trig(new_map).graph(
        rdflib.URIRef("https://example.org/tiny/nanopubs/nmdar-main-route#provenance")
    )
    key = spec.metadata["yaml"]
    predicates = {str(p).removeprefix(EVMAP_VOCAB) for p in prov.predicates()}
    assert key in predicates or f"{key}_species" in predicates


def test_kgx_edges_list_every_pair_with_its_direction(
    fair_site: Path, fair_map: EvidenceMap
) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO((fair_site / "downloads/kgx/edges.tsv").read_text("utf-8")), delimiter="\t"
        )
    )
    assert tuple(rows[0]) == EDGE_COLUMNS
    pairs = {
        (
            r["subject"],
            r["predicate"],
            r["object"].split("/")[-2],
            r["negated"],
            r["relation"],
            r["supporting_items"],
            r["contradicting_items"],
        )
        for r in rows
    }
    expected = [
        (c, p)
        for claim in fair_map.claims.values()
        for c in claim.compounds
        for p in claim.pathways
    ]
    assert len(rows) == len(expected) == 4
    assert pairs == {
        ("CHEBI:6121", "biolink:affects", "nmdar-inhibition", "False", "through", "1", "1"),
        (
            "https://example.org/tiny/compounds/arketamine/",
            "biolink:affects",
            "nmdar-inhibition",
            "True",
            "not-through",
            "0",
            "1",
        ),
        (
            "https://example.org/tiny/compounds/arketamine/",
            "biolink:affects",
            "bdnf-trkb",
            "False",
            "through",
            "1",
            "0",
        ),
        (
            "https://example.org/tiny/compounds/arketamine/",
            "biolink:affects",
            "nmdar-inhibition",
            "False",
            "through",
            "0",
            "0",
        ),
    }
    nodes = (fair_site / "downloads/kgx/nodes.tsv").read_text("utf-8").splitlines()
    assert nodes[2].split("\t")[:5] == [
        "CHEBI:6121",
        "biolink:ChemicalEntity",
        "Ketamine",
        "(R,S)-ketamine",
        "PUBCHEM.COMPOUND:3821",
    ]


def test_kgx_predicates_and_categories_are_biolinks() -> None:
    import yaml

    model = yaml.safe_load(
        resources.files("biolink_model").joinpath("schema/biolink_model.yaml").read_text("utf-8")
    )
    slots, classes = model["slots"], model["classes"]
    from evmap.site.nanopub import PREDICATES

    for predicate, _ in PREDICATES.values():
        assert predicate.removeprefix("biolink:").replace("_", " ") in slots
    for category in ("chemical entity", "biological process", "association"):
        assert category in classes
    for column in ("negated", "knowledge level", "agent type", "publications", "has evidence"):
        assert column in slots
    assert set(Relation) == set(PREDICATES)


def test_csl_json_reads_back_to_the_same_formatted_text(
    fair_site: Path, fair_map: EvidenceMap, tmp_path: Path
) -> None:
    items = json.loads((fair_site / "downloads/references.csl.json").read_text("utf-8"))
    assert [i["id"] for i in items] == ["berman2000", "wei2021"]
    assert items[0]["DOI"] == "10.1016/S0006-3223(99)00230-9"
    bib = tmp_path / "refs.json"
    bib.write_text(json.dumps(items), "utf-8")
    from evmap.core.library.formatting import default_style_path

    markdown = "---\nlink-citations: false\nlink-bibliography: false\nlang: en-US\n---\n\n[@berman2000]; [@wei2021]\n"
    done = subprocess.run(
        [
            pandoc_path(),
            "-f",
            "markdown",
            "-t",
            "plain",
            "--citeproc",
            "--wrap=none",
            "--bibliography",
            str(bib),
            "--csl",
            str(default_style_path()),
        ],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    out = " ".join(done.stdout.split())
    for key in ("berman2000", "wei2021"):
        assert " ".join(fair_map.references[key].text.split()) in out


def test_every_export_states_the_licence(fair_site: Path) -> None:
    data = json.loads((fair_site / "downloads/evidence-map.json").read_text("utf-8"))
    assert data["license"] == {
        "spdx": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    bib = (fair_site / "downloads/references.bib").read_text("utf-8")
    assert (
        "% The map's data is licensed under Creative Commons Attribution 4.0 International" in bib
    )
    trig = (fair_site / "downloads/nanopubs.trig").read_text("utf-8")
    assert "dcterms:license <https://creativecommons.org/licenses/by/4.0/>" in trig


def test_exports_are_deterministic(fair_project: Path, tmp_path: Path) -> None:
    from evmap.adapters.build import build_site

    again = build_site(fair_project / "mkdocs.yml", tmp_path / "again", strict=True)
    first = fair_project / "site"
    for rel in (
        "downloads/nanopubs.trig",
        "downloads/kgx/edges.tsv",
        "downloads/kgx/nodes.tsv",
        "downloads/references.csl.json",
        "pathways/bdnf-trkb/index.html",
        "index.html",
    ):
        a, b = (first / rel).read_bytes(), (again / rel).read_bytes()
        assert re.sub(rb"\d{4}-\d{2}-\d{2}", b"", a) == re.sub(rb"\d{4}-\d{2}-\d{2}", b"", b), rel


def test_kgx_cells_hold_no_tab_or_newline(fair_map: EvidenceMap) -> None:
    from evmap.analysis.analyse import analyse_map

    pathway = fair_map.pathways["bdnf-trkb"]
    odd = dc_replace(
        fair_map, pathways={**fair_map.pathways, "bdnf-trkb": dc_replace(pathway, name="a\tb\nc|d")}
    )
    edges = kgx_edges(odd, analyse_map(odd), MapInfo())
    assert all(len(line.split("\t")) == len(EDGE_COLUMNS) for line in edges.splitlines())
