"""Safe YAML loading that remembers where every value came from.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both are
plain ``dict``/``list`` subclasses (so JSON Schema validation works on them
unchanged) that also know the line of each key or item. Only the safe subset of
YAML is accepted: no tags run code, anchors and aliases are refused (which also
refuses alias bombs), keys must be text and may not repeat, nesting is limited
to :data:`MAX_DEPTH` levels and files to :data:`MAX_FILE_BYTES`.

Every refusal is a :class:`YamlError` with the line a curator's editor shows
(lines are counted by ``\n`` only; a BOM is dropped and CRLF read as LF).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import yaml

from evmap.core.errors import EvmapError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT",
    "MAX_LIBRARY_BYTES",
    "LineDict",
    "LineList",
    "YamlError",
    "decode_text",
    "invisible_message",
    "load_yaml",
]

# Files larger than this are refused before parsing; a claims file of a
# hundred claims is well under 200 KB.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LIBRARY_BYTES = 64 * 1024 * 1024
"""The limit for one BibTeX file: a lab's whole library, abstracts included, is read
(a 20,000-entry library is about 10 MiB); YAML files hold 100 claims or so each."""
# Lists and mappings nested deeper than this are refused (an entry needs 5):
# deep nesting would otherwise exhaust the stack.
MAX_DEPTH = 32
# Whole numbers from 18 digits up are refused: no field needs them, and past
# 4300 digits Python cannot even print them.
MAX_INT = 10**18

# Characters YAML refuses or reads as line breaks that editors do not show as
# such (NEL, LINE and PARAGRAPH SEPARATOR): found before parsing, with their line.
_UNREADABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LINE_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
# Bidirectional controls (embeddings, overrides, isolates) and invisible format
# characters: text with them reads differently than it is stored ("Trojan Source"),
# in pages, the CSV and the JSON alike. Found anywhere in a file, with their line.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
# Control characters a quoted text can still produce through escapes ("\0", "\e").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Tags of the safe schema that build values no entry can hold.
_REFUSED_TAGS = ("binary", "set", "omap", "pairs")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[assignment]


class LineDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """Line of item ``index`` if present, else of the sequence itself."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class YamlError(EvmapError):
    """A file that is not acceptable YAML; ``line`` is 1-based (0: whole file)."""

    def __init__(self, line: int, message: str) -> None:
        message = re.sub(r"\s*\n\s*", " ", message)  # one problem, one output line
        super().__init__(message)
        self.line = line
        self.message = message


_Composer = yaml.composer.Composer

# The kind of node each standard tag builds from (an explicit `!!seq` on a
# mapping would otherwise fail inside PyYAML with no line).
_TAG_KINDS: dict[str, type[yaml.Node]] = {
    **{
        f"tag:yaml.org,2002:{name}": yaml.ScalarNode
        for name in ("str", "int", "float", "bool", "null", "timestamp")
    },
    "tag:yaml.org,2002:map": yaml.MappingNode,
    "tag:yaml.org,2002:seq": yaml.SequenceNode,
}
_KIND_NAMES = {
    yaml.ScalarNode: "a single value",
    yaml.MappingNode: "a mapping",
    yaml.SequenceNode: "a list",
}


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    """Safe loader building LineDict/LineList, refusing anchors, aliases and deep nesting.

    Events come from libyaml when available, but nodes are composed in Python:
    libyaml's own composer recurses in C and crashes the process on a few
    thousand nested brackets, where this one stops at :data:`MAX_DEPTH`.
    """

    check_node = _Composer.check_node
    get_node = _Composer.get_node
    get_single_node = _Composer.get_single_node
    compose_document = _Composer.compose_document
    compose_scalar_node = _Composer.compose_scalar_node
    compose_sequence_node = _Composer.compose_sequence_node
    compose_mapping_node = _Composer.compose_mapping_node

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.anchors: dict[str, yaml.Node] = {}
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name / *name) are not allowed; write the value out",
                event.start_mark,
            )
        nests = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nests and self.depth >= MAX_DEPTH:
            raise _too_deep(event.start_mark)
        self.depth += nests
        try:
            node: yaml.Node = _Composer.compose_node(self, parent, index)
        finally:
            self.depth -= nests
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        fits = _TAG_KINDS.get(node.tag)
        if fits is not None and not isinstance(node, fits):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the tag '{tag}' does not fit {_KIND_NAMES[type(node)]}; remove the tag",
                node.start_mark,
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # e.g. 2020-02-30, a 5000-digit number
            value = str(node.value)
            shown = value if len(value) <= 40 else value[:37] + "..."
            what = (
                f"a date but is not a valid one ({str(exc).splitlines()[0]})"
                if node.tag.endswith(":timestamp")
                else "a number but cannot be read"
            )
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{shown}' reads as {what}; put it in quotes if it is text",
                node.start_mark,
            ) from None


