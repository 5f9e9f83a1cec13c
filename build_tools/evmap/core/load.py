"""Load the content folder and the BibTeX library into model objects.

Everything is read and checked before anything is built: each file is parsed
with line numbers, each entry checked against its JSON Schema, and only entries
that pass become model objects. Problems are collected, never raised.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evmap.core import cache
from evmap.core.bibtex import Library, bind_texts, load_library_files, read_style
from evmap.core.config import Settings
from evmap.core.entries import (
    ENTRY_READERS,
    date_as_text,
    entry_id_problems,
    read_claims,
)
from evmap.core.identifiers import (
    load_registry_patterns,
)
from evmap.core.inputs import Scan, check_file, scan_folder
from evmap.core.memo import Memo
from evmap.core.model import (
    Claim,
    Compound,
    Pathway,
    Reference,
    ReferenceInfo,
    Source,
)
from evmap.core.problems import Check, Problem
from evmap.core.schema import PROJECT_SCHEMAS, check_entry, describe_value
from evmap.core.yamlio import (
    MAX_LIBRARY_BYTES,
    LineDict,
    LineList,
    YamlError,
    decode_text,
    load_yaml,
)

__all__ = [
    "FILE_LOST",
    "FOLDERS",
    "LIBRARY_LOST",
    "LOST_ENTRIES",
    "PARALLEL_MIN_BYTES",
    "SUFFIXES",
    "Content",
    "FileKey",
    "Job",
    "batches",
    "input_digest",
    "internal_error",
    "load_content",
    "load_file",
    "read_claims",
    "save_cache",
    "scan_content",
]

# content/<folder>/ holds the entries of each kind.
FOLDERS = {
    "compound": "compounds",
    "pathway": "pathways",
    "claim": "claims",
    "reference": "references",
}
SUFFIXES = (".yml", ".yaml")


@dataclass
class Content:
    """Everything loaded from a project, valid entries only, plus the problems met."""

    compounds: list[Compound] = field(default_factory=list)
    pathways: list[Pathway] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    reference_info: list[ReferenceInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# When files of a kind are lost (unreadable, unparsable), references to their entries
# fail too: those problems follow from the loss and are folded into it.
LOST_ENTRIES = {
    "compound": frozenset({Check.UNKNOWN_COMPOUND}),
    "pathway": frozenset({Check.UNKNOWN_PATHWAY}),
    "claim": frozenset(),
    "reference": frozenset(),
}
# Problems that mean a whole file was not read.
FILE_LOST = frozenset({Check.FILE_ACCESS, Check.FILE_ENCODING, Check.YAML_SYNTAX})
# When the library cannot be read, every citation looks unknown.
LIBRARY_LOST = frozenset({Check.UNKNOWN_REFERENCE})


def scan_content(settings: Settings, kind: str) -> Scan:
    """YAML files of ``kind`` under the content folder, in a stable order, and the
    links, special files and unreadable folders met (see :mod:`evmap.core.inputs`)."""
    return scan_folder(
        settings.content_dir / FOLDERS[kind],
        settings.root,
        SUFFIXES,
        settings.relative,
        Check.FILE_ACCESS,
    )


def input_digest(settings: Settings) -> bytes | None:
    """A digest of everything a check of the project reads, or None when it cannot be had.

    It covers evmap's code, the settings, and the path and bytes of every content
    file, library file, citation style and hand-written page, found the way
    :func:`load_content` and :func:`evmap.core.citations.scan_docs` find them; so an
    edited, added, removed or renamed file changes it. None when some input is
    refused or unreadable (a link leading outside the project, a folder that cannot
    be listed): such a project is always checked again, and nothing outside it is read.
    """
    digest = hashlib.blake2b(cache.code_version().encode(), digest_size=16)
    digest.update(repr(settings).encode())

    def add(path: Path, label: bytes = b"file") -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        digest.update(b"\0%s\0%s\0" % (label, settings.relative(path).encode()))
        digest.update(hashlib.blake2b(data, digest_size=16).digest())
        return True

    for kind in FOLDERS:
        scan = scan_content(settings, kind)
        digest.update(b"\0kind\0" + kind.encode())
        if scan.problems or not all(add(file) for file in scan.files):
            return None
    files, refused = _library_files(settings)
    style = [settings.csl] if settings.csl else []
    if refused or any(
        check_file(path, settings.root, settings.relative, Check.FILE_ACCESS) is not None
        for path in style
    ):
        return None
    if not all(add(file, b"library") for file in [*files, *style]):
        return None
    # A dependent style's parent is read too: its digest is the style pandoc receives.
    digest.update(read_style(settings.csl, settings.root, settings.relative)[0].digest.encode())
    templates = scan_folder(
        settings.templates_dir, settings.root, None, settings.relative, Check.FILE_ACCESS
    )
    if templates.problems:
        return None
    for template in templates.files:  # which files, not their text: a check reads no template
        digest.update(b"\0template\0" + settings.relative(template).encode())
    for kind in FOLDERS:  # copies of the schemas for editors, compared with evmap's
        copy = settings.root / PROJECT_SCHEMAS / f"{kind}.schema.json"
        if copy.is_file() and not add(copy, b"schema"):
            return None
    docs = settings.docs_dir
    if docs is not None and docs.is_dir():
        scan = scan_folder(docs, settings.root, None, settings.relative, Check.FILE_ACCESS)
        if scan.problems:
            return None
        for page in scan.files:
            if page.suffix == ".md" and not add(page, b"page"):
                return None
    return digest.digest()


def _root_cause(problem: Problem, hides: frozenset[Check]) -> Problem:
    return replace(problem, hides=problem.hides | hides) if hides else problem


# Parsed files are kept by (kind, path, content digest) in a Memo: `mkdocs serve`
# and `evmap build` (which checks before the plugin checks again) re-parse only
# files that changed.
FileKey = tuple[str, str, bytes]  # kind, path, content digest


def load_file(
    kind: str, data: bytes, path: str, key: FileKey | None = None, memo: Memo | None = None
) -> tuple[list[Any], list[Problem]]:
    """Parse one YAML file of ``kind``: its valid entries and its problems (kept in
    ``memo`` by content).

    ``key`` is the file's :func:`_file_key` when the caller has it already.
    """
    memo = memo or Memo()
    key = key or _file_key(kind, path, data)
    cached = memo.files.get(key)
    if cached is None:
        try:
            cached = _parse_file(kind, data, path)
        except Exception as exc:  # a bug in evmap, not in the file: still no traceback
            cached = [], [internal_error(path, exc)]
        memo.files[key] = cached
    return list(cached[0]), list(cached[1])


def internal_error(path: str, exc: Exception) -> Problem:
    """The problem reported when evmap itself fails on a file (always a bug to report)."""
    what = (str(exc).splitlines() or [""])[0][:200]
    return Problem(
        path,
        0,
        f"evmap failed while reading this file ({type(exc).__name__}: {what}); "
        "this is a bug in evmap, please report it with the file",
        Check.FILE_SHAPE,
    )


def _first_content_line(data: bytes) -> int:
    """Line of the first line that is not blank, a comment or a directive."""
    for number, line in enumerate(decode_text(data).split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%", "---")):
            return number
    return 1  # pragma: no cover - a document has content somewhere


def _parse_file(kind: str, data: bytes, path: str) -> tuple[list[Any], list[Problem]]:
    try:
        document = load_yaml(data)
    except YamlError as exc:
        check = Check.FILE_ENCODING if "UTF-8" in exc.message else Check.YAML_SYNTAX
        return [], [Problem(path, exc.line, exc.message, check)]
    if document is None:
        return [], [
            Problem(path, 0, f"file is empty; write a {kind} or delete the file", Check.FILE_SHAPE)
        ]
    if isinstance(document, LineDict):
        items: list[tuple[Any, int]] = [(document, document.line)]
    elif isinstance(document, LineList):
        items = list(zip(document, document.item_lines, strict=True))
        if not items:
            return [], [
                Problem(
                    path, document.line, f"file holds an empty list; add a {kind}", Check.FILE_SHAPE
                )
            ]
    else:
        return [], [
            Problem(
                path,
                _first_content_line(data),
                f"expected a {kind} (a mapping of fields) or a list of them, "
                f"got {describe_value(document)}",
                Check.FILE_SHAPE,
            )
        ]
    entries, problems = [], []
    for item, line in items:
        if kind == "claim":
            date_as_text(item)
        found = check_entry(kind, item, path)
        if not isinstance(item, LineDict):  # a list item that is not a mapping: its own line
            found = [replace(problem, line=line) for problem in found]
        problems.extend(found)
        if not found:
            if kind != "reference":
                problems.extend(entry_id_problems(kind, item, path))
            entries.append(ENTRY_READERS[kind](item, Source(path, line)))
    return entries, problems


# Below this many bytes of YAML to parse, a second process costs more than it saves.
PARALLEL_MIN_BYTES = 1_000_000


def _file_key(kind: str, path: str, data: bytes) -> FileKey:
    return (kind, path, hashlib.blake2b(data, digest_size=16).digest())


Job = tuple[FileKey, bytes]  # a file to parse: its key and content


def _parse_batch(batch: list[Job]) -> list[tuple[FileKey, Any]]:
    return [(key, _parse_file(key[0], data, key[1])) for key, data in batch]


def batches(jobs: list[Job], count: int) -> list[list[Job]]:
    """``jobs`` in about ``count`` batches of similar size, largest first.

    Sizes vary a hundredfold (one compound against a hundred claims), so batching
    by number of files would leave one process with all the work.
    """
    target = max(1, sum(len(data) for _, data in jobs) // max(1, count))
    result: list[list[Job]] = []
    current: list[Job] = []
    size = 0
    for job in sorted(jobs, key=lambda job: len(job[1]), reverse=True):
        current.append(job)
        size += len(job[1])
        if size >= target:
            result.append(current)
            current, size = [], 0
    if current:
        result.append(current)
    return result


def _parse_in_parallel(settings: Settings, jobs: list[Job], workers: int, memo: Memo) -> None:
    """Parse files (and the library) on ``workers`` processes, filling ``memo``."""
    if any(key[0] in ("compound", "pathway") and b"identifiers:" in data for key, data in jobs):
        # Read the registry's patterns once, here: forked workers inherit them rather
        # than each importing bioregistry (most of a second apiece).
        load_registry_patterns()
    with mp.get_context("fork").Pool(workers) as pool:
        library = pool.apply_async(_read_library, (settings, Memo()))
        for parsed_batch in pool.imap_unordered(_parse_batch, batches(jobs, workers * 8)):
            for key, parsed in parsed_batch:
                memo.files[key] = parsed
        library_key, parsed_library = library.get()
        if library_key is not None:
            memo.libraries[library_key] = bind_texts(parsed_library, memo.texts)


def load_content(
    settings: Settings, workers: int = 2, persist: bool = True, memo: Memo | None = None
) -> Content:
    """Read every content file and the BibTeX library of a project.

    Large projects are parsed on ``workers`` processes (YAML parsing and BibTeX
    reading are the bulk of a check); results are the same either way. What was
    parsed is kept in ``memo`` (a fresh one when None) and in the persistent cache
    for the next process, at once or, with ``persist=False`` (``mkdocs serve``
    rebuilds), at :func:`save_cache`.

    Returns:
        The valid entries and all problems found; nothing is raised for bad input.
    """
    content = Content()
    targets: dict[str, list[Any]] = {
        "compound": content.compounds,
        "pathway": content.pathways,
        "claim": content.claims,
        "reference": content.reference_info,
    }
    files: list[tuple[str, str, bytes | OSError]] = []
    for kind in targets:
        scan = scan_content(settings, kind)
        content.problems.extend(_root_cause(p, LOST_ENTRIES[kind]) for p in scan.problems)
        for file in scan.files:
            try:
                data: bytes | OSError = file.read_bytes()
            except OSError as exc:
                data = exc
            files.append((kind, settings.relative(file), data))
    memo = memo if memo is not None else Memo()
    keys = {
        path: _file_key(kind, path, data) for kind, path, data in files if isinstance(data, bytes)
    }
    _restore(settings, memo, keys.values())
    libraries_before = set(memo.libraries)  # restored, or parsed by an earlier check
    todo = [
        (keys[path], data)
        for _, path, data in files
        if isinstance(data, bytes) and keys[path] not in memo.files
    ]
    if (
        workers > 1
        and sum(len(data) for _, data in todo) >= PARALLEL_MIN_BYTES
        and "fork" in mp.get_all_start_methods()
    ):
        _parse_in_parallel(settings, todo, workers, memo)
    for kind, path, data in files:
        content.files.append(path)
        if isinstance(data, OSError):
            content.problems.append(
                Problem(
                    path,
                    0,
                    f"cannot read the file: {data.strerror}",
                    Check.FILE_ACCESS,
                    hides=LOST_ENTRIES[kind],
                )
            )
            continue
        entries, problems = load_file(kind, data, path, keys[path], memo)
        targets[kind].extend(entries)
        content.problems.extend(
            _root_cause(p, LOST_ENTRIES[kind]) if p.check in FILE_LOST else p for p in problems
        )
    library_key, library, parsed_now = _load_library(settings, memo)
    content.references.extend(library.references)
    content.problems.extend(
        _root_cause(p, LIBRARY_LOST) if not library.references else p for p in library.problems
    )
    if todo or parsed_now or settings.root in memo.unsaved:
        earlier = memo.unsaved.get(settings.root)
        library_parsed = library_key not in libraries_before or (earlier is not None and earlier[2])
        memo.unsaved[settings.root] = (list(keys.values()), library_key, library_parsed)
        if persist:
            save_cache(settings, memo)
    return content


def save_cache(settings: Settings, memo: Memo) -> None:
    """Write what ``memo`` parsed of the project to the persistent cache, if unsaved."""
    pending = memo.unsaved.pop(settings.root, None)
    if pending is not None:
        _persist(settings, memo, *pending)


def _entry_id(key: FileKey) -> str:
    """The name a parsed file is stored under in the persistent cache."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def _restore(settings: Settings, memo: Memo, keys: Iterable[FileKey]) -> None:
    """Fill ``memo`` from the persistent cache: the files among ``keys`` it lacks, and the
    library once per project."""
    missing = {_entry_id(key): key for key in keys if key not in memo.files}
    for entry, parsed in cache.read_entries(settings.root, "parsed", missing).items():
        memo.files[missing[entry]] = parsed
    if settings.root in memo.restored:
        return
    memo.restored.add(settings.root)
    for key, library in cache.read(settings.root, "library").items():
        memo.libraries[key] = bind_texts(library, memo.texts)


