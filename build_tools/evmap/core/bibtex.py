"""The BibTeX library: parsed with pybtex, located by line, formatted once.

pybtex is the parser mkdocs-bibtex uses, so hand-written Markdown pages (cited
through mkdocs-bibtex) and generated pages read the same library the same way.
Each entry is formatted exactly once per process and cached by its content, so
a reference cited on a thousand pages costs one formatting.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import multiprocessing as mp
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pybtex.errors
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting.plain import Style

from evmap.core.model import LINK_FIELDS, Reference, ReferenceText, Source
from evmap.core.problems import Check, Problem, did_you_mean

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


class _SafeHtmlBackend(HtmlBackend):
    """pybtex's HTML backend, but link targets are escaped and only http(s) links are made.

    pybtex writes ``href`` values as they are in the field (``eprint``, ``pubmed``,
    ``url``...), so a quote in a field would end the attribute and start markup.
    """

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        if not text:
            return ""
        if not URL_PATTERN.match(url):
            return text
        target = ' target="_blank"' if external else ""
        return f'<a href="{escape(url, quote=True)}"{target}>{text}</a>'


_HTML = _SafeHtmlBackend()
_TEXT = TextBackend()
_STYLE = Style()


@dataclass
class Library:
    """What the library file yields: formatted references and problems."""

    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _entry_lines(text: str, line_of: _Lines) -> dict[str, list[int]]:
    """Map each key (lower-cased) to the lines where an entry with it starts."""
    lines: dict[str, list[int]] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in _NON_ENTRIES:
            continue
        lines.setdefault(match.group(2).lower(), []).append(line_of(match.start()))
    return lines


def _field_line(text: str, entry_line: int, name: str) -> int:
    """The line of field ``name`` in the entry starting at ``entry_line`` (else that line)."""
    if entry_line <= 0:
        return entry_line
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: entry_line - 1])
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
        return str(Text.from_latex(latex).render(_TEXT)).strip()
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


# Formatted references by entry digest; lives as long as the process, so
# `mkdocs serve` reformats only entries whose content changed.
_FORMAT_CACHE: dict[str, ReferenceText] = {}
# Below this many entries to format, a process pool costs more than it saves.
PARALLEL_MIN = 200


def with_persons(entry: Entry) -> Entry:
    """``entry`` with its author and editor fields read as names, as pybtex styles need.

    The library is read with names left as text (see :class:`_CollectingParser`):
    parsing every name of a large library costs a third of reading it, and only
    formatting, which happens once per entry and content, needs them.
    """
    roles = [role for role in Person.valid_roles if role in entry.fields]
    if not roles:
        return entry
    persons: dict[str, list[Person]] = {}
    with pybtex.errors.capture():  # a name pybtex cannot read was reported when checking
        for role in roles:
            persons[role] = [Person(name) for name in split_name_list(entry.fields[role])]
    fields = {k: v for k, v in entry.fields.items() if k not in roles}
    return Entry(entry.type, fields=fields, persons=persons)


def _format(entry: Entry) -> ReferenceText:
    """Format one entry: label, pybtex plain style as HTML and text, plain fields.

    Falls back to a minimal "label. title." form when pybtex's style cannot
    format the entry (for example an article with no journal).
    """
    entry = with_persons(entry)
    label = make_label(entry)
    try:
        formatted = _STYLE.format_entry("", entry)
        html, text = formatted.text.render(_HTML), formatted.text.render(_TEXT)
    except Exception:
        text = f"{label}. {_plain(entry.fields.get('title', ''))}".strip()
        html = escape(text)
    fields = {
        name: _plain(entry.fields[name])
        for name in ("title", "year", "journal", "booktitle", "volume", "number", "pages")
        if name in entry.fields
    }
    return ReferenceText(label, html, text, fields)


def reference_text(digest: str, entry: Entry) -> ReferenceText:
    """The formatted text of ``entry``, computed once per content digest."""
    cached = _FORMAT_CACHE.get(digest)
    if cached is None:
        cached = _FORMAT_CACHE[digest] = _format(entry)
    return cached


def _format_job(job: tuple[str, Entry]) -> tuple[str, ReferenceText]:
    return job[0], _format(job[1])


def format_references(references: Iterable[Reference], workers: int = 2) -> None:
    """Format every reference now, on ``workers`` processes when there are many.

    pybtex formatting is the costliest step of a large build (a few ms an
    entry); results land in the same cache the references read from.
    """
    jobs: dict[str, Entry] = {}
    for ref in references:
        formatter = ref.formatter
        if isinstance(formatter, functools.partial) and formatter.func is reference_text:
            digest, entry = formatter.args
            if digest not in _FORMAT_CACHE:
                jobs[digest] = entry
    _format_all(jobs, workers)


def formatted_texts(references: Iterable[Reference]) -> dict[str, ReferenceText]:
    """The formatted texts already known for ``references``, by entry digest."""
    found = {}
    for ref in references:
        formatter = ref.formatter
        if isinstance(formatter, functools.partial) and formatter.func is reference_text:
            digest = formatter.args[0]
            if digest in _FORMAT_CACHE:
                found[digest] = _FORMAT_CACHE[digest]
    return found


def remember_texts(texts: dict[str, ReferenceText]) -> None:
    """Add formatted texts (from a persistent cache) to this process's cache."""
    _FORMAT_CACHE.update(texts)


