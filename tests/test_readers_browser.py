"""Pages answer their question on the first screen, skip links work, and pages print whole.

The shipped map, hosted (served over HTTP) and from the unzipped offline bundle
(file://), at 390 x 844 (a phone, touch) and 1,366 x 900: the home page's first screen
names the map's subject and links to the contested questions; every pathway and
compound page shows the state of the evidence within its first screen; every kind of
page has a skip link whose target exists; a pathway page printed (PDF, print media)
shows every evidence row and no controls, at either width.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py, bundling.py and test_screens.py)

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, served  # noqa: F401  (fixture)
from bundling import iframe_worker, shipped_bundle, shipped_bundle_dir  # noqa: F401
from test_screens import PAGES, SCREENS, bundle_path, hosted, open_screen  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITES = ("hosted", "bundle")
PRINTED = "pathways/antidepressant-response/"  # many claims, some items folded in <details>

# Text of the content within the first screen (the viewport's height), in document order.
FIRST_SCREEN_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.nodeValue.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.height && box.top < window.innerHeight && box.bottom > 0) out.push(node.nodeValue);
  }
  return out.join(' ');
}"""


def page_url(request: pytest.FixtureRequest, site: str) -> Callable[[str], str]:
    """How to open a page, by its hosted path, on ``site`` (the bundle has no directory URLs)."""
    if site == "hosted":
        base: str = request.getfixturevalue("hosted")
        return lambda path: base + path
    folder: Path = request.getfixturevalue("shipped_bundle_dir")
    return lambda path: (folder / in_bundle(path)).as_uri()


def in_bundle(path: str) -> str:
    """A page's path in the bundle, whose hand-written pages are ``name.html``."""
    if path == PAGES["hand-written"]:
        return path.rstrip("/") + ".html"
    return bundle_path(path)


def entity_paths(folder: Path) -> list[str]:
    """Every pathway and compound page of the bundle, by hosted path."""
    return [
        f"{section}/{page.stem}/"
        for section in ("pathways", "compounds")
        for page in sorted((folder / section).glob("*.html"))
        if page.stem != "index"
    ]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("site", SITES)
def test_readers_home_first_screen_says_what_the_map_is(
    chromium: Any, request: pytest.FixtureRequest, site: str, screen: str
) -> None:
    page = open_screen(chromium, screen, page_url(request, site)(""))
    text = page.evaluate(FIRST_SCREEN_TEXT).lower()
    assert "ketamine" in text
    assert "arketamine" in text  # the purpose, not only the name
    link = page.locator("article a[href='#contested']").first
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    assert link.is_visible()
    link.click()
    page.wait_for_function("location.hash === '#contested'")
    assert page.locator("ol.evmap-questions > li").first.is_visible()
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("site", SITES)
def test_readers_state_of_the_evidence_on_first_screen(
    chromium: Any,
    request: pytest.FixtureRequest,
    shipped_bundle_dir: Path,
    site: str,
    screen: str,
) -> None:
    url = page_url(request, site)
    paths = entity_paths(shipped_bundle_dir)
    assert "compounds/arketamine/" in paths and len(paths) > 30
    page = open_screen(chromium, screen, url(paths[0]))
    late = []
    for path in paths:
        page.goto(url(path), wait_until="load")
        top = page.evaluate(
            "() => document.querySelector('article .evmap-summary').getBoundingClientRect().top"
        )
        if top >= page.viewport_size["height"]:
            late.append((path, top))
    assert late == []
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("site", SITES)
def test_readers_every_page_kind_has_a_skip_link(
    chromium: Any, request: pytest.FixtureRequest, site: str, screen: str
) -> None:
    url = page_url(request, site)
    page = open_screen(chromium, screen, url(""))
    for kind, path in PAGES.items():
        page.goto(url(path), wait_until="load")
        page.keyboard.press("Tab")  # the first stop of every page: its skip link
        focused = page.evaluate(
            """() => {
              const a = document.activeElement;
              const href = a && a.getAttribute('href') || '';
              const target = href.startsWith('#') && document.getElementById(href.slice(1));
              return {text: a.textContent.trim(),
                target: target ? target.matches('article h1') : 'missing ' + href};
            }"""
        )
        assert focused == {"text": "Skip to content", "target": True}, kind
        # Out of sight until focused, then in view (after the theme's fade-in).
        page.wait_for_function(
            """() => { const a = document.activeElement, box = a.getBoundingClientRect();
              return getComputedStyle(a).opacity === '1' && box.width > 0 && box.height > 0 &&
                box.top >= 0 && box.bottom <= innerHeight; }""",
            timeout=3000,
        )
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash !== ''")
        # Generated pages all start their content at the same anchor.
        if kind != "hand-written":
            assert page.evaluate("location.hash") == "#content", kind
    # The matrix also skips to its filters and to its table, from right after its title.
    page.goto(url(PAGES["matrix"]), wait_until="load")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for label, target in (("Skip to the filters", "filters"), ("Skip to the table", "matrix")):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent, location.hash]")
        assert focused[0] == label
        assert page.locator(f"a:focus[href='#{target}']").is_visible()
        assert page.locator(f"#{target}").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#matrix'")
    assert page.evmap_errors == []
    page.context.close()


