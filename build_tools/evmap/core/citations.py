"""Citations in hand-written Markdown pages: ``[@key]``, ``[@a; @b]``, ``[@key, p. 12]``.

Pandoc's bracketed citation syntax, read by evmap itself so that hand-written
pages cite the same library, with the same formatted text and previews, as the
generated pages: :func:`find_citations` lists them (the check reports unknown
keys at their line), :func:`cite_markdown` turns each into links to the
reference pages and adds the page's list of references at its end. Keys with
any character BibTeX allows may be written ``@{knuth:1984}``; ``@knuth:1984``
works too when the key does not end in punctuation. Code spans and fenced code
blocks are left alone. No builder is imported here: the MkDocs plugin and any
other front end call it.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evmap.core.inputs import scan_folder
from evmap.core.problems import Check, Problem

__all__ = [
    "MAX_GROUP_CHARS",
    "Citation",
    "CitationItem",
    "CitedReference",
    "DocCitation",
    "cite_markdown",
    "find_citations",
    "scan_docs",
]

# One bracketed group: "[" items "]" not followed by "(" or "[" (that is a link). No
# bracket inside, so each character is read at most twice: linear on any line.
_GROUP = re.compile(r"(?<![\\!\]])\[([^\[\]\n]*)\](?![(\[])")
MAX_GROUP_CHARS = 1000
"""A bracketed group longer than this is not read as a citation (pandoc's are a few keys
with short locators); it bounds the work of parsing its items on any page."""
_ITEM = re.compile(
    r"^\s*(?:(?P<prefix>[^@;]*?)\s+)?-?@(?:\{(?P<braced>[^{}]+)\}|(?P<key>[^\s,;{}()\[\]]+?))"
    r"(?P<suffix>(?:\s*,\s*[^;]*)?)\s*$"
)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class CitationItem:
    """One cited key with what surrounds it: ``see @key, p. 12``."""

    key: str
    prefix: str = ""
    locator: str = ""


@dataclass(frozen=True)
class Citation:
    """One bracketed citation: where it is (offsets, 1-based line) and its items."""

    start: int
    end: int
    line: int
    items: tuple[CitationItem, ...]


@dataclass(frozen=True)
class CitedReference:
    """What a citation shows of a reference: its label, page link and formatted HTML."""

    key: str
    label: str
    href: str
    html: str


def _parse_group(body: str) -> tuple[CitationItem, ...] | None:
    items = []
    for part in body.split(";"):
        match = _ITEM.match(part)
        if match is None:
            return None
        key = match.group("braced") or match.group("key")
        key = key.strip() if match.group("braced") else key.rstrip(".:")
        suffix = match.group("suffix").strip().removeprefix(",").strip()
        items.append(CitationItem(key, (match.group("prefix") or "").strip(), suffix))
    return tuple(items)


def _code_spans(markdown: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Offsets of the code spans outside ``blocks`` (sorted offsets of fenced blocks).

    As CommonMark reads them: a run of backticks opens a span that the next run of
    exactly as many backticks closes; a run with no such partner is plain text. In
    one pass over the runs, with the runs of each length in order, so that a line of
    thousands of backticks costs no more than its length.
    """
    runs = [
        (m.start(), m.end())
        for m in _BACKTICKS.finditer(markdown)
        if not _inside_ranges(blocks, m.start())
    ]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    seen = dict.fromkeys(by_length, 0)  # how far each length's list has been passed
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        at = seen[end - start]
        while at < len(same) and same[at] <= index:
            at += 1
        seen[end - start] = at
        if at == len(same):
            index += 1  # no closing run of this length: plain backticks
            continue
        closing = same[at]
        spans.append((start, runs[closing][1]))
        index = closing + 1
    return spans


