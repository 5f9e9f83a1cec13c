"""The Markdown files ``evmap generate`` writes for generated pages, and the sections it
keeps out of the builder's search."""

from __future__ import annotations

import html as html_module
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from markupsafe import escape

from evmap.adapters.markdown_toc import toc_comment
from evmap.site.urls import PageSpec

__all__ = [
    "SEARCH_WORDS",
    "UNSEARCHED",
    "add_meta",
    "default_nav",
    "front_matter",
    "generated_page",
    "search_words",
    "unsearched_sections",
]


UNSEARCHED = frozenset({"matrix", "network", "reference-index"})
"""Pages the builder's search leaves out: one table, drawing or list of the whole map, whose
text grows with it (Zensical refuses a search section of more than 65,536 words, which a
map of 10,000 claims exceeds), and none of it missing elsewhere: every cell and node links
to the pages that search finds, every reference of the list has its own page."""


SEARCH_WORDS = 50_000
"""The most words one section of a generated page may give the builder's search.

Zensical 0.0.73 fails the whole build when one section of a page (the text between two
headings) has more than 65,536 words ("token positions") for its search index; a pathway
with about 380 claims has that many in its Claims section. A longer section is kept out of
search (``data-search-exclude``, which Zensical and Material honour), with a margin for
the difference between this count and Zensical's."""

_TAG = re.compile(r"<[^>]*>")
# Zensical's (and Material's) default search separator: what splits a text into words.
_SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
_SECTION = re.compile(r"<h2(?=[\s>])")


def search_words(html: str) -> int:
    """How many words the search index would take from ``html`` (its text, not its tags)."""
    return sum(1 for word in _SEPARATOR.split(html_module.unescape(_TAG.sub(" ", html))) if word)


def unsearched_sections(body: str, limit: int = SEARCH_WORDS) -> tuple[str, list[str]]:
    """``body`` with each ``<h2>`` section of more than ``limit`` words kept out of search.

    Returns the body and the ids of the sections left out. A section is measured only
    when its HTML is long enough to hold that many words (two characters each at least).
    """
    starts = [m.start() for m in _SECTION.finditer(body)]
    left_out: list[str] = []
    parts: list[str] = []
    done = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        section = body[start:end]
        if len(section) > 2 * limit and search_words(section) > limit:
            match = re.match(r'<h2[^>]*\bid="([^"]*)"', section)
            left_out.append(match.group(1) if match else "")
            parts.append(body[done:start] + "<h2 data-search-exclude" + section[3:])
            done = end
    return "".join(parts) + body[done:], left_out


_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?)^((?:---|\.\.\.)[ \t]*(?:\n|\Z))", re.S | re.M)


def front_matter(meta: Mapping[str, Any]) -> str:
    """A YAML front matter block holding ``meta``."""
    text: str = yaml.safe_dump(dict(meta), sort_keys=False, allow_unicode=True, width=math.inf)
    return f"---\n{text}---\n"


def add_meta(markdown: str, key: str, value: str) -> str:
    """``markdown`` with ``key: value`` in its front matter, unless the page sets ``key``.

    A page without front matter gets one; a page whose front matter is not a
    mapping is left as it is (the builder reports it).
    """
    match = _FRONT_MATTER.match(markdown)
    line: str = yaml.safe_dump({key: value}, allow_unicode=True, width=math.inf)
    if match is None:
        return f"---\n{line}---\n\n{markdown}"
    try:
        data = yaml.safe_load(match.group(2)) if match.group(2).strip() else {}
    except yaml.YAMLError:
        return markdown
    if not isinstance(data, dict) or key in data:
        return markdown
    return match.group(1) + match.group(2) + line + markdown[match.start(3) :]


def generated_page(
    spec: PageSpec, body: str, date: str | None, toc: list[dict[str, Any]] | None = None
) -> str:
    """The Markdown file of a generated page: front matter, its TOC line, then its HTML body.

    The title arrives HTML-escaped: neither Zensical's nor MkDocs' templates
    escape ``page.title`` (a name such as ``<b>`` would otherwise be markup). The
    table of contents is read by :mod:`evmap.adapters.markdown_toc`. Pages of
    :data:`UNSEARCHED` are kept out of the builder's search.
    """
    meta: dict[str, Any] = {"title": str(escape(spec.title))}
    if spec.hide:
        meta["hide"] = list(spec.hide)
    if spec.kind in UNSEARCHED:
        meta["search"] = {"exclude": True}
    if date is not None:
        meta["revision_date"] = date
    return front_matter(meta) + "\n" + toc_comment(toc or []) + body.rstrip("\n") + "\n"


def default_nav(plan: Sequence[PageSpec], docs: Sequence[str]) -> list[Any]:
    """A nav for projects that set none: home, the indexes and views, then hand-written pages.

    Entity pages stay out of it (as with the plugin), so its size does not grow with the map.
    """
    nav: list[Any] = [{str(escape(spec.title)): spec.src} for spec in plan if not spec.subject]
    return nav + sorted(docs)