def _persist(
    settings: Settings,
    memo: Memo,
    keys: list[FileKey],
    library_key: tuple[str, bytes] | None,
    library_parsed: bool,
) -> None:
    """Keep this run's parsed files and library for the next run (only what is still used).

    Files are kept one by one, so only those parsed since are written; the library
    is written only when it was parsed again.
    """
    cache.write_entries(
        settings.root,
        "parsed",
        {_entry_id(key): memo.files[key] for key in keys if key in memo.files},
    )
    if library_parsed and library_key in memo.libraries:
        cache.write(settings.root, "library", {library_key: memo.libraries[library_key]})


def _load_library(settings: Settings, memo: Memo) -> tuple[tuple[str, bytes] | None, Library, bool]:
    """The library (a copy), its cache key, and whether it was parsed just now."""
    key, library = _read_library(settings, memo)
    parsed_now = key is not None and key not in memo.libraries
    if key is not None:
        if len(memo.libraries) >= 4 and parsed_now:
            memo.libraries.clear()  # a long `mkdocs serve` keeps only recent versions
        library = memo.libraries.setdefault(key, library)
    return key, Library(list(library.references), list(library.problems)), parsed_now


def _library_files(settings: Settings) -> tuple[list[Path], list[Problem]]:
    """The library's files, in reading order (each configured file, and the ``.bib``
    files of each configured folder, not of its subfolders), and those refused
    (:func:`evmap.core.inputs.check_file`, :func:`evmap.core.inputs.scan_folder`)."""
    files: list[Path] = []
    refused: list[Problem] = []
    for entry in settings.bibtex_paths or (settings.bibtex_file,):
        problem = check_file(entry, settings.root, settings.relative, Check.FILE_ACCESS)
        if problem is not None:
            refused.append(problem)
        elif entry.is_dir():
            scan = scan_folder(
                entry,
                settings.root,
                (".bib",),
                settings.relative,
                Check.FILE_ACCESS,
                recursive=False,
            )
            files.extend(scan.files)
            refused.extend(scan.problems)
        else:
            files.append(entry)
    return files, refused


