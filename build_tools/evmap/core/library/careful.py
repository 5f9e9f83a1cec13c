"""The careful reader: pybtex reads a library file that the fast reader found unusual.

pybtex recovers from most mistakes, silently: an unclosed entry swallows the next,
an extra ``}`` drops the fields after it. So the file is also scanned for its
structure (braces, quotes, keys), and every problem is reported once, where the
curator has to look. Entries that come out of a damaged file are still returned
(marked ``broken``, so their warnings do not mislead); the file's errors fail
the check anyway.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pybtex.errors
from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Person
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError

from evmap.core.library.bounds import Expansion
from evmap.core.library.reader import MONTH_MACROS, RawEntry, StringDef
from evmap.core.problems import Check, Problem

__all__ = ["CarefulRead", "read_carefully"]

# Where each entry starts: "@type{key," at the start of a line (comments excluded).
_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
_NON_ENTRIES = {"comment", "preamble", "string"}


def _entry_lines(text: str, line_of: _Lines) -> dict[str, list[int]]:
    """Map each key (lower-cased) to the lines where an entry with it starts."""
    lines: dict[str, list[int]] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in _NON_ENTRIES:
            continue
        lines.setdefault(match.group(2).lower(), []).append(line_of(match.start()))
    return lines


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
            if span.key and not rest and after == "=":
                # '@article{author = {...}': what looks like the key is the first field.
                span.key, span.bad_key = "", True
                span.problems.append(
                    (
                        span.line,
                        f"BibTeX: this @{command.group(1)} entry has no key ('"
                        f"{key_match.group(1)} =' is its first field); write a key after "
                        "'{', as in '@article{smith2020,'",
                    )
                )
            elif not span.key:
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
                        f"BibTeX key '{span.key} {rest}' contains a space; a key "
                        "ends at the first space: remove it",
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


class _BoundedMacros(MutableMapping[str, str]):
    """pybtex's table of @string macros, expanding them within the library's bounds.

    pybtex reads a macro as ``macros[name]`` and defines one as ``macros[name] =
    value``. A definition's depth is one more than that of the deepest macro read
    since the last definition, entry or error (the parser calls :meth:`reset` at
    each); a refused macro, or any once the total is reached, reads as empty text.
    """

    def __init__(self, strings: dict[str, StringDef], expansion: Expansion) -> None:
        self.table: dict[str, StringDef] = {}
        for name, value in MONTH_MACROS.items():
            self.table[name] = StringDef(name, value, "", frozenset(), "", 0, depth=-1)
        self.table.update(strings)
        self.expansion = expansion
        self.on_define: Callable[[str], tuple[str, int]] = lambda name: ("", 0)
        self.reset()

    def reset(self) -> None:
        """Forget the macros read so far (a definition, an entry or an error ended)."""
        self.depth = 0
        self.poisoned = False
        self.ran_out = False

    def __getitem__(self, name: str) -> str:
        definition = self.table[name.lower()]
        if definition.depth < 0:  # a month: BibTeX's own
            return definition.value
        self.depth = max(self.depth, definition.depth + 1)
        if definition.refused or self.expansion.exhausted:
            self.poisoned = True
            return ""
        if not self.expansion.spend(len(definition.value)):
            self.poisoned = self.ran_out = True
            return ""
        return definition.value

    def __setitem__(self, name: str, value: str) -> None:
        path, line = self.on_define(name)
        if self.ran_out:
            self.expansion.ran_out(path, line, f"@string '{name.lower()}'")
        depth, poisoned = self.depth, self.poisoned
        self.reset()
        definition = StringDef(name.lower(), "", "", frozenset(), path, line, depth)
        if poisoned or not self.expansion.check_macro(
            definition.name, len(value), depth, path, line
        ):
            definition.refused = True
        else:
            definition.value = value
        self.table[definition.name] = definition

    def __delitem__(self, name: str) -> None:
        del self.table[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


class _CollectingParser(Parser):
    """pybtex's parser, collecting errors instead of printing or raising.

    Author and editor fields stay text (see :func:`with_persons`); a name that
    pybtex would refuse is still reported, by :meth:`check_names`. Macros expand
    within the library's bounds (:class:`_BoundedMacros`).
    """

    def __init__(
        self,
        macros: _BoundedMacros,
        locate_entry: Callable[[str], int],
        path: str,
    ) -> None:
        super().__init__(person_fields=())
        self.macros = macros
        self.locate_entry = locate_entry
        self.path = path
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

    def process_entry(self, entry_type: str, key: str | None, fields: Any) -> None:
        self.said_where(f"entry '{key}'", self.locate_entry(key or ""))
        super().process_entry(entry_type, key, fields)

    def process_preamble(self, value_list: Any) -> None:
        self.said_where("the @preamble", 0)
        super().process_preamble(value_list)

    def handle_error(self, error: Exception) -> None:
        self.said_where("an entry", getattr(error, "lineno", 0) or 0)
        self.errors.append(error)

    def said_where(self, where: str, line: int) -> None:
        """Say where the macros' total was reached, if it was since the last reset; reset."""
        if self.macros.ran_out:
            self.macros.expansion.ran_out(self.path, line, where)
        self.macros.reset()


