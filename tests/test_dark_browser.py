"""The dark scheme: every kind of page in Material's slate scheme passes axe-core.

The shipped mkdocs.yml turns on Material's palette toggle, following the reader's
system setting (``prefers-color-scheme``). Chromium is told the reader prefers dark,
as a system in dark mode would; each page must then be drawn in the slate scheme and
axe-core must find no critical or serious violation (colour contrast among them) at
390 x 844 and 1,366 x 900, in the hosted site and in the offline bundle.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py, bundling.py and test_screens.py)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import chromium  # noqa: F401  (fixture)
from bundling import iframe_worker, shipped_bundle, shipped_bundle_dir  # noqa: F401
from test_screens import (  # noqa: F401  (fixtures)
    PAGES,
    SCREENS,
    axe_source,
    bundle_path,
    hosted,
    overflow,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_dark(browser: Any, screen: str, url: str) -> Any:
    """``url`` on ``screen`` for a reader whose system prefers the dark scheme."""
    context = browser.new_context(**SCREENS[screen], color_scheme="dark")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    page.evmap_errors = errors
    return page


def scheme(page: Any) -> str:
    """The colour scheme Material draws the page in."""
    value: str = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    return value


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", PAGES)
def test_dark_hosted_pages_pass_axe(
    chromium: Any, hosted: str, axe_source: str, kind: str, screen: str
) -> None:
    page = open_dark(chromium, screen, hosted + PAGES[kind])
    assert scheme(page) == "slate"
    assert overflow(page) <= 0, f"{kind} scrolls sideways on the {screen}"
    assert serious_violations(page, axe_source) == []
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", ["home", "pathway", "reference", "matrix", "network"])
def test_dark_bundle_pages_pass_axe(
    chromium: Any, shipped_bundle_dir: Path, axe_source: str, kind: str, screen: str
) -> None:
    page = open_dark(chromium, screen, (shipped_bundle_dir / bundle_path(PAGES[kind])).as_uri())
    assert scheme(page) == "slate"
    assert overflow(page) <= 0, f"{kind} scrolls sideways on the {screen}"
    assert serious_violations(page, axe_source) == []
    page.context.close()


def test_dark_toggle_switches_and_is_remembered(chromium: Any, hosted: str) -> None:
    """The header's button switches a light-preferring reader to dark; the next page keeps it."""
    context = chromium.new_context(**SCREENS["desktop"], color_scheme="light")
    page = context.new_page()
    page.goto(hosted + PAGES["matrix"], wait_until="load")
    assert scheme(page) == "default"
    light_cell = page.eval_on_selector("td.s", "el => getComputedStyle(el).backgroundColor")
    page.locator("label[title='Switch to dark mode']").click()
    assert scheme(page) == "slate"
    dark_cell = page.eval_on_selector("td.s", "el => getComputedStyle(el).backgroundColor")
    assert dark_cell != light_cell  # evmap's colours follow the scheme
    page.goto(hosted + PAGES["pathway"], wait_until="load")
    assert scheme(page) == "slate"
    context.close()
