"""The matrix and network pages in headless Chromium: no console error, no network, working filters.

The tiny project is built as a site meant for ``file://`` (Material's offline
plugin: no directory URLs, search index as a script), the way a reader opens a
downloaded copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, open_page  # noqa: F401  (fixture)
from conftest import write_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tiny project for file:// (no directory URLs), built once.

    Without the search plugin: on file:// Material's search loads its index as a
    script (and the offline plugin adds a shim from unpkg.com), which is the
    theme's business; these tests check that the evidence views load nothing.
    """
    project = write_project(tmp_path_factory.mktemp("views-offline"), directory_urls=False)
    project.write("mkdocs.yml", project.read("mkdocs.yml").replace("  - search\n", ""))
    yield project.build()


def _cell(recorded: Any, compound: str, pathway: str) -> Any:
    """The matrix cell of a compound row and pathway column, located by the column's link."""
    page = recorded.page
    columns = page.eval_on_selector_all(
        "table.evmap-matrix thead th.evmap-col a", "links => links.map(a => a.getAttribute('href'))"
    )
    index = [href.split("/")[-1].removesuffix(".html") for href in columns].index(pathway)
    return page.locator(f"tr[data-row='{compound}'] td").nth(index)


@pytest.mark.parametrize("page", ["matrix/index.html", "network/index.html"])
def test_views_browser_pages_render_offline_without_errors(
    chromium: Any,  # noqa: F811
    offline_site: Path,
    page: str,
) -> None:
    recorded = open_page(chromium, (offline_site / page).as_uri())
    recorded.page.wait_for_load_state("networkidle")
    assert recorded.page.locator("h1").first.inner_text() in ("Evidence matrix", "Evidence network")
    assert recorded.external_requests() == []
    assert recorded.console_errors == []
    recorded.page.context.close()


def test_views_browser_matrix_filters_recount_cells(chromium: Any, offline_site: Path) -> None:  # noqa: F811
    recorded = open_page(chromium, (offline_site / "matrix/index.html").as_uri())
    page = recorded.page
    form = page.locator("form.evmap-filters")
    panel = page.locator("details.evmap-filter-panel")
    assert panel.is_visible() and not form.is_visible()  # shown by the script, folded
    panel.locator("summary").click()
    assert form.is_visible()
    cell = _cell(recorded, "ketamine", "nmdar-inhibition")
    assert cell.locator("a > b").inner_text() == "2"
    assert "\u26a0" in cell.inner_text()  # flagged: evidence points both ways
    # Only this cell: arketamine's item tested it alone, and it only contradicts.
    assert page.locator("[data-evmap-flagged]").inner_text() == "1"

    page.locator("input[name=species][value=human]").uncheck()
    assert cell.locator("a > b").inner_text() == "1"
    assert cell.get_attribute("class") == "c"  # only contradicting
    assert "\u26a0" not in cell.inner_text()
    assert page.locator("[data-evmap-flagged]").inner_text() == "0"

    page.locator("input[name=type][value=review]").uncheck()
    assert cell.get_attribute("class") == "e"  # emptied by the filters
    assert not cell.locator("a").is_visible()
    filled = page.locator("[data-evmap-filled]").inner_text()
    assert int(filled) < page.locator("td[data-items]").count()

    form.locator("button[type=reset]").click()
    page.wait_for_function("document.querySelector('[data-evmap-flagged]').textContent === '1'")
    assert cell.locator("a > b").inner_text() == "2"
    assert recorded.console_errors == []
    recorded.page.context.close()


def test_views_browser_matrix_certainty_filter(chromium: Any, offline_site: Path) -> None:  # noqa: F811
    recorded = open_page(chromium, (offline_site / "matrix/index.html").as_uri())
    page = recorded.page
    cells = page.locator("td[data-items]")
    before = int(page.locator("[data-evmap-filled]").inner_text())
    assert before == cells.count()
    page.locator("details.evmap-filter-panel summary").click()
    for box in page.locator("input[name=certainty]").all():
        box.uncheck()
    assert page.locator("[data-evmap-filled]").inner_text() == "0"
    assert page.locator("td.e").count() == before
    recorded.page.context.close()


def test_views_browser_network_nodes_link_to_pages(chromium: Any, offline_site: Path) -> None:  # noqa: F811
    recorded = open_page(chromium, (offline_site / "network/index.html").as_uri())
    page = recorded.page
    assert page.locator("svg.evmap-network a.evmap-net-node").count() == 2 + 2 + 2
    page.locator("svg.evmap-network a[data-node='c:arketamine']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/compounds/arketamine.html")
    assert page.locator("h1").first.inner_text() == "Arketamine"
    recorded.page.context.close()
