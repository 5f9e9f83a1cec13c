"""Page chrome rendered once, filled many times: fast full pages for entity pages.

A large map has thousands of pathway, compound and reference pages. Rendering
the theme's ``main.html`` for each costs more than everything else in a build,
yet for pages at one depth that are not in the navigation the theme's output
differs only in a few places: the title, the canonical URL, the edit link, the
revision date, the table of contents and the content. So the theme renders a
*shell* once per (depth, kind of page) with a placeholder in each of those
places, and every page is the shell with its own values put in.

Placeholders are checked: each must appear in the shell as expected, else the
page is rendered by the theme as usual (:meth:`PageShells.render` never guesses).
A shell is made from the first page of its kind, so a theme that writes anything
else of the page into its chrome (Material's feedback widget reads ``page.url``,
``extra.alternate`` and ``meta.description`` change the head) would lend that to
every page: the second page of each kind is therefore rendered by the theme too,
and the shell is used for the rest only when both renderings agree (else every
page of that kind is rendered by the theme). The shell also drops the theme's
indentation (:func:`squeeze`). Tests build sites both ways and compare the pages,
indentation aside.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

import jinja2
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

__all__ = [
    "CANONICAL",
    "CONTENT",
    "DATE",
    "EDIT",
    "MARK",
    "SHELL_TEMPLATE",
    "TITLE",
    "TOC_ID",
    "TOC_NAME",
    "TOC_TEMPLATE",
    "MemoryBytecodeCache",
    "PageShells",
    "Shell",
    "TocKey",
    "comparable",
    "squeeze",
    "stub_markdown_render",
]

# Placeholders: plain letters and digits, so no template filter alters them.
TITLE = "EVMAPSHELLTITLEx7q"
CONTENT = "EVMAPSHELLCONTENTx7q"
CANONICAL = "EVMAPSHELLCANONICALx7q"
EDIT = "EVMAPSHELLEDITx7q"
DATE = "EVMAPSHELLDATEx7q"
TOC_ID = "evmapshelltocx7q"
TOC_NAME = "EVMAPSHELLTOCNAMEx7q"
MARK = "x7q"

TOC_TEMPLATE = "partials/toc.html"
SHELL_TEMPLATE = "evmap-entity.html"
"""The page template generated pages ask for; it prints the assembled page."""


@dataclass(frozen=True)
class Shell:
    """The theme's page around placeholders, and the rendered placeholder TOC in it."""

    html: str
    toc: str
    content: str


