"""A change as HTML, for pages that show what changed (a claim's history page)."""

from __future__ import annotations

from markupsafe import Markup, escape

from evmap.analysis.changes import TWO_SIDED, Change
from evmap.site.diff.words import marked_html, word_diff

__all__ = ["change_html"]


def _value(value: str) -> Markup:
    return escape(value) if value else Markup("<i>(none)</i>")


def change_html(change: Change) -> Markup:
    """``evidence item 2 (wei2021): stance flipped: supports → contradicts``: the change's
    part and kind, then its values (changed words marked ``<del>``/``<ins>``); all text
    escaped."""
    head = escape(": ".join([*([change.where] if change.where else []), change.what]))
    if change.marked:
        shown = Markup(": ") + marked_html(word_diff(change.old, change.new))
    elif change.kind in TWO_SIDED:
        shown = Markup(": {} \u2192 {}").format(_value(change.old), _value(change.new))
    elif change.new or change.old:
        shown = Markup(": ") + escape(change.new or change.old)
    else:
        shown = Markup("")
    because = Markup(" ({})").format(change.reason) if change.reason else Markup("")
    return head + shown + because