def _format_all(jobs: dict[str, Entry], workers: int) -> None:
    if len(jobs) < PARALLEL_MIN or workers < 2 or "fork" not in mp.get_all_start_methods():
        for digest, entry in jobs.items():
            reference_text(digest, entry)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        for digest, done in pool.imap_unordered(_format_job, jobs.items(), chunksize=32):
            _FORMAT_CACHE[digest] = done


def _check_fields(key: str, entry: Entry, where: Source, text: str = "") -> Iterable[Problem]:
    """Problems with fields that reach links: DOI, PMID and URL must be well formed.

    Each is reported at the field's own line when ``text`` (the library) is given.
    """
    fields = entry.fields
    checks = (
        ("doi", DOI_PATTERN, "a DOI such as 10.1038/mp.2015.176, without 'https://doi.org/'"),
        ("pmid", PMID_PATTERN, "a PubMed id made of digits"),
        ("url", URL_PATTERN, "an http:// or https:// address"),
    )
    for name, pattern, expected in checks:
        value = fields.get(name)
        if value is not None and not pattern.match(value.strip()):
            shown = value.strip() if len(value.strip()) <= 100 else value.strip()[:97] + "..."
            yield Problem(
                where.path,
                _field_line(text, where.line, name) if text else where.line,
                f"reference '{key}': field '{name}' is {shown!r}; expected {expected}",
                Check.BIBTEX_FIELD,
            )


# "@type{" or "@type(": where pybtex starts reading a command (anywhere in the text).
_COMMAND = re.compile(r"@[ \t\n]*([A-Za-z][^\s{}(),=\"#%'@]*)[ \t\n]*([{(])")
# The same at the start of a line: the next entry.
_NEXT_COMMAND = re.compile(r"[ \t]*(@[ \t]*[A-Za-z][^\s{}(),=\"#%'@]*[ \t]*[{(])")
# "name =" at the start of a line: a field.
_FIELD_AT = re.compile(r"[ \t]*([A-Za-z][\w:.+/-]*)[ \t]*=")
_FIELD_BEFORE = re.compile(r"([A-Za-z][\w:.+/-]*)\s*=\s*$")
_SPECIAL = re.compile(r'[{}()"\n]')
_STRAY_AT = (
    "'@' starts an entry and must be followed by a type and '{', as in '@article{key,'; "
    "remove stray '@' signs outside entries"
)
_SYNTAX_HINTS = {
    "'=' expected": "expected '=' after a field name",
    "'}' expected": "expected ',' or '}' after a field value; is a ',' missing at the end of "
    "the line before?",
    "')' expected": "expected ',' or ')' after a field value; is a ',' missing at the end of "
    "the line before?",
    "field value expected": "expected a value after '='",
    "premature end of file": "the file ends inside an entry; a '}' or '\"' is missing",
    "unbalanced braces": "unbalanced braces inside a quoted value",
    "too many nested braces": "braces are nested more than 100 levels deep",
    "entry key expected": "the entry has no key; write one after '{', as in '@article{smith2020,'",
    "'(' or '{' expected": _STRAY_AT,
    "a valid name expected": _STRAY_AT,
}


@dataclass
class _Span:
    """One ``@command{...}`` of the file as a brace scan sees it, and what is wrong with it."""

    start: int
    line: int
    kind: str
    key: str
    problems: list[tuple[int, str]] = field(default_factory=list)
    bad_key: bool = False