class PageShells:
    """Assembles full pages from shells, one shell per depth and kind of page.

    Args:
        template: The theme's page template (``main.html``).
        toc_template: The theme's table-of-contents partial, or None when the
            theme has none (then every page is rendered by the theme).
        keep_tocs: Keep each page's rendered table of contents in :attr:`tocs`.
        reuse: The :attr:`tocs` of the previous build (``mkdocs serve``): a page
            whose URL, table of contents and shell are unchanged takes its HTML.
    """

    def __init__(
        self,
        template: jinja2.Template,
        toc_template: jinja2.Template | None,
        *,
        keep_tocs: bool = False,
        reuse: dict[TocKey, str] | None = None,
    ) -> None:
        self.template = template
        self.toc_template = toc_template
        self._shells: dict[tuple[object, ...], Shell | None] = {}
        # Pages filled from each shell so far: the second is checked against the theme.
        self._filled: dict[tuple[object, ...], int] = {}
        self.rejected = 0  # shells that disagreed with the theme (for tests and logs)
        self.tocs: dict[TocKey, str] | None = {} if keep_tocs else None
        self._reuse = reuse or {}

    def render(
        self, context: dict[str, Any], page: Page, content: str, toc: TableOfContents
    ) -> str:
        """The full HTML of ``page`` with ``content`` and ``toc``, as the theme would render it."""
        # Relative links depend on the page's folder, not only its depth.
        folder = page.url.rsplit("/", 2)[0] if page.url.count("/") >= 2 else page.url
        key = (
            context.get("base_url"),
            folder.split("/")[0],
            bool(page.edit_url),
            bool(page.meta.get("revision_date")),
            tuple(page.meta.get("hide") or ()),
            bool(page.canonical_url),
            "<h1" in content,  # the theme adds a title to content without one
        )
        if key not in self._shells:
            self._shells[key] = self._build(context, page, has_title="<h1" in content)
        shell = self._shells[key]
        page.toc = toc
        if shell is None:
            page.content = content
            return str(self.template.render(context))
        filled = self._fill(context, page, shell, content, toc)
        count = self._filled[key] = self._filled.get(key, 0) + 1
        if count == 2:  # the first page made the shell: the second shows what it lends
            page.content = content
            themed = str(self.template.render(context))
            if comparable(themed) != comparable(filled):
                self._shells[key] = None
                self.rejected += 1
                return themed
        return filled

    def _fill(
        self,
        context: dict[str, Any],
        page: Page,
        shell: Shell,
        content: str,
        toc: TableOfContents,
    ) -> str:
        """``page`` as ``shell`` filled with its own values."""
        toc_html = self._toc_html(context, page, shell, toc)
        first = next(iter(toc), None)
        values: list[tuple[str, str]] = [
            (shell.toc, toc_html),
            (f"#{TOC_ID}", f"#{first.id}" if first is not None else "#"),
            (TITLE, str(page.meta.get("title") or escape(page.title or ""))),
            (CANONICAL, escape(page.canonical_url or "")),
            (EDIT, escape(page.edit_url or "")),
            (DATE, escape(str(page.meta.get("revision_date", "")))),
        ]
        html = shell.html
        for placeholder, value in values:
            html = html.replace(placeholder, value)
        before, _, after = html.partition(shell.content)
        return before + content + after

    def _toc_html(
        self, context: dict[str, Any], page: Page, shell: Shell, toc: TableOfContents
    ) -> str:
        """The theme's table of contents of ``page``, squeezed (reused when kept)."""
        assert self.toc_template is not None
        if self.tocs is None:
            return squeeze(self.toc_template.render(context))
        # The shell's own TOC stands for everything but the entries the partial reads.
        key = (page.url, shell.toc, _toc_key(toc))
        html = self._reuse.get(key)
        if html is None:
            html = squeeze(self.toc_template.render(context))
        self.tocs[key] = html
        return html

    def _build(self, context: dict[str, Any], page: Page, has_title: bool) -> Shell | None:
        """Render the shell for pages like ``page``; None when placeholders do not fit."""
        if self.toc_template is None:
            return None
        proxy = copy.copy(page)
        proxy.meta = dict(page.meta, title=TITLE)
        if page.meta.get("revision_date"):
            proxy.meta["revision_date"] = DATE
        marker = ("<h1>" if has_title else "") + CONTENT
        proxy.content = marker
        proxy.toc = get_toc([{"level": 2, "id": TOC_ID, "name": TOC_NAME, "children": []}])
        proxy.edit_url = EDIT if page.edit_url else None
        proxy.canonical_url = CANONICAL if page.canonical_url else None
        shell_context = dict(context, page=proxy)
        html = str(self.template.render(shell_context))
        toc = str(self.toc_template.render(shell_context))
        expected = {
            marker: 1,
            toc: 1,
            # The edit link appears once, or not at all when the theme shows no edit button.
            EDIT: min(html.count(EDIT), 1) if page.edit_url else 0,
            DATE: html.count(DATE) if page.meta.get("revision_date") else 0,
        }
        if any(html.count(text) != count for text, count in expected.items()):
            return None
        leftover = html.replace(toc, "").replace(marker, "")
        for placeholder in (TITLE, CANONICAL, EDIT, DATE, f"#{TOC_ID}"):
            leftover = leftover.replace(placeholder, "")
        if MARK in leftover:  # a placeholder went through a filter that changed it
            return None
        if "<pre" in leftover or "<textarea" in leftover:  # whitespace would matter
            return Shell(html, toc, marker)
        return Shell(squeeze(html), squeeze(toc), marker)


TocKey = tuple[str, str, tuple[object, ...]]


def _toc_key(toc: Iterable[AnchorLink]) -> tuple[object, ...]:
    """Everything a table-of-contents partial can read of the entries, nested."""
    return tuple(
        (
            link.id,
            link.title,
            link.level,
            repr(getattr(link, "typeset", None)),  # set by Material's typeset plugin
            _toc_key(link.children),
        )
        for link in toc
    )


_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def comparable(page: str) -> str:
    """A page as shells and the theme must agree on it: no indentation, the title unescaped.

    The theme unescapes the title through its ``striptags`` filter; the shell
    keeps it escaped (both show the same text).
    """
    title = _TITLE.sub(lambda m: "<title>" + html.unescape(m.group(1)) + "</title>", page)
    return squeeze(title)


def squeeze(html: str) -> str:
    """The theme's markup without indentation or blank lines (about 3 KB a page).

    Only used on chrome without ``<pre>`` or ``<textarea>``, where leading
    blanks carry no meaning; line breaks stay, so inline scripts read the same.
    """
    return _INDENT.sub("\n", html)


def stub_markdown_render(page: Page, anchors: set[str]) -> None:
    """Skip Markdown for a generated page (its body comes from our templates).

    MkDocs builds a Markdown converter with every extension for each page; a
    generated page has no Markdown, so its ``render`` only records the anchors
    it will have (for MkDocs' link checks of hand-written pages).
    """

    def render(config: Any, files: Any) -> None:
        page.content = ""
        page.toc = get_toc([])
        page.present_anchor_ids = set(anchors)

    page.render = render  # type: ignore[method-assign,assignment]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory, checked against their source by Jinja."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from memory (Jinja drops it if the source changed)."""
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Remember ``bucket``'s compiled template."""
        self.code[bucket.key] = bucket.bytecode_to_string()
