"""Evidence views: contradiction flags, matrix, network and downloads.

Two kinds of test: the views on tiny maps built in memory (table-driven), and
specific cells, flags and grades of the shipped content, built once with real
MkDocs. The grading rule is tested in test_certainty.py, the pairs' question in
test_pairs.py.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import REPO, TEMPLATES, article, soup, write_project
from evmap.adapters.build import build_site
from evmap.analysis import network as network_order
from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.contradictions import find_contradiction, model_label
from evmap.analysis.matrix import NO_COMPOUND, pair_stance
from evmap.analysis.network import crossings, order_layers, ordered_layers
from evmap.core.config import load_settings
from evmap.core.model import (
    CertaintyOverride,
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    EvidenceType,
    Grade,
    ModelSystem,
    Pathway,
    Reference,
    ReferenceKind,
    Relation,
    Source,
    Stance,
    build_map,
)
from evmap.core.pipeline import check, format_map_references
from evmap.core.schema import entry_validator
from evmap.core.vocab import GRADE_LABELS, SPECIES_LABELS, TYPE_LABELS
from evmap.site import export
from evmap.site.export import (
    CSV_COLUMNS,
    DOWNLOADS,
    cited_bibtex,
    download_files,
    entry_text,
    map_to_csv,
    map_to_json,
    preview_text,
    references_script,
)
from evmap.site.history import read_site_history
from evmap.site.linked_data import map_info
from evmap.site.matrix_page import CODE_DIGITS
from evmap.site.network import layout_network
from evmap.site.render import Renderer, make_environment
from evmap.site.urls import PageSpec, Urls
from pybtex.database.input.bibtex import Parser

HERE = Source("content/claims/x.yml", 1)

# -- tiny maps ----------------------------------------------------------------


def ev(
    stance: str = "supports",
    type: str = "in-vivo",
    cites: tuple[str, ...] = ("a2020",),
    species: str = "mouse",
    paradigm: str = "CSDS",
    via: tuple[str, ...] = (),
    indirect: str = "",
    compounds: tuple[str, ...] = (),
    pathways: tuple[str, ...] = (),
) -> Evidence:
    """One evidence item, short to write in tables."""
    return Evidence(
        Stance(stance),
        "A finding.",
        ModelSystem(species, paradigm),
        EvidenceType(type),
        cites,
        HERE,
        via=via,
        indirect=indirect,
        compounds=compounds,
        pathways=pathways,
    )


REVIEWS = frozenset({"r1", "r2", "rev"})
"""Keys the tables below treat as curated reviews."""


def kind_of(key: str) -> ReferenceKind | None:
    return ReferenceKind.REVIEW if key in REVIEWS else None


def claim(
    cid: str,
    evidence: list[Evidence],
    compounds: tuple[str, ...] = ("k",),
    pathways: tuple[str, ...] = ("p",),
    certainty: CertaintyOverride | None = None,
) -> Claim:
    return Claim(cid, f"Statement {cid}.", compounds, pathways, tuple(evidence), HERE, certainty)


def tiny_map(
    claims: list[Claim], compounds: tuple[str, ...] = ("k",), pathways: tuple[str, ...] = ("p",)
) -> EvidenceMap:
    keys = sorted({k for c in claims for e in c.evidence for k in e.citations})
    return build_map(
        [Compound(c, c.upper(), "drug", HERE) for c in compounds],
        [Pathway(p, p.upper(), "receptor", HERE) for p in pathways],
        claims,
        [Reference.formatted(k, "article", k, k, k, {}, Source("references.bib", 1)) for k in keys],
    )


# -- contradictions and cells -------------------------------------------------


def test_views_contradiction_lists_models_on_each_side_once() -> None:
    found = find_contradiction(
        [
            ev("supports", "in-vivo", species="mouse", paradigm="CSDS"),
            ev("supports", "in-vivo", species="mouse", paradigm="CSDS"),
            ev("contradicts", "clinical", species="human", paradigm="MDD trial"),
            ev("mixed", "review", species="none", paradigm=""),
        ]
    )
    assert found is not None
    assert found.supports == ("mouse, CSDS (in-vivo)",)
    assert found.contradicts == ("human, MDD trial (clinical)",)
    assert (
        found.describe()
        == "supports: mouse, CSDS (in-vivo); contradicts: human, MDD trial (clinical)"
    )


@pytest.mark.parametrize(
    "stances", [["supports"], ["contradicts", "contradicts"], ["mixed", "supports"], ["mixed"]]
)
def test_views_no_contradiction_unless_both_ways(stances: list[str]) -> None:
    assert find_contradiction([ev(s) for s in stances]) is None


def test_views_cell_pools_claims_and_flags_pair_though_no_claim_is_flagged() -> None:
    m = tiny_map(
        [
            claim("for", [ev("supports", cites=("a",))]),
            claim("against", [ev("contradicts", "clinical", ("b",), "human", "MDD trial")]),
            claim("elsewhere", [ev("supports")], compounds=("j",), pathways=("q",)),
            claim("no-compound", [ev("supports")], compounds=(), pathways=("q",)),
        ],
        compounds=("j", "k"),
        pathways=("p", "q"),
    )
    analysis = analyse_map(m)
    assert analysis.contradictions == {}
    cell = analysis.cells["k", "p"]
    assert cell.claims == ("against", "for")
    assert cell.balance.value == "mixed"
    assert cell.contradiction is not None
    assert cell.contradiction.contradicts == ("human, MDD trial (clinical)",)
    assert analysis.cells["j", "q"].balance.value == "supports"
    assert ("k", "q") not in analysis.cells and ("j", "p") not in analysis.cells
    assert analysis.cells[NO_COMPOUND, "q"].claims == ("no-compound",)
    assert [(i.stance, i.species, i.type, i.grade) for i in cell.items] == [
        (Stance.CONTRADICTS, "human", EvidenceType.CLINICAL, Grade.VERY_LOW),  # nothing supports it
        (Stance.SUPPORTS, "mouse", EvidenceType.IN_VIVO, Grade.LOW),
    ]


def broad_claim_map() -> EvidenceMap:
    """One claim naming two compounds and two pathways, whose items concern different pairs.

    Item 1 tested compound j on pathway p (for); item 2 tested compound k on pathway q
    (against). Before attribution, both items landed in all four cells, and every
    cell was flagged as pointing both ways.
    """
    return tiny_map(
        [
            claim(
                "broad",
                [
                    ev("supports", cites=("a",), compounds=("j",), pathways=("p",)),
                    ev("contradicts", cites=("b",), compounds=("k",), pathways=("q",)),
                ],
                compounds=("j", "k"),
                pathways=("p", "q"),
            )
        ],
        compounds=("j", "k"),
        pathways=("p", "q"),
    )


def test_views_items_count_only_for_the_pairs_they_tested() -> None:
    analysis = analyse_map(broad_claim_map())
    assert "broad" in analysis.contradictions  # the claim itself is contested
    assert sorted(analysis.cells) == [("j", "p"), ("k", "q")]  # no cell for j x q or k x p
    assert [cell.balance.value for cell in analysis.cells.values()] == ["supports", "contradicts"]
    assert all(cell.contradiction is None for cell in analysis.cells.values())
    assert analysis.contested_by_compound == {} and analysis.contested_by_pathway == {}
    assert analysis.items_by_compound == {"j": (("broad", 0),), "k": (("broad", 1),)}
    assert analysis.items_by_pathway == {"p": (("broad", 0),), "q": (("broad", 1),)}


def test_views_network_draws_only_tested_edges() -> None:
    m = broad_claim_map()
    analysis = analyse_map(m)
    layout = layout_network(m, analysis, _Links())
    edges = sorted((e.ends, e.balance) for e in layout.edges)
    assert edges == [
        ("c:j k:broad", "supports"),
        ("c:k k:broad", "contradicts"),
        ("k:broad p:p", "supports"),
        ("k:broad p:q", "contradicts"),
    ]


def test_views_item_that_names_nothing_counts_for_all_its_claims_pairs() -> None:
    m = tiny_map(
        [claim("wide", [ev("supports")], compounds=("j", "k"), pathways=("p",))],
        compounds=("j", "k"),
        pathways=("p",),
    )
    assert sorted(analyse_map(m).cells) == [("j", "p"), ("k", "p")]


# -- network layout -----------------------------------------------------------


def test_views_barycentre_ordering_removes_crossings() -> None:
    # a-y, b-x, c-z: one crossing in the given order, none once layer 2 is sorted.
    layers = [["a", "b", "c"], ["x", "y", "z"]]
    edges = [{("a", "y"): 1.0, ("b", "x"): 1.0, ("c", "z"): 1.0}]
    assert crossings(layers, edges) == 1
    ordered = order_layers(layers, edges)
    assert crossings(ordered, edges) == 0
    assert order_layers(layers, edges) == ordered  # deterministic


def test_views_ordered_layers_remembers_the_ordering_of_a_graph() -> None:
    layers = [["a", "b", "c"], ["x", "y", "z"]]
    edges = [{("a", "y"): 1.0, ("b", "x"): 1.0, ("c", "z"): 1.0}]
    network_order._order_layers_memo.cache_clear()
    first = ordered_layers(layers, edges)
    assert first == order_layers(layers, edges)
    first[0].reverse()  # the caller's copy: the remembered ordering stays as it was
    assert ordered_layers(layers, edges) == order_layers(layers, edges)
    assert network_order._order_layers_memo.cache_info().hits == 1
    edges[0][("a", "x")] = 2.0  # another graph: ordered afresh
    assert ordered_layers(layers, edges) == order_layers(layers, edges)
    assert network_order._order_layers_memo.cache_info().misses == 2


class _Links:
    """A Linker for tests: hrefs name what they point to."""

    def page(self, kind: str, subject: str = "") -> str:
        return f"{kind}/{subject}"

    def claim(self, claim_id: str) -> str:
        return f"claim/{claim_id}"

    def file(self, path: str) -> str:
        return path

    def term(self, anchor: str) -> str:
        return f"definitions#{anchor}"


def test_views_network_claim_nodes_or_aggregated_pairs() -> None:
    m = tiny_map(
        [claim("one", [ev()]), claim("two", [ev("contradicts", cites=("b",))])],
        compounds=("k",),
        pathways=("p",),
    )
    analysis = analyse_map(m)
    full = layout_network(m, analysis, _Links())
    assert not full.aggregated
    assert sorted(n.href for n in full.nodes) == [
        "claim/one",
        "claim/two",
        "compound/k",
        "pathway/p",
    ]
    assert sorted(e.balance for e in full.edges) == [
        "contradicts",
        "contradicts",
        "supports",
        "supports",
    ]
    small = layout_network(m, analysis, _Links(), claim_node_limit=1)
    assert small.aggregated
    assert [n.kind for n in small.nodes] == ["compound", "pathway"]
    assert [(e.balance, e.href) for e in small.edges] == [("mixed", "matrix/#cell-k--p")]
    assert "2 evidence items" in small.edges[0].title


def synthetic_map(n_compounds: int, n_pathways: int, n_claims: int) -> EvidenceMap:
    """A large map with a deterministic spread of claims (no randomness)."""
    compounds = [
        Compound(
            f"c{i}", f"Compound number {i}", "drug", HERE, parent=f"c{i // 10}" if i >= 10 else None
        )
        for i in range(n_compounds)
    ]
    categories = ("receptor", "signalling", "circuit", "immune", "plasticity")
    pathways = [
        Pathway(f"p{j}", f"Pathway number {j} <b>&", categories[j % 5], HERE)
        for j in range(n_pathways)
    ]
    stances = ("supports", "supports", "contradicts", "mixed")
    claims = []
    for k in range(n_claims):
        cs = tuple(dict.fromkeys(f"c{(k * 7 + d * 13) % n_compounds}" for d in range(1 + k % 3)))
        ps = tuple(dict.fromkeys(f"p{(k * 11 + d * 5) % n_pathways}" for d in range(1 + k % 2)))
        items = [ev(stances[(k + i) % 4], cites=(f"r{(k + i) % 50}",)) for i in range(1 + k % 4)]
        claims.append(claim(f"claim-{k}", items, cs, ps))
    references = [
        Reference.formatted(f"r{i}", "article", f"R{i}", "", "", {}, HERE) for i in range(50)
    ]
    return build_map(compounds, pathways, claims, references)


def test_views_network_at_500_compounds_by_200_pathways_draws_one_edge_per_pair() -> None:
    """A large map's network draws compounds and pathways only (aggregated edges), so the
    page stays small; its claims are never laid out one by one."""
    m = synthetic_map(500, 200, 3000)
    renderer = Renderer(m, make_environment([TEMPLATES]), Urls())
    html = renderer.render(PageSpec("network/index.md", "network", "Evidence network"))
    layout = renderer.context(PageSpec("network/index.md", "network", "N")).data.layout
    assert layout.aggregated
    assert layout.stats["compounds"] == 500 and layout.stats["pathways"] == 200
    assert {node.kind for node in layout.nodes} == {"compound", "pathway"}
    assert len(html.encode()) < 4_000_000, len(html.encode())
    svg = BeautifulSoup(html, "html.parser").select_one("svg.evmap-network")
    assert svg is not None
    assert len(svg.select("a.evmap-net-node")) == 700
    # One edge per compound-pathway pair with evidence, joining two drawn nodes.
    pairs = {
        f"c:{cid} p:{pid}" for (cid, pid), _ in analyse_map(m).cells.items() if cid != NO_COMPOUND
    }
    drawn = [a["data-ends"] for a in svg.select(".evmap-net-edges [data-ends]")]
    assert sorted(drawn) == sorted(pairs)
    nodes = {a["data-node"] for a in svg.select("a.evmap-net-node")}
    assert all(set(ends.split()) <= nodes for ends in drawn)
    assert "Pathway number 7 &lt;b&gt;&amp;" in html  # names are escaped in the SVG
    assert "<b>&" not in html


def test_views_large_map_matrix_and_network_show_the_busiest_part() -> None:
    m = synthetic_map(60, 30, 900)  # a grid of 1,800 cells, shown whole by default
    assert analyse_map(m).extent is None
    analysis = analyse_map(m, view_max_cells=200)
    extent = analysis.extent
    assert extent is not None
    # Rows and columns shrink by the same factor (1/3), within the limit.
    assert (len(extent.compounds), len(extent.pathways)) == (20, 10)
    load: dict[str, int] = {}
    for (cid, pid), cell in analysis.cells.items():
        load[cid] = load.get(cid, 0) + len(cell.items)
        load[pid] = load.get(pid, 0) + len(cell.items)
    for shown, everything in ((extent.compounds, m.compounds), (extent.pathways, m.pathways)):
        hidden = [load.get(i, 0) for i in everything if i not in shown]
        assert min(load.get(i, 0) for i in shown) >= max(hidden)  # the busiest are shown
    assert analyse_map(m, view_max_cells=200).extent == extent  # deterministic

    renderer = Renderer(m, make_environment([TEMPLATES]), Urls(), view_max_cells=200)
    plan = {(spec.kind, spec.subject): spec for spec in renderer.plan()}
    matrix = BeautifulSoup(renderer.render(plan["matrix", ""]), "html.parser")
    assert len(matrix.select("th.evmap-col")) == 10
    order = [tr["data-row"] for tr in matrix.select("tbody tr")]
    assert sorted(order) == sorted(extent.compounds)
    for cid in order:  # every shown ancestor comes before its descendants
        parent = m.compounds[cid].parent
        while parent is not None:
            assert parent not in extent.compounds or order.index(parent) < order.index(cid)
            parent = m.compounds[parent].parent
    for row in matrix.select("tbody tr"):  # indented under the ancestors the table shows
        ancestors, parent = 0, m.compounds[row["data-row"]].parent
        while parent is not None:
            ancestors += parent in extent.compounds
            parent = m.compounds[parent].parent
        assert f"evmap-depth-{ancestors}" in row.th["class"], row["data-row"]
    note = matrix.select_one("#busiest")
    assert note is not None
    assert "60 compounds and 30 pathways" in note.get_text()
    assert "20 compounds and 10 pathways" in note.get_text()
    sections = {s["id"] for s in matrix.select("section[id^=cell-]")}
    assert sections == {
        cell.anchor for key, cell in analysis.cells.items() if cell.listed and extent.shows(*key)
    }
    hrefs = [link["href"] for link in matrix.select("td a")]
    assert hrefs and all(href[1:] in sections for href in hrefs)  # every cell pools claims here
    filled = len([key for key in analysis.cells if extent.shows(*key)])
    assert matrix.select_one("[data-evmap-filled]").get_text() == str(filled)

    network = BeautifulSoup(renderer.render(plan["network", ""]), "html.parser")
    assert len(network.select("a.evmap-net-node")) == 30
    assert network.select_one("#busiest") is not None
    edges = [edge["href"] for edge in network.select(".evmap-net-edges a[href]")]
    assert edges and all(href.split("#")[1] in sections for href in edges)

    # A contested pair the matrix does not show has no "matrix cell" link; a shown one has.
    links = {True: 0, False: 0}
    pages: dict[str, BeautifulSoup] = {}  # each compound's page, parsed once for its cells
    for cid, pid in sorted(analysis.cells):
        cell = analysis.cells[cid, pid]
        if cell.contradiction is None or not cell.listed:
            continue
        if cid not in pages:
            pages[cid] = BeautifulSoup(renderer.render(plan["compound", cid]), "html.parser")
        page = pages[cid]
        box = next(
            d
            for d in page.select("#contested details")
            if d.select_one("summary + p a").get_text() == m.pathways[pid].name
        )
        shown = extent.shows(cid, pid)
        assert ("matrix cell" in box.select_one("summary + p").get_text()) is shown
        links[shown] += 1
    assert links[True] and links[False]


# -- rendering on a tiny map -----------------------------------------------------


def test_views_network_svg_escapes_every_text() -> None:
    m = build_map(
        [Compound("k", 'K <script>alert("x")</script>', "drug", HERE)],
        [Pathway("p", "P & <i>q</i>", "receptor", HERE)],
        [Claim("c", "Says <img src=x onerror=1>.", ("k",), ("p",), (ev(),), HERE)],
        [Reference.formatted("a2020", "article", "A", "", "", {}, HERE)],
    )
    html = Renderer(m, make_environment([TEMPLATES]), Urls()).render(
        PageSpec("network/index.md", "network", "N")
    )
    assert "<script>" not in html and "<img" not in html and "<i>" not in html
    assert "K &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "P &amp; &lt;i&gt;q&lt;/i&gt;" in html


# -- downloads on a tiny map ------------------------------------------------------

BIB = """\
% a comment before everything
@string{mp = {Molecular Psychiatry}}

