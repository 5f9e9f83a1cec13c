"""A diff as a whole: the changes, what they do to the map, and what a reviewer reads first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from evmap.analysis.changes import ADDED, REMOVED, Change, Entity, SitePage
from evmap.core.vocab import ReportFormat
from evmap.site.diff.github import render_github
from evmap.site.diff.markdown import render_markdown
from evmap.site.diff.text import render_text

__all__ = ["DiffFormat", "MapDiff"]


DiffFormat = ReportFormat
"""The outputs of a diff: the formats of every report."""


_ENTITY_ORDER = {entity: i for i, entity in enumerate(Entity)}


@dataclass(frozen=True)
class MapDiff:
    """Every change between two maps, sorted, with summaries in each output format.

    Attributes:
        changes: What the curators changed, entry by entry and field by field.
        derived: What that does to the map: grades, contested claims and pairs,
            claims resting on one source, matrix cells (from the analysis of both sides).
        code: Files changed between two git revisions that run as code when the site
            is built; a reviewer must read them as code.
        history: For claims the diff changes or removes, who added and last changed
            them before this edit (one line each), when the base is a git revision.
        renames: The old id of each renamed claim, by its new id.
    """

    changes: tuple[Change, ...]
    derived: tuple[Change, ...] = ()
    code: tuple[str, ...] = ()
    history: Mapping[str, str] = field(default_factory=dict)
    renames: Mapping[str, str] = field(default_factory=dict)

    def counts(self) -> dict[Entity, dict[str, int]]:
        """Per entity: how many entries were added, removed and changed."""
        result: dict[Entity, dict[str, int]] = {}
        state: dict[tuple[Entity, str], str] = {}
        for change in self.changes:
            verb = "added" if change.kind in ADDED else "removed" if change.kind in REMOVED else ""
            key = (change.entity, change.id)
            if verb or key not in state:
                state[key] = verb or "changed"
        for (entity, _), verb in state.items():
            counts = result.setdefault(entity, {"added": 0, "removed": 0, "changed": 0})
            counts[verb] += 1
        return result

    def summary(self) -> str:
        """E.g. ``2 claims changed, 1 claim added, 1 compound removed``."""
        phrases = []
        for entity, counts in sorted(self.counts().items(), key=lambda kv: _ENTITY_ORDER[kv[0]]):
            for verb in ("added", "removed", "changed"):
                n = counts[verb]
                if n:
                    phrases.append(f"{n} {entity}{'' if n == 1 else 's'} {verb}")
        return ", ".join(phrases)

    def headline(self) -> list[Change]:
        """The changes that move conclusions, for a reviewer to read first: grades moving
        two steps or more, stance flips, contested gained or lost (claims and pairs),
        claims coming to rest on one source, review-status changes."""
        return [c for c in (*self.changes, *self.derived) if c.moves_conclusions()]

    def pages(self) -> list[SitePage]:
        """Every page the changes touch, once each, sorted by URL."""
        seen = {page.url: page for change in self.changes for page in change.pages}
        return [seen[url] for url in sorted(seen)]

    def code_warning(self) -> str:
        """One sentence naming the changed code files, or "" when there are none."""
        if not self.code:
            return ""
        named = ", ".join(self.code[:10]) + (
            f" and {len(self.code) - 10} more" if len(self.code) > 10 else ""
        )
        return (
            f"This change edits files that run as code when the site is built ({named}): "
            "templates, mkdocs.yml, hooks, workflows and build code can run any command on "
            "whoever builds or serves the site; review them as code."
        )

    def text(self, base_url: str = "") -> str:
        """Terminal output (see :func:`evmap.site.diff.text.render_text`)."""
        return render_text(self, base_url)

    def markdown(self, base_url: str = "", limit: int = 200) -> str:
        """A pull-request comment (see :func:`evmap.site.diff.markdown.render_markdown`)."""
        return render_markdown(self, base_url, limit)

    def github(self) -> str:
        """Workflow annotations (see :func:`evmap.site.diff.github.render_github`)."""
        return render_github(self)

    def render(self, fmt: DiffFormat | str, base_url: str = "") -> str:
        """The diff in ``fmt``: ``text``, ``markdown`` or ``github``."""
        fmt = DiffFormat(fmt)
        if fmt is DiffFormat.MARKDOWN:
            return self.markdown(base_url)
        if fmt is DiffFormat.GITHUB:
            return self.github()
        return self.text(base_url)
