"""A one-pass reader of BibTeX and biblatex files for checking: entries, fields, lines.

Checking a 3,000-entry library must take well under a second, and it needs what
no parser library hands back: the line of every entry and field, the @string
macros each entry uses (so the download can carry them) and the verbatim text
of each entry. This reader does only that, in one regular-expression-driven
pass: values stay LaTeX source (turning them into text is pandoc's job, see
:mod:`evmap.core.library.formatting`).

@string macros are expanded within the bounds of :mod:`evmap.core.library.bounds`.

It is deliberately strict: when anything in a file is unusual (an unbalanced
brace or quote, text after an entry's closing brace, a stray ``@``, a missing
``=`` or ``,``, an undefined macro, a duplicate field, a malformed name list),
it gives up on the file and says so (:attr:`ParsedFile.clean` is false); the
caller then reads that file with pybtex and explains each problem where the
curator has to look (:mod:`evmap.core.library.careful`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from evmap.core.library.bounds import MAX_BRACE_DEPTH, Expansion

__all__ = [
    "MONTHS",
    "MONTH_MACROS",
    "MONTH_NAMES",
    "PERSON_FIELDS",
    "Lines",
    "ParsedFile",
    "RawEntry",
    "StringDef",
    "read_file",
]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# BibTeX's predefined month macros: ``month = may`` reads "May".
MONTH_MACROS = dict(zip(MONTHS, MONTH_NAMES, strict=True))

_COMMAND = re.compile(r"@[ \t\n]*([A-Za-z][\w-]*)[ \t\n]*([{(])")
_KEY = re.compile(r"[ \t\n]*([^\s,{}()=]*)[ \t\n]*")
_NAME = re.compile(r"[ \t\n]*([A-Za-z_][\w:.+/-]*)[ \t\n]*")
_WS = re.compile(r"[ \t\n]*")
_ATOM = re.compile(r"([0-9]+)|([A-Za-z_][\w:.+/-]*)")
_BRACES = re.compile(r"[{}]")
_QUOTED = re.compile(r'[{}"]')
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})
PERSON_FIELDS = ("author", "editor", "translator", "bookauthor")


@dataclass
class RawEntry:
    """One entry as written: type and key, fields as LaTeX source, and where each is.

    Attributes:
        type: Entry type, lower-cased (``article``, ``inproceedings``...).
        key: The key as written.
        path: Project-relative path of the file.
        line: Line of the ``@``.
        fields: Field name (lower-cased) to value, macros expanded, braces of the
            value's outer delimiter removed.
        field_lines: Line of each field's name.
        sources: Each field exactly as written, ``name = value`` (for the BibTeX
            download); absent for entries read by pybtex.
        field_macros: Names of the @string macros each field uses.
        broken: Read past a syntax error (fields may be missing): no warnings on it.
    """

    type: str
    key: str
    path: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    field_macros: dict[str, frozenset[str]] = field(default_factory=dict)
    broken: bool = False

    @property
    def macros(self) -> set[str]:
        """Names of the @string macros the entry uses, in any field."""
        return set().union(*self.field_macros.values())


@dataclass
class StringDef:
    """An ``@string`` macro: its value, its verbatim definition and the macros it uses.

    ``depth`` counts the levels of other macros it is defined through (0: its own
    text only); a ``refused`` macro (too long or too deep, reported once) reads
    as empty text.
    """

    name: str
    value: str
    text: str
    macros: frozenset[str]
    path: str
    line: int
    depth: int = 0
    refused: bool = False


@dataclass
class ParsedFile:
    """What the fast reader made of one file; ``clean`` false means: read it carefully."""

    entries: list[RawEntry] = field(default_factory=list)
    strings: dict[str, StringDef] = field(default_factory=dict)
    clean: bool = True


class _Unclean(Exception):
    """Anything unusual: the caller reads the file with the careful reader instead."""


class Lines:
    """Line numbers of text offsets (lines counted by newlines only)."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1


def read_file(
    text: str,
    path: str,
    strings: dict[str, StringDef] | None = None,
    expansion: Expansion | None = None,
) -> ParsedFile:
    """Read one library file; macros of earlier files are in ``strings`` (not changed).

    ``expansion`` bounds the macros of the whole library (problems are added to
    it); should the file need the careful reader, it is left as it was.

    Returns:
        The entries and macros, or ``clean=False`` (and nothing else) when the
        file needs the careful reader.
    """
    known = dict(strings or {})
    expansion = expansion if expansion is not None else Expansion()
    mark = expansion.mark()
    try:
        return _read(_Reader(text, path, known, expansion))
    except _Unclean:
        expansion.restore(mark)
        return ParsedFile(clean=False)