@article{a2020,
  author = {Doe, Jane},
  title = {A {NMDA} paper},
  journal = mp,
  year = {2020},
}

@article{unused,
  title = {Never cited},
}

@book(b2021,
  title = {Parens {and} braces},
  year = 2021
)
"""


def test_views_bibtex_download_slices_cited_entries_verbatim() -> None:
    m = tiny_map([claim("c", [ev(cites=("a2020", "b2021"))])])
    refs = {
        "a2020": Reference.formatted(
            "a2020", "article", "", "", "", {}, Source("references.bib", 4)
        ),
        "b2021": Reference.formatted("b2021", "book", "", "", "", {}, Source("references.bib", 15)),
    }
    m = EvidenceMap(
        m.compounds,
        m.pathways,
        m.claims,
        refs,
        m.claims_by_pathway,
        m.claims_by_compound,
        {"a2020": ("c",), "b2021": ("c",)},
        m.children,
    )
    text = cited_bibtex(m, BIB, "references.bib")
    assert text == (
        "% 2 references cited by the evidence map, taken from references.bib.\n\n"
        "@string{mp = {Molecular Psychiatry}}\n\n"
        "@article{a2020,\n  author = {Doe, Jane},\n  title = {A {NMDA} paper},\n"
        "  journal = mp,\n  year = {2020},\n}\n\n"
        "@book(b2021,\n  title = {Parens {and} braces},\n  year = 2021\n)\n"
    )
    parsed = Parser().parse_string(text)
    assert sorted(parsed.entries) == ["a2020", "b2021"]
    assert str(parsed.entries["a2020"].fields["journal"]) == "Molecular Psychiatry"
    assert entry_text(BIB, 1) is None


# -- the shipped content, built once ----------------------------------------------


@pytest.fixture
def shipped(shipped_site: Path) -> Path:
    """The shipped site, built once per test process with real MkDocs (about 10 s)."""
    return shipped_site


@pytest.fixture(scope="module")
def shipped_map() -> EvidenceMap:
    settings = load_settings(REPO / "mkdocs.yml")
    result = check(settings)
    assert result.map is not None
    format_map_references(settings, result.map)  # all together (labels 2021a/b), as the site
    return result.map


@pytest.fixture(scope="module")
def shipped_analysis(shipped_map: EvidenceMap) -> MapAnalysis:
    return analyse_map(shipped_map)


def _claim_section(site: Path, claim_id: str, shipped_map: EvidenceMap) -> Tag:
    home = shipped_map.claims[claim_id].home_pathway
    section = article(site / "pathways" / home / "index.html").select_one(f"#claim-{claim_id}")
    assert section is not None, claim_id
    return section


def _sides(flag: Tag) -> dict[str, list[str]]:
    """The sides of a flag by their name: supports / contradicts (claim), for / against (pair)."""
    sides = {}
    for dt, dd in zip(flag.select("dt"), flag.select("dd"), strict=True):
        sides[dt.get_text(" ", strip=True).split()[1].lower()] = [
            li.get_text(strip=True) for li in dd.select("li")
        ]
    return sides


def contested(evidence_map: EvidenceMap) -> list[str]:
    """Claims with items for and against them, as a reader would count them."""
    return [
        cid
        for cid, claim in evidence_map.claims.items()
        if {Stance.SUPPORTS, Stance.CONTRADICTS} <= {ev.stance for ev in claim.evidence}
    ]


def test_views_shipped_contested_claims_are_flagged_with_models(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    assert len(contested(shipped_map)) >= 5
    for claim_id in contested(shipped_map):
        claim_ = shipped_map.claims[claim_id]
        flag = _claim_section(shipped, claim_id, shipped_map).select_one(".evmap-flag")
        assert flag is not None, claim_id
        assert "Evidence points both ways" in flag.get_text()
        sides = _sides(flag)
        assert set(sides) == {"supports", "contradicts"}
        for stance, side in ((Stance.SUPPORTS, "supports"), (Stance.CONTRADICTS, "contradicts")):
            expected = {model_label(ev) for ev in claim_.evidence if ev.stance is stance}
            assert set(sides[side]) == expected, claim_id


def test_views_shipped_flag_names_the_models(shipped: Path, shipped_map: EvidenceMap) -> None:
    sides = _sides(
        _claim_section(shipped, "mtorc1-required-for-ketamine-effect", shipped_map).select_one(
            ".evmap-flag"
        )
    )
    assert any(
        side.startswith("rat, ") and side.endswith("(in-vivo)") for side in sides["supports"]
    )
    assert any(
        side.startswith("human, ") and side.endswith("(clinical)") for side in sides["contradicts"]
    )


def test_views_shipped_consistent_claim_has_no_flag(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    section = _claim_section(shipped, "ketamine-blocks-nmdar", shipped_map)
    assert section.select_one(".evmap-flag") is None


def test_views_shipped_contested_claim_is_flagged_on_every_page_naming_it(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    c = shipped_map.claims["nmdar-antagonism-main-route"]
    pages = [shipped / "pathways" / p for p in c.pathways] + [
        shipped / "compounds" / k for k in c.compounds
    ]
    for page in pages:
        section = article(page / "index.html").select_one("#claim-nmdar-antagonism-main-route")
        assert section is not None and section.select_one(".evmap-flag") is not None, page


def test_views_shipped_claims_show_their_derived_grades(
    shipped: Path, shipped_map: EvidenceMap, shipped_analysis: MapAnalysis
) -> None:
    """Every claim's home page shows the grade the rule gives and the rule's steps."""
    for claim_id in shipped_map.claims:
        certainty = shipped_analysis.certainty[claim_id]
        grade = _claim_section(shipped, claim_id, shipped_map).select_one(".cert b")
        assert grade is not None
        assert grade.get_text(" ", strip=True).endswith(GRADE_LABELS[certainty.grade]), claim_id
        steps = grade.find_next_sibling("small")
        assert steps is not None
        if certainty.overridden:
            assert "; ".join(certainty.steps) in steps.get_text(), claim_id
        else:
            assert steps.get_text() == f"({'; '.join(certainty.steps)})", claim_id
        link = grade.select_one("a")
        assert link is not None and link["href"] == "../../certainty/"


def test_views_shipped_claims_show_facet_chips(shipped: Path, shipped_map: EvidenceMap) -> None:
    claim_id = "mtorc1-required-for-ketamine-effect"
    section = _claim_section(shipped, claim_id, shipped_map)
    facets = section.select_one("p.facets")
    assert facets is not None
    # Grouped by facet: "Species: rat, human · Evidence type: in vivo, clinical · ..."
    groups = {
        name.strip(): [value.strip() for value in values.split(",")]
        for name, values in (part.split(":") for part in facets.get_text().split("\u00b7"))
    }
    items = shipped_map.claims[claim_id].evidence
    species = {SPECIES_LABELS[ev.model.species] for ev in items}
    types = {TYPE_LABELS[ev.type] for ev in items}
    assert set(groups["Species"]) == species and {"rat", "human"} <= species
    assert set(groups["Evidence type"]) == types
    chips = {(a["href"].split("#")[1].split("-")[0], a.get_text()) for a in facets.select("a")}
    assert {("species", v) for v in species} | {("type", v) for v in types} <= chips
    matrix = article(shipped / "matrix/index.html")
    for a in facets.select("a"):
        page, anchor = a["href"].split("#")
        assert page == "../../matrix/"
        assert matrix.select_one(f"[id='{anchor}']") is not None, a["href"]


# -- the shipped matrix -----------------------------------------------------------


def _matrix(site: Path) -> tuple[BeautifulSoup, list[str], dict[str, Tag]]:
    page = article(site / "matrix/index.html")
    columns = [a["href"].split("/")[-2] for a in page.select("thead th.evmap-col a")]
    rows = {tr["data-row"]: tr for tr in page.select("tbody tr[data-row]")}
    return page, columns, rows


def _cell(site: Path, compound: str, pathway: str) -> Tag:
    _, columns, rows = _matrix(site)
    return rows[compound].select("td")[columns.index(pathway)]


def _glyph_counts(cell: Tag) -> dict[str, int]:
    """A cell's glyph counts: ``"▲3 ▼1 ⚠"`` after its total gives {"▲": 3, "▼": 1, "⚠": 0}."""
    glyphs = cell.select_one("a > span[aria-hidden]")
    assert glyphs is not None
    return {part[0]: int(part[1:] or 0) for part in glyphs.get_text(" ").split()}