class _Lines:
    """Line numbers of text offsets (lines counted by newlines only)."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1


def _scan_structure(text: str, line_of: _Lines) -> list[_Span]:
    """Find entries whose braces, quotes or key BibTeX would misread, without pybtex.

    pybtex recovers from an unclosed entry by swallowing the next one, and from
    an extra ``}`` by silently ignoring the fields after it; both lose data, so
    both are errors here, each reported where the curator has to look.
    """
    spans: list[_Span] = []
    pos = 0
    while (at := text.find("@", pos)) >= 0:
        command = _COMMAND.match(text, at)
        if command is None:
            pos = at + 1
            continue
        kind, opener = command.group(1).lower(), command.group(2)
        span = _Span(at, line_of(at), kind, "")
        spans.append(span)
        body = command.end()
        if kind not in ("comment", "string", "preamble"):
            key_match = re.compile(r"\s*([^\s,{}()=]*)([^,{}()=\n]*)").match(text, body)
            assert key_match is not None  # the pattern matches the empty string
            span.key, rest = key_match.group(1), key_match.group(2).strip()
            after = text[key_match.end() : key_match.end() + 1]
            if not span.key:
                span.bad_key = True
                span.problems.append(
                    (
                        span.line,
                        f"BibTeX: this @{command.group(1)} entry has no key; write one "
                        "after '{', as in '@article{smith2020,'",
                    )
                )
            elif rest and after == ",":
                span.bad_key = True
                span.problems.append(
                    (
                        span.line,
                        f"BibTeX key '{span.key} {rest}' contains a space; use letters, "
                        "digits, '-' and '_' only",
                    )
                )
        if kind == "comment":  # pybtex skips only "@comment{" and reads on from there
            pos = body
            continue
        pos = _scan_body(text, body, opener, span, line_of)
        _check_after(text, pos, span, line_of)
    return spans


def _scan_body(text: str, body: int, opener: str, span: _Span, line_of: _Lines) -> int:
    """Scan one command's body to its closing brace; return the offset after it.

    An entry that reaches the next entry or the end of the file is unclosed;
    see :func:`_unclosed` for how the culprit is located.
    """
    depth = 0  # braces open inside the body
    quote = -1  # offset of the '"' of an open quoted value
    value_open = (0, "")  # (offset, field name) of the last value opened at the top
    swallowed = (0, "")  # the value that was open when a line like "name =" began
    for match in _SPECIAL.finditer(text, body):
        char, i = match.group(), match.start()
        if char == "\n":
            following = _NEXT_COMMAND.match(text, i + 1)
            if following is not None:
                stop = following.start(1)
                return _unclosed(text, span, line_of, depth, quote, value_open, swallowed, stop)
            if depth and not swallowed[1] and _FIELD_AT.match(text, i + 1):
                swallowed = value_open
        elif char == '"' and depth == 0:
            if quote < 0:
                quote, value_open = i, (i, _field_name(text, i))
            else:
                quote = -1
        elif char == "{":
            if depth == 0 and quote < 0:
                value_open = (i, _field_name(text, i))
            depth += 1
        elif char == "}":
            if depth:
                depth -= 1
            elif opener == "{":
                if quote >= 0:  # the entry's last '}' inside a quoted value
                    name = f"entry '{span.key}'" if span.key else f"this @{span.kind}"
                    span.problems.append(
                        (
                            line_of(quote),
                            f"BibTeX: the quoted value of field '{value_open[1] or '?'}' in "
                            f"{name} does not end before the entry's last '}}'; add its closing "
                            "'\"' (and balance its braces)",
                        )
                    )
                return i + 1
        elif char == ")" and opener == "(" and depth == 0 and quote < 0:
            return i + 1
    return _unclosed(text, span, line_of, depth, quote, value_open, swallowed, len(text))


def _field_name(text: str, offset: int) -> str:
    found = _FIELD_BEFORE.search(text, max(0, offset - 200), offset)
    return found.group(1) if found else ""


def _unclosed(
    text: str,
    span: _Span,
    line_of: _Lines,
    depth: int,
    quote: int,
    value_open: tuple[int, str],
    swallowed: tuple[int, str],
    stop: int,
) -> int:
    """Record why the command starting ``span`` never closes; return where to go on."""
    until = "the end of the file" if stop >= len(text) else f"the next entry (line {line_of(stop)})"
    name = f"entry '{span.key}'" if span.key else f"this @{span.kind}"
    if quote >= 0:
        field_name = value_open[1] or "?"
        span.problems.append(
            (
                line_of(quote),
                f"BibTeX: the quoted value of field '{field_name}' in {name} is "
                f"never closed before {until}; add the closing '\"'",
            )
        )
    elif swallowed[1] or depth:
        offset, field_name = swallowed if swallowed[1] else value_open
        span.problems.append(
            (
                line_of(offset),
                f"BibTeX: the '{{' that opens field '{field_name or '?'}' in {name} "
                f"is never closed before {until}; add the missing '}}'",
            )
        )
    else:
        span.problems.append(
            (span.line, f"BibTeX: {name} is not closed before {until}; add the '}}' that ends it")
        )
    return stop


def _check_after(text: str, end: int, span: _Span, line_of: _Lines) -> None:
    """Fields after an entry's closing brace are ignored by BibTeX: an extra '}' closed it."""
    if span.problems:
        return
    stop = text.find("@", end)  # pybtex reads from any '@' on, and reports what it meets
    stop = len(text) if stop < 0 else stop
    offset = end
    for line in text[end:stop].split("\n"):
        if not line.lstrip().startswith("%") and any(c in line for c in "{}="):
            what = f"entry '{span.key}'" if span.key else f"the @{span.kind}"
            span.problems.append(
                (
                    line_of(offset + len(line) - len(line.lstrip())),
                    f"BibTeX: this text is outside any entry, so BibTeX ignores it; {what} "
                    f"was already closed by the '}}' at line {line_of(end - 1)}: remove that extra "
                    "'}'",
                )
            )
            return
        offset += len(line) + 1


