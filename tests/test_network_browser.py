"""The network page in headless Chromium, on a phone (390 x 844, touch) and a laptop (1,366 x 900),
hosted over HTTP and from the unzipped offline bundle (file://).

Label sizes are measured as rendered: each label's computed font size times the scale of
its SVG's screen transform (getScreenCTM), for every label that shows in the box.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py, bundling.py and test_screens.py)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import chromium  # noqa: F401  (fixture)
from bs4 import BeautifulSoup
from bundling import iframe_worker, shipped_bundle, shipped_bundle_dir  # noqa: F401
from test_screens import SCREENS, axe_source, hosted, open_screen, serious_violations  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WHERE = ("hosted", "bundle")
MIN_PX = 12.0

# Rendered sizes of the labels that show inside the box (px), and how many there are.
LABEL_SIZES = """(selector) => {
  const out = [];
  for (const svg of document.querySelectorAll(selector)) {
    if (svg.getBoundingClientRect().width === 0) continue;  // a hidden drawing
    const box = svg.parentNode.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      const shows = r.width > 0 && r.right > box.left && r.left < box.right
        && r.bottom > box.top && r.top < box.bottom;
      if (!shows) continue;
      const m = text.getScreenCTM();
      out.push(parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b));
    }
  }
  return out;
}"""
SCALE = """() => {
  const svg = [...document.querySelectorAll('#evmap-network-box svg')]
    .find(s => s.getBoundingClientRect().width > 0);
  return svg.getScreenCTM().a;
}"""


@pytest.fixture(params=WHERE)
def network_url(request: pytest.FixtureRequest) -> str:
    """The network page, hosted or from the unzipped bundle."""
    if request.param == "hosted":
        return str(request.getfixturevalue("hosted")) + "network/"
    bundle: Path = request.getfixturevalue("shipped_bundle_dir")
    return (bundle / "network" / "index.html").as_uri()


def label_sizes(page: Any, selector: str = "svg.evmap-network") -> list[float]:
    sizes: list[float] = page.evaluate(LABEL_SIZES, selector)
    return sizes


def scale(page: Any) -> float:
    value: float = page.evaluate(SCALE)
    return round(value, 3)


def box_state(page: Any) -> dict[str, float]:
    state: dict[str, float] = page.evaluate(
        "() => { const b = document.getElementById('evmap-network-box');"
        " return {left: b.scrollLeft, top: b.scrollTop, width: b.clientWidth,"
        " scrollWidth: b.scrollWidth}; }"
    )
    return state


@pytest.mark.parametrize("screen", SCREENS)
def test_network_browser_every_label_reads_at_12px_or_more(
    chromium: Any, network_url: str, screen: str
) -> None:
    page = open_screen(chromium, screen, network_url)
    page.locator("#evmap-network-box").scroll_into_view_if_needed()
    sizes = label_sizes(page)
    assert len(sizes) >= 5, "the box shows hardly any label"
    assert min(sizes) >= MIN_PX, sorted(sizes)[:5]
    # The page itself does not scroll sideways: only the box does.
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_network_browser_zoom_buttons_and_keys_change_the_scale(
    chromium: Any, network_url: str, screen: str
) -> None:
    page = open_screen(chromium, screen, network_url)
    zoom = page.locator(".evmap-net-tools [role='group'][aria-label='Zoom']")
    level = zoom.locator("output")
    assert scale(page) == 1 and level.inner_text() == "100%"
    zoom.get_by_role("button", name="Zoom in").click()
    assert scale(page) == 1.25 and level.inner_text() == "125%"
    zoom.get_by_role("button", name="Zoom out").click()
    zoom.get_by_role("button", name="Zoom out").click()
    assert scale(page) == 0.8
    zoom.get_by_role("button", name="Reset to natural size").click()
    assert scale(page) == 1
    zoom.get_by_role("button", name="Fit the drawing to the box").click()
    fitted = box_state(page)
    assert scale(page) < 1 and fitted["scrollWidth"] <= fitted["width"] + 1
    # Keys while the box has focus: + and - zoom, 0 resets, the arrows pan.
    page.locator("#evmap-network-box").focus()
    page.keyboard.press("0")
    assert scale(page) == 1
    page.keyboard.press("+")
    assert scale(page) == 1.25
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert scale(page) == 0.8
    page.keyboard.press("0")
    before = box_state(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    after = box_state(page)
    assert after["left"] > before["left"] and after["top"] > before["top"]
    page.context.close()


def test_network_browser_wheel_and_drag_zoom_and_pan(chromium: Any, hosted: str) -> None:
    page = open_screen(chromium, "desktop", hosted + "network/")
    box = page.locator("#evmap-network-box")
    box.scroll_into_view_if_needed()
    rect = box.bounding_box()
    assert rect is not None
    x, y = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
    page.mouse.move(x, y)
    page.mouse.wheel(0, 200)  # a plain wheel scrolls, it does not zoom
    assert scale(page) == 1
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    assert scale(page) > 1
    page.locator("button[aria-label='Reset to natural size']").click()
    start = box_state(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y - 60, steps=5)
    page.mouse.up()
    moved = box_state(page)
    assert moved["left"] == pytest.approx(start["left"] + 150, abs=2)
    assert moved["top"] == pytest.approx(start["top"] + 60, abs=2)
    assert page.url == hosted + "network/"  # a drag that began on a link does not follow it
    page.context.close()


def expected_neighbours(page: Any, key: str) -> set[str]:
    """The hrefs of `key`, its claims and their nodes on the other side, from the drawing."""
    svg = BeautifulSoup(
        page.locator("svg.evmap-network").first.evaluate("s => s.outerHTML"), "html.parser"
    )
    pairs = [el["data-ends"].split() for el in svg.select("[data-ends]")]
    claims = {b for a, b in pairs if a == key} | {a for a, b in pairs if b == key}
    side = key[0]
    keys = {key} | claims
    for a, b in pairs:
        for one, other in ((a, b), (b, a)):
            if one in claims and other[0] not in (side, "k"):
                keys.add(other)
    hrefs = {a["data-node"]: a["href"] for a in svg.select("a.evmap-net-node")}
    return {hrefs[k] for k in keys}


@pytest.mark.parametrize("screen", SCREENS)
def test_network_browser_focus_view_fits_and_shows_only_the_neighbours(
    chromium: Any, network_url: str, axe_source: str, screen: str
) -> None:
    page = open_screen(chromium, screen, network_url)
    expected = expected_neighbours(page, "c:arketamine")
    page.select_option(".evmap-net-tools select", "c:arketamine")
    focus = page.locator("#evmap-network-box svg.evmap-net-focus")
    assert focus.count() == 1
    assert not page.locator("svg.evmap-network:not(.evmap-net-focus)").is_visible()
    shown = set(
        focus.locator("a.evmap-net-node").evaluate_all(
            "els => els.map(a => a.getAttribute('href'))"
        )
    )
    assert shown == expected
    assert len(shown) > 3
    # It fits the width of the box, which fits the screen; its labels read at 12 px or more.
    state = box_state(page)
    width = focus.bounding_box()
    assert width is not None and width["width"] <= state["width"] + 1
    assert state["scrollWidth"] <= state["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    sizes = label_sizes(page, "svg.evmap-net-focus")
    assert sizes and min(sizes) >= MIN_PX
    assert "Arketamine" in page.locator(".evmap-net-note").inner_text()
    assert serious_violations(page, axe_source) == []
    # Back to everything.
    page.select_option(".evmap-net-tools select", "")
    assert focus.count() == 0
    assert page.locator("svg.evmap-network").is_visible()
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_network_browser_page_passes_axe(
    chromium: Any, network_url: str, axe_source: str, screen: str
) -> None:
    page = open_screen(chromium, screen, network_url)
    assert serious_violations(page, axe_source) == []
    page.context.close()


def test_network_browser_projector_view_fills_the_window_with_large_labels(
    chromium: Any, hosted: str, axe_source: str
) -> None:
    page = open_screen(chromium, "desktop", hosted + "network/")
    page.get_by_role("button", name="Projector view").click()
    view = page.locator("#evmap-network-view")
    rect = view.bounding_box()
    assert rect is not None
    assert (rect["x"], rect["y"], rect["width"], rect["height"]) == (0, 0, 1366, 900)
    assert page.get_by_role("button", name="Projector view").get_attribute("aria-pressed") == "true"
    sizes = label_sizes(page)
    assert sizes and min(sizes) >= 18
    assert serious_violations(page, axe_source) == []
    # The focused view in the projector is laid out with large labels too.
    page.select_option(".evmap-net-tools select", "p:nmdar-inhibition")
    sizes = label_sizes(page, "svg.evmap-net-focus")
    assert sizes and min(sizes) >= 18
    page.keyboard.press("Escape")
    assert "evmap-projector" not in (view.get_attribute("class") or "")
    assert (
        page.get_by_role("button", name="Projector view").get_attribute("aria-pressed") == "false"
    )
    page.context.close()


def test_network_browser_keyboard_focus_shows_a_shortened_label_in_full(
    chromium: Any, hosted: str
) -> None:
    page = open_screen(chromium, "desktop", hosted + "network/")
    node = (
        page.locator("a.evmap-net-node--claim")
        .filter(has=page.locator("text", has_text="\u2026"))
        .first
    )
    full = node.locator("title").text_content() or ""
    assert full and not (node.locator("text").text_content() or "").startswith(full)
    node.focus()
    tip = page.locator(".evmap-tip:not([hidden])")
    tip.wait_for(state="visible")
    assert full in tip.inner_text()
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_network_browser_without_javascript_the_box_scrolls_at_natural_size(
    chromium: Any, hosted: str, screen: str
) -> None:
    context = chromium.new_context(java_script_enabled=False, **SCREENS[screen])
    page = context.new_page()
    page.goto(hosted + "network/", wait_until="load")
    assert page.locator(".evmap-net-tools").count() == 0  # no controls without the script
    sizes = label_sizes(page)
    assert sizes and min(sizes) >= MIN_PX
    box = page.evaluate(
        "() => { const b = document.getElementById('evmap-network-box');"
        " const s = b.querySelector('svg').getBoundingClientRect();"
        " return {overflow: getComputedStyle(b).overflow, width: s.width, height: s.height,"
        " scrolls: b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight}; }"
    )
    svg = page.locator("svg.evmap-network")
    assert box["overflow"] == "auto" and box["scrolls"]
    assert box["width"] == pytest.approx(float(svg.get_attribute("width") or 0), abs=0.5)
    assert box["height"] == pytest.approx(float(svg.get_attribute("height") or 0), abs=0.5)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    context.close()
