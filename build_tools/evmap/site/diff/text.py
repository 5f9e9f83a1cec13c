"""A diff as terminal text: one ``path:line:`` line per change, what moves conclusions first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from evmap.analysis.changes import TWO_SIDED, Change, Detail
from evmap.site.diff.listing import group_changes
from evmap.site.diff.words import marked_text, word_diff

if TYPE_CHECKING:
    from evmap.site.diff.report import MapDiff

__all__ = ["describe", "detail_text", "group_line", "plain", "render_text", "values"]


def plain(value: str) -> str:
    """A value in text: ``(none)`` when empty, quoted when it holds a blank."""
    if not value:
        return "(none)"
    return f'"{value}"' if " " in value else value


def values(
    change: Change,
    show: Callable[[str], str],
    arrow: str,
    marked: Callable[[Change], str],
) -> str:
    """``: old -> new`` (or the words marked, for sentences), ``: value``, or ""."""
    if change.marked:
        return f": {marked(change)}"
    if change.kind in TWO_SIDED:
        return f": {show(change.old)} {arrow} {show(change.new)}"
    value = change.new or change.old
    return f": {show(value)}" if value else ""


def _marked(change: Change) -> str:
    return marked_text(word_diff(change.old, change.new))


def describe(change: Change) -> str:
    """One sentence-like line, e.g. ``claim 'x': evidence item 2 (a): stance flipped: a -> b``."""
    parts = [
        f"{change.entity} '{change.id}'",
        *([change.where] if change.where else []),
        change.what,
    ]
    because = f" ({change.reason})" if change.reason else ""
    return ": ".join(parts) + values(change, plain, "->", _marked) + because


def detail_text(detail: Detail) -> str:
    """``evidence item 1 (a): stance: supports; model: mouse`` (and its note in parentheses)."""
    shown = "; ".join(f"{name}: {plain(value)}" if name else value for name, value in detail.parts)
    note = f" ({detail.note})" if detail.note else ""
    return (f"{detail.label}: " if detail.label else "") + shown + note


def group_line(group: tuple[Change, ...], show: Callable[[str], str], arrow: str) -> str:
    """``21 evidence items: species changed: none -> unspecified (claims: a, b, c, ...)``."""
    first = group[0]
    items = "evidence items" if first.where.startswith("evidence item") else f"{first.entity}s"
    ids = list(dict.fromkeys(change.id for change in group))
    named = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    shown = values(first, show, arrow, _marked)
    return f"{len(group)} {items}: {first.what}{shown} ({first.entity}s: {named})"


def _line(change: Change) -> str:
    where = f"{change.path}:{change.line}: " if change.path else "derived: "
    return where + describe(change)


def render_text(diff: MapDiff, base_url: str = "") -> str:
    """Terminal output: what moves conclusions, a line per change (repeats grouped, added and
    removed claims shown whole), their effects, who changed the claims before, pages, summary."""
    warning = [f"evmap diff: warning: {diff.code_warning()}"] if diff.code else []
    if not diff.changes:
        return "\n".join([*warning, "evmap diff: no changes to the evidence map"])
    lines = [*warning]
    headline = diff.headline()
    if headline:
        lines.append("what moves conclusions:")
        lines += [f"  {describe(change)}" for change in headline]
    for listed in group_changes(diff.changes):
        if isinstance(listed, Change):
            lines.append(_line(listed))
            lines += [f"    {detail_text(detail)}" for detail in listed.details]
        else:
            lines.append(group_line(listed, plain, "->"))
    if diff.derived:
        lines.append("what this does to the map:")
        lines += [f"  {_line(change).removeprefix('derived: ')}" for change in diff.derived]
    if diff.history:
        lines.append("before this edit:")
        lines += [f"  claim '{cid}': {said}" for cid, said in diff.history.items()]
    lines.append("pages touched:")
    lines += [f"  {page.href(base_url) if base_url else page.url}" for page in diff.pages()]
    n = len(diff.changes)
    lines.append(f"evmap diff: {n} change{'' if n == 1 else 's'}: {diff.summary()}")
    return "\n".join(lines)