def _inside_ranges(ranges: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` lies in one of ``ranges`` (sorted, not overlapping)."""
    at = bisect.bisect_right(ranges, offset, key=lambda r: r[0]) - 1
    return at >= 0 and offset < ranges[at][1]


def _code_ranges(markdown: str) -> list[tuple[int, int]]:
    """Sorted offsets of fenced code blocks and code spans, where nothing is a citation."""
    blocks = []
    fence: str | None = None
    start = offset = 0
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, start = match.group(1), offset
        elif (
            fence is not None
            and match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
        ):
            blocks.append((start, offset + len(line)))
            fence = None
        offset += len(line)
    if fence is not None:
        blocks.append((start, len(markdown)))
    return sorted(blocks + _code_spans(markdown, blocks))


def find_citations(markdown: str) -> list[Citation]:
    """Every bracketed citation of a Markdown text, in order."""
    code = _code_ranges(markdown)
    found = []
    for match in _GROUP.finditer(markdown):
        body = match.group(1)
        if "@" not in body or len(body) > MAX_GROUP_CHARS or _inside_ranges(code, match.start()):
            continue
        items = _parse_group(body)
        if items is not None:
            line = markdown.count("\n", 0, match.start()) + 1
            found.append(Citation(match.start(), match.end(), line, items))
    return found


@dataclass(frozen=True)
class DocCitation:
    """A key cited on a hand-written page, and where (project-relative path, line)."""

    key: str
    path: str
    line: int


def scan_docs(
    docs_dir: Path | None, root: Path, relative: Callable[[Path], str]
) -> tuple[list[DocCitation], list[Problem]]:
    """Every citation of the Markdown pages under ``docs_dir``, page by page in name
    order, and the files of ``docs_dir`` that may not be read (a link leading out of
    the project ``root``, a special file: :mod:`evmap.core.inputs`), which the builder
    would otherwise publish."""
    if docs_dir is None or not docs_dir.is_dir():
        return [], []
    scan = scan_folder(docs_dir, root, None, relative, Check.FILE_ACCESS)
    found: list[DocCitation] = []
    for page in scan.files:
        if page.suffix != ".md":
            continue
        try:
            text = page.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the builder reports unreadable pages
        if "@" not in text:
            continue
        path = relative(page)
        for citation in find_citations(text.replace("\r\n", "\n")):
            found.extend(DocCitation(item.key, path, citation.line) for item in citation.items)
    return found, scan.problems


def cite_markdown(
    markdown: str, lookup: Callable[[str], CitedReference | None], script: str = ""
) -> str:
    """``markdown`` with its citations as links and its list of references at the end.

    ``lookup`` gives the reference of a key (None: left as written; the check
    reports it). ``script`` is the href of the citation-preview data, loaded
    once on pages that cite.
    """
    citations = find_citations(markdown)
    if not citations:
        return markdown
    parts: list[str] = []
    cited: dict[str, CitedReference] = {}
    done = 0
    for citation in citations:
        refs = [lookup(item.key) for item in citation.items]
        if any(ref is None for ref in refs):
            continue
        shown = []
        for item, ref in zip(citation.items, refs, strict=True):
            assert ref is not None
            cited.setdefault(ref.key, ref)
            link = (
                f'<a class="evmap-cite" href="{html.escape(ref.href)}">{html.escape(ref.label)}</a>'
            )
            prefix = html.escape(item.prefix) + " " if item.prefix else ""
            locator = ", " + html.escape(item.locator) if item.locator else ""
            shown.append(prefix + link + locator)
        parts.append(markdown[done : citation.start])
        parts.append('<span class="evmap-citation">(' + "; ".join(shown) + ")</span>")
        done = citation.end
    parts.append(markdown[done:])
    if not cited:
        return markdown
    ordered = sorted(cited.values(), key=lambda r: (r.label.lower(), r.key.lower()))
    items = "\n".join(
        f'<li><a class="evmap-cite" href="{html.escape(r.href)}">{html.escape(r.label)}</a>: '
        f"{r.html}</li>"
        for r in ordered
    )
    tail = f'\n\n## References {{#references}}\n\n<ul class="evmap-bibliography">\n{items}\n</ul>\n'
    if script:
        tail += f'\n<script src="{html.escape(script)}" defer></script>\n'
    return "".join(parts).rstrip("\n") + tail
