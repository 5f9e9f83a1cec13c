"""Identifiers: checked against bioregistry, offline, with path:line errors; linked to records.

The schemes' constants (how ids are written, the record pages, the IRIs) are held to
bioregistry's own data here, so the build never needs the registry to render a page.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import bioregistry
import pytest
from conftest import REPO, TINY, Project, article, write_project
from evmap.core import identifiers, vocab
from evmap.core.config import load_settings
from evmap.core.identifiers import COMPOUND_SCHEMES, PATHWAY_SCHEMES, SCHEMES, scheme_problem
from evmap.core.model import EvidenceType
from evmap.core.pipeline import check


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection attempt fails the test: the registry must answer from its own files."""

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


@pytest.mark.parametrize("scheme", SCHEMES.values(), ids=lambda s: s.key)
def test_identifier_schemes_agree_with_bioregistry(scheme: identifiers.Scheme) -> None:
    resource = bioregistry.get_resource(scheme.prefix)
    assert resource is not None
    written = resource.get_banana() or resource.get_preferred_prefix()
    assert scheme.written == (f"{written}:" if scheme.written else "")
    formats = set(resource.get_uri_formats())
    assert scheme.page.replace("{}", "$1") in formats
    iri = resource.get_rdf_uri_format() or resource.get_uri_format()
    assert scheme.iri.replace("{}", "$1") in {iri, *formats}
    assert scheme.local(scheme.example) == resource.get_example()
    assert scheme_problem(scheme, int(scheme.example) if scheme.integer else scheme.example) == ""


def test_identifier_curie_prefixes_are_biolinks() -> None:
    import json
    from importlib import resources

    prefixes = json.loads(
        resources.files("biolink_model")
        .joinpath("prefixmaps/biolink-model-prefix-map.json")
        .read_text("utf-8")
    )
    for scheme in SCHEMES.values():
        if scheme.key in ("drugbank", "inchikey", "wikipathways"):
            # Biolink has no prefix for these in every release; its own spelling is kept.
            continue
        assert scheme.curie in prefixes, scheme.key


def test_vocabulary_ids_are_well_formed(no_network: None) -> None:
    taxon, eco = SCHEMES["ncbitaxon"], SCHEMES["eco"]
    assert {s: scheme_problem(taxon, t) for s, t in vocab.SPECIES_TAXA.items()} == {
        "human": "",
        "mouse": "",
        "rat": "",
    }
    assert set(vocab.TYPE_ECO) == set(EvidenceType)
    assert all(scheme_problem(eco, code) == "" for code in vocab.TYPE_ECO.values())


BAD_IDS = {
    "content/compounds/ketamine.yml": TINY["content/compounds/ketamine.yml"].rstrip(" ")
    + """\
        identifiers:
          chebi: "CHEBI:61x21"
          pubchem_cid: 3821
        """,
    "content/compounds/arketamine.yml": TINY["content/compounds/arketamine.yml"].rstrip(" ")
    + """\
        identifiers:
          drugbank: DB1221
          inchikey: YQEZLKZALYSWHR
        """,
    "content/pathways/bdnf-trkb.yml": TINY["content/pathways/bdnf-trkb.yml"].rstrip(" ")
    + """\
        identifiers:
          go: "GO:31547"
          reactome: R-HSA-9006115
        """,
}


