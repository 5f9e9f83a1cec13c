"""evmap's search in Chromium: the hosted site over HTTP, the bundle from file://.

Material's search box and result list stay; evmap's worker answers them from the
shards. Each test types into the box as a reader does and reads the result links.
Hostile content (``<script>``, ``<img onerror>`` in statements and titles) must
show as characters in the result list and run nothing.
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py and bundling.py)

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Recorded, chromium, open_page, served  # noqa: F401  (fixture)
from bundling import (  # noqa: F401
    iframe_worker,
    shipped_bundle,
    shipped_bundle_dir,
    source_date_epoch,
    tiny_bundle,
    tiny_bundle_dir,
    unzip,
)
from conftest import REPO
from evmap.adapters.build import build_site
from evmap.adapters.bundle import build_bundle
from test_hostile_input import BIB_PAYLOAD, PAYLOAD, markup_project

pytestmark = pytest.mark.browser

RESULT_LINKS = ".md-search-result__list a.md-search-result__link"
INJECTED = "img[src='x'], script:not([src])"


def search(recorded: Recorded, query: str) -> list[str]:
    """Type ``query`` into Material's search box; every result link once the list shows."""
    page = recorded.page
    page.locator("input.md-search__input").focus()
    page.locator("input.md-search__input").fill("")
    page.keyboard.type(query)
    page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=15000)
    # The list is redrawn per keystroke; wait for the answer to the whole query.
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__meta').textContent !== ''"
        " && document.querySelector('input.md-search__input').value === q",
        arg=query,
    )
    page.wait_for_timeout(300)
    return [str(a.get_attribute("href")) for a in page.locator(RESULT_LINKS).all()]


def relative(links: list[str], base: str) -> list[str]:
    return [link.removeprefix(base).split("?")[0] for link in links]


@pytest.fixture(scope="module")
def tiny_url(tiny_site: Path) -> Iterator[str]:
    with served(tiny_site) as url:
        yield url


# What a reader types, and a link the results must hold.
FOUND = [
    ("TrkB", "pathways/bdnf-trkb/"),
    ("arketamine needed", "pathways/bdnf-trkb/#claim-trkb-needed"),
    ("main route", "pathways/nmdar-inhibition/#claim-nmdar-main-route"),
    ("ketam", "compounds/ketamine/"),  # a word being typed matches as a prefix
    ("Berman", "references/berman2000/"),
    ("hand-written", "about/"),
]


def test_search_browser_hosted_finds_pages_and_claims(chromium: Any, tiny_url: str) -> None:
    recorded = open_page(chromium, tiny_url)
    found = {query: relative(search(recorded, query), tiny_url) for query, _ in FOUND}
    assert {q: e for q, e in FOUND if e not in found[q]} == {}, found
    assert recorded.console_errors == []
    # Only the shards queries need, never Material's whole index.
    shards = [u for u in recorded.requests if "/search/evmap/" in u]
    assert shards and all(u.endswith(".js") for u in shards)
    assert len(shards) == len(set(shards))  # each loaded once
    recorded.page.context.close()


def test_search_browser_hosted_result_opens_the_claim(chromium: Any, tiny_url: str) -> None:
    recorded = open_page(chromium, tiny_url)
    search(recorded, "TrkB signalling needed")
    recorded.page.locator(RESULT_LINKS).first.click()
    recorded.page.wait_for_load_state("load")
    assert "pathways/bdnf-trkb/" in recorded.page.url
    recorded.page.context.close()


def test_search_browser_hosted_no_match_says_so(chromium: Any, tiny_url: str) -> None:
    recorded = open_page(chromium, tiny_url)
    page = recorded.page
    page.locator("input.md-search__input").focus()
    page.keyboard.type("zzyzx")
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta').textContent"
        ".includes('No matching')"
    )
    assert page.locator(".md-search-result__item").count() == 0
    recorded.page.context.close()


