"""The one path from a project's files to a validated map, shared by every shell.

Both the ``evmap`` CLI and the MkDocs plugin call :func:`checked_map`; a result
is reused while no input file changed, so ``evmap build`` (which checks, then
runs MkDocs, whose plugin checks again) and ``mkdocs serve`` reloads of an
unchanged project do the work once.
"""

from __future__ import annotations

from pathlib import Path

from .config import Settings
from .load import content_files
from .problems import EvmapError
from .validate import CheckResult, check_project

_Fingerprint = tuple[object, ...]
_cache: dict[tuple[object, ...], tuple[_Fingerprint, CheckResult]] = {}


def _key(settings: Settings) -> tuple[object, ...]:
    return (
        settings.root,
        settings.content_dir,
        settings.bibtex_file,
        tuple(sorted(settings.severities.items())),
    )


def fingerprint(settings: Settings) -> _Fingerprint:
    """Names, sizes and modification times of every input file."""
    files: list[Path] = [settings.bibtex_file]
    for kind in ("compound", "pathway", "claim"):
        files.extend(content_files(settings, kind))
    stamp: list[object] = []
    for path in files:
        try:
            st = path.stat()
            stamp.append((str(path), st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            stamp.append((str(path), None))
    return tuple(stamp)


def check(settings: Settings) -> CheckResult:
    """Load and validate the project, reusing the last result if nothing changed."""
    stamp = fingerprint(settings)
    cached = _cache.get(_key(settings))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    result = check_project(settings)
    _cache[_key(settings)] = (stamp, result)
    return result


def checked_map(settings: Settings, strict: bool = False) -> CheckResult:
    """Like :func:`check`, but raise when anything fails the build.

    Raises:
        EvmapError: with every problem (errors, and warnings when ``strict``).
    """
    result = check(settings)
    if result.errors(strict):
        raise EvmapError(result.problems)
    return result
