"""The one path from a project's files to a validated map, shared by every shell.

Both the ``evmap`` CLI and the MkDocs plugin call :func:`checked_map`. Files are
always read again, but parsing is cached by file content (see
:func:`evmap.load.load_file`), so checking twice or rebuilding under
``mkdocs serve`` re-parses only what changed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from evmap.core import cache
from evmap.core.bibtex import format_references
from evmap.core.config import Settings
from evmap.core.model import EvidenceMap, Reference
from evmap.core.problems import ContentError
from evmap.core.validate import CheckResult, check_project

__all__ = ["check", "checked_map", "collector_paused", "format_map_references"]


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


def check(settings: Settings, persist: bool = True) -> CheckResult:
    """Load and validate the project (see :func:`evmap.validate.check_project`)."""
    with collector_paused():
        return check_project(settings, persist)


def checked_map(settings: Settings, strict: bool = False, persist: bool = True) -> CheckResult:
    """Like :func:`check`, but raise when anything fails the build.

    Raises:
        ContentError: with every problem (errors, and warnings when ``strict``).
    """
    result = check(settings, persist)
    if result.errors(strict):
        raise ContentError(result.problems)
    return result


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
