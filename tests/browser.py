"""Headless Chromium (Debian's package) driven by Playwright, for browser tests.

Tests that use :func:`chromium` skip, saying why, when Chromium or Playwright is
missing; CI installs Chromium with apt (see .ci/run), so there they always run.
Every request a page makes and every console error is recorded, so tests can
assert that a page loads nothing from the network and logs no error. Sites are
served over HTTP by :func:`bench.static_server.served` (the search benchmark's server).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bench.static_server import served as served  # re-exported for the tests

CHROMIUM = os.environ.get("EVMAP_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from reaching out on its own (updates, sync, safe browsing).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--allow-file-access-from-files",
]


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium; CI installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is pinned in requirements.lock
        return "the playwright package is not installed (make test installs it)"
    return None


@dataclass
class Recorded:
    """A page plus everything it requested and every console error it logged."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        """Requests that left the local file system."""
        return [url for url in self.requests if not url.startswith(("file://", "data:", "blob:"))]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium browser for the whole session (skips when unavailable).

    Each test module imports this fixture, which makes one fixture per module;
    Playwright's sync API allows one running instance per process, so they all
    share one browser, closed when the last module using it is done.
    """
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    if not _SHARED:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        playwright = manager.start()
        _SHARED.update(
            manager=manager,
            browser=playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS),
            users=0,
        )
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED["manager"].__exit__(None, None, None)
            _SHARED.clear()


_SHARED: dict[str, Any] = {}


def open_page(browser: Any, url: str) -> Recorded:
    """Open ``url`` in a fresh context, recording requests and console errors."""
    context = browser.new_context()
    page = context.new_page()
    recorded = Recorded(page)
    page.on("request", lambda request: recorded.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            recorded.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: recorded.console_errors.append(str(error)))
    page.goto(url, wait_until="load")
    return recorded
