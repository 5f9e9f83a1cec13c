"""The built tiny site in headless Chromium: renders, no console errors, no network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import chromium, open_page  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_browser_pages_load_without_errors_or_network(chromium: Any, tiny_site: Path) -> None:  # noqa: F811
    for page in (
        "index.html",
        "pathways/nmdar-inhibition/index.html",
        "references/berman2000/index.html",
    ):
        recorded = open_page(chromium, (tiny_site / page).as_uri())
        assert recorded.page.locator("h1").first.inner_text() != ""
        assert recorded.external_requests() == [], page
        assert recorded.console_errors == [], page
        recorded.page.context.close()


def test_browser_citation_hover_shows_reference(chromium: Any, tiny_site: Path) -> None:  # noqa: F811
    recorded = open_page(chromium, (tiny_site / "compounds/ketamine/index.html").as_uri())
    cite = recorded.page.locator("table.ev a[href$='/berman2000/']").first
    assert cite.get_attribute("title") is None  # Material would insert a title as HTML
    cite.hover()
    tooltip = recorded.page.locator(".evmap-tip:not([hidden])")
    tooltip.wait_for(state="visible")
    assert "Antidepressant effects of ketamine in depressed patients" in tooltip.inner_text()
    cite.click()
    recorded.page.wait_for_load_state()
    assert recorded.page.url.endswith(
        "/references/berman2000/index.html"
    ) or recorded.page.url.endswith("/references/berman2000/")
    recorded.page.context.close()
