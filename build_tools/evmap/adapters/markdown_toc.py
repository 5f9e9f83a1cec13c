"""Python-Markdown extension ``evmap.adapters.markdown_toc``: generated pages bring their own TOC.

A page written by ``evmap generate`` is HTML, whose headings Python-Markdown's
``toc`` extension does not see, and its table of contents also lists claims, which
are no headings. So the page carries its entries (:meth:`evmap.site.render.Renderer.toc`)
as JSON in a comment on its first line, ``<!-- evmap-toc [...] -->``; this extension
removes that line and hands the entries over as ``md.toc_tokens``, the list from
which Zensical, MkDocs and ProperDocs all build a page's table of contents. A
builder run without the extension keeps the line as an HTML comment, and the page
shows no table of contents.
"""

from __future__ import annotations

import json
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

__all__ = ["NAME", "TocExtension", "makeExtension", "toc_comment"]

NAME = "evmap.adapters.markdown_toc"
"""The extension's name in ``markdown_extensions``."""
_START, _END = "<!-- evmap-toc ", " -->"


def _token(entry: dict[str, Any]) -> dict[str, Any]:
    """A table-of-contents entry in the shape of Python-Markdown's ``toc_tokens``."""
    return {
        "level": entry["level"],
        "id": entry["id"],
        "name": entry["name"],
        "html": entry["name"],
        "data-toc-label": "",
        "children": [_token(child) for child in entry["children"]],
    }


def toc_comment(entries: list[dict[str, Any]]) -> str:
    """The first line of a generated page that carries ``entries`` ("" when there are none).

    ``<`` and ``>`` are written as JSON escapes, so no entry can end the comment.
    """
    if not entries:
        return ""
    data = json.dumps([_token(e) for e in entries], ensure_ascii=False, separators=(",", ":"))
    return _START + data.replace("<", "\\u003c").replace(">", "\\u003e") + _END + "\n"


class _ReadToc(Preprocessor):
    """Takes the comment line off the page and keeps its entries."""

    def __init__(self, md: Markdown, extension: TocExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            if line.startswith(_START) and line.endswith(_END):
                self.extension.tokens = json.loads(line[len(_START) : -len(_END)])
                return lines[:index] + lines[index + 1 :]
            break
        return lines


class _GiveToc(Postprocessor):
    """Replaces the tokens the ``toc`` extension found (none in HTML) with the page's own."""

    def __init__(self, md: Markdown, extension: TocExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        if self.extension.tokens is not None:
            self.md.toc_tokens = self.extension.tokens  # type: ignore[attr-defined]
        return text


class TocExtension(Extension):
    """Reads a generated page's table of contents from its first line."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tokens: list[dict[str, Any]] | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the two steps; before raw HTML is stashed, after ``toc`` has run."""
        md.registerExtension(self)
        md.preprocessors.register(_ReadToc(md, self), "evmap_toc", 35)
        md.postprocessors.register(_GiveToc(md, self), "evmap_toc", 1)

    def reset(self) -> None:
        """Forget the last page's entries (builders may reuse one Markdown instance)."""
        self.tokens = None


def makeExtension(**kwargs: Any) -> TocExtension:
    """The extension, as Python-Markdown loads it by name."""
    return TocExtension(**kwargs)
