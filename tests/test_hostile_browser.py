"""Hostile content on the served site: hovering, focusing and tapping every tooltip runs nothing.

The markup project puts ``<script>``, ``<img onerror>`` and ``javascript:`` links in
every text a curator writes (names, statements, paradigms, BibTeX titles). The site
is served over HTTP, as the hosted wiki is; every citation, matrix cell and column
is hovered, focused and tapped. No dialog may open, no element may be injected, and
the tooltip must show the hostile text as characters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import chromium, served  # noqa: F401  (fixture)
from evmap.adapters.build import build_site
from test_hostile_input import BIB_PAYLOAD, markup_project

pytestmark = pytest.mark.browser

PAGES = (
    "compounds/ketamine/",
    "pathways/nmdar-inhibition/",
    "pathways/bdnf-trkb/",
    "references/wei2021/",
    "matrix/",
    "network/",
)
TARGETS = "td.r a[href], [data-tip], article [title]"
INJECTED = "img[src='x'], script:not([src])"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = markup_project(tmp_path_factory.mktemp("hostile-served"))
    site = build_site(project.config, project.root / "site", strict=False)
    with served(site) as url:
        yield url


def _visit(browser: Any, url: str, touch: bool) -> tuple[list[str], int, list[str]]:
    """Hover, focus (and on touch, tap) every target of a page; what ran, what appeared."""
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    context = browser.new_context(**phone) if touch else browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load")
    inline_before = page.locator(INJECTED).count()
    if touch:
        # On a phone claims start folded: open each one, as a reader would.
        folded = page.locator("button.evmap-toggle[aria-expanded='false']")
        while folded.count():
            folded.first.tap()
    tips: list[str] = []
    targets = page.locator(TARGETS)
    for index in range(targets.count()):
        target = targets.nth(index)
        if not target.is_visible():
            continue
        if touch:
            if target.evaluate("el => el.matches('td.r a')"):
                # Centred first: Material's sticky header would take a tap at the top.
                target.evaluate("el => el.scrollIntoView({block: 'center', inline: 'center'})")
                box = target.bounding_box()
                assert box is not None
                page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        else:
            target.hover()
        target.focus()
        tip = page.locator(".evmap-tip:not([hidden])")
        if tip.count():
            tips.append(tip.inner_text())
        page.keyboard.press("Escape")
    injected = page.locator(INJECTED).count() - inline_before
    context.close()
    return dialogs, injected, tips


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
@pytest.mark.parametrize("path", PAGES)
def test_hostile_tooltips_run_no_script(
    chromium: Any,  # noqa: F811
    hostile_url: str,
    path: str,
    touch: bool,
) -> None:
    dialogs, injected, tips = _visit(chromium, hostile_url + path, touch)
    assert dialogs == []
    assert injected == 0
    if path.startswith(("compounds", "pathways", "matrix")):
        assert tips, "no tooltip was shown"
    if path.startswith(("compounds", "pathways")):
        assert any(BIB_PAYLOAD in tip for tip in tips)  # the hostile title, as text