def _read_library(settings: Settings, memo: Memo) -> tuple[tuple[str, bytes] | None, Library]:
    """The library (every file of it) and its cache key (None when a file could not be read).

    The key covers the files' paths and contents and the citation style, whose
    identity the references' formatters carry.
    """
    configured = settings.bibtex_paths or (settings.bibtex_file,)
    files, refused = _library_files(settings)
    if refused:
        return None, Library(problems=refused)
    if not files:
        folder = settings.relative(configured[0])
        return None, Library(
            problems=[
                Problem(
                    folder,
                    0,
                    "no .bib files in this folder; add the library there or set 'bibtex_file'",
                    Check.BIBTEX_SYNTAX,
                )
            ]
        )
    style, style_problems = read_style(settings.csl, settings.root, settings.relative)
    digest = hashlib.blake2b(style.digest.encode(), digest_size=16)
    digest.update(repr(settings.published_fields).encode())
    texts: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for file in files:
        path = settings.relative(file)
        try:
            raw = file.read_bytes()
        except FileNotFoundError:
            problems.append(
                Problem(
                    path,
                    0,
                    "BibTeX library not found; create it or set 'bibtex_file'",
                    Check.BIBTEX_SYNTAX,
                )
            )
            continue
        except OSError as exc:  # a folder, no permission...
            problems.append(
                Problem(
                    path, 0, f"cannot read the BibTeX library: {exc.strerror}", Check.FILE_ACCESS
                )
            )
            continue
        digest.update(path.encode() + b"\0" + hashlib.blake2b(raw, digest_size=16).digest())
        texts.append((path, raw))
    if problems:
        return None, Library(problems=problems)
    key = ("\n".join(path for path, _ in texts), digest.digest())
    cached = memo.libraries.get(key) if not style_problems else None
    if cached is not None:
        return key, cached
    decoded: list[tuple[str, str]] = []
    for path, raw in texts:
        try:
            decoded.append((path, decode_text(raw, MAX_LIBRARY_BYTES)))
        except YamlError as exc:
            problems.append(Problem(path, exc.line, exc.message, Check.FILE_ENCODING))
    if problems:
        return None, Library(problems=problems)
    library = load_library_files(decoded, style, memo.texts, settings.published_fields)
    if style_problems:  # not kept: the key names evmap's style, which stood in for it
        return None, Library(library.references, [*library.problems, *style_problems])
    return key, library
