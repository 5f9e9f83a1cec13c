"""The network page as built: the SVG's structure, ids, escaping, full labels and byte-stable output.

The browser half (label sizes as rendered, zoom, pan, the focused view, axe-core) is in
tests/test_network_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from conftest import TEMPLATES, write_project
from evmap.analysis.analyse import analyse_map
from evmap.core.model import (
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    EvidenceType,
    ModelSystem,
    Pathway,
    Reference,
    Source,
    Stance,
    build_map,
)
from evmap.site.assets import ASSETS, SCRIPTS
from evmap.site.network import FONT_SIZE, LABEL_CHARS
from evmap.site.render import Renderer, make_environment
from evmap.site.urls import PageSpec, Urls

HERE = Source("content/claims/x.yml", 1)
SVG_NS = "http://www.w3.org/2000/svg"
HOSTILE_COMPOUND = "K <b>&amp; \"quoted\" 'single'"
HOSTILE_PATHWAY = "P & <i>q</i> \"x\" 'y'"
LONG = (
    "A statement long enough to be shortened in the drawing, with <angle> brackets, "
    'an ampersand & and "quotes" near its end.'
)


def item(stance: str = "supports") -> Evidence:
    return Evidence(
        Stance(stance),
        "A finding.",
        ModelSystem("mouse", "CSDS"),
        EvidenceType("in-vivo"),
        ("a2020",),
        HERE,
    )


def hostile_map() -> EvidenceMap:
    """Two compounds, two pathways and three claims whose texts need escaping."""
    return build_map(
        [Compound("k", HOSTILE_COMPOUND, "drug", HERE), Compound("j", "J", "drug", HERE)],
        [Pathway("p", HOSTILE_PATHWAY, "receptor", HERE), Pathway("q", "Q", "receptor", HERE)],
        [
            Claim("long", LONG, ("k",), ("p",), (item(), item("contradicts")), HERE),
            Claim("short", "Short.", ("j",), ("q",), (item(),), HERE),
            Claim("both", "Both.", ("k", "j"), ("q",), (item("mixed"),), HERE),
        ],
        [Reference.formatted("a2020", "article", "A", "", "", {}, HERE)],
    )


def render(evidence_map: EvidenceMap) -> str:
    return Renderer(evidence_map, make_environment([TEMPLATES]), Urls()).render(
        PageSpec("network/index.md", "network", "N")
    )


def drawing(html: str) -> Tag:
    svg = BeautifulSoup(html, "html.parser").select_one("svg.evmap-network")
    assert svg is not None
    return svg


def test_network_svg_is_drawn_at_its_natural_size_in_a_focusable_scroll_box() -> None:
    page = BeautifulSoup(render(hostile_map()), "html.parser")
    view = page.select_one("div.evmap-network-view#evmap-network-view")
    assert view is not None
    box = view.select_one("div.evmap-network-scroll#evmap-network-box")
    assert box is not None
    # Focusable and named, so the keyboard reaches it and scrolls it (and zooms with the script).
    assert (box["tabindex"], box["role"]) == ("0", "region")
    assert box["aria-label"]
    svg = box.select_one("svg.evmap-network")
    assert svg is not None and svg.parent is box
    width, height = float(svg["width"]), float(svg["height"])
    assert svg["viewbox"] == f"0 0 {svg['width']} {svg['height']}"  # one unit, one pixel
    assert width > 0 and height > 0
    assert "style" not in svg.attrs
    # Every node and column label lies inside the drawing.
    for text in svg.select("text"):
        assert 0 <= float(text["x"]) <= width and 0 <= float(text["y"]) <= height


def test_network_stylesheet_keeps_the_drawing_at_its_natural_size() -> None:
    css = (TEMPLATES / "assets" / "evmap.css").read_text("utf-8")
    rule = re.search(r"\.md-typeset svg\.evmap-network, svg\.evmap-network \{([^}]*)\}", css)
    assert rule is not None
    assert "max-width: none" in rule.group(1)  # Material would scale it down to the column
    assert f"font-size: {FONT_SIZE}px" in rule.group(1)
    assert FONT_SIZE >= 12
    box = re.search(r"\.evmap-network-scroll \{([^}]*)\}", css)
    assert box is not None and "overflow: auto" in box.group(1)


def test_network_nodes_have_unique_ids_from_their_keys() -> None:
    html = render(hostile_map())
    page = BeautifulSoup(html, "html.parser")
    nodes = page.select("svg.evmap-network a.evmap-net-node")
    assert sorted((a["data-node"], a["id"]) for a in nodes) == [
        ("c:j", "net-c-j"),
        ("c:k", "net-c-k"),
        ("k:both", "net-k-both"),
        ("k:long", "net-k-long"),
        ("k:short", "net-k-short"),
        ("p:p", "net-p-p"),
        ("p:q", "net-p-q"),
    ]
    ids = [el["id"] for el in page.select("[id]")]
    assert len(ids) == len(set(ids))
    # Every edge names two drawn nodes.
    keys = {a["data-node"] for a in nodes}
    ends = [el["data-ends"].split() for el in page.select(".evmap-net-edges [data-ends]")]
    assert sorted(" ".join(pair) for pair in ends) == [
        "c:j k:both",
        "c:j k:short",
        "c:k k:both",
        "c:k k:long",
        "k:both p:q",
        "k:long p:p",
        "k:short p:q",
    ]
    assert all(set(pair) <= keys for pair in ends)


def test_network_names_with_markup_characters_stay_text() -> None:
    html = render(hostile_map())
    assert "<b>" not in html and "<i>" not in html and "<angle>" not in html
    svg = drawing(html)
    by_key = {a["data-node"]: a for a in svg.select("a.evmap-net-node")}
    compound, pathway = by_key["c:k"], by_key["p:p"]
    for node, name in ((compound, HOSTILE_COMPOUND), (pathway, HOSTILE_PATHWAY)):
        title = node.select_one("title")
        text = node.select_one("text")
        assert title is not None and text is not None
        assert title.get_text() == name
        assert text.get_text() == name
        assert node["data-tip"] == name
    # The raw attribute escapes its quotes; the element text its angle brackets and ampersands.
    assert 'data-tip="K &lt;b&gt;&amp;amp; &#34;quoted&#34; &#39;single&#39;"' in html
    assert "<title>P &amp; &lt;i&gt;q&lt;/i&gt; &#34;x&#34; &#39;y&#39;</title>" in html
    edge_titles = [t.get_text() for t in svg.select(".evmap-net-edges title")]
    assert f"{HOSTILE_COMPOUND} \u2014 {LONG}" in edge_titles


def test_network_shortened_claim_keeps_its_full_statement_for_hover_and_focus() -> None:
    svg = drawing(render(hostile_map()))
    node = svg.select_one("a[data-node='k:long']")
    assert node is not None
    label = node.select_one("text")
    title = node.select_one("title")
    assert label is not None and title is not None
    # The drawing shortens it; the title (hover) and the tooltip (keyboard focus) say it all.
    assert len(label.get_text()) == LABEL_CHARS and label.get_text().endswith("\u2026")
    assert label.get_text().startswith("\u26a0 A statement long enough")  # contested
    assert title.get_text() == LONG
    assert node["data-tip"].startswith(LONG + " (")
    assert "certainty" in node["data-tip"] and "evidence points both ways" in node["data-tip"]


def test_network_page_alone_loads_its_scripts_and_the_site_carries_them(tiny_site: Path) -> None:
    mine = ["assets/evmap-zoom.js", "assets/evmap-network.js"]
    for asset in mine:
        assert asset in ASSETS and asset not in SCRIPTS
        built = (tiny_site / asset).read_bytes()
        assert built == (TEMPLATES / asset).read_bytes()
        # Plain JavaScript of ours: it imports and fetches nothing.
        script = built.decode().replace(SVG_NS, "")
        assert "import " not in script and "http" not in script and "fetch(" not in script
    page = BeautifulSoup((tiny_site / "network/index.html").read_text("utf-8"), "html.parser")
    scripts = [s["src"] for s in page.select("script[src]")]
    ours = [src for src in scripts if "evmap-zoom" in src or "evmap-network" in src]
    assert ours == ["../" + asset for asset in mine]  # zoom first: the network script uses it
    matrix = (tiny_site / "matrix/index.html").read_text("utf-8")
    assert "evmap-network.js" not in matrix and "evmap-zoom.js" not in matrix


def test_network_two_builds_are_byte_identical(tmp_path: Path) -> None:
    project = write_project(tmp_path / "tiny")
    first = project.build(site="one")
    second = project.build(site="two")
    for page in ("network/index.html", "assets/evmap-network.js", "assets/evmap-zoom.js"):
        assert (first / page).read_bytes() == (second / page).read_bytes(), page
    assert render(hostile_map()) == render(hostile_map())


def test_network_labels_take_their_size_from_the_stylesheet_alone() -> None:
    """No node is scaled, transformed or sized apart from the stylesheet's FONT_SIZE."""
    evidence_map = hostile_map()
    svg = drawing(render(evidence_map))
    assert not svg.select("[font-size], [transform], [style]")
    assert len(svg.select("a.evmap-net-node")) == (
        len(evidence_map.compounds) + len(evidence_map.pathways) + len(evidence_map.claims)
    )
    assert set(analyse_map(evidence_map).contradictions) == {"long"}