def test_check_reports_malformed_ids_at_their_line(
    project: Project, capsys: pytest.CaptureFixture[str], no_network: None
) -> None:
    for rel, text in BAD_IDS.items():
        project.write(rel, text)
    project.write(
        "content/claims/core.yml",
        TINY["content/claims/core.yml"].replace(
            "model: {species: mouse, paradigm: CSDS}",
            "model: {species: mouse, paradigm: CSDS, taxon: 'NCBITaxon:10O90'}",
        ),
    )
    code, out, err = project.check("--strict", capsys=capsys)
    assert code == 1
    assert out.splitlines() == [
        "content/claims/core.yml:26: claim 'trkb-needed': model: taxon 'NCBITaxon:10O90' does not match the registry's pattern ^(\\d+)|([a-zA-Z_]+)$ after 'NCBITaxon:'; expected a well-formed NCBI Taxonomy id such as NCBITaxon:2170610 (bioregistry 'ncbitaxon'); copy it from the NCBI Taxonomy record, or leave it out when no record confirms it",
        "content/compounds/arketamine.yml:6: compound 'arketamine': identifiers: drugbank 'DB1221' does not match the registry's pattern ^DB\\d{5}$; expected a well-formed DrugBank id such as DB14938 (bioregistry 'drugbank'); copy it from the DrugBank record, or leave it out when no record confirms it",
        "content/compounds/arketamine.yml:7: compound 'arketamine': identifiers: inchikey 'YQEZLKZALYSWHR' does not match the registry's pattern ^[A-Z]{14}\\-[A-Z]{10}(\\-[A-Z])?$; expected a well-formed InChIKey id such as RYYVLZVUVIJVGH-UHFFFAOYSA-N (bioregistry 'inchikey'); copy it from the InChIKey record, or leave it out when no record confirms it",
        "content/compounds/ketamine.yml:7: compound 'ketamine': identifiers: chebi 'CHEBI:61x21' does not match the registry's pattern ^\\d+$ after 'CHEBI:'; expected a well-formed ChEBI id such as CHEBI:138488 (bioregistry 'chebi'); copy it from the ChEBI record, or leave it out when no record confirms it",
        "content/pathways/bdnf-trkb.yml:5: pathway 'bdnf-trkb': identifiers: go 'GO:31547' does not match the registry's pattern ^\\d{7}$ after 'GO:'; expected a well-formed GO id such as GO:0032571 (bioregistry 'go'); copy it from the GO record, or leave it out when no record confirms it",
    ]
    assert err.strip().endswith("5 errors, 0 warnings")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'3821'", "'identifiers.pubchem_cid' must be a whole number, got the text '3821'"),
        ("0", "'identifiers.pubchem_cid' is 0; expected at least 1"),
    ],
)
def test_check_reports_a_malformed_pubchem_id(
    project: Project, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    project.write(
        "content/compounds/ketamine.yml",
        TINY["content/compounds/ketamine.yml"].rstrip(" ")
        + f"        identifiers:\n          pubchem_cid: {value}\n",
    )
    code, out, _ = project.check("--strict", capsys=capsys)
    assert code == 1
    ours = [line for line in out.splitlines() if line.startswith("content/compounds/ketamine")]
    assert ours == [f"content/compounds/ketamine.yml:7: compound 'ketamine': {expected}"]


def test_shipped_map_passes_with_its_ids(no_network: None) -> None:
    result = check(load_settings(REPO / "mkdocs.yml"))
    assert result.errors(strict=True) == []
    with_ids = {c.id for c in result.map.compounds.values() if c.identifiers}
    assert with_ids, "the shipped compounds carry ids"
    assert any(p.identifiers for p in result.map.pathways.values())


IDS = dict(TINY)
IDS["content/compounds/ketamine.yml"] = TINY["content/compounds/ketamine.yml"].rstrip(" ") + (
    "        identifiers:\n          chebi: 'CHEBI:6121'\n          pubchem_cid: 3821\n"
    "          drugbank: DB01221\n          inchikey: YQEZLKZALYSWHR-UHFFFAOYSA-N\n"
)
IDS["content/pathways/bdnf-trkb.yml"] = TINY["content/pathways/bdnf-trkb.yml"].rstrip(" ") + (
    "        identifiers:\n          go: 'GO:0031547'\n          reactome: R-HSA-9006115\n"
)


@pytest.fixture(scope="module")
def ids_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("ids"), IDS).build()


def _facts(page: Path) -> list[dict[str, str]]:
    dl = article(page).select_one("dl.evmap-facts")
    assert dl is not None
    dt = [d for d in dl.select("dt") if d.get_text() == "Identifiers"]
    assert len(dt) == 1
    dd = dt[0].find_next_sibling("dd")
    return [{"text": a.get_text(), "href": a["href"]} for a in dd.select("a")]


def test_ids_link_to_their_records(ids_site: Path) -> None:
    assert _facts(ids_site / "compounds/ketamine/index.html") == [
        {
            "text": "CHEBI:6121",
            "href": "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:6121",
        },
        {"text": "PubChem CID 3821", "href": "https://pubchem.ncbi.nlm.nih.gov/compound/3821"},
        {"text": "DrugBank DB01221", "href": "https://go.drugbank.com/drugs/DB01221"},
        {
            "text": "InChIKey YQEZLKZALYSWHR-UHFFFAOYSA-N",
            "href": "https://identifiers.org/inchikey:YQEZLKZALYSWHR-UHFFFAOYSA-N",
        },
    ]
    assert _facts(ids_site / "pathways/bdnf-trkb/index.html") == [
        {"text": "GO:0031547", "href": "https://amigo.geneontology.org/amigo/term/GO:0031547"},
        {
            "text": "Reactome R-HSA-9006115",
            "href": "https://reactome.org/content/detail/R-HSA-9006115",
        },
    ]


def test_every_scheme_of_the_schemas_is_known() -> None:
    from evmap.core.schema import load_schema

    compound = load_schema("compound")["$defs"]["compound"]["properties"]["identifiers"]
    pathway = load_schema("pathway")["$defs"]["pathway"]["properties"]["identifiers"]
    assert list(compound["properties"]) == [s.key for s in COMPOUND_SCHEMES]
    assert list(pathway["properties"]) == [s.key for s in PATHWAY_SCHEMES]
