"""A persistent cache of parsed files and formatted references, outside the project.

Parsing YAML and formatting BibTeX entries are the slow steps of checking and
building a large map; their results depend only on the bytes of each file (or
entry) and on evmap's own code. So they are kept between runs, keyed by both:
a second ``evmap check`` of a 10,000-claim map re-parses only the files that
changed.

The cache lives in the user's cache folder (``$EVMAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/evmap``, else ``~/.cache/evmap``), never in the project: it
holds pickles, which must only ever be read from a place the user alone writes
(a pull request could add any file to a project). ``EVMAP_NO_CACHE=1`` turns it
off; deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from evmap import __version__
from evmap.core.identifiers import registry_version

__all__ = [
    "cache_dir",
    "code_version",
    "entry_ids",
    "read",
    "read_entries",
    "write",
    "write_entries",
]


@cache
def code_version() -> str:
    """A digest of evmap's own code, schemas and styles: any change invalidates the cache.

    Every module counts, those of the subpackages too (the library reader and
    formatter live in ``evmap.core.library``).
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=12)
    # Parsed files keep their identifier verdicts, which follow the registry's patterns.
    digest.update(registry_version().encode())
    root = Path(str(resources.files("evmap")))
    files = [*root.rglob("*.py"), *root.rglob("*.json"), *root.rglob("*.csl")]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """Where caches are kept, or None when caching is off."""
    if os.environ.get("EVMAP_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("EVMAP_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "evmap"


def _path(root: Path, name: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    project = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return folder / project / f"{name}-{code_version()}.pickle"


def read(root: Path, name: str) -> dict[Any, Any]:
    """The cached mapping ``name`` of the project at ``root`` (empty when absent or unreadable)."""
    path = _path(root, name)
    if path is None:
        return {}
    try:
        with path.open("rb") as stream:
            data = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def write(root: Path, name: str, data: dict[Any, Any]) -> None:
    """Store ``data`` as the mapping ``name`` of the project at ``root`` (atomically).

    Failing to write (read-only home, full disk) only costs speed next time.
    """
    path = _path(root, name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{name}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as stream:
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(stream.name, path)
    except OSError:
        return


def _entries(root: Path, name: str) -> Path | None:
    """The folder of the entry-by-entry cache ``name`` (one pickle an entry)."""
    path = _path(root, name)
    return None if path is None else path.with_suffix("")


def entry_ids(root: Path, name: str) -> set[str]:
    """The ids of the entries stored in the entry-by-entry cache ``name``."""
    folder = _entries(root, name)
    if folder is None or not folder.is_dir():
        return set()
    return {p.stem for p in folder.glob("*.pickle")}


def read_entries(root: Path, name: str, ids: Iterable[str]) -> dict[str, Any]:
    """The stored entries of ``name`` among ``ids`` (absent and unreadable ones left out).

    A large project keeps its parsed files this way, one file each, so an edit
    to one content file writes one small file instead of the whole cache.
    """
    folder = _entries(root, name)
    found: dict[str, Any] = {}
    if folder is None or not folder.is_dir():
        return found
    for entry in ids:
        try:
            with (folder / f"{entry}.pickle").open("rb") as stream:
                found[entry] = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            continue
    return found


def write_entries(root: Path, name: str, entries: Mapping[str, Any]) -> None:
    """Make the stored entries of ``name`` exactly ``entries``: write those not stored
    yet (each atomically), remove the others, and the folders of other code versions.

    Failing to write (read-only home, full disk) only costs speed next time.
    """
    folder = _entries(root, name)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.parent.glob(f"{name}-*"):  # other versions, the one-file form
            if stale == folder:
                continue
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
        stored = entry_ids(root, name)
        for entry in stored - entries.keys():
            (folder / f"{entry}.pickle").unlink(missing_ok=True)
        for entry in entries.keys() - stored:
            pending = folder / f"{entry}.{os.getpid()}.tmp"
            with pending.open("wb") as stream:
                pickle.dump(entries[entry], stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(pending, folder / f"{entry}.pickle")
    except OSError:
        return
