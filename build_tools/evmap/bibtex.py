"""The BibTeX library: parsed with pybtex, located by line, formatted once.

pybtex is the parser mkdocs-bibtex uses, so hand-written Markdown pages (cited
through mkdocs-bibtex) and generated pages read the same library the same way.
Each entry is formatted exactly once per process and cached by its content, so
a reference cited on a thousand pages costs one formatting.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pybtex.errors
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting.plain import Style

from .model import Reference, Source
from .problems import Check, Problem, did_you_mean

# A DOI as registered: "10.<registrant>/<suffix>" with no spaces or markup characters.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[^\s\"<>{}\\]+$")
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,9}$")
URL_PATTERN = re.compile(r"^https?://[^\s\"<>{}\\]+$")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# Where each entry starts: "@type{key," at the start of a line (comments excluded).
_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
_NON_ENTRIES = {"comment", "preamble", "string"}

# ``evmap-ignore = {missing-doi, uncited-reference}`` acknowledges known
# warnings on one entry. Only checks that concern a single entry can be named.
IGNORE_FIELD = "evmap-ignore"
ENTRY_CHECKS = frozenset({Check.MISSING_DOI, Check.DUPLICATE_DOI, Check.UNCITED_REFERENCE})

_HTML = HtmlBackend()
_TEXT = TextBackend()
_STYLE = Style()


@dataclass
class Library:
    """What the library file yields: formatted references and problems."""

    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _entry_lines(text: str) -> dict[str, list[int]]:
    """Map each key (lower-cased) to the lines where an entry with it starts."""
    lines: dict[str, list[int]] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in _NON_ENTRIES:
            continue
        line = text.count("\n", 0, match.start()) + 1
        lines.setdefault(match.group(2).lower(), []).append(line)
    return lines


def _field_line(text: str, entry_line: int, name: str) -> int:
    """The line of field ``name`` in the entry starting at ``entry_line`` (else that line)."""
    if entry_line <= 0:
        return entry_line
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: entry_line - 1])
    following = _ENTRY_START.search(text, start + 1)
    end = following.start() if following else len(text)
    found = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=", re.MULTILINE | re.IGNORECASE).search(
        text, start, end
    )
    return entry_line + text.count("\n", start, found.start()) if found else entry_line


def _ignored_checks(
    key: str, entry: Entry, text: str, where: Source
) -> tuple[list[str], list[Problem]]:
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
                where.path,
                _field_line(text, where.line, IGNORE_FIELD),
                f"reference '{key}': field '{IGNORE_FIELD}' {what}; expected a comma-separated "
                f"list of: {', '.join(allowed)}" + did_you_mean(name, allowed),
                Check.BIBTEX_FIELD,
            )
        )
    return names, problems


def _plain(latex: str) -> str:
    """LaTeX field text to plain Unicode (accents decoded, braces dropped)."""
    try:
        return str(Text.from_latex(latex).render_as("text")).strip()
    except Exception:  # a field pybtex cannot parse stays as written
        return latex.strip()


def _last_name(person: Any) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def make_label(entry: Entry) -> str:
    """Short author-year label: ``Smith, 2020``, ``Smith & Doe, 2020``, ``Smith et al., 2020``."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in persons if str(p) != "others"]
    year = _plain(entry.fields.get("year", "n.d."))
    if not names:
        who = _plain(entry.fields.get("title", "Anonymous")).split(":")[0][:40]
    elif len(names) == 1 and len(persons) == 1:
        who = names[0]
    elif len(names) == 2 and len(persons) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {year}"


def _entry_digest(entry: Entry) -> str:
    """A stable digest of an entry's content, used as the formatting cache key."""
    parts = [entry.type]
    for role, persons in sorted(entry.persons.items()):
        parts.append(role + "=" + " and ".join(str(p) for p in persons))
    parts.extend(f"{k}={v}" for k, v in sorted(entry.fields.items()))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# Formatted (html, text) by entry digest; lives as long as the process, so
# `mkdocs serve` reformats only entries whose content changed.
_FORMAT_CACHE: dict[str, tuple[str, str]] = {}


