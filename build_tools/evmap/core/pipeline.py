"""The one path from a project's files to a validated map, shared by every shell.

:func:`check` loads the content, the library and the hand-written pages'
citations, validates them and builds the map; every shell (the ``evmap`` commands,
the builder plugin, ``evmap generate``, ``evmap diff``) calls it, and
:meth:`CheckResult.raise_errors` turns a failing result into an error.
Files are always read again, but parsing is kept by file content in the
:class:`~evmap.core.memo.Memo` passed in (and on disk), so checking twice or
rebuilding under ``mkdocs serve`` re-parses only what changed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass

from evmap.core import cache
from evmap.core.bibtex import format_references
from evmap.core.citations import scan_docs
from evmap.core.config import PACKAGE_TEMPLATES, Settings, placeholder_problems
from evmap.core.inputs import scan_templates
from evmap.core.load import input_digest, load_content
from evmap.core.memo import Memo
from evmap.core.model import EvidenceMap, Reference, build_map
from evmap.core.problems import Problem, failing
from evmap.core.schema import stale_copies
from evmap.core.validate import CheckResult, cited_keys, validate_content

__all__ = [
    "CheckResult",
    "Memo",
    "Verdict",
    "check",
    "check_verdict",
    "collector_paused",
    "format_map_references",
]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a map is read or formatted.

    Reading a large map allocates millions of objects that form no reference
    cycles; the collector would scan them again and again while the heap grows
    (a fifth of a check at 10,000 claims). Reference counting still frees
    everything; the collector resumes afterwards if it was running.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def check(settings: Settings, *, persist: bool = True, memo: Memo | None = None) -> CheckResult:
    """Load and validate a whole project and build its map.

    Args:
        settings: The project.
        persist: Write what was parsed to the persistent cache now; ``False`` leaves
            it to :func:`evmap.core.load.save_cache` (``mkdocs serve`` rebuilds).
        memo: What earlier checks of this owner parsed (a fresh one when None).

    Returns:
        The map of the valid entries (pages only for cited references) and every
        problem, sorted, root causes first; nothing is raised for bad input.
    """
    with collector_paused():
        content = load_content(settings, persist=persist, memo=memo)
        docs, refused = scan_docs(settings.docs_dir, settings.root, settings.relative)
        content.problems.extend(refused)
        content.problems.extend(stale_copies(settings.root, settings.relative))
        content.problems.extend(placeholder_problems(settings))
        if settings.own_templates is not None:
            content.problems.extend(
                scan_templates(
                    settings.own_templates,
                    settings.root,
                    settings.relative,
                    settings.sandboxed,
                    PACKAGE_TEMPLATES,
                )
            )
        problems = validate_content(content, settings, docs)
        cited = cited_keys(content, docs)
        evidence_map = build_map(
            content.compounds,
            content.pathways,
            content.claims,
            [ref for ref in content.references if ref.key in cited],  # pages for these only
            content.reference_info,
        )
    return CheckResult(evidence_map, problems, len(content.files) + 1)


@dataclass(frozen=True)
class Verdict:
    """What a check found, without the map: all ``evmap check`` reports.

    Attributes:
        problems: Every problem, in the order :func:`check` gives them.
        counts: The valid entries: claims, compounds, pathways and references.
        reused: Whether it was the stored verdict of an earlier check of the same inputs.
    """

    problems: tuple[Problem, ...]
    counts: tuple[int, int, int, int]
    reused: bool = False

    def errors(self, strict: bool = False) -> list[Problem]:
        """Problems that fail the check (warnings too when ``strict``)."""
        return failing(self.problems, strict)


def check_verdict(settings: Settings) -> Verdict:
    """What :func:`check` finds, kept in the persistent cache under a digest of every
    input (:func:`evmap.core.load.input_digest`): checking again with nothing changed
    replays the stored verdict instead of reading the map again.

    An input changed while the check ran leaves no verdict stored (the digests
    before and after differ), so a verdict is only ever replayed for the very
    bytes it came from. With the persistent cache off nothing is digested.
    """
    before = input_digest(settings) if cache.cache_dir() is not None else None
    if before is not None:
        stored = cache.read(settings.root, "verdict")
        if stored.get("digest") == before and isinstance(stored.get("verdict"), Verdict):
            verdict: Verdict = stored["verdict"]
            return Verdict(verdict.problems, verdict.counts, reused=True)
    result = check(settings)
    m = result.map
    found = Verdict(
        tuple(result.problems),
        (len(m.claims), len(m.compounds), len(m.pathways), len(m.references)),
    )
    if before is not None and input_digest(settings) == before:
        cache.write(settings.root, "verdict", {"digest": before, "verdict": found})
    return found


def format_map_references(settings: Settings, evidence_map: EvidenceMap) -> None:
    """Format every reference of the map now (both cores), reusing earlier runs' results."""
    with collector_paused():
        _format(settings, list(evidence_map.references.values()))


def _format(settings: Settings, references: list[Reference]) -> None:
    """Format with pandoc what neither this process nor the persistent cache has yet.

    Raises:
        FormatError: when pandoc cannot be run or fails.
    """
    format_references(
        references,
        read_stored=lambda: cache.read(settings.root, "formats"),
        write_stored=lambda texts: cache.write(settings.root, "formats", texts),
    )