def test_views_shipped_matrix_cell_shows_both_sides(shipped: Path) -> None:
    cell = _cell(shipped, "ketamine", "nmdar-inhibition")
    assert cell["class"] == ["m"]  # mixed: both ways
    glyphs = _glyph_counts(cell)
    assert glyphs["\u25b2"] >= 1 and glyphs["\u25bc"] >= 1  # for and against shown
    assert "\u26a0" in glyphs  # flagged
    # the two items of ketamine-mechanism-unresolved, which asks another question of the pair
    assert glyphs["\u25cb"] == 2
    assert "Evidence points both ways" in cell["data-tip"]
    link = cell.select_one("a")
    assert link is not None and link["href"] == "#cell-ketamine--nmdar-inhibition"
    detail = article(shipped / "matrix/index.html").select_one("#cell-ketamine--nmdar-inhibition")
    assert detail is not None
    sides = _sides(detail.select_one(".evmap-flag"))
    assert sides["for"] and sides["against"]
    claims = [a["href"] for a in detail.select(":scope > ul:not(.evmap-other) a")]
    assert "../pathways/nmdar-inhibition/#claim-nmdar-antagonism-main-route" in claims
    others = [a["href"] for a in detail.select("ul.evmap-other a")]
    assert others == ["../pathways/antidepressant-response/#claim-ketamine-mechanism-unresolved"]


