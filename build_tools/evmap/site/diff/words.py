"""Word-level marking of changed text: what a reviewer needs to see of a one-word edit.

A finding of 300 characters with one word changed is shown once, its unchanged words
kept around the change and the rest cut (``…``), the removed words marked
``[-old-]`` and the added ones ``{+new+}`` in text (as ``git diff --word-diff``
does), ``~~old~~ **new**`` in Markdown and ``<del>``/``<ins>`` in HTML.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "CONTEXT",
    "Mark",
    "Piece",
    "marked_html",
    "marked_markdown",
    "marked_text",
    "word_diff",
]

CONTEXT = 8
"""Unchanged words kept on each side of a change; longer unchanged runs are cut."""

# Words, runs of blanks and single other characters: "ketamine's" is three tokens, so
# a changed possessive marks the "s" alone, and punctuation never glues to a word.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


class Mark(enum.StrEnum):
    """What a piece of marked text is."""

    SAME = "unchanged"
    CHANGED = "changed"
    CUT = "unchanged words left out"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of marked text: unchanged text, or the words removed and the words added.

    Attributes:
        mark: What the run is.
        old: The text before (unchanged text: the text itself).
        new: The text after ("" for unchanged text and cuts).
    """

    mark: Mark
    old: str
    new: str = ""


def _words(tokens: Sequence[str]) -> int:
    return sum(1 for token in tokens if not token.isspace())


def _keep(text: str, head: int, tail: int) -> list[Piece]:
    """An unchanged run cut to its first ``head`` and last ``tail`` words (-1: all)."""
    tokens = _TOKENS.findall(text)
    words = [i for i, token in enumerate(tokens) if not token.isspace()]
    if head < 0 or len(words) <= head + tail + 1:
        return [Piece(Mark.SAME, text)]
    pieces: list[Piece] = []
    if head:
        pieces.append(Piece(Mark.SAME, "".join(tokens[: words[head - 1] + 1]) + " "))
    pieces.append(Piece(Mark.CUT, "\u2026"))
    if tail:
        pieces.append(Piece(Mark.SAME, " " + "".join(tokens[words[-tail] :])))
    return pieces


def word_diff(old: str, new: str, context: int = CONTEXT) -> tuple[Piece, ...]:
    """The two texts as one: unchanged runs, changed words, and cuts of long unchanged runs.

    Blanks alone between two changes join them into one change, so that a rewritten
    phrase reads as one ``[-the main-]{+one+}``, not word by word.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(Piece(Mark.SAME, "".join(a[i1:i2])))
        else:
            runs.append(Piece(Mark.CHANGED, "".join(a[i1:i2]), "".join(b[j1:j2])))
    joined: list[Piece] = []
    for i, run in enumerate(runs):
        between = (
            run.mark is Mark.SAME
            and run.old.isspace()
            and 0 < i < len(runs) - 1
            and runs[i + 1].mark is Mark.CHANGED
        )
        if run.mark is Mark.CHANGED and joined and joined[-1].mark is Mark.CHANGED:
            last = joined.pop()
            run = Piece(Mark.CHANGED, last.old + run.old, last.new + run.new)
        elif between and joined and joined[-1].mark is Mark.CHANGED:
            last = joined.pop()
            run = Piece(Mark.CHANGED, last.old + run.old, last.new + run.old)
        joined.append(run)
    pieces: list[Piece] = []
    for i, run in enumerate(joined):
        if run.mark is Mark.CHANGED:
            pieces.append(run)
            continue
        at_start, at_end = i == 0, i == len(joined) - 1
        if at_start and at_end:
            pieces.append(run)
        elif at_start:
            pieces += _keep(run.old, 0, context)
        elif at_end:
            pieces += _keep(run.old, context, 0)
        else:
            pieces += _keep(run.old, context, context)
    return tuple(pieces)


def _split(text: str) -> tuple[str, str, str]:
    """``text`` as (leading blanks, the rest stripped, trailing blanks)."""
    stripped = text.strip()
    if not stripped:
        return text, "", ""
    start = text.index(stripped)
    return text[:start], stripped, text[start + len(stripped) :]


def _render(
    pieces: Sequence[Piece],
    same: Callable[[str], str],
    removed: Callable[[str], str],
    added: Callable[[str], str],
    joiner: str,
) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece.mark is Mark.SAME:
            out.append(same(piece.old))
        elif piece.mark is Mark.CUT:
            out.append("\u2026")
        else:
            # Blanks go outside the marks: Markdown's ** and ~~ do not open on a blank.
            lead, old, _ = _split(piece.old)
            lead_new, new, trail = _split(piece.new)
            marks = [removed(old)] if old else []
            marks += [added(new)] if new else []
            out.append(same(lead or lead_new) + joiner.join(marks) + same(trail))
    return "".join(out)


def marked_text(pieces: Sequence[Piece]) -> str:
    """``NMDA receptor block is [-the main-]{+one+} route of …``."""
    return _render(pieces, str, lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}", "")


def marked_markdown(pieces: Sequence[Piece], escape_text: Callable[[str], str]) -> str:
    """``NMDA receptor block is ~~the main~~ **one** route of …``; ``escape_text`` makes
    each run of content text inert Markdown."""
    return _render(
        pieces,
        escape_text,
        lambda t: f"~~{escape_text(t)}~~",
        lambda t: f"**{escape_text(t)}**",
        " ",
    )


def marked_html(pieces: Sequence[Piece]) -> Markup:
    """The marked text as HTML: ``<del>`` and ``<ins>``, every run of text escaped."""
    return Markup(
        _render(
            pieces,
            lambda t: str(escape(t)),
            lambda t: f"<del>{escape(t)}</del>",
            lambda t: f"<ins>{escape(t)}</ins>",
            " ",
        )
    )
