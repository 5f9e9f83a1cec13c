"""The BibTeX/biblatex library: read and checked fast, formatted by pandoc once per entry.

This is the face of :mod:`evmap.core.library`:

* :mod:`~evmap.core.library.reader` reads each file in one pass (keys, fields,
  lines, @string macros); a file it finds unusual is read by pybtex instead
  (:mod:`~evmap.core.library.careful`), which explains every syntax problem; both
  expand macros within :mod:`~evmap.core.library.bounds`;
* :mod:`~evmap.core.library.inherit` merges crossref and xdata parents in;
* :mod:`~evmap.core.library.links` checks DOI, PMID, URL and arXiv fields;
* :mod:`~evmap.core.library.publish` keeps the bibliographic fields only (what
  pages, search and the download show); :mod:`~evmap.core.library.sets` makes
  ``@set`` entries citable;
* :mod:`~evmap.core.library.csl` reads and checks the citation style;
* :mod:`~evmap.core.library.formatting` formats entries with pandoc's citeproc
  (run by :mod:`~evmap.core.library.pandoc`, reaching nothing) in the lab's CSL
  style, lazily: checking never formats.

Several files make one library, read in order (macros of a file are known in
the files after it, as BibTeX reads them); a key defined twice, in one file or
across files, is an error naming both places.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evmap.core.library.bounds import MAX_VALUE_CHARS, Expansion, field_too_long
from evmap.core.library.csl import StyleError, read_style
from evmap.core.library.formatting import (
    CitationStyle,
    EntryToFormat,
    FormatError,
    FormatJob,
    format_jobs,
    load_style,
    reference_text,
)
from evmap.core.library.inherit import entry_type, resolve
from evmap.core.library.links import check_links
from evmap.core.library.publish import published_fields, published_text, requirements
from evmap.core.library.reader import RawEntry, StringDef, read_file
from evmap.core.library.sets import SET_FIELD, set_members, set_text
from evmap.core.memo import TextStore
from evmap.core.model import Reference, ReferenceText, Source
from evmap.core.problems import Check, Problem, did_you_mean, shown

__all__ = [
    "ENTRY_CHECKS",
    "IGNORE_FIELD",
    "KEY_PATTERN",
    "CitationStyle",
    "FormatError",
    "Library",
    "StyleError",
    "bind_texts",
    "format_references",
    "load_library",
    "load_library_files",
    "load_style",
    "read_style",
    "slug_collisions",
]

# What a key may hold: anything BibTeX and biber read as one, up to the ','.
KEY_PATTERN = re.compile(r"^[^\s,{}()=]+$")

# ``evmap-ignore = {missing-doi, uncited-reference}`` acknowledges known
# warnings on one entry. Only checks that concern a single entry can be named.
IGNORE_FIELD = "evmap-ignore"
ENTRY_CHECKS = frozenset(
    {
        Check.MISSING_DOI,
        Check.DUPLICATE_DOI,
        Check.UNCITED_REFERENCE,
        Check.INCOMPLETE_REFERENCE,
    }
)
# Entry types that hold data for others and are never cited themselves.
_DATA_ONLY = frozenset({"xdata"})


@dataclass
class Library:
    """What the library files yield: references (formatted on demand) and problems."""

    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _ignored_checks(entry: RawEntry) -> tuple[list[str], list[Problem]]:
    """Check names of the entry's ``evmap-ignore`` field, and problems with them.

    Names are separated by commas and compared without case. A name that is not
    a check, or a check that does not concern one entry, is an error (the name
    is then not applied; the entry itself stays usable).
    """
    value = entry.fields.get(IGNORE_FIELD)
    if value is None:
        return [], []
    allowed = sorted(c.value for c in ENTRY_CHECKS)
    names: list[str] = []
    problems: list[Problem] = []
    for raw in value.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name in allowed:
            if name not in names:
                names.append(name)
            continue
        if name in {c.value for c in Check}:
            what = f"names check '{name}', which cannot be ignored on one entry"
        else:
            what = f"names unknown check '{name}'"
        problems.append(
            Problem(
                entry.path,
                entry.field_lines.get(IGNORE_FIELD, entry.line),
                f"reference '{entry.key}': field '{IGNORE_FIELD}' {what}; expected a "
                f"comma-separated list of: {', '.join(allowed)}" + did_you_mean(name, allowed),
                Check.BIBTEX_FIELD,
            )
        )
    return names, problems


def load_library(
    text: str, path: str, style: CitationStyle | None = None, texts: TextStore | None = None
) -> Library:
    """Read one library file (see :func:`load_library_files`)."""
    return load_library_files([(path, text)], style, texts)


def bind_texts(library: Library, texts: TextStore) -> Library:
    """``library`` with every reference reading its formatted text from ``texts``.

    A library restored from the persistent cache comes with empty stores; a memo
    binds it to its own (:class:`evmap.core.memo.Memo`).
    """
    references = []
    for ref in library.references:
        formatter = ref.formatter
        if isinstance(formatter, functools.partial) and formatter.func in (
            reference_text,
            set_text,
        ):
            *args, _ = formatter.args
            ref = dataclasses.replace(
                ref, formatter=functools.partial(formatter.func, *args, texts)
            )
        references.append(ref)
    return Library(references, list(library.problems))


def load_library_files(
    files: Sequence[tuple[str, str]],
    style: CitationStyle | None = None,
    texts: TextStore | None = None,
    opted_in: Iterable[str] = (),
) -> Library:
    """Read library files (project-relative path, text), in order, into references.

    Never raises: syntax errors, duplicate keys and fields, missing crossref
    parents, cycles and malformed DOI/PMID/URL/arXiv fields become problems with
    a line; should evmap itself fail, that is one problem too. The references read
    their formatted texts from ``texts`` (a memo's; a new store when None), and
    carry the bibliographic fields only, with those ``opted_in`` (the
    ``published_fields`` option; see :mod:`evmap.core.library.publish`).
    """
    try:
        return _load(
            files, style or load_style(None), texts or TextStore(), published_fields(opted_in)
        )
    except Exception as exc:  # a bug in evmap, not in the file: still no traceback
        what = (str(exc).splitlines() or [""])[0][:200]
        return Library(
            problems=[
                Problem(
                    files[0][0] if files else "",
                    0,
                    f"evmap failed while reading the BibTeX library ({type(exc).__name__}: "
                    f"{what}); this is a bug in evmap, please report it with the file",
                    Check.BIBTEX_SYNTAX,
                )
            ]
        )


def _read_all(
    files: Sequence[tuple[str, str]],
) -> tuple[list[RawEntry], dict[str, StringDef], list[Problem]]:
    entries: list[RawEntry] = []
    strings: dict[str, StringDef] = {}
    problems: list[Problem] = []
    expansion = Expansion()  # one bound on macros for the whole library
    for path, text in files:
        parsed = read_file(text, path, strings, expansion)
        if parsed.clean:
            entries.extend(parsed.entries)
            strings.update(parsed.strings)
            continue
        from evmap.core.library.careful import read_carefully  # pybtex: only for unusual files

        careful = read_carefully(text, path, strings, expansion)
        entries.extend(careful.entries)
        strings.update(careful.strings)
        problems.extend(careful.problems)
    problems.extend(expansion.problems)
    for entry in entries:
        for name, value in list(entry.fields.items()):
            if len(value) > MAX_VALUE_CHARS:
                line = entry.field_lines.get(name, entry.line)
                problems.append(field_too_long(entry.key, name, len(value), entry.path, line))
                del entry.fields[name]
                entry.sources.pop(name, None)
    return entries, strings, problems


def _load(
    files: Sequence[tuple[str, str]],
    style: CitationStyle,
    store: TextStore,
    published: frozenset[str],
) -> Library:
    library = Library()
    raw, strings, library.problems = _read_all(files)
    entries: dict[str, RawEntry] = {}
    for entry in raw:
        if not entry.key.isprintable():
            library.problems.append(_invisible_key(entry))
        first = entries.setdefault(entry.key.lower(), entry)
        if first is not entry:
            where = (
                f"line {first.line}" if first.path == entry.path else f"{first.path}:{first.line}"
            )
            library.problems.append(
                Problem(
                    entry.path,
                    entry.line,
                    f"duplicate BibTeX key '{entry.key}' (first defined at {where}); "
                    "keys must be unique, compared without case",
                    Check.BIBTEX_SYNTAX,
                )
            )
    resolved, inherit_problems = resolve(entries)
    parent_texts: dict[str, str] = {}
    library.problems.extend(inherit_problems)
    formats: dict[str, EntryToFormat] = {}
    sets: list[RawEntry] = []
    for lowered, entry in entries.items():
        if entry.type in _DATA_ONLY:
            continue
        if entry.type == "set":
            sets.append(entry)  # once its members are known
            continue
        fields = resolved[lowered]
        links, link_problems = check_links(
            entry.key, entry.fields, entry.field_lines, entry.path, entry.line
        )
        library.problems.extend(link_problems)
        ignored, ignore_problems = _ignored_checks(entry)
        library.problems.extend(ignore_problems)
        if entry.broken:
            ignored = sorted(c.value for c in ENTRY_CHECKS)
        if ignored:
            links[IGNORE_FIELD] = ",".join(ignored)
        kind = entry_type(entry)
        bad = {p.message.split("field '", 1)[1].split("'", 1)[0] for p in link_problems}
        # Only bibliographic fields are shown; a bad link is not shown either.
        shown = {k: v for k, v in fields.items() if k in published and k not in bad}
        if "doi" in links:
            shown["doi"] = links["doi"]
        to_format = EntryToFormat(entry.key, kind, shown, f"{entry.path}:{entry.line}")
        formats[lowered] = to_format
        library.references.append(
            Reference(
                key=entry.key,
                entry_type=kind,
                source=Source(entry.path, entry.line),
                links=links,
                formatter=functools.partial(reference_text, to_format, style, store),
                entry_fields={k: v for k, v in fields.items() if k in published},
                bibtex=published_text(entry, published),
                requires=requirements(entry, entries, strings, published, parent_texts),
            )
        )
    for entry in sets:
        members, set_problems = set_members(entry, entries)
        library.problems.extend(set_problems)
        requires: dict[str, None] = {}
        for member in members:
            requires.update(
                dict.fromkeys(requirements(member, entries, strings, published, parent_texts))
            )
            requires[published_text(member, published)] = None
        library.references.append(
            Reference(
                key=entry.key,
                entry_type="set",
                source=Source(entry.path, entry.line),
                formatter=functools.partial(
                    set_text,
                    entry.key,
                    tuple(formats[m.key.lower()] for m in members),
                    style,
                    store,
                ),
                entry_fields={SET_FIELD: ",".join(m.key for m in members)},
                bibtex=published_text(entry, {*published, SET_FIELD}),
                requires=tuple(requires),
            )
        )
    return library


def _invisible_key(entry: RawEntry) -> Problem:
    """A key holding a character no one sees (a zero-width space pasted from a web page):
    every citation of it would look right and still not match."""
    char = next(c for c in entry.key if not c.isprintable())
    name = unicodedata.name(char, "FORMAT CHARACTER")
    return Problem(
        entry.path,
        entry.line,
        f"BibTeX key {shown(entry.key)} contains the invisible character U+{ord(char):04X} "
        f"({name}), which makes the key read differently than it is stored; remove it",
        Check.BIBTEX_SYNTAX,
    )


def slug_collisions(references: Iterable[Reference]) -> list[Problem]:
    """Two references whose keys give one page URL: an error at each, naming the other."""
    by_slug: dict[str, Reference] = {}
    problems = []
    for ref in sorted(references, key=lambda r: (r.source.path, r.source.line)):
        first = by_slug.setdefault(ref.slug, ref)
        if first is not ref:
            problems.append(
                Problem(
                    ref.source.path,
                    ref.source.line,
                    f"reference '{ref.key}' would have the same page URL (references/{ref.slug}/) "
                    f"as '{first.key}' ({first.source.path}:{first.source.line}); keys are "
                    "compared without case and with ':', '/', '.', '+' and the like read as "
                    "'-': rename one of them",
                    Check.BIBTEX_SYNTAX,
                )
            )
    return problems


def format_references(
    references: Iterable[Reference],
    read_stored: Callable[[], Mapping[str, ReferenceText]] = dict,
    write_stored: Callable[[dict[str, ReferenceText]], None] | None = None,
) -> None:
    """Format ``references`` now, together (see :func:`formatting.format_jobs`).

    Raises:
        FormatError: when pandoc cannot be run or fails.
    """
    jobs: dict[int, tuple[TextStore, list[tuple[FormatJob, CitationStyle]]]] = {}
    for ref in references:
        formatter = ref.formatter
        if not isinstance(formatter, functools.partial):
            continue
        if formatter.func is reference_text:
            entry, style, store = formatter.args
            members: tuple[EntryToFormat, ...] = (entry,)
        elif formatter.func is set_text:
            _, members, style, store = formatter.args
        else:
            continue
        found = jobs.setdefault(id(store), (store, []))[1]
        found.extend((member.job(style), style) for member in members)
    for store, store_jobs in jobs.values():  # one store, unless libraries were mixed
        format_jobs(store_jobs, store, read_stored, write_stored)