class _FastLoader(_LineLoader):
    """The same loader with libyaml composing nodes in C: several times faster.

    Used only for files :func:`_fast_path_safe` accepts (no anchors or aliases,
    nesting far from what would exhaust libyaml's stack); the depth limit is
    then enforced while constructing, with the same message and line.
    """

    check_node = _Loader.check_node
    get_node = _Loader.get_node
    get_single_node = _Loader.get_single_node

    _plain_tags: dict[str, str] = {}  # noqa: RUF012 - a per-class memo of resolved tags

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # libyaml asks this for every node; plain text that no implicit resolver
        # could match (the common case) is text without trying the patterns.
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = self._plain_tags.get(value)
            if tag is None:
                if value and value[0] not in self.yaml_implicit_resolvers:
                    tag = self.DEFAULT_SCALAR_TAG
                else:
                    tag = super().resolve(kind, value, implicit)
                if len(self._plain_tags) < 100_000:
                    self._plain_tags[value] = tag
            return tag
        resolved: str = super().resolve(kind, value, implicit)
        return resolved

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # Control characters can only come from escapes (raw ones are refused
        # before parsing): without a backslash, no text needs searching for them.
        self.escapes = "\\" in stream

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        return None if node is None else _build(self, node, 0)


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _build(loader: _FastLoader, node: yaml.Node, depth: int) -> Any:
    """The value of a libyaml-composed node, as the constructors below build it.

    The common nodes (text, plain mappings and lists) are built here directly,
    several times faster than through PyYAML's generic construction; every
    other node (numbers, dates, tags to refuse) goes through the constructors.
    ``depth`` counts the lists and mappings around ``node``.
    """
    cls = node.__class__
    if cls is yaml.ScalarNode:
        if node.tag == _STR_TAG and not (
            loader.escapes and (_CONTROL.search(node.value) or _INVISIBLE.search(node.value))
        ):
            return node.value
        return loader.construct_object(node, deep=True)
    if depth >= MAX_DEPTH:
        raise _too_deep(node.start_mark)

    def child(value: yaml.Node) -> Any:
        return _build(loader, value, depth + 1)

    if cls is yaml.MappingNode and node.tag == _MAP_TAG:
        data = LineDict(node.start_mark.line + 1)
        _fill_mapping(data, node, child)
        return data
    if cls is yaml.SequenceNode and node.tag == _SEQ_TAG:
        items = LineList(node.start_mark.line + 1)
        _fill_sequence(items, node, child)
        return items
    return loader.construct_object(node, deep=True)  # a tagged list or mapping: refused


# What keeps a file on the careful (Python-composed) path.
_ANCHOR_OR_ALIAS = re.compile(r"[&*]")
_DEEP_INDENT = re.compile(r"^ {200,}", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")
_MAX_FAST_BRACKETS = 4000


def _fast_path_safe(text: str) -> bool:
    """Whether libyaml may compose ``text``: no anchors/aliases, no deep nesting possible."""
    if _ANCHOR_OR_ALIAS.search(text) or _DEEP_INDENT.search(text):
        return False
    return len(_BRACKETS.findall(text)) < _MAX_FAST_BRACKETS


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    try:
        value: int = loader.construct_yaml_int(node)
    except ValueError:  # more than 4300 digits
        value = MAX_INT
    if abs(value) >= MAX_INT:
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the number '{shown}' is too large (the limit is {MAX_INT - 1}); "
            "put it in quotes if it is text",
            node.start_mark,
        )
    return value


def invisible_message(char: str) -> str:
    """What is wrong with an invisible or bidirectional control character, and the fix."""
    name = unicodedata.name(char, "FORMAT CHARACTER")
    return (
        f"the text contains the invisible character U+{ord(char):04X} ({name}), which makes "
        "text read differently than it is stored; remove it"
    )


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    value: str = loader.construct_scalar(node)
    hidden = _INVISIBLE.search(value)
    if hidden:  # written as an escape ("\u202e"): the file scan cannot see it
        raise yaml.constructor.ConstructorError(
            None, None, invisible_message(hidden.group()), node.start_mark
        )
    bad = _CONTROL.search(value)
    if bad:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the text contains the control character U+{ord(bad.group()):04X} "
            "(from an escape such as \\0 or \\x07); remove it",
            node.start_mark,
        )
    return value


def _refuse_tag(loader: _LineLoader, node: yaml.Node) -> Any:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the tag '{tag}' is not allowed; write plain values without '!' tags",
        node.start_mark,
    )


def _too_deep(mark: yaml.Mark) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(
        None,
        None,
        f"lists and mappings are nested more than {MAX_DEPTH} levels deep; "
        "an entry needs at most 5",
        mark,
    )