def _span_of(error: Exception, spans: list[_Span]) -> _Span | None:
    """The command a pybtex syntax error happened in, if the scan found it."""
    context = getattr(error, "error_context_info", None)
    if context is None:
        return None
    index = bisect.bisect_right([s.start for s in spans], context[0]) - 1
    return spans[index] if index >= 0 and spans[index].start == context[0] else None


def _explain_error(
    error: Exception, text: str, spans: list[_Span], line_of: _Lines
) -> tuple[int, str] | None:
    """(line, message) for one pybtex error, or None when the scan already reported it."""
    message = str(error)
    span = _span_of(error, spans)
    if span is not None and span.problems:
        return None
    context = getattr(error, "error_context_info", None)
    if span is None and context is not None and not _COMMAND.match(text, context[0]):
        return line_of(context[0]), f"BibTeX syntax error: {_STRAY_AT}"  # no "@type{" here
    if isinstance(error, PybtexSyntaxError):
        line = error.lineno or 0
        base = message.split(": ", 1)[-1]
        if error.error_type == "undefined string":
            where = f" in entry '{span.key}'" if span is not None and span.key else ""
            return line, (
                f"BibTeX: undefined @string '{base}'{where}; put the value in braces "
                f"({{{base}}}) or define it with @string"
            )
        hint = _SYNTAX_HINTS.get(base, base)
        where = f" (in entry '{span.key}')" if span is not None and span.key else ""
        return line, f"BibTeX syntax error: {hint}{where}"
    duplicate = re.fullmatch(r"entry with key (.*) has a duplicate (.*) field", message)
    if duplicate:
        key, name = duplicate.groups()
        entry = next((s for s in spans if s.key == key), None)
        line = entry.line if entry is not None else 0
        if entry is not None:
            field_re = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=", re.MULTILINE | re.IGNORECASE)
            end = next((s.start for s in spans if s.start > entry.start), len(text))
            found = list(field_re.finditer(text, entry.start, end))
            if len(found) > 1:
                line = line_of(found[1].start())
        return line, f"reference '{key}': field '{name}' appears twice; keep one"
    commas = re.fullmatch(r"Too many commas in '(.*)'", message, re.DOTALL)
    if commas:
        name = commas.group(1)
        offset = text.find(name)
        return (line_of(offset) if offset >= 0 else 0), (
            f"BibTeX: the name '{name}' has too many commas; write each name as 'Last, First' "
            "and separate names with 'and'"
        )
    return 0, "BibTeX: " + " ".join(message.split())