def format_entry(entry: Entry) -> tuple[str, str]:
    """Format one entry as (html, text) with pybtex's plain style, once per content.

    Falls back to a minimal "label. title." form when pybtex's style cannot
    format the entry (for example an article with no journal).
    """
    digest = _entry_digest(entry)
    cached = _FORMAT_CACHE.get(digest)
    if cached is not None:
        return cached
    try:
        formatted = _STYLE.format_entry("", entry)
        result = formatted.text.render(_HTML), formatted.text.render(_TEXT)
    except Exception:
        title = _plain(entry.fields.get("title", ""))
        text = f"{make_label(entry)}. {title}".strip()
        result = escape(text), text
    _FORMAT_CACHE[digest] = result
    return result


def _check_fields(key: str, entry: Entry, where: Source) -> Iterable[Problem]:
    """Problems with fields that reach links: DOI, PMID and URL must be well formed."""
    fields = entry.fields
    checks = (
        ("doi", DOI_PATTERN, "a DOI such as 10.1038/mp.2015.176, without 'https://doi.org/'"),
        ("pmid", PMID_PATTERN, "a PubMed id made of digits"),
        ("url", URL_PATTERN, "an http:// or https:// address"),
    )
    for name, pattern, expected in checks:
        value = fields.get(name)
        if value is not None and not pattern.match(value.strip()):
            yield Problem(
                where.path,
                where.line,
                f"reference '{key}': field '{name}' is {value.strip()!r}; expected {expected}",
                Check.BIBTEX_FIELD,
            )


class _CollectingParser(Parser):
    """pybtex's parser, collecting errors instead of printing or raising."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[Exception] = []

    def handle_error(self, error: Exception) -> None:
        self.errors.append(error)


def load_library(text: str, path: str) -> Library:
    """Parse BibTeX ``text`` (read from project-relative ``path``) into references.

    Never raises for bad input: syntax errors, duplicate keys, keys unfit for
    URLs and malformed DOI/PMID/URL fields become problems with a line.
    """
    library = Library()
    lines = _entry_lines(text)
    parser = _CollectingParser()
    with pybtex.errors.capture() as captured:
        try:
            data: BibliographyData = parser.parse_string(text)
        except PybtexSyntaxError as exc:  # pragma: no cover - the parser reports, not raises
            parser.errors.append(exc)
            data = parser.data
    for error in [*parser.errors, *captured]:
        line = getattr(error, "lineno", None) or 0
        message = str(error)
        if message.startswith("repeated bibliography entry"):
            dup_key = message.rsplit(":", 1)[-1].strip()
            found = lines.get(dup_key.lower(), [0])
            line = found[1] if len(found) > 1 else found[0]
            first = found[0]
            message = (
                f"duplicate BibTeX key '{dup_key}' (first defined at line {first}); "
                "keys must be unique, compared without case"
            )
        else:
            message = f"BibTeX {message.replace(f' in line {line}', '')}"
        library.problems.append(Problem(path, line, message, Check.BIBTEX_SYNTAX))

    for key, entry in data.entries.items():
        where = Source(path, lines.get(key.lower(), [0])[0])
        if not KEY_PATTERN.match(key):
            library.problems.append(
                Problem(
                    path,
                    where.line,
                    f"BibTeX key '{key}' cannot be used in a URL; use letters, digits, "
                    "'-' and '_' only",
                    Check.BIBTEX_SYNTAX,
                )
            )
            continue
        field_problems = list(_check_fields(key, entry, where))
        library.problems.extend(field_problems)
        if field_problems:
            continue
        ignored, ignore_problems = _ignored_checks(key, entry, text, where)
        library.problems.extend(ignore_problems)
        html, plain = format_entry(entry)
        fields = {
            name: _plain(entry.fields[name])
            for name in ("title", "year", "journal", "booktitle", "volume", "number", "pages")
            if name in entry.fields
        }
        fields.update(
            {
                name: entry.fields[name].strip()
                for name in ("doi", "pmid", "url")
                if name in entry.fields
            }
        )
        if ignored:
            fields[IGNORE_FIELD] = ",".join(ignored)
        library.references.append(
            Reference(
                key=key,
                entry_type=entry.type,
                label=make_label(entry),
                html=html,
                text=plain,
                fields=fields,
                source=where,
            )
        )
    return library
