"""Every screen a reader uses: phones and desktops, touch and keyboard, axe-core.

The shipped map is built as the hosted wiki (served over HTTP) and as the offline
bundle (opened from file://). Each kind of page is opened at 390 x 844 with touch and
at 1,366 x 900: nothing may scroll sideways, axe-core (npm, pinned in package-lock.json)
must report no critical or serious violation, citations preview on tap and on keyboard
focus, the matrix keeps its first column in view, and the network lights a node's
neighbourhood. Screenshots are taken into a temporary folder (nothing is stored).
"""

# ruff: noqa: F811  (pytest fixtures imported from browser.py and bundling.py)

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, served  # noqa: F401  (fixture)
from bundling import iframe_worker, shipped_bundle, shipped_bundle_dir  # noqa: F401
from conftest import REPO
from evmap.adapters.build import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
# One page of every kind, by its path in the hosted site (directory URLs).
PAGES = {
    "home": "",
    "pathway-index": "pathways/",
    "compound-index": "compounds/",
    "reference-index": "references/",
    "pathway": "pathways/nmdar-inhibition/",
    "compound": "compounds/ketamine/",
    "reference": "references/wei2021/",
    "matrix": "matrix/",
    "network": "network/",
    "history": "history/nmdar/",
    "hand-written": "certainty/",
}


