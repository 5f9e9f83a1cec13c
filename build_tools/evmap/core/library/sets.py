"""biblatex's ``@set`` entries: several works cited under one key.

``@set{standard, entryset = {glashow,weinberg,salam}}`` is cited as ``standard``;
biblatex prints its members one after the other, labelled by the first. evmap
does the same: a set is a reference whose text is its members' texts in the
order of ``entryset``, whose label is its first member's, and whose download
entry brings its members along. A member missing from the library, or one that
is a set or xdata entry itself, is an error at the ``entryset`` line; the set is
kept with the other members.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from evmap.core.library.formatting import CitationStyle, EntryToFormat, reference_text
from evmap.core.library.reader import RawEntry
from evmap.core.memo import TextStore
from evmap.core.model import ReferenceText
from evmap.core.problems import Check, Problem

__all__ = ["SET_FIELD", "set_members", "set_text"]

SET_FIELD = "entryset"


def set_members(
    entry: RawEntry, entries: Mapping[str, RawEntry]
) -> tuple[list[RawEntry], list[Problem]]:
    """The members named by a set's ``entryset`` (in order, each once), and problems."""
    members: list[RawEntry] = []
    problems: list[Problem] = []
    line = entry.field_lines.get(SET_FIELD, entry.line)
    names = [k.strip() for k in entry.fields.get(SET_FIELD, "").split(",") if k.strip()]
    if not names:
        problems.append(
            Problem(
                entry.path,
                line,
                f"reference '{entry.key}': this @set names no members; list their keys in "
                f"'{SET_FIELD}', separated by commas",
                Check.BIBTEX_FIELD,
            )
        )
    for name in dict.fromkeys(names):
        member = entries.get(name.lower())
        if member is None or member.type in ("set", "xdata"):
            what = "is not in the BibTeX library" if member is None else f"is an @{member.type}"
            problems.append(
                Problem(
                    entry.path,
                    line,
                    f"reference '{entry.key}': set member '{name}' {what}; list the keys of "
                    f"entries in '{SET_FIELD}'",
                    Check.BIBTEX_FIELD,
                )
            )
            continue
        members.append(member)
    return members, problems


def set_text(
    key: str, members: tuple[EntryToFormat, ...], style: CitationStyle, store: TextStore
) -> ReferenceText:
    """A set's text: its members' texts one after the other, labelled by the first."""
    texts = [reference_text(member, style, store) for member in members]
    if not texts:
        return ReferenceText(key, html.escape(key), key)
    return ReferenceText(
        texts[0].label, " ".join(t.html for t in texts), " ".join(t.text for t in texts)
    )
