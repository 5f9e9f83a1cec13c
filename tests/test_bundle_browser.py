"""The unzipped offline bundle in headless Chromium, from file://, as a teacher would use it.

Every request each page makes is recorded: all must stay on file:// (or data:/blob:),
and the console must stay free of errors, while searching, following links and
hovering citations.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py and bundling.py)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import Recorded, chromium, open_page  # noqa: F401  (fixture)
from bundling import (  # noqa: F401  (fixtures)
    iframe_worker,
    shipped_bundle,
    shipped_bundle_dir,
    tiny_bundle,
    tiny_bundle_dir,
)

pytestmark = pytest.mark.browser

VIEWS = ("matrix/index.html", "network/index.html", "matrix.html", "network.html")


def search(recorded: Recorded, term: str) -> list[str]:
    """Type ``term`` into Material's search box; return the result links once they show."""
    page = recorded.page
    page.locator("input.md-search__input").focus()
    page.keyboard.type(term)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15000)
    return [
        str(a.get_attribute("href"))
        for a in page.locator(".md-search-result__item > a.md-search-result__link").all()
    ]


def assert_offline_and_clean(recorded: Recorded) -> None:
    assert recorded.external_requests() == []
    assert recorded.console_errors == []
    assert recorded.requests, "no request was recorded at all"


def follow(recorded: Recorded, selector: str) -> str:
    """Click the first element matching ``selector`` and return the new page's URL."""
    recorded.page.locator(selector).first.click()
    recorded.page.wait_for_load_state("load")
    return str(recorded.page.url)


def test_bundle_browser_search_returns_results(chromium: Any, tiny_bundle_dir: Path) -> None:
    recorded = open_page(chromium, (tiny_bundle_dir / "index.html").as_uri())
    links = search(recorded, "TrkB")
    assert links and all(link.startswith("file://") for link in links)
    assert any("pathways/bdnf-trkb.html" in link for link in links)
    url = follow(recorded, ".md-search-result__item > a.md-search-result__link")
    assert url.startswith(tiny_bundle_dir.as_uri())
    assert recorded.page.locator("h1").first.inner_text() != ""
    # The index is a script, loaded from the bundle itself.
    assert (tiny_bundle_dir / "search/search_index.js").as_uri() in recorded.requests
    assert_offline_and_clean(recorded)
    recorded.page.context.close()


def test_bundle_browser_follows_navigation_and_claim_links(
    chromium: Any, tiny_bundle_dir: Path
) -> None:
    recorded = open_page(chromium, (tiny_bundle_dir / "index.html").as_uri())
    url = follow(recorded, "nav.md-nav--primary a.md-nav__link[href$='pathways/index.html']")
    assert url == (tiny_bundle_dir / "pathways/index.html").as_uri()
    url = follow(recorded, "article a[href$='nmdar-inhibition.html']")
    assert url == (tiny_bundle_dir / "pathways/nmdar-inhibition.html").as_uri()
    # A claim listed here whose home is another pathway: its link leads there.
    url = follow(recorded, "#claim-trkb-needed h3 a")
    assert url == (tiny_bundle_dir / "pathways/bdnf-trkb.html").as_uri() + "#claim-trkb-needed"
    assert recorded.page.locator("h1").first.inner_text() == "BDNF-TrkB signalling"
    url = follow(recorded, "#claim-trkb-needed a[href$='arketamine.html']")
    assert url == (tiny_bundle_dir / "compounds/arketamine.html").as_uri()
    assert_offline_and_clean(recorded)
    recorded.page.context.close()


def test_bundle_browser_citation_hover_shows_the_reference(
    chromium: Any, tiny_bundle_dir: Path
) -> None:
    recorded = open_page(chromium, (tiny_bundle_dir / "compounds/ketamine.html").as_uri())
    recorded.page.locator("table.ev a[href$='/berman2000.html']").first.hover()
    tooltip = recorded.page.locator(".evmap-tip:not([hidden])")
    tooltip.wait_for(state="visible")
    assert "Antidepressant effects of ketamine in depressed patients" in tooltip.inner_text()
    url = follow(recorded, "table.ev a[href$='/berman2000.html']")
    assert url == (tiny_bundle_dir / "references/berman2000.html").as_uri()
    assert_offline_and_clean(recorded)
    recorded.page.context.close()


def test_bundle_browser_views_load_offline(chromium: Any, tiny_bundle_dir: Path) -> None:
    present = [view for view in VIEWS if (tiny_bundle_dir / view).is_file()]
    if not present:
        pytest.skip("this build has no evidence views (matrix/, network/)")
    for view in present:
        recorded = open_page(chromium, (tiny_bundle_dir / view).as_uri())
        assert recorded.page.locator("h1").first.inner_text() != "", view
        assert_offline_and_clean(recorded)
        recorded.page.context.close()


def test_bundle_browser_shipped_content_works_offline(
    chromium: Any, shipped_bundle_dir: Path
) -> None:
    recorded = open_page(chromium, (shipped_bundle_dir / "index.html").as_uri())
    links = search(recorded, "arketamine")
    assert any(link.endswith("compounds/arketamine.html?h=arketamine") for link in links)
    follow(recorded, ".md-search-result__item > a.md-search-result__link")
    assert recorded.page.url.startswith(shipped_bundle_dir.as_uri())
    # A pathway page: hover a citation, then follow a claim's compound link.
    recorded.page.goto((shipped_bundle_dir / "pathways/ampar-activation.html").as_uri())
    # The first link to a reference (a second-hand item's cell starts with the glossary link).
    cite = recorded.page.locator("table.ev td.r a[href*='references/']").first
    cite.hover()
    tooltip = recorded.page.locator(".evmap-tip:not([hidden])")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text().strip() != ""
    url = follow(recorded, "section.claim a[href*='compounds/']")
    assert url.startswith((shipped_bundle_dir / "compounds").as_uri())
    for view in VIEWS:
        if (shipped_bundle_dir / view).is_file():
            recorded.page.goto((shipped_bundle_dir / view).as_uri())
            assert recorded.page.locator("h1").first.inner_text() != "", view
    assert_offline_and_clean(recorded)
    recorded.page.context.close()
