"""The BibTeX download: the entries the map cites, copied from the library as written."""

from __future__ import annotations

import functools
import re

from evmap.core.licenses import License
from evmap.core.model import (
    EvidenceMap,
)

__all__ = [
    "cited_bibtex",
    "entry_text",
]


_ENTRY_HEAD = re.compile(r"[ \t]*@[ \t]*[A-Za-z]+[ \t]*([{(])")


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> tuple[int, ...]:
    """Offset of the start of every line of ``text`` (computed once per text)."""
    return (0, *(match.end() for match in re.finditer("\n", text)))


def entry_text(bib_text: str, line: int) -> str | None:
    """The text of the BibTeX entry starting on ``line`` (1-based), braces balanced.

    Returns None when no entry starts there or it never closes (the library
    check reports such files before any build).
    """
    starts = _line_starts(bib_text)
    if not 1 <= line <= len(starts):
        return None
    head = _ENTRY_HEAD.match(bib_text, starts[line - 1])
    if head is None:
        return None
    closer = "}" if head.group(1) == "{" else ")"
    depth = 0
    for pos in range(head.end(), len(bib_text)):
        char = bib_text[pos]
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == closer and depth == 0:
            return bib_text[head.start() : pos + 1].strip()
    return None


def cited_bibtex(
    evidence_map: EvidenceMap,
    bib_text: str = "",
    source_name: str = "",
    license: License | None = None,
) -> str:
    """Every reference the site shows, as the library gives it to publish, in key order.

    Each entry holds its published fields only, each as written in its file
    (:mod:`evmap.core.library.publish`: a lab's private fields, abstracts and local
    file paths stay out). The @string macros those fields use come first and the
    crossref/xdata parents last, so the file reads on its own. References made
    without their text (tools, tests) are sliced from ``bib_text`` at their line,
    after all of its @string macros.
    """
    cited = list(evidence_map.references.values())
    header = f"% {len(cited)} references cited by the evidence map"
    header += (f", taken from {source_name}" if source_name else "") + "."
    if license is not None:
        # The selection and its notes are the map's data; the entries' facts are the papers'.
        header += f"\n% The map's data is licensed under {license.name} ({license.url})."
    parts = [header]
    needed: dict[str, None] = {}
    if bib_text and any(not ref.bibtex for ref in cited):
        for match in re.finditer(r"^[ \t]*@[ \t]*string[ \t]*[{(]", bib_text, re.IGNORECASE | re.M):
            macro = entry_text(bib_text, bib_text.count("\n", 0, match.start()) + 1)
            if macro:
                needed.setdefault(macro)
    keys = {ref.bibtex for ref in cited if ref.bibtex}
    for ref in cited:
        for text in ref.requires:
            if text not in keys and text.lstrip()[1:].lstrip().lower().startswith("string"):
                needed.setdefault(text)
    parents: dict[str, None] = {}
    for ref in cited:
        for text in ref.requires:
            if text not in keys and text not in needed:
                parents.setdefault(text)
    parts.extend(needed)
    for ref in cited:
        sliced = ref.bibtex or (entry_text(bib_text, ref.source.line) if bib_text else None)
        if sliced is not None:
            parts.append(sliced)
    parts.extend(parents)
    return "\n\n".join(parts) + "\n"