def test_views_shipped_every_flagged_cell_has_both_sides_on_that_very_pair(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    """Walks every cell of the shipped matrix: a ⚠ needs an item for and one against the
    pair's question that tested that very compound and bears on that very pathway."""
    _, columns, rows = _matrix(shipped)
    flagged = 0
    for compound, row in rows.items():
        for pathway, td in zip(columns, row.select("td"), strict=True):
            link = td.select_one("a")
            is_flagged = link is not None and "\u26a0" in link.get_text()
            stances = {
                pair_stance(ev.stance, c.relation(compound, pathway))
                for c in shipped_map.claims.values()
                for ev in c.evidence
                if (compound in c.item_compounds(ev) or (not compound and not c.compounds))
                and pathway in c.item_pathways(ev)
                and c.relation(compound, pathway) is not Relation.OTHER
            }
            both = {Stance.SUPPORTS, Stance.CONTRADICTS} <= stances
            assert is_flagged == both, (compound, pathway)
            flagged += is_flagged
    assert flagged >= 1


def test_views_shipped_matrix_counts_are_the_claims_evidence(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    cell = _cell(shipped, "ketamine", "mtorc1")
    expected = [
        (c, e)
        for c in shipped_map.claims.values()
        for e in c.evidence
        if "ketamine" in c.item_compounds(e) and "mtorc1" in c.item_pathways(e)
    ]
    counted = [e for c, e in expected if c.relation("ketamine", "mtorc1") is not Relation.OTHER]
    n = cell.select_one("a > b")
    assert n is not None and int(n.get_text()) == len(counted)
    assert len(cell["data-items"].split()) == len(expected)


@pytest.mark.parametrize(
    ("compound", "pathway"), [("nbqx", "spleen-brain-axis"), ("2r6r-hnk", "hcn-channels")]
)
def test_views_shipped_matrix_empty_cell_is_marked_empty(
    shipped: Path, compound: str, pathway: str
) -> None:
    cell = _cell(shipped, compound, pathway)
    assert cell.attrs == {} and cell.contents == []  # <td></td>: the style sheet hatches it
    assert cell.select("a") == [] and not cell.has_attr("data-items")


def test_views_shipped_matrix_rows_in_tree_order_and_columns_by_category(shipped: Path) -> None:
    page, columns, rows = _matrix(shipped)
    order = list(rows)
    assert order.index("ketamine") < order.index("arketamine") < order.index("2r6r-hnk")
    assert order.index("arketamine") + 1 == order.index("2r6r-hnk")
    depth = {tr["data-row"]: tr.th["class"][1] for tr in rows.values()}
    assert (depth["ketamine"], depth["arketamine"], depth["2r6r-hnk"]) == (
        "evmap-depth-0",
        "evmap-depth-1",
        "evmap-depth-2",
    )
    groups = [th.get_text(strip=True) for th in page.select("thead th.evmap-colgroup")]
    assert groups[0] == "Receptors"
    assert len(groups) == len(set(groups))
    spans = sum(int(th["colspan"]) for th in page.select("thead th.evmap-colgroup"))
    assert spans == len(columns) == len(set(columns))
    assert (
        "nmdar-inhibition" in columns[: int(page.select("thead th.evmap-colgroup")[0]["colspan"])]
    )


def test_views_shipped_matrix_links_resolve(shipped: Path) -> None:
    page = article(shipped / "matrix/index.html")
    ids = {tag["id"] for tag in page.select("[id]")}
    assert len(page.select("a[href]")) > 50
    for a in page.select("a[href]"):
        href = a["href"]
        path, _, anchor = href.partition("#")
        if "://" in href:
            continue
        if not path:
            assert anchor in ids, href
            continue
        target = (shipped / "matrix" / path).resolve()
        target = target / "index.html" if target.is_dir() else target
        assert target.is_file(), href


def test_views_shipped_matrix_filters_and_script(shipped: Path) -> None:
    page = article(shipped / "matrix/index.html")
    form = page.select_one("form.evmap-filters")
    assert form is not None and form.has_attr("hidden")  # the script shows it
    names = {fs["data-filter"] for fs in form.select("fieldset")}
    assert names == {"species", "type", "certainty", "source"}
    species = {i["value"] for i in form.select("input[name=species]")}
    assert {"human", "mouse", "rat"} <= species
    assert (shipped / "assets/evmap-views.js").is_file()
    scripts = [s.get("src", "") for s in soup(shipped / "matrix/index.html").select("script")]
    assert "../assets/evmap-views.js" in scripts
    # A token's codes are the positions of its values' checkboxes (CODE_DIGITS).
    values = {
        fs["data-filter"]: [i["value"] for i in fs.select("input")]
        for fs in form.select("fieldset")
    }
    assert page.select("td[data-items]")
    for td in page.select("td[data-items]"):
        for token in td["data-items"].split():
            stance, sp, kind, grade, read = (token[0], *(CODE_DIGITS.index(c) for c in token[1:]))
            assert (
                len(token) == 5
                and stance in "scmo"
                and values["species"][sp] in species
                and values["type"][kind] in {t.value for t in EvidenceType}
                and values["certainty"][grade] in {"high", "moderate", "low", "very-low"}
                and values["source"][read] in {"first-hand", "second-hand"}
            )


def test_views_shipped_pages_flag_contested_pairs(shipped: Path) -> None:
    pairs = article(shipped / "compounds/ketamine/index.html").select_one("#contested")
    assert pairs is not None
    assert pairs.select("summary a") == []  # no link inside a clickable summary
    others = [d.select_one("summary + p a").get_text() for d in pairs.select("details")]
    assert "NMDA receptor inhibition" in others
    assert _sides(pairs.select_one("details")).keys() == {"for", "against"}
    pathway = article(shipped / "pathways/nmdar-inhibition/index.html").select_one("#contested")
    assert pathway is not None
    assert [d.select_one("summary + p a").get_text() for d in pathway.select("details")] == [
        "Ketamine (racemic)"
    ]


# -- the shipped network --------------------------------------------------------


def test_views_shipped_network_links_every_node(shipped: Path, shipped_map: EvidenceMap) -> None:
    page = article(shipped / "network/index.html")
    svg = page.select_one("svg.evmap-network")
    assert svg is not None
    nodes = svg.select("a.evmap-net-node")
    keys = {a["data-node"] for a in nodes}
    assert keys == (
        {f"c:{c}" for c in shipped_map.compounds}
        | {f"p:{p}" for p in shipped_map.pathways}
        | {f"k:{k}" for k in shipped_map.claims}
    )
    for a in nodes:
        path = a["href"].split("#")[0]
        assert (shipped / "network" / path / "index.html").resolve().is_file(), a["href"]
    flagged = {
        a["data-node"] for a in nodes if a.select_one("text").get_text().startswith("\u26a0")
    }
    assert flagged == {f"k:{k}" for k in contested(shipped_map)}
    edges = svg.select("g.evmap-net-edges path")
    # An edge joins a claim to each compound and pathway some item of it bears on.
    expected = sum(
        len({x for ev in c.evidence for x in c.item_compounds(ev)})
        + len({x for ev in c.evidence for x in c.item_pathways(ev)})
        for c in shipped_map.claims.values()
    )
    assert len(edges) == expected
    assert {e["class"][0] for e in edges} == {"s", "c", "m", "o"}  # for, against, mixed, other


# -- the shipped downloads -------------------------------------------------------


def test_views_shipped_downloads_linked_from_home_and_matrix(shipped: Path) -> None:
    for page, prefix in (("index.html", ""), ("matrix/index.html", "../")):
        links = [a["href"] for a in article(shipped / page).select("ul.evmap-downloads a")]
        assert links == [prefix + d.path for d in DOWNLOADS], page
    for d in DOWNLOADS:
        assert (shipped / d.path).is_file()


def test_views_large_downloads_are_written_compressed_and_linked_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: Path
) -> None:
    monkeypatch.setattr(export, "COMPRESS_OVER", 60_000)  # the JSON and CSV, not the BibTeX
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site")
    for download in (export.JSON_DOWNLOAD, export.CSV_DOWNLOAD):
        assert not (site / download.path).exists()
        packed = (site / download.path).with_name(Path(download.path).name + ".gz").read_bytes()
        assert gzip.decompress(packed) == (shipped / download.path).read_bytes()
        assert packed[4:8] == b"\0\0\0\0"  # no time in the header: the same bytes every build
    assert (site / export.BIBTEX_DOWNLOAD.path).read_bytes() == (
        shipped / export.BIBTEX_DOWNLOAD.path
    ).read_bytes()
    links = article(site / "index.html").select("ul.evmap-downloads a")
    listed = [(a["href"], a.get_text()) for a in links]
    assert listed[:3] == [
        ("downloads/evidence-map.json.gz", "JSON (gzip)"),
        ("downloads/evidence-map.csv.gz", "CSV (gzip)"),
        ("downloads/references.bib", "BibTeX"),
    ]
    # Every other download is linked under the name it was written with.
    for href, _ in listed:
        assert (site / href).is_file(), href


def test_views_shipped_json_download_is_valid_against_the_schemas(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    data = json.loads((shipped / "downloads/evidence-map.json").read_text("utf-8"))
    for kind, items in (("compound", "compounds"), ("pathway", "pathways"), ("claim", "claims")):
        validator = entry_validator(kind)
        for item in data[items]:
            errors = [e.message for e in validator.iter_errors(item)]
            assert errors == [], (item["id"], errors)
    assert [c["id"] for c in data["claims"]] == list(shipped_map.claims)
    assert len(data["compounds"]) == len(shipped_map.compounds)
    main_route = shipped_map.claims["nmdar-antagonism-main-route"]
    derived = data["derived"]["claims"]["nmdar-antagonism-main-route"]
    derived.pop("provenance", None)  # from git: tests/test_provenance.py checks it
    assert derived == {
        "certainty": analyse_map(shipped_map).certainty["nmdar-antagonism-main-route"].grade.value,
        "certainty_from": "rule" if main_route.certainty is None else "curators",
        "contradicted": True,
    }
    pairs = {(p["compound"], p["pathway"]): p for p in data["derived"]["pairs"]}
    assert pairs["mk-801", "nmdar-inhibition"] == {
        "compound": "mk-801",
        "pathway": "nmdar-inhibition",
        "for": 0,
        "against": 0,
        "mixed": 0,
        "other": 1,
        "contested": False,
        "claims": [],
        "other_claims": ["nmdar-antagonism-main-route"],
    }
    assert pairs["2r6r-hnk", "nmdar-inhibition"]["against"] == 3
    assert pairs["2r6r-hnk", "nmdar-inhibition"]["for"] == 0


def test_views_shipped_csv_download_has_one_row_per_evidence_item(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    text = (shipped / "downloads/evidence-map.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == sum(len(c.evidence) for c in shipped_map.claims.values())
    claim_id = "mtorc1-required-for-ketamine-effect"
    mtor = [r for r in rows if r["claim_id"] == claim_id]
    items = shipped_map.claims[claim_id].evidence
    assert [(r["stance"], r["type"], r["citations"], r["via"]) for r in mtor] == [
        (ev.stance.value, ev.type.value, "; ".join(ev.citations), "; ".join(ev.via)) for ev in items
    ]
    grade = analyse_map(shipped_map).certainty[claim_id].grade.value
    assert {r["certainty"] for r in mtor} == {grade}
    assert mtor[0]["claim_compounds"] == "; ".join(shipped_map.claims[claim_id].compounds)
    # Rapamycin is the claim's tool: another question; ketamine's pair counts the stance.
    assert [r["pair_stances"] for r in mtor] == [
        "ketamine x mtorc1: for; rapamycin x mtorc1: other",
        "ketamine x mtorc1: against; rapamycin x mtorc1: other",
    ]
    wray = next(r for r in rows if r["claim_id"] == "ketamine-acts-through-camp")
    assert wray["pair_stances"] == (
        "ketamine x camp-signalling: for; 2r6r-hnk x camp-signalling: for; "
        "ketamine x nmdar-inhibition: against; 2r6r-hnk x nmdar-inhibition: against"
    )


def test_views_shipped_bibtex_download_holds_exactly_the_cited_references(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    text = (shipped / "downloads/references.bib").read_text("utf-8")
    parsed = Parser().parse_string(text)
    cited = {k for k, ids in shipped_map.claims_by_reference.items() if ids}
    assert set(parsed.entries) == cited
    source = (REPO / "references.bib").read_text("utf-8")
    wei = entry_text(source, shipped_map.references["wei2021"].source.line)
    assert wei is not None and wei in text


def test_views_references_script_holds_every_cited_reference_once(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    source = references_script(shipped_map)
    data = source[source.index("window.evmapReferences = ") + 25 : source.rindex(";")]
    assert "<" not in data  # written as \\u003c: no text can close a script element
    cited = {
        ref.slug: preview_text(shipped_map, key)
        for key, ref in shipped_map.references.items()
        if shipped_map.claims_by_reference.get(key)
    }
    assert all(text.startswith(shipped_map.references[k].text) for k, text in cited.items())
    assert json.loads(data) == cited
    # Every page with claims loads it; a citation itself carries no copy of the text.
    page = article(shipped / "pathways/mtorc1/index.html")
    assert page.select("script[src='../../assets/evmap-references.js'][defer]")
    assert all(not a.has_attr("title") for a in page.select("table.ev td.r a"))


def test_views_downloads_are_deterministic_and_match_the_build(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    bib = (REPO / "references.bib").read_text("utf-8")
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.SafeLoader)
    info = map_info(
        load_settings(REPO / "mkdocs.yml"),
        config["site_name"],
        config["site_description"],
        config.get("site_url") or "",
    )
    # The site's downloads carry each claim's provenance from git, as the build reads it.
    known = read_site_history(load_settings(REPO / "mkdocs.yml"), shipped_map).provenance
    first = download_files(shipped_map, bib, info=info, provenance=known)
    assert first == download_files(shipped_map, bib, info=info, provenance=known)
    for path, content in first.items():
        assert (shipped / path).read_bytes() == content.encode("utf-8"), path
    json_text = map_to_json(shipped_map, license=info.license, provenance=known)
    assert json_text == first["downloads/evidence-map.json"]
    assert map_to_csv(shipped_map, provenance=known) == first["downloads/evidence-map.csv"]


def test_views_links_follow_directory_urls_turned_off_by_a_later_plugin(tmp_path: Path) -> None:
    """Material's offline plugin, listed after evmap, turns directory URLs off in its on_config."""
    project = write_project(tmp_path / "offline")
    project.write("mkdocs.yml", project.read("mkdocs.yml") + "  - offline\n")
    site = project.build()
    detail = article(site / "matrix/index.html").select_one("#cell-ketamine--nmdar-inhibition")
    assert detail is not None
    assert [a["href"] for a in detail.select("a")] == [
        "../compounds/ketamine.html",
        "../pathways/nmdar-inhibition.html",
        "../index.html#term-contested",
        "../pathways/nmdar-inhibition.html#claim-nmdar-main-route",
    ]
    cite = article(site / "compounds/ketamine.html").select_one("table.ev td.r a")
    assert cite is not None and cite["href"] == "../references/berman2000.html"


def test_views_renderer_forgets_claims_after_their_last_page(shipped_map: EvidenceMap) -> None:
    """Claims are rendered once per depth and let go after the last page showing them, so
    memory holds what pages still to come need; a page rendered again reads the same."""
    renderer = Renderer(shipped_map, make_environment([TEMPLATES]), Urls())
    plan = renderer.plan()
    pathway = next(spec for spec in plan if spec.kind == "pathway")
    first = renderer.render(pathway)
    assert renderer.claims._claim_heads  # kept for the compound pages still to come
    for spec in plan:
        if spec != pathway:
            renderer.render(spec)
    assert renderer.claims._claim_heads == {}
    assert renderer.claims._evidence_html == {}
    assert renderer.claims._claim_views == {}
    assert renderer.render(pathway) == first
    fresh = Renderer(shipped_map, make_environment([TEMPLATES]), Urls())
    assert {s.src: fresh.render(s) for s in plan} == {s.src: renderer.render(s) for s in plan}


def test_views_renamed_claims_keep_their_former_anchors(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    renamed = [c for c in shipped_map.claims.values() if c.former_ids]
    assert renamed, "the shipped map has renamed claims"
    for claim in renamed:
        pages = [("pathways", p) for p in claim.pathways]
        pages += [("compounds", c) for c in claim.compounds]
        for folder, subject in pages:
            page = article(shipped / folder / subject / "index.html")
            for old in claim.former_ids:
                target = page.select_one(f"#claim-{old}")
                assert target is not None, (folder, subject, old)
                # an old link lands on the renamed claim itself, not on another one
                section = target.find_parent("section", class_="claim")
                assert section is not None and section["id"] == f"claim-{claim.id}"


def test_views_a_claim_tested_by_one_group_says_so_on_every_page(
    shipped: Path, shipped_map: EvidenceMap, shipped_analysis: MapAnalysis
) -> None:
    one_group = shipped_analysis.one_group
    assert one_group, "the shipped map has claims tested by one group only"
    pages = [("pathways", p, ids) for p, ids in shipped_map.claims_by_pathway.items()]
    pages += [("compounds", c, ids) for c, ids in shipped_map.claims_by_compound.items()]
    for folder, subject, ids in pages:
        page = article(shipped / folder / subject / "index.html")
        for cid in ids:
            section = page.select_one(f"#claim-{cid}")
            assert section is not None, (cid, folder, subject)
            notice = section.select_one("p.grp1")
            if cid in one_group:
                assert notice is not None, (cid, folder, subject)
                assert "Only one" in notice.get_text()
            else:
                assert notice is None, (cid, folder, subject)
