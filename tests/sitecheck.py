"""A crawler over a built site: every internal link and anchor must resolve.

Works on any builder's output (Zensical, MkDocs): it reads the HTML files only.
Links are followed as a browser on the hosted site would: relative ones from the
page's folder, root-absolute ones (``/ketamine-evidence-map/...``, which 404 pages
use) below the path of ``site_url``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


@dataclass(frozen=True)
class Link:
    """One link of a page: the page (site-relative), the element and where it points."""

    page: str
    tag: str
    url: str


def parse(path: Path) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def pages(site: Path) -> list[str]:
    """Every HTML file of ``site``, site-relative, in order."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def target(site: Path, page: str, url: str, base_path: str = "/") -> tuple[Path, str] | None:
    """The file and fragment an internal ``url`` of ``page`` leads to (None: external)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return site / "__outside_the_site__", parts.fragment
        rel = path[len(base_path) :]
    elif path:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        rel = page
    if rel == ".." or rel.startswith("../"):
        return site / "__outside_the_site__", parts.fragment
    file = site / rel
    if file.is_dir():
        file = file / "index.html"
    return file, unquote(parts.fragment)


def dead_links(site: Path, base_path: str = "/") -> list[Link]:
    """Every internal link of ``site`` to a missing file, or to an id its page lacks."""
    ids: dict[Path, set[str]] = {}
    soups = {page: parse(site / page) for page in pages(site)}
    for page, soup in soups.items():
        ids[site / page] = {str(e["id"]) for e in soup.select("[id]")}
    dead = []
    for page, soup in soups.items():
        for tag, attribute in LINKING.items():
            for element in soup.find_all(tag):
                url = element.get(attribute)
                if url is None:
                    continue
                found = target(site, page, str(url), base_path)
                if found is None:
                    continue
                file, fragment = found
                if not file.is_file() or (
                    fragment and file.suffix == ".html" and fragment not in ids.get(file, set())
                ):
                    dead.append(Link(page, tag, str(url)))
    return dead