class _Reader:
    """What reading one file needs at every step: its text, lines, macros and bounds."""

    def __init__(
        self, text: str, path: str, strings: dict[str, StringDef], expansion: Expansion
    ) -> None:
        self.text = text
        self.path = path
        self.strings = strings
        self.expansion = expansion
        self.line_of = Lines(text)


def _read(reader: _Reader) -> ParsedFile:
    """Every entry and macro of the file (raises _Unclean on anything unusual)."""
    text, path, strings, line_of = reader.text, reader.path, reader.strings, reader.line_of
    result = ParsedFile()
    own: dict[str, StringDef] = {}
    pos, end = 0, len(text)
    while True:
        at = text.find("@", pos)
        if at < 0:
            _outside(text, pos, end)
            break
        _outside(text, pos, at)
        command = _COMMAND.match(text, at)
        if command is None:
            raise _Unclean  # a stray '@': pybtex reports it
        kind, closer = command.group(1).lower(), "}" if command.group(2) == "{" else ")"
        pos = command.end()
        if kind == "comment":
            pos = _skip_group(text, pos, closer)
            continue
        if kind == "preamble":
            pos = _value(reader, pos, "the @preamble", line_of(at)).end
            pos = _close(text, pos, closer)
            continue
        if kind == "string":
            name_match = _NAME.match(text, pos)
            if name_match is None or not text.startswith("=", name_match.end()):
                raise _Unclean
            name = name_match.group(1).lower()
            read = _value(reader, name_match.end() + 1, f"@string '{name}'", line_of(at))
            pos = _close(text, read.end, closer)
            definition = StringDef(
                name, "", text[at:pos], frozenset(read.used), path, line_of(at), read.depth
            )
            if read.poisoned or not reader.expansion.check_macro(
                name, read.size, read.depth, path, definition.line
            ):
                definition.refused = True
            else:
                definition.value = "".join(read.parts)
            strings[name] = own[name] = definition
            continue
        entry, pos = _entry(reader, at, pos, kind, closer)
        result.entries.append(entry)
    result.strings = own
    return result


def _outside(text: str, start: int, stop: int) -> None:
    """Text between entries is a comment, unless it looks like fields an extra '}' cut off."""
    if start >= stop:
        return
    chunk = text[start:stop]
    if "=" not in chunk and "{" not in chunk and "}" not in chunk:
        return
    for line in chunk.split("\n"):
        if not line.lstrip().startswith("%") and any(c in line for c in "{}="):
            raise _Unclean


def _skip_group(text: str, pos: int, closer: str) -> int:
    """Skip a balanced ``{...}`` (or ``(...)``) group whose opener was just read."""
    depth = 0
    opener = "{" if closer == "}" else "("
    for match in re.compile(re.escape(opener) + "|" + re.escape(closer)).finditer(text, pos):
        if match.group() == opener:
            depth += 1
        elif depth:
            depth -= 1
        else:
            return match.end()
    raise _Unclean


def _close(text: str, pos: int, closer: str) -> int:
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if not text.startswith(closer, pos):
        raise _Unclean
    return pos + 1


def _entry(reader: _Reader, at: int, pos: int, kind: str, closer: str) -> tuple[RawEntry, int]:
    text, line_of = reader.text, reader.line_of
    key_match = _KEY.match(text, pos)
    assert key_match is not None  # the pattern matches the empty string
    key = key_match.group(1)
    pos = key_match.end()
    if not key or not text.startswith(",", pos):
        raise _Unclean
    entry = RawEntry(kind, key, reader.path, line_of(at))
    pos += 1
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(closer, pos):
            pos += 1
            break
        name_match = _NAME.match(text, pos)
        if name_match is None or not name_match.group(1):
            raise _Unclean
        name = name_match.group(1).lower()
        pos = name_match.end()
        if not text.startswith("=", pos) or name in entry.fields:
            raise _Unclean
        read = _value(reader, pos + 1, f"entry '{key}'", entry.line)
        pos = read.end
        entry.fields[name] = read.value
        entry.field_lines[name] = line_of(name_match.start(1))
        entry.sources[name] = text[name_match.start(1) : read.stop]
        entry.field_macros[name] = frozenset(read.used)
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith(closer, pos):
            raise _Unclean
    for role in PERSON_FIELDS:
        names = entry.fields.get(role)
        if names is not None and names.count(",") >= 3 and _too_many_commas(names):
            raise _Unclean  # pybtex refuses such a name: the careful reader explains it
    return entry, pos