def bundle_path(path: str) -> str:
    """The same page in the bundle (no directory URLs): ``pathways/x/`` -> ``pathways/x.html``."""
    if not path:
        return "index.html"
    if path.count("/") == 1 and path.endswith("/") and path[:-1] in ("matrix", "network"):
        return path + "index.html"
    return path.rstrip("/") + ("/index.html" if path.count("/") == 1 else ".html")


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped map built as the hosted site and served over HTTP; yields its URL."""
    site = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("screens") / "site")
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (run 'npm ci'; make test does)")
    return AXE.read_text("utf-8")


def open_screen(browser: Any, screen: str, url: str) -> Any:
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    page.evmap_errors = errors
    return page


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    width: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def serious_violations(page: Any, axe_source: str) -> list[str]:
    """axe-core's critical and serious WCAG 2.1 A/AA violations, as 'rule: target' lines."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
              .flatMap(v => v.nodes.slice(0, 3).map(n => v.id + ': ' + JSON.stringify(n.target)));
        }"""
    )
    return list(result)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", PAGES)
def test_screens_hosted_pages_fit_and_pass_axe(
    chromium: Any, hosted: str, axe_source: str, tmp_path: Path, kind: str, screen: str
) -> None:
    page = open_screen(chromium, screen, hosted + PAGES[kind])
    page.screenshot(path=str(tmp_path / f"{kind}-{screen}.png"))
    assert overflow(page) <= 0, f"{kind} scrolls sideways on the {screen}"
    assert serious_violations(page, axe_source) == []
    assert page.evmap_errors == []
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", ["home", "pathway", "reference", "matrix", "network"])
def test_screens_bundle_pages_fit_and_pass_axe(
    chromium: Any, shipped_bundle_dir: Path, axe_source: str, kind: str, screen: str
) -> None:
    url = (shipped_bundle_dir / bundle_path(PAGES[kind])).as_uri()
    page = open_screen(chromium, screen, url)
    assert overflow(page) <= 0, f"{kind} scrolls sideways on the {screen}"
    assert serious_violations(page, axe_source) == []
    footer = page.locator("footer").inner_text()
    assert "Version" in footer and "content of" in footer  # the bundle says what it is
    page.context.close()


def test_screens_citation_previews_on_tap_and_on_keyboard_focus(chromium: Any, hosted: str) -> None:
    page = open_screen(chromium, "phone", hosted + PAGES["pathway"])
    page.locator("button.evmap-toggle").first.click()  # claims start folded on a phone
    cite = page.locator("td.r a[href*='references/']").first
    cite.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = cite.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".evmap-tip:not([hidden])")
    tip.wait_for(state="visible")
    assert "Open the reference page" in tip.inner_text()
    assert page.url == hosted + PAGES["pathway"]  # the first tap previews, it does not leave
    page.context.close()

    page = open_screen(chromium, "desktop", hosted + PAGES["pathway"])
    cite = page.locator("td.r a[href*='references/']").first
    cite.focus()
    tip = page.locator(".evmap-tip:not([hidden])")
    tip.wait_for(state="visible")
    assert cite.get_attribute("aria-describedby") == "evmap-tip"
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_screens_matrix_keeps_its_first_column_in_view(
    chromium: Any, hosted: str, screen: str
) -> None:
    page = open_screen(chromium, screen, hosted + PAGES["matrix"])
    cue = page.locator(".evmap-scroll-cue")
    assert "more columns to the right" in cue.inner_text()
    page.evaluate(
        "() => { const box = document.querySelector('.evmap-matrix-scroll');"
        " box.scrollLeft = box.scrollWidth; box.dispatchEvent(new Event('scroll')); }"
    )
    header = page.locator("th.evmap-row").first.bounding_box()
    box = page.locator(".evmap-matrix-scroll").bounding_box()
    assert header is not None and box is not None
    assert box["x"] - 1 <= header["x"] <= box["x"] + 2  # pinned at the box's left edge
    assert "more to the left" in cue.inner_text()
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_screens_network_lights_a_neighbourhood(chromium: Any, hosted: str, screen: str) -> None:
    page = open_screen(chromium, screen, hosted + PAGES["network"])
    node = page.locator("a.evmap-net-node[data-node='c:arketamine']")
    if screen == "phone":
        node.evaluate("el => el.scrollIntoView({block: 'center', inline: 'center'})")
        box = node.bounding_box()
        page.touchscreen.tap(box["x"] + 3, box["y"] + box["height"] / 2)
        assert page.url == hosted + PAGES["network"]  # the first tap lights, it does not leave
    else:
        node.hover()
    assert page.locator("svg.evmap-network.evmap-focus").count() == 1
    lit = page.eval_on_selector_all(
        "svg.evmap-network [data-ends].evmap-on", "els => els.map(e => e.getAttribute('data-ends'))"
    )
    assert lit and all("c:arketamine" in ends or "k:" in ends for ends in lit)
    dim = page.locator("a.evmap-net-node:not(.evmap-on)").count()
    assert dim > 0  # the rest is dimmed
    # Choosing a node in the list focuses on it.
    page.select_option(".evmap-net-tools select", "p:nmdar-inhibition")
    assert page.locator("a.evmap-net-node.evmap-on[data-node='p:nmdar-inhibition']").count() == 1
    page.context.close()


def test_screens_claims_filter_and_fold(chromium: Any, hosted: str) -> None:
    page = open_screen(chromium, "desktop", hosted + PAGES["pathway"])
    claims = page.locator("section.claim")
    total = claims.count()
    page.select_option(".evmap-claim-tools select[name=s]", "c")
    shown = page.locator("section.claim:not([hidden])")
    assert 0 < shown.count() < total
    assert all("c" in (s.get_attribute("data-s") or "") for s in shown.all())
    status = page.locator(".evmap-claim-tools output").inner_text()
    assert status == f"{shown.count()} of {total} claims shown."
    first = page.locator("section.claim:not([hidden]) button.evmap-toggle").first
    assert first.get_attribute("aria-expanded") == "true"  # open on a desktop
    first.click()
    assert first.get_attribute("aria-expanded") == "false"
    page.context.close()


def test_screens_axe_runs_and_would_see_a_violation(chromium: Any, axe_source: str) -> None:
    """The accessibility check is not vacuous: an image without alt text is reported."""
    page = open_screen(chromium, "desktop", "about:blank")
    page.set_content(
        '<html lang="en"><head><title>t</title></head>'
        '<body><main><img src="x.png"></main></body></html>'
    )
    assert [line.split(":")[0] for line in serious_violations(page, axe_source)] == ["image-alt"]
    page.context.close()
    assert json.dumps(PAGES)  # every kind of page is listed once
