"""A diff as a pull-request comment: what moves conclusions first, then entry by entry.

Text from the content (statements, findings, names, commit authors) is escaped, so it
never becomes markup, and an ``@`` that would mention a GitHub user or team (and notify
them) is broken by a zero-width space.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from evmap.analysis.changes import Change, Detail, Entity
from evmap.site.diff.listing import group_changes, short
from evmap.site.diff.text import group_line, values
from evmap.site.diff.words import marked_markdown, word_diff

if TYPE_CHECKING:
    from evmap.site.diff.report import MapDiff

__all__ = ["MENTION", "change_bullet", "escape_markdown", "heading", "md", "render_markdown"]

MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
"""An ``@`` that GitHub would read as a mention."""


def escape_markdown(text: str) -> str:
    """Text from the content as inert Markdown: markup characters escaped, mentions broken."""
    escaped = "".join("\\" + c if c in "\\`*_[]<>|#~" else c for c in text)
    return MENTION.sub("@&#8203;", escaped)


def md(value: str) -> str:
    """A value in Markdown: escaped (:func:`escape_markdown`), quoted when it holds a blank,
    ``*(none)*`` when empty."""
    if not value:
        return "*(none)*"
    escaped = escape_markdown(value)
    return f'"{escaped}"' if " " in value else escaped


def _marked(change: Change) -> str:
    return marked_markdown(word_diff(change.old, change.new), escape_markdown)


def heading(change: Change, base_url: str = "", history: str = "") -> str:
    """The entry in Markdown: named by its title (a claim's statement) when it has one,
    linked to its page under ``base_url`` when given, with its id and ``history`` (who added
    and changed it)."""
    said = f"; {escape_markdown(history)}" if history else ""
    if change.title:
        name = escape_markdown(short(change.title))
        if base_url and change.page is not None:
            name = f"[{name}]({change.page.href(base_url)})"
        return f"{change.entity} {name} (`{change.id}`{said})"
    name = f"`{change.id}`"
    if base_url and change.page is not None:
        name = f"[{name}]({change.page.href(base_url)})"
    return f"{change.entity} {name}" + (f" ({said[2:]})" if said else "")


def _detail(detail: Detail) -> str:
    shown = "; ".join(
        f"{name}: {md(value)}" if name else escape_markdown(value) for name, value in detail.parts
    )
    note = f" ({escape_markdown(detail.note)})" if detail.note else ""
    return (f"{detail.label}: " if detail.label else "") + shown + note


def change_bullet(
    change: Change, base_url: str = "", nested: bool = False, history: str = ""
) -> list[str]:
    """The change as a Markdown bullet (its details nested under it); ``nested``: under a
    bullet naming the entry."""
    parts = [*([change.where] if change.where else []), change.what]
    text = ": ".join(parts) + values(change, md, "\u2192", _marked)
    if change.reason:
        text += f" ({escape_markdown(change.reason)})"
    indent = "  " if nested else ""
    first = f"  - {text}" if nested else f"- {heading(change, base_url, history)}: {text}"
    return [first, *(f"{indent}  - {_detail(detail)}" for detail in change.details)]


def render_markdown(diff: MapDiff, base_url: str = "", limit: int = 200) -> str:
    """A pull-request comment: summary, what moves conclusions, changes by entity, what they
    do, pages (linked).

    At most ``limit`` changes and pages are listed, so the comment stays under GitHub's
    size limit; the rest are counted.
    """
    warning = (
        ["", f"> [!WARNING]\n> {MENTION.sub('@&#8203;', diff.code_warning())}"] if diff.code else []
    )
    if not diff.changes:
        return "\n".join(
            [
                "### Evidence map",
                *warning,
                "",
                "No changes to claims, compounds, pathways or references.",
            ]
        )
    n = len(diff.changes)
    lines = [
        "### Evidence map",
        *warning,
        "",
        f"{n} change{'' if n == 1 else 's'}: {diff.summary()}.",
    ]
    headline = diff.headline()
    if headline:
        lines += ["", "**What moves conclusions**", ""]
        lines += [change_bullet(change, base_url)[0] for change in headline[:limit]]
        if len(headline) > limit:
            lines.append(f"- \u2026 and {len(headline) - limit} more")
    listed = group_changes(diff.changes)
    shown = listed[:limit]
    for entity in Entity:
        group = [c for c in shown if (c if isinstance(c, Change) else c[0]).entity is entity]
        if group:
            lines += ["", f"**{entity.capitalize()}s**", ""]
        singles = [c for c in group if isinstance(c, Change)]
        for _, same_entry in itertools.groupby(singles, key=lambda c: c.id):
            entry = list(same_entry)
            history = diff.history.get(entry[0].id, "") if entity is Entity.CLAIM else ""
            if len(entry) == 1:
                lines += change_bullet(entry[0], base_url, history=history)
            else:
                lines.append(f"- {heading(entry[0], base_url, history)}")
                for change in entry:
                    lines += change_bullet(change, base_url, nested=True)
        lines += [f"- {group_line(c, md, chr(0x2192))}" for c in group if not isinstance(c, Change)]
    if len(listed) > limit:
        lines += [
            "",
            f"\u2026 and {len(listed) - limit} more changes (run `evmap diff` to see all).",
        ]
    if diff.derived:
        lines += ["", "**What this does to the map**", ""]
        lines += [change_bullet(change, base_url)[0] for change in diff.derived[:limit]]
        if len(diff.derived) > limit:
            lines.append(f"- \u2026 and {len(diff.derived) - limit} more")
    pages = diff.pages()
    if pages:
        lines += ["", f"**Pages touched** ({len(pages)})", ""]
        for page in pages[:limit]:
            title = escape_markdown(page.title)
            lines.append(
                f"- [{title}]({page.href(base_url)})"
                if base_url
                else f"- {title}: `{page.url or './'}`"
            )
        if len(pages) > limit:
            lines.append(f"- \u2026 and {len(pages) - limit} more")
    return "\n".join(lines)
