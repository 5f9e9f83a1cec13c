"""The matrix page in Chromium: where the table starts, how names wrap, what a screen
reader hears, and the sticky header at 200% zoom.

The shipped map is built as the hosted site (served over HTTP) and as the offline
bundle (opened from file://). At 1,366 x 900 the table must start on the first screen;
compound names in the first column wrap between words, never inside one; each cell's
link is named in words (compound, pathway, counts), the glyphs hidden; and at 200%
zoom (683 x 450 CSS pixels at a device scale of 2) the two header rows stay below
Material's header bar, one under the other, while the table scrolls.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py, bundling.py and test_screens.py)

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser import chromium  # noqa: F401  (fixture)
from bundling import iframe_worker, shipped_bundle, shipped_bundle_dir  # noqa: F401
from test_screens import PAGES, SCREENS, bundle_path, hosted  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZOOM_200 = {"viewport": {"width": 683, "height": 450}, "device_scale_factor": 2}
"""1,366 x 900 at 200% zoom: half as many CSS pixels, each drawn twice as large."""

GLYPH_WORDS = {"\u25b2": "for", "\u25bc": "against", "\u25c6": "mixed"}

# Every word of a text node of the first column that the layout split over two lines, and
# every name wider than its cell. A word may break after a hyphen ("(2R,6R)-" /
# "Hydroxynorketamine"), as type does.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll('th.evmap-row')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(th.textContent + ': ' + match[0]);
      }
    }
    if (th.scrollWidth > th.clientWidth + 1) broken.push(th.textContent + ': wider than its cell');
  }
  return broken;
}"""


def open_at(browser: Any, url: str, **context: Any) -> Any:
    page = browser.new_context(**context).new_page()
    page.goto(url, wait_until="load")
    return page


def matrix_url(hosted: str) -> str:
    return hosted + PAGES["matrix"]


@pytest.mark.parametrize("where", ["hosted", "bundle"])
def test_matrix_table_starts_on_the_first_screen(
    chromium: Any, hosted: str, shipped_bundle_dir: Path, where: str
) -> None:
    url = (
        matrix_url(hosted)
        if where == "hosted"
        else (shipped_bundle_dir / bundle_path(PAGES["matrix"])).as_uri()
    )
    page = open_at(chromium, url, **SCREENS["desktop"])
    top = page.locator("table.evmap-matrix").bounding_box()["y"]
    assert top < 900 - 200, top  # the table, its header and a first row are in view
    panel = page.locator("details.evmap-filter-panel")
    assert panel.is_visible() and panel.get_attribute("open") is None  # filters folded
    legend = page.locator("#legend").bounding_box()
    assert legend["height"] < 40  # the key is one line
    panel.locator("summary").click()
    assert page.locator("form.evmap-filters fieldset").first.is_visible()
    page.context.close()


def test_matrix_without_script_shows_no_filters(chromium: Any, hosted: str) -> None:
    """The filters need the script: without it their panel stays hidden."""
    page = open_at(chromium, matrix_url(hosted), **SCREENS["desktop"], java_script_enabled=False)
    assert page.locator("details.evmap-filter-panel").count() == 1
    assert not page.locator("details.evmap-filter-panel").is_visible()
    assert page.locator("table.evmap-matrix").bounding_box()["y"] < 900 - 200
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_matrix_compound_names_wrap_between_words(chromium: Any, hosted: str, screen: str) -> None:
    page = open_at(chromium, matrix_url(hosted), **SCREENS[screen])
    assert page.locator("th.evmap-row").count() > 10
    assert page.evaluate(BROKEN_WORDS) == []
    page.context.close()


def test_matrix_first_column_check_sees_a_broken_word(chromium: Any, hosted: str) -> None:
    """The wrapping check is not vacuous: a column too narrow for a name is reported."""
    page = open_at(chromium, matrix_url(hosted), **SCREENS["desktop"])
    page.add_style_tag(
        content=".md-typeset .evmap-matrix .evmap-row a { word-break: break-all; }"
        " .evmap-matrix .evmap-row { min-width: 0; max-width: 3em; width: 3em; }"
    )
    assert page.evaluate(BROKEN_WORDS) != []
    page.context.close()


def _spoken(page: Any, cell: Any) -> str:
    """The accessible name Chromium gives a cell's link."""
    snapshot: str = cell.locator("a").aria_snapshot()
    match = re.search(r'link "(.*)"', snapshot.splitlines()[0])
    assert match is not None, snapshot
    return match.group(1)


def _expected_counts(cell: Any) -> list[str]:
    """What the cell's glyphs say, in words: ``▲3 ▼1 ⚠`` gives ["3 for", "1 against", "contested"]."""
    words = []
    for part in cell.locator("a > span[aria-hidden]").inner_text().split():
        if part == "\u26a0":
            words.append("contested")
        elif part[0] in GLYPH_WORDS:
            words.append(f"{part[1:]} {GLYPH_WORDS[part[0]]}")
        elif part[0] == "\u25cb":
            words.append(f"{part[1:]} on another question")
    return words


def test_matrix_cells_are_named_in_words(chromium: Any, hosted: str) -> None:
    page = open_at(chromium, matrix_url(hosted), **SCREENS["desktop"])
    caption = page.locator("table.evmap-matrix > caption")
    assert caption.is_visible() and "compound" in caption.inner_text()
    cell = page.locator(
        "tr[data-row='ketamine'] td:has(a[href='#cell-ketamine--nmdar-inhibition'])"
    )
    name = _spoken(page, cell)
    assert name.startswith("Ketamine (racemic) \u00d7 NMDA receptor inhibition: ")
    counts = _expected_counts(cell)
    assert {"contested"} < set(counts) and any(c.endswith(" against") for c in counts)
    assert all(f", {words}" in name for words in counts), (name, counts)
    assert not set(name) & {*GLYPH_WORDS, "\u26a0", "\u25cb"}  # words, not glyphs
    # Filtering recounts the cell and renames it.
    page.locator("details.evmap-filter-panel summary").click()
    page.locator("input[name=species][value=mouse]").uncheck()
    renamed = _spoken(page, cell)
    assert renamed != name
    assert all(f", {words}" in renamed for words in _expected_counts(cell)), renamed
    assert "some evidence hidden" in page.locator("summary").first.inner_text()
    page.context.close()


def test_matrix_header_rows_stay_below_the_bar_at_200_percent_zoom(
    chromium: Any, hosted: str
) -> None:
    page = open_at(chromium, matrix_url(hosted), **ZOOM_200)
    box = page.locator(".evmap-matrix-scroll")
    box.evaluate("el => el.scrollIntoView()")
    bounds = box.bounding_box()
    page.mouse.move(bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("document.querySelector('.evmap-matrix-scroll').scrollTop > 0")
    bar = page.locator(".md-header").bounding_box()
    bar_bottom = bar["y"] + bar["height"]
    bounds = box.bounding_box()
    groups = page.locator("th.evmap-colgroup").first.bounding_box()
    names = page.locator("th.evmap-col").first.bounding_box()
    assert bounds["y"] >= bar_bottom - 1  # the box sits below the bar ...
    assert bounds["y"] + bounds["height"] <= 450 + 1  # ... and fits the window
    assert abs(groups["y"] - bounds["y"]) <= 2  # the category row sticks at the box's top
    assert groups["y"] >= bar_bottom - 1
    assert names["y"] >= groups["y"] + groups["height"] - 1  # pathway names under it
    first_row = page.locator("tbody tr").first.bounding_box()
    assert first_row["y"] < names["y"]  # the body did scroll under the header
    page.context.close()