SHOWN = """el => { for (let n = el; n; n = n.parentElement) {
  if (getComputedStyle(n).display === 'none') return false; }
  return el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) &&
    el.getClientRects().length > 0; }"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("site", SITES)
def test_readers_pathway_prints_every_row_and_no_controls(
    chromium: Any, request: pytest.FixtureRequest, tmp_path: Path, site: str, screen: str
) -> None:
    page = open_screen(chromium, screen, page_url(request, site)(PRINTED))
    rows = page.locator("article .evmap-claims table.ev tbody tr")
    assert rows.count() > 10
    assert page.locator("article .evmap-claims details.else:not([open])").count() > 0
    # On a phone the claims start folded and rows are cards; the views script built its
    # controls (the claims toolbar, a toggle per claim).
    assert page.locator("form.evmap-claim-tools").count() == 1
    assert page.locator("button.evmap-toggle").count() > 1
    pdf = page.pdf(path=str(tmp_path / "printed.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10000
    page.emulate_media(media="print")
    hidden = [
        (rows.nth(i).locator("td").nth(1).text_content() or "")[:60]
        for i in range(rows.count())
        if not rows.nth(i).evaluate(SHOWN)
    ]
    assert hidden == []
    findings = page.locator("article .evmap-claims table.ev tbody tr > td:nth-child(2)")
    assert all(findings.nth(i).evaluate(SHOWN) for i in range(findings.count()))
    controls = (
        "form.evmap-claim-tools",
        "button.evmap-toggle",
        ".md-header",
        ".md-sidebar",
        ".md-footer",
        ".md-search",
        ".md-skip",
    )
    for selector in controls:
        shown = page.locator(selector).evaluate_all(
            "els => els.filter(el => getComputedStyle(el).display !== 'none').length"
        )
        assert shown == 0, selector
    # Citations print where they lead; other links do not.
    cite = page.locator("article td.r a[href*='references']").first
    after = cite.evaluate("el => getComputedStyle(el, '::after').content")
    assert cite.get_attribute("href") in after
    heading = page.locator("article .evmap-claims h3 a").first
    assert heading.evaluate("el => getComputedStyle(el, '::after').content") in ("none", "normal")
    page.context.close()


@pytest.mark.parametrize("site", SITES)
def test_readers_taps_preview_citations_only(
    chromium: Any, request: pytest.FixtureRequest, site: str
) -> None:
    url = page_url(request, site)
    page = open_screen(chromium, "phone", url("pathways/ampar-activation/"))
    page.locator("form.evmap-claim-tools button").click()  # show all evidence
    # A "second-hand" glossary link in a Sources cell follows on the first tap.
    link = page.locator("td.r a[href*='#term-second-hand']").first
    link.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = link.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("location.hash === '#term-second-hand'")
    assert page.locator(".evmap-tip:not([hidden])").count() == 0
    page.context.close()
    # A most-relied-on reference in the summary previews on the first tap, like citations.
    page = open_screen(chromium, "phone", url(PRINTED))
    cite = page.locator(".evmap-summary a.evmap-cite").first
    before = page.url
    box = cite.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".evmap-tip:not([hidden])")
    tip.wait_for(state="visible")
    assert "Open the reference page" in tip.inner_text()
    assert page.url == before
    page.context.close()
    # So do the home page's strongest items.
    page = open_screen(chromium, "phone", url(""))
    cite = page.locator("ol.evmap-questions a.evmap-cite").first
    cite.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = cite.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".evmap-tip:not([hidden])").wait_for(state="visible")
    assert page.evmap_errors == []
    page.context.close()
