"""The matrix page's markup: row and column order, caption and header scopes, cells named
in words, and the light and dark schemes in the shipped and the scaffold's mkdocs.yml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import REPO, TEMPLATES, article, soup
from evmap.adapters.build import build_site
from evmap.adapters.scaffold import SCAFFOLD
from evmap.analysis.analyse import analyse_map
from evmap.analysis.matrix import FAMILY_KINDS, cell_loads
from evmap.core.config import load_settings
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
from evmap.core.pipeline import check
from evmap.core.vocab import KIND_LABELS
from evmap.site.render import Renderer, make_environment
from evmap.site.urls import PageSpec, Urls

HERE = Source("content/claims/x.yml", 1)
GLYPH_WORDS = {"\u25b2": "for", "\u25bc": "against", "\u25c6": "mixed"}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("matrix") / "site")


@pytest.fixture(scope="module")
def shipped_map() -> EvidenceMap:
    result = check(load_settings(REPO / "mkdocs.yml"))
    assert result.map is not None
    return result.map


def _matrix(page: BeautifulSoup) -> Tag:
    table = page.select_one("table.evmap-matrix")
    assert table is not None
    return table


def _render_matrix(m: EvidenceMap) -> BeautifulSoup:
    renderer = Renderer(m, make_environment([TEMPLATES]), Urls())
    html = renderer.render(PageSpec("matrix/index.md", "matrix", "Evidence matrix"))
    return BeautifulSoup(html, "html.parser")


def _items(n: int, stance: str = "supports") -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            Stance(stance),
            "A finding.",
            ModelSystem("mouse", "CSDS"),
            EvidenceType.IN_VIVO,
            ("a2020",),
            HERE,
        )
        for _ in range(n)
    )


def _family_map() -> EvidenceMap:
    """A racemate with two enantiomers and a metabolite, beside busier tools and drugs."""
    compounds = [
        Compound("rac", "Racemate", "racemate", HERE),
        Compound("met", "A metabolite", "metabolite", HERE, parent="rac"),
        Compound("ena", "Zeta-enantiomer", "enantiomer", HERE, parent="rac"),
        Compound("enb", "Beta-enantiomer", "enantiomer", HERE, parent="rac"),
        Compound("tool", "Tool", "tool-compound", HERE),
        Compound("drug-b", "Bdrug", "drug", HERE),
        Compound("drug-a", "Adrug", "drug", HERE),
        Compound("lone", "Lone racemate", "racemate", HERE),
    ]
    pathways = [
        Pathway("quiet", "Aaa quiet", "receptor", HERE),
        Pathway("busy", "Zzz busy", "receptor", HERE),
        Pathway("other", "Signalling", "signalling", HERE),
    ]
    load = {"rac": 1, "met": 1, "ena": 1, "enb": 2, "tool": 9, "drug-b": 3, "drug-a": 3, "lone": 2}
    claims = [
        Claim(f"c-{cid}", f"{cid} acts.", (cid,), ("busy",), _items(n), HERE)
        for cid, n in load.items()
    ]
    claims.append(Claim("c-quiet", "Quiet.", ("rac",), ("quiet", "other"), _items(1), HERE))
    reference = Reference.formatted("a2020", "article", "A", "A", "A", {}, HERE)
    return build_map(compounds, pathways, claims, [reference])


def test_matrix_rows_families_first_parents_before_children_busiest_first() -> None:
    page = _render_matrix(_family_map())
    rows = [(tr["data-row"], tr.th["class"][1]) for tr in _matrix(page).select("tbody tr")]
    assert rows == [
        # The family holds 6 items (racemate 2, enantiomers 1 and 2, metabolite 1): before
        # the lone racemate (2); the enantiomers, busiest first, before the metabolite.
        ("rac", "evmap-depth-0"),
        ("enb", "evmap-depth-1"),
        ("ena", "evmap-depth-1"),
        ("met", "evmap-depth-1"),
        ("lone", "evmap-depth-0"),
        # Tools and drugs after every family, however busy; ties by name.
        ("tool", "evmap-depth-0"),
        ("drug-a", "evmap-depth-0"),
        ("drug-b", "evmap-depth-0"),
    ]


def test_matrix_columns_by_category_then_busiest_first() -> None:
    page = _render_matrix(_family_map())
    table = _matrix(page)
    assert [th.get_text() for th in table.select("th.evmap-colgroup")] == [
        "Receptors",
        "Intracellular signalling",
    ]
    assert [a["href"] for a in table.select("th.evmap-col a")] == [
        "../pathways/busy/",
        "../pathways/quiet/",
        "../pathways/other/",
    ]


def test_matrix_order_is_deterministic() -> None:
    assert str(_render_matrix(_family_map())) == str(_render_matrix(_family_map()))


def test_matrix_shipped_rows_follow_the_families(shipped: Path, shipped_map: EvidenceMap) -> None:
    rows = [
        tr["data-row"] for tr in _matrix(article(shipped / "matrix/index.html")).select("tbody tr")
    ]
    compounds = shipped_map.compounds
    assert rows[0] == "ketamine" and rows[-1] == ""  # the claims naming no compound come last
    named = rows[:-1]
    assert sorted(named) == sorted(compounds)
    for cid in named:  # parents before children
        parent = compounds[cid].parent
        assert parent is None or named.index(parent) < named.index(cid), cid
    roots = [cid for cid in named if compounds[cid].parent is None]
    in_family = [compounds[cid].kind in FAMILY_KINDS for cid in roots]
    assert in_family == sorted(in_family, reverse=True)  # families, then tools and drugs
    loads, _ = cell_loads(analyse_map(shipped_map).cells)
    others = [cid for cid in roots if compounds[cid].kind not in FAMILY_KINDS]
    keys = [(-loads.get(cid, 0), compounds[cid].name.lower(), cid) for cid in others]
    assert keys == sorted(keys)  # the busiest first
    kinds = list(KIND_LABELS)
    for parent in compounds:  # a racemate's enantiomers before its metabolites
        children = [cid for cid in named if compounds[cid].parent == parent]
        ranks = [kinds.index(compounds[cid].kind) for cid in children]
        assert ranks == sorted(ranks), parent


def test_matrix_shipped_table_has_caption_and_scoped_headers(shipped: Path) -> None:
    table = _matrix(article(shipped / "matrix/index.html"))
    caption = table.find("caption", recursive=False)
    assert caption is not None and "compound" in caption.get_text()
    assert {th["scope"] for th in table.select("thead th")} == {"col", "colgroup"}
    assert [th["scope"] for th in table.select("thead th.evmap-colgroup")] == ["colgroup"] * len(
        table.select("thead th.evmap-colgroup")
    )
    assert all(th.get("scope") == "row" for th in table.select("tbody th"))
    assert all(th.get("scope") for th in table.select("th"))


def _glyph_words(link: Tag) -> list[str]:
    glyphs = link.select_one("span[aria-hidden]")
    assert glyphs is not None
    words = []
    for part in glyphs.get_text().split():
        if part == "\u26a0":
            words.append("contested")
        elif part[0] == "\u25cb":
            words.append(f"{part[1:]} on another question")
        else:
            words.append(f"{part[1:]} {GLYPH_WORDS[part[0]]}")
    return words


def test_matrix_shipped_cells_are_named_in_words(shipped: Path) -> None:
    table = _matrix(article(shipped / "matrix/index.html"))
    columns = [th.get_text() for th in table.select("thead th.evmap-col")]
    named = 0
    for tr in table.select("tbody tr"):
        compound = tr.th.get_text()
        for column, td in zip(columns, tr.select("td"), strict=True):
            link = td.select_one("a")
            if link is None:
                continue
            assert link.b is not None and link.b.get("aria-hidden") == "true"
            name = link.select_one("span.sr")
            assert name is not None
            total = int(link.b.get_text())
            expected = ", ".join(
                [f"{total} evidence item{'' if total == 1 else 's'}", *_glyph_words(link)]
            )
            assert name.get_text() == f"{compound} \u00d7 {column}: {expected}"
            named += 1
    assert named > 50
    cell = table.select_one("a[href='#cell-ketamine--nmdar-inhibition'] span.sr")
    assert cell is not None
    assert cell.get_text().startswith("Ketamine (racemic) \u00d7 NMDA receptor inhibition: ")
    assert ", contested" in cell.get_text()


def test_matrix_shipped_page_folds_the_filters_and_keys_the_cells(shipped: Path) -> None:
    page = article(shipped / "matrix/index.html")
    panel = page.select_one("details.evmap-filter-panel")
    assert panel is not None and panel.has_attr("hidden") and not panel.has_attr("open")
    assert panel.select_one("form.evmap-filters") is not None
    legend = page.select_one("ul#legend")
    assert legend is not None
    assert [li.get_text(" ", strip=True) for li in legend.select("li")] == [
        "\u25b2 for",
        "\u25bc against",
        "\u25c6 both ways or mixed",
        "\u25cb another question only",
        "gap",
        "\u26a0 contested",
    ]
    # The key and the filters come before the table; the long explanation after it.
    order = [el.get("id") or el.name for el in page.select("details, #legend, table, #reading")]
    assert order == ["filters", "legend", "table", "reading"]  # the panel: a skip link's target


def _palette(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))["theme"]["palette"]


@pytest.mark.parametrize("config", [REPO / "mkdocs.yml", SCAFFOLD / "mkdocs.yml"])
def test_matrix_configs_offer_light_and_dark_schemes(config: Path) -> None:
    palette = _palette(config)
    assert [(p["media"], p["scheme"]) for p in palette] == [
        ("(prefers-color-scheme: light)", "default"),
        ("(prefers-color-scheme: dark)", "slate"),
    ]
    for option in palette:
        icon = Path(__import__("material").__file__).parent / "templates" / ".icons"
        assert (icon / f"{option['toggle']['icon']}.svg").is_file()  # bundled: no network
        assert option["toggle"]["name"].startswith("Switch to")


def test_matrix_shipped_pages_carry_the_scheme_toggle(shipped: Path) -> None:
    page = soup(shipped / "matrix/index.html")
    inputs = page.select("form[data-md-component=palette] input")
    assert [i["data-md-color-scheme"] for i in inputs] == ["default", "slate"]
    assert [i["aria-label"] for i in inputs] == ["Switch to dark mode", "Switch to light mode"]
    assert page.body is not None and page.body["data-md-color-scheme"] == "default"
    css = (shipped / "assets/evmap.css").read_text("utf-8")
    assert '[data-md-color-scheme="slate"] {' in css


def test_stylesheet_colours_come_from_custom_properties() -> None:
    """Every colour of evmap.css is set once per scheme (light and slate), so no rule can
    forget the dark scheme; Material's own variables may carry a light fallback, and the
    network's projector view is black on white in both schemes."""
    css = re.sub(
        r"/\*.*?\*/", "", (TEMPLATES / "assets" / "evmap.css").read_text("utf-8"), flags=re.S
    )
    light_selector = ":root, .evmap-network-view.evmap-projector"
    blocks = dict(
        re.findall(r'^(:root[^{]*|\[data-md-color-scheme="slate"\]) \{([^}]*)\}', css, re.M)
    )
    assert blocks.keys() == {light_selector, '[data-md-color-scheme="slate"]'}
    light, dark = (
        dict(re.findall(r"(--evmap-[a-z-]+):\s*([^;]+);", blocks[key]))
        for key in (light_selector, '[data-md-color-scheme="slate"]')
    )
    assert set(light) == set(dark) - {"--evmap-flag-link"}  # each colour has its dark twin
    rules = re.sub(r'^(:root[^{]*|\[data-md-color-scheme="slate"\]) \{[^}]*\}', "", css, flags=re.M)
    rules = re.sub(r"^[^{}]*\.evmap-projector[^{}]*\{[^}]*\}", "", rules, flags=re.M)
    rules = re.sub(r"var\(--md-[a-z-]+, [^()]*(\([^()]*\))?\)", "var()", rules)
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|hsla?\([^)]*\)", rules) == []
    used = set(re.findall(r"var\((--evmap-[a-z-]+)", rules))
    assert used - {"--evmap-bar", "--evmap-flag-link"} <= set(light)
