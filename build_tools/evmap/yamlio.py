"""Safe YAML loading that remembers where every value came from.

Mappings load as :class:`LineDict` and sequences as :class:`LineList`; both are
plain ``dict``/``list`` subclasses (so JSON Schema validation works on them
unchanged) that also know the line of each key or item. Only the safe subset of
YAML is accepted: no tags run code, anchors and aliases are refused (which also
refuses alias bombs), keys must be text and may not repeat.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# Files larger than this are refused before parsing; a claims file of a
# hundred claims is well under 200 KB.
MAX_FILE_BYTES = 2 * 1024 * 1024

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


class YamlError(Exception):
    """A file that is not acceptable YAML; ``line`` is 1-based (0: whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _LineLoader(_Loader):  # type: ignore[misc,valid-type]
    """Safe loader building LineDict/LineList and refusing aliases."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "anchors and aliases (&name / *name) are not allowed; write the value out",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict(node.start_mark.line + 1)
    yield data
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not allowed", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
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
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data = LineList(node.start_mark.line + 1)
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped, CRLF becomes LF) or raise :class:`YamlError`."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlError(
            0, f"file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES}; split it in two"
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
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_explain(exc, text)) from None
    except yaml.YAMLError as exc:
        raise YamlError(0, f"YAML error: {exc}") from None
    except RecursionError:
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
        what = f"the tag '{tag}' is not allowed; write plain values without '!' tags"
    elif "end of stream" in problem and "quoted scalar" in context:
        what = "a quoted text is never closed; add the closing quote"
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