@dataclass
class CarefulRead:
    """What the careful reader found: entries (damaged ones marked), macros and problems."""

    entries: list[RawEntry] = field(default_factory=list)
    strings: dict[str, StringDef] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_STRING_AT = re.compile(r"@[ \t\n]*string[ \t\n]*[{(][ \t\n]*([A-Za-z_][\w:.+/-]*)", re.IGNORECASE)


def read_carefully(
    text: str, path: str, strings: dict[str, StringDef], expansion: Expansion | None = None
) -> CarefulRead:
    """Read ``text`` with pybtex, explaining every problem at its line.

    ``strings`` are the macros of earlier library files (BibTeX reads the files of
    a bibliography one after the other, so a later file may use them);
    ``expansion`` bounds the macros of the whole library (its problems are added there).
    """
    result = CarefulRead()
    line_of = _Lines(text)
    lines = _entry_lines(text, line_of)
    spans = _scan_structure(text, line_of)
    for span in spans:
        result.problems.extend(
            Problem(path, line, message, Check.BIBTEX_SYNTAX) for line, message in span.problems
        )
    for span in spans:  # keys pybtex cannot see at a line start still get their line
        if span.key and span.key.lower() not in lines and span.kind not in _NON_ENTRIES:
            lines[span.key.lower()] = [span.line]
    bad_keys = {s.key.lower() for s in spans if s.bad_key}
    # Entries read past a syntax error lose fields: their warnings ("no DOI") would mislead.
    broken = {s.key.lower() for s in spans if s.problems}
    macros = _BoundedMacros(strings, expansion if expansion is not None else Expansion())
    string_lines = {m.group(1).lower(): line_of(m.start()) for m in _STRING_AT.finditer(text)}
    macros.on_define = lambda name: (path, string_lines.get(name.lower(), 0))
    parser = _CollectingParser(macros, lambda key: (lines.get(key.lower()) or [0])[0], path)
    with pybtex.errors.capture() as captured:
        try:
            data: BibliographyData = parser.parse_string(text)
        except PybtexSyntaxError as exc:  # pragma: no cover - the parser reports, not raises
            parser.errors.append(exc)
            data = parser.data
        parser.check_names()
        parser.said_where("this file", 0)
    for error in [*parser.errors, *captured]:
        message = str(error)
        if message.startswith("repeated bibliography entry"):
            continue  # duplicate keys are reported for the whole library, across files
        explained = _explain_error(error, text, spans, line_of)
        if explained is not None:
            result.problems.append(Problem(path, *explained, Check.BIBTEX_SYNTAX))
        failed_in = _span_of(error, spans)
        if failed_in is not None:
            broken.add(failed_in.key.lower())
    starts = [s.start for s in spans]
    for name in string_lines:
        definition = macros.table.get(name)
        if definition is not None and definition.path == path:
            result.strings[name] = definition
    for key, entry in data.entries.items():
        if (
            key.lower() in bad_keys
            or (key.lower() not in lines and re.fullmatch(r"unnamed-\d+", key))
            or not re.fullmatch(r"[^\s,{}()=]+", key)
        ):
            continue  # a key cut short at a space, or made up by pybtex: reported above
        found = lines.get(key.lower())
        line = found[0] if found else line_of(max(text.find(key), 0))
        raw = RawEntry(entry.type.lower(), key, path, line, broken=key.lower() in broken)
        raw.fields = {name.lower(): str(value) for name, value in entry.fields.items()}
        index = bisect.bisect_left(starts, _offset(line_of, line))
        begin = spans[index].start if index < len(spans) else 0
        stop = spans[index + 1].start if index + 1 < len(spans) else len(text)
        for field_match in _FIELD_LINE.finditer(text, begin, stop):
            name = field_match.group(1).lower()
            raw.field_lines.setdefault(name, line_of(field_match.start(1)))
        result.entries.append(raw)
    return result


_FIELD_LINE = re.compile(r"^[ \t]*([A-Za-z_][\w:.+/-]*)[ \t]*=", re.M)


def _offset(line_of: _Lines, line: int) -> int:
    """Offset of the start of ``line``."""
    return line_of.newlines[line - 2] + 1 if line >= 2 else 0
