"""How outputs list changes: a repeated change once, with its count; long titles cut."""

from __future__ import annotations

from collections.abc import Sequence

from evmap.analysis.changes import Change

__all__ = ["GROUP_MIN", "TITLE_CHARS", "Listed", "group_changes", "short"]

TITLE_CHARS = 90
"""A claim's statement is cut at this many characters where it names the claim."""
GROUP_MIN = 3
"""A change repeated on at least this many items is listed once, with its count."""


def short(text: str) -> str:
    """``text`` cut at :data:`TITLE_CHARS` characters."""
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "\u2026"


Listed = Change | tuple[Change, ...]
"""A change as outputs list it: alone, or a change repeated on many items (a group)."""


def group_changes(changes: Sequence[Change]) -> list[Listed]:
    """``changes`` in order, those repeated :data:`GROUP_MIN` times or more as one group.

    Repeated means equal in :meth:`Change.group_key` (entity, kind, field, old and
    new value): "species none -> unspecified" on 21 items is one line, not 21.
    """
    keyed: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        if change.field:
            keyed.setdefault(change.group_key(), []).append(change)
    listed: list[Listed] = []
    done: set[tuple[str, ...]] = set()
    for change in changes:
        same = keyed.get(change.group_key(), []) if change.field else []
        if len(same) < GROUP_MIN:
            listed.append(change)
        elif change.group_key() not in done:
            done.add(change.group_key())
            listed.append(tuple(same))
    return listed