def test_search_browser_bundle_finds_claims_from_file(chromium: Any, tiny_bundle_dir: Path) -> None:
    recorded = open_page(chromium, (tiny_bundle_dir / "pathways" / "bdnf-trkb.html").as_uri())
    base = tiny_bundle_dir.as_uri() + "/"
    links = relative(search(recorded, "main route"), base)
    assert "pathways/nmdar-inhibition.html#claim-nmdar-main-route" in links, links
    links = relative(search(recorded, "Arketamine"), base)
    assert "compounds/arketamine.html" in links, links
    assert recorded.external_requests() == []
    assert recorded.console_errors == []
    assert any("/search/evmap/t/" in u for u in recorded.requests)
    recorded.page.context.close()


def _assert_hostile_results_are_text(recorded: Recorded, query: str) -> None:
    page = recorded.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    before = page.locator(INJECTED).count()
    links = search(recorded, query)
    assert links
    shown = page.locator(".md-search-result__list").inner_text()
    assert BIB_PAYLOAD in shown or PAYLOAD in shown, shown[:500]
    results = page.locator(".md-search-result__list")
    assert results.locator("img, script, a[href^='javascript']").count() == 0
    assert page.locator(INJECTED).count() == before
    assert dialogs == []


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = markup_project(tmp_path_factory.mktemp("hostile-search"))
    return build_site(project.config, project.root / "site", strict=False)


def test_search_browser_hostile_results_stay_text_hosted(chromium: Any, hostile_site: Path) -> None:
    with served(hostile_site) as url:
        recorded = open_page(chromium, url)
        _assert_hostile_results_are_text(recorded, "evmap-xss")
        _assert_hostile_results_are_text(recorded, "onerror alert")
        recorded.page.context.close()


@pytest.mark.slow
def test_search_browser_hostile_results_stay_text_from_file(
    chromium: Any, tmp_path_factory: pytest.TempPathFactory, iframe_worker: Path
) -> None:
    project = markup_project(tmp_path_factory.mktemp("hostile-bundle"))
    with source_date_epoch():
        bundle = build_bundle(
            project.config, project.root / "dist", strict=False, iframe_worker=iframe_worker
        )
    folder = unzip(bundle, project.root / "usb")
    recorded = open_page(chromium, (folder / "index.html").as_uri())
    _assert_hostile_results_are_text(recorded, "evmap-xss")
    assert recorded.external_requests() == []
    recorded.page.context.close()


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("shipped") / "site")
    with served(site) as url:
        yield url


# What a reader types, and the page the first result must be: an entity's own page for
# its name and each synonym, a reference's page for its DOI.
FIRST = [
    ("(R)-ketamine", "compounds/arketamine"),
    ("R-ketamine", "compounds/arketamine"),
    ("arketamine", "compounds/arketamine"),
    ("(S)-ketamine", "compounds/esketamine"),
    ("esketamine nasal spray", "compounds/esketamine"),
    ("HNK", "compounds/2r6r-hnk"),
    ("(2S,6S)-HNK", "compounds/2s6s-hnk"),
    ("dizocilpine", "compounds/mk-801"),
    ("TGF-beta1", "compounds/tgf-beta1"),
    ("mTORC1", "pathways/mtorc1"),
    ("10.1038/s41380-018-0256-5", "references/fava2018"),
]


def _first(links: list[str], base: str, suffix: str) -> str:
    return relative(links, base)[0].removesuffix(suffix).removesuffix("/")


def test_search_browser_first_result_of_names_hosted(chromium: Any, shipped_url: str) -> None:
    recorded = open_page(chromium, shipped_url)
    first = {q: _first(search(recorded, q), shipped_url, "/") for q, _ in FIRST}
    assert first == dict(FIRST)
    recorded.page.context.close()


@pytest.mark.slow
def test_search_browser_first_result_of_names_from_file(
    chromium: Any, shipped_bundle_dir: Path
) -> None:
    recorded = open_page(chromium, (shipped_bundle_dir / "index.html").as_uri())
    base = shipped_bundle_dir.as_uri() + "/"
    first = {q: _first(search(recorded, q), base, ".html") for q, _ in FIRST}
    assert first == dict(FIRST)
    assert recorded.external_requests() == []
    recorded.page.context.close()