class _CollectingParser(Parser):
    """pybtex's parser, collecting errors instead of printing or raising.

    Author and editor fields stay text (see :func:`with_persons`); a name that
    pybtex would refuse is still reported, by :meth:`check_names`.
    """

    def __init__(self) -> None:
        super().__init__(person_fields=())
        self.errors: list[Exception] = []

    def check_names(self) -> None:
        """Report names with too many commas, as pybtex does when it reads names.

        pybtex refuses a name of more than three comma-separated parts; a name
        with fewer than three commas cannot be one, so only the others are read.
        """
        for entry in self.data.entries.values():
            for role in Person.valid_roles:
                names = entry.fields.get(role, "")
                if names.count(",") >= 3:
                    for name in split_name_list(names):
                        if name.count(",") >= 3:
                            Person(name)

    def handle_error(self, error: Exception) -> None:
        self.errors.append(error)


def load_library(text: str, path: str) -> Library:
    """Parse BibTeX ``text`` (read from project-relative ``path``) into references.

    Never raises: syntax errors, unbalanced braces, duplicate keys and fields,
    keys unfit for URLs and malformed DOI/PMID/URL fields become problems with
    a line; should evmap itself fail, that is one problem too.
    """
    try:
        return _load_library(text, path)
    except Exception as exc:  # a bug in evmap, not in the file: still no traceback
        what = (str(exc).splitlines() or [""])[0][:200]
        return Library(
            problems=[
                Problem(
                    path,
                    0,
                    f"evmap failed while reading the BibTeX library ({type(exc).__name__}: "
                    f"{what}); this is a bug in evmap, please report it with the file",
                    Check.BIBTEX_SYNTAX,
                )
            ]
        )


def _load_library(text: str, path: str) -> Library:
    library = Library()
    line_of = _Lines(text)
    lines = _entry_lines(text, line_of)
    spans = _scan_structure(text, line_of)
    for span in spans:
        library.problems.extend(
            Problem(path, line, message, Check.BIBTEX_SYNTAX) for line, message in span.problems
        )
    for span in spans:  # keys pybtex cannot see at a line start still get their line
        if span.key and span.key.lower() not in lines and span.kind not in _NON_ENTRIES:
            lines[span.key.lower()] = [span.line]
    bad_keys = {s.key.lower() for s in spans if s.bad_key}
    # Entries read past a syntax error lose fields: their warnings ("no DOI") would mislead.
    broken = {s.key.lower() for s in spans if s.problems}
    parser = _CollectingParser()
    with pybtex.errors.capture() as captured:
        try:
            data: BibliographyData = parser.parse_string(text)
        except PybtexSyntaxError as exc:  # pragma: no cover - the parser reports, not raises
            parser.errors.append(exc)
            data = parser.data
        parser.check_names()
    for error in [*parser.errors, *captured]:
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
            library.problems.append(Problem(path, line, message, Check.BIBTEX_SYNTAX))
            continue
        explained = _explain_error(error, text, spans, line_of)
        if explained is not None:
            library.problems.append(Problem(path, *explained, Check.BIBTEX_SYNTAX))
        failed_in = _span_of(error, spans)
        if failed_in is not None:
            broken.add(failed_in.key.lower())

    for key, entry in data.entries.items():
        if key.lower() in bad_keys or (
            key.lower() not in lines and re.fullmatch(r"unnamed-\d+", key)
        ):
            continue  # a key cut short at a space, or made up by pybtex: reported above
        starts = lines.get(key.lower())
        where = Source(path, starts[0] if starts else line_of(max(text.find(key), 0)))
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
        field_problems = list(_check_fields(key, entry, where, text))
        library.problems.extend(field_problems)
        if field_problems:
            continue
        ignored, ignore_problems = _ignored_checks(key, entry, text, where)
        library.problems.extend(ignore_problems)
        if key.lower() in broken:
            ignored = sorted(c.value for c in ENTRY_CHECKS)
        links = {name: entry.fields[name].strip() for name in LINK_FIELDS if name in entry.fields}
        if ignored:
            links[IGNORE_FIELD] = ",".join(ignored)
        library.references.append(
            Reference(
                key=key,
                entry_type=entry.type,
                source=where,
                links=links,
                formatter=functools.partial(reference_text, _entry_digest(entry), entry),
            )
        )
    return library
