"""A diff as GitHub workflow annotations: one notice per change, on its file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evmap.analysis.changes import Change
from evmap.site.diff.text import describe

if TYPE_CHECKING:
    from evmap.site.diff.report import MapDiff

__all__ = ["annotation", "render_github"]


def annotation(change: Change) -> str:
    """The change as a GitHub workflow annotation on its file and line."""
    message = describe(change).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if not change.path:
        return f"::notice::{message}"
    path = change.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    return f"::notice file={path},line={max(change.line, 1)}::{message}"


def render_github(diff: MapDiff) -> str:
    """One notice annotation per change, then per derived change."""
    return "\n".join(annotation(change) for change in (*diff.changes, *diff.derived))
