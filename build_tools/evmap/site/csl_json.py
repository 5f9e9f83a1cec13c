"""The cited references as CSL-JSON: what Zotero, Mendeley, citeproc-js and pandoc read.

Made by pandoc from the very entries the site formats (:mod:`evmap.core.library.formatting`):
@string macros expanded, crossref and xdata parents merged in, pandoc's own reading of
the biblatex data model (names, dates, LaTeX markup). Read back by pandoc's citeproc
in the same style, an item gives the text the site shows (``tests/test_exports.py``).

pandoc runs as the formatter runs it: a few hundred entries a run, two runs at a time,
each stopped past the same time and heap limits. An entry's item is kept by its
flattened text and the pandoc version, in memory and in the persistent cache (a build
after an edit converts only the entries that changed).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evmap.core import cache
from evmap.core.bibtex import load_style
from evmap.core.library.formatting import (
    CHUNK,
    HEAP,
    TIMEOUT_S,
    WORKERS,
    EntryToFormat,
    FormatError,
    FormatJob,
    pandoc_path,
    pandoc_version,
    reference_text,
)
from evmap.core.model import EvidenceMap, Reference

__all__ = ["CONVERT_CHUNK", "CslStore", "map_to_csl_json", "project_store", "reference_job"]

CONVERT_CHUNK = 5000
"""Entries per pandoc run at most (its heap limit holds a few thousand entries well)."""


class CslStore:
    """CSL-JSON items by entry, in memory and (through ``read``/``write``) on disk.

    Args:
        read: Gives the stored items (called once, when one is missing from memory).
        write: Receives every item of the last export after new ones were made.
    """

    def __init__(
        self,
        read: Callable[[], Mapping[str, dict[str, Any]]] = dict,
        write: Callable[[dict[str, dict[str, Any]]], None] | None = None,
    ) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self._read = read
        self._write = write
        self._loaded = False

    def missing(self, keys: list[str]) -> list[str]:
        """The keys among ``keys`` neither in memory nor stored."""
        if not self._loaded and any(k not in self.items for k in keys):
            self.items.update(self._read())
            self._loaded = True
        return [k for k in keys if k not in self.items]

    def save(self, keys: list[str]) -> None:
        """Store the items of ``keys`` (the last export's)."""
        if self._write is not None:
            self._write({k: self.items[k] for k in keys})


def project_store(root: Path) -> CslStore:
    """A store kept in the persistent cache of the project at ``root``."""
    return CslStore(
        read=lambda: cache.read(root, "csljson"),
        write=lambda items: cache.write(root, "csljson", items),
    )


def reference_job(reference: Reference) -> FormatJob:
    """The entry of ``reference`` flattened for pandoc, exactly as it is formatted."""
    formatter = reference.formatter
    if isinstance(formatter, functools.partial) and formatter.func is reference_text:
        entry, style = formatter.args[:2]
        job: FormatJob = entry.job(style)
        return job
    # A reference made with its text already known (tools, tests): its own fields.
    entry = EntryToFormat(reference.key, reference.entry_type, reference.fields)
    return entry.job(load_style(None))


def _store_key(job: FormatJob) -> str:
    return hashlib.blake2b(
        f"{pandoc_version()}\x1f{job.digest}".encode(), digest_size=16
    ).hexdigest()


def _convert(jobs: list[FormatJob]) -> dict[str, dict[str, Any]]:
    """One pandoc run: the CSL-JSON item of each job, by the job's digest."""
    fd, bib = tempfile.mkstemp(suffix=".bib", prefix="evmap-csl-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write("\n".join(job.bib for job in jobs))
        command = [pandoc_path(), "-f", "biblatex", "-t", "csljson", bib]
        command += ["+RTS", f"-M{HEAP}", "-RTS"]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise FormatError(f"pandoc took over {TIMEOUT_S} s to write CSL-JSON") from None
        except OSError as exc:
            raise FormatError(f"cannot run pandoc ({exc})") from None
    finally:
        os.unlink(bib)
    if done.returncode:
        error = " ".join(done.stderr.split())[:300]
        raise FormatError(f"pandoc failed to write CSL-JSON ({error})")
    by_alias = {item["id"]: item for item in json.loads(done.stdout or "[]")}
    return {job.digest: by_alias[f"e{job.digest}"] for job in jobs if f"e{job.digest}" in by_alias}


def map_to_csl_json(evidence_map: EvidenceMap, store: CslStore | None = None) -> str:
    """Every reference the site shows as a CSL-JSON array, in key order, ``id`` the key.

    One item per line (a large library's file still reads and diffs well).

    Raises:
        FormatError: when pandoc cannot be run or fails.
    """
    store = store or CslStore()
    jobs = {key: reference_job(ref) for key, ref in evidence_map.references.items()}
    keys = {key: _store_key(job) for key, job in jobs.items()}
    by_store = {keys[key]: job for key, job in jobs.items()}
    todo = {k: by_store[k] for k in store.missing(list(by_store))}
    if todo:
        by_digest = {job.digest: key for key, job in todo.items()}
        pending = list(todo.values())
        # One run per worker (up to CONVERT_CHUNK entries): without citeproc, pandoc's time
        # grows with the entries, and each run costs a start of its runtime.
        size = min(CONVERT_CHUNK, max(CHUNK, -(-len(pending) // WORKERS)))
        chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
        with ThreadPoolExecutor(WORKERS) as pool:
            for items in pool.map(_convert, chunks):
                for digest, item in items.items():
                    store.items[by_digest[digest]] = item
        store.save(list(by_store))
    lines = []
    for key in evidence_map.references:
        item = dict(store.items.get(keys[key], {"type": "document"}))
        item["id"] = key
        lines.append(json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return "[\n" + ",\n".join(lines) + "\n]\n"
