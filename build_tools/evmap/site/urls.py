"""Where generated pages live: one page per pathway, compound and reference, plus views.

The same pages work hosted (directory URLs: ``pathways/bdnf-trkb/``) and from
``file://`` (``pathways/bdnf-trkb.html``); every href is relative to its page.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["PAGE_KINDS", "SECTION", "VIEW_PAGES", "PageKind", "PageSpec", "Urls"]


class PageKind(StrEnum):
    """The kinds of generated page. Each is a string (its value), so a template compares
    ``page.kind == "pathway"`` and names its template file ``<kind>.html``."""

    HOME = "home"
    PATHWAY_INDEX = "pathway-index"
    COMPOUND_INDEX = "compound-index"
    REFERENCE_INDEX = "reference-index"
    MATRIX = "matrix"
    NETWORK = "network"
    PATHWAY = "pathway"
    COMPOUND = "compound"
    REFERENCE = "reference"
    HISTORY = "history"


PAGE_KINDS = tuple(PageKind)
SECTION: dict[str, str] = {
    PageKind.PATHWAY: "pathways",
    PageKind.COMPOUND: "compounds",
    PageKind.REFERENCE: "references",
}
"""The folder of each kind of entity page."""
VIEW_PAGES = (PageKind.MATRIX, PageKind.NETWORK)
"""Site-wide views, one page each at ``<kind>/index.md``."""


@dataclass(frozen=True)
class PageSpec:
    """One generated page: its source path (as a builder sees it), kind and subject.

    Attributes:
        src: Source path, e.g. ``pathways/bdnf-trkb.md``.
        kind: One of :data:`PAGE_KINDS`.
        title: The page title (plain text; templates escape it).
        subject: The entity's id (a reference's key), "" for site-wide pages.
        source_path: The content file the page is made from ("" for site-wide pages).
        hide: Parts of the theme to hide (Material's ``hide`` meta).
    """

    src: str
    kind: str
    title: str
    subject: str = ""
    source_path: str = ""
    hide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Urls:
    """Where pages live, for ``use_directory_urls`` on (hosted) or off (file://)."""

    directory_urls: bool = True

    def src(self, kind: str, subject: str = "") -> str:
        """Source path of a page, e.g. ``pathways/bdnf-trkb.md``."""
        if kind == PageKind.HOME:
            return "index.md"
        if kind in VIEW_PAGES:
            return f"{kind}/index.md"
        if kind.endswith("-index"):
            return f"{SECTION[kind.removesuffix('-index')]}/index.md"
        if kind == PageKind.HISTORY:  # one per claims file (see evmap.site.history)
            return f"history/{subject}.md"
        return f"{SECTION[kind]}/{subject}.md"

    def url(self, src: str) -> str:
        """Site-relative URL of a source path, as MkDocs computes it."""
        stem = src.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"

    def root(self, src: str) -> str:
        """Relative prefix from the page of ``src`` back to the site root."""
        directory = posixpath.dirname(self.url(src)) if not self.directory_urls else self.url(src)
        depth = directory.rstrip("/").count("/") + 1 if directory.strip("/") else 0
        return "../" * depth