def _fill_mapping(
    data: LineDict, node: yaml.MappingNode, build: Callable[[yaml.Node], Any]
) -> None:
    """Fill ``data`` with ``node``'s fields, their values made by ``build``.

    Field names must be text and may not repeat; merge keys (``<<``) are refused.
    """
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not allowed", key_node.start_mark
            )
        key = build(key_node)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"field names must be text, got {key!r}", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"field '{key}' appears twice (first at line {data.key_lines[key]}); "
                "keep one of them",
                key_node.start_mark,
            )
        data[key] = build(value_node)
        data.key_lines[key] = key_node.start_mark.line + 1


def _fill_sequence(
    items: LineList, node: yaml.SequenceNode, build: Callable[[yaml.Node], Any]
) -> None:
    """Fill ``items`` with ``node``'s items, each made by ``build``."""
    for child in node.value:
        items.append(build(child))
        items.item_lines.append(child.start_mark.line + 1)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict(node.start_mark.line + 1)
    yield data
    _fill_mapping(data, node, functools.partial(loader.construct_object, deep=True))


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data = LineList(node.start_mark.line + 1)
    yield data
    _fill_sequence(data, node, functools.partial(loader.construct_object, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
for _tag in _REFUSED_TAGS:
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def decode_text(data: bytes, limit: int = MAX_FILE_BYTES) -> str:
    """Decode UTF-8 (a BOM is dropped, CRLF becomes LF) or raise :class:`YamlError`.

    Files over ``limit`` bytes are refused (:data:`MAX_FILE_BYTES` for YAML,
    :data:`MAX_LIBRARY_BYTES` for BibTeX).
    """
    if len(data) > limit:
        raise YamlError(0, f"file is {len(data)} bytes, over the limit of {limit}; split it in two")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError(
            0, "file is saved as UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise YamlError(
            data.count(b"\n", 0, nul) + 1,
            "file contains a NUL byte (0x00), as UTF-16 files do; save it as UTF-8 text",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlError(
            line,
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_yaml(data: bytes) -> Any:
    """Parse one YAML document from ``data`` with line numbers.

    Returns ``None`` for an empty document.

    Raises:
        YamlError: for invalid UTF-8, oversize files, syntax errors, aliases,
            duplicate keys, non-text keys and more than one document.
    """
    text = decode_text(data)
    unreadable = _UNREADABLE.search(text)
    if unreadable:
        char = unreadable.group()
        line = text.count("\n", 0, unreadable.start()) + 1
        if char in _LINE_BREAKS:
            raise YamlError(
                line,
                f"the file contains the character U+{ord(char):04X} ({_LINE_BREAKS[char]}), "
                "which YAML reads as a line break; replace it with a space",
            )
        raise YamlError(
            line,
            f"the file contains the character U+{ord(char):04X}, which YAML does not allow; "
            "remove it",
        )
    hidden = _INVISIBLE.search(text, 1 if text.startswith("\ufeff") else 0)
    if hidden:
        raise YamlError(text.count("\n", 0, hidden.start()) + 1, invisible_message(hidden.group()))
    loader = _FastLoader(text) if _fast_path_safe(text) else _LineLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_explain(exc, text)) from None
    except yaml.YAMLError as exc:
        raise YamlError(0, f"YAML error: {exc}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise YamlError(0, "YAML nesting is too deep") from None
    finally:
        loader.dispose()


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """Turn a PyYAML error into (line, message) a curator can act on."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    if "end of stream" in problem and exc.context_mark is not None:
        # An unclosed quote or bracket: where it opened is what helps.
        mark = exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "expected a single document" in context:
        what = "only one YAML document per file is allowed; remove the '---' separator"
    elif "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or (
        "\t" in source_line and "cannot start any token" in problem
    ):
        what = "a tab is used for indentation; YAML allows spaces only"
    elif "could not determine a constructor" in problem:
        found = re.search(r"'([^']*)'", problem)
        tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else "?"
        tag = tag if len(tag) <= 60 else tag[:57] + "..."
        what = f"the tag '{tag}' is not allowed; write plain values without '!' tags"
    elif "end of stream" in problem and "quoted scalar" in context:
        what = "a quoted text is never closed; add the closing quote"
    elif "while parsing a flow" in context and exc.context_mark and exc.problem_mark:
        # An unclosed '[' or '{', or a missing ',': say where the collection opened.
        kind, closing = ("list", "]") if "sequence" in context else ("mapping", "}")
        opened, stuck = exc.context_mark.line + 1, exc.problem_mark.line + 1
        if stuck > opened:
            line = opened
            what = (
                f"YAML syntax error: the {kind} opened here is not closed: expected ',' or "
                f"'{closing}' before line {stuck}"
            )
        else:
            what = f"YAML syntax error: in this {kind}, expected ',' or '{closing}'"
    elif "mapping values are not allowed" in problem:
        what = f"YAML syntax error: {problem}; put text that contains ': ' in quotes"
    elif context:
        what = f"{context}, {problem}"
    else:
        what = problem
    if isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError) and what in (
        problem,
        f"{context}, {problem}",
    ):
        what = f"YAML syntax error: {what}"
    return line, what