def _too_many_commas(names: str) -> bool:
    depth, commas = 0, 0
    for part in re.split(r"(\s+and\s+|[{},])", names):
        if part == "{":
            depth += 1
        elif part == "}":
            depth -= 1
        elif part == "," and depth == 0:
            commas += 1
            if commas >= 3:
                return True
        elif depth == 0 and part.strip().lower() == "and":
            commas = 0
    return False


@dataclass
class _Read:
    """A value as read: its parts, where it ends, and what its macros brought.

    Attributes:
        parts: The pieces to join (macros expanded).
        end: Offset after the value and the whitespace after it.
        stop: Offset just after the value's last delimiter.
        used: Names of the macros used.
        depth: Levels of macros it is built from (0: none).
        poisoned: It uses a refused macro, or one the expansion budget left empty.
    """

    parts: list[str]
    end: int
    stop: int
    used: set[str]
    depth: int
    poisoned: bool

    @property
    def size(self) -> int:
        """Length of the value once joined."""
        return sum(len(part) for part in self.parts)

    @property
    def value(self) -> str:
        """The value joined."""
        return "".join(self.parts)


def _value(reader: _Reader, pos: int, where: str, line: int) -> _Read:
    """Read ``part # part # ...`` at ``pos``; ``where`` (at ``line``) names it in messages."""
    text = reader.text
    read = _Read([], pos, pos, set(), 0, False)
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        char = text[pos : pos + 1]
        if char == "{":
            pos = _braced(text, pos, read.parts)
        elif char == '"':
            pos = _quoted(text, pos, read.parts)
        else:
            atom = _ATOM.match(text, pos)
            if atom is None:
                raise _Unclean
            if atom.group(1):
                read.parts.append(atom.group(1))
            else:
                _macro(reader, atom.group(2).lower(), where, line, read)
            pos = atom.end()
        read.stop = pos
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("#", pos):
            pos += 1
            continue
        read.end = pos
        return read


def _macro(reader: _Reader, name: str, where: str, line: int, read: _Read) -> None:
    """Expand macro ``name`` into ``read``, within the library's bounds."""
    definition = reader.strings.get(name)
    if definition is None:
        if name not in MONTH_MACROS:
            raise _Unclean  # undefined macro: pybtex names it
        read.parts.append(MONTH_MACROS[name])
        return
    read.used.add(name)
    read.depth = max(read.depth, definition.depth + 1)
    if definition.refused or reader.expansion.exhausted:
        read.poisoned = True
    elif reader.expansion.spend(len(definition.value)):
        read.parts.append(definition.value)
    else:
        read.poisoned = True
        reader.expansion.ran_out(reader.path, line, where)


def _braced(text: str, pos: int, parts: list[str]) -> int:
    """Read a ``{...}`` value part starting at ``pos``; return the offset after it."""
    depth = 0
    for match in _BRACES.finditer(text, pos):
        depth += 1 if match.group() == "{" else -1
        if depth > MAX_BRACE_DEPTH:
            raise _Unclean  # pybtex says how deep is too deep
        if depth == 0:
            parts.append(text[pos + 1 : match.start()])
            if "\n@" in parts[-1]:
                raise _Unclean  # a brace left open swallowed the next entry
            return match.end()
    raise _Unclean


def _quoted(text: str, pos: int, parts: list[str]) -> int:
    """Read a ``"..."`` value part starting at ``pos``; return the offset after it."""
    depth, stop = 0, -1
    for match in _QUOTED.finditer(text, pos + 1):
        found = match.group()
        if found == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                raise _Unclean
        elif found == "}":
            depth -= 1
            if depth < 0:
                raise _Unclean
        elif depth == 0:
            stop = match.start()
            break
    if stop < 0 or "\n@" in text[pos:stop]:
        raise _Unclean
    parts.append(text[pos + 1 : stop])
    return stop + 1
