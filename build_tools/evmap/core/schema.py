"""JSON Schema checks of YAML entries, with messages a curator can act on.

The schemas in ``schema/*.schema.json`` are the single source of truth: editors
use them through the ``yaml-language-server`` comment at the top of each file,
and this module validates every entry against the same files.
"""

from __future__ import annotations

import datetime
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

from evmap.core.inputs import check_file
from evmap.core.problems import Check, Problem, did_you_mean
from evmap.core.yamlio import LineDict, LineList

__all__ = [
    "ID_FIELDS",
    "KINDS",
    "PROJECT_SCHEMAS",
    "SCHEMA_DIR",
    "check_entry",
    "describe_path",
    "describe_value",
    "entry_validator",
    "fast_validator",
    "is_valid_entry",
    "line_at",
    "load_schema",
    "quoted",
    "schema_path",
    "schema_text",
    "stale_copies",
]

if TYPE_CHECKING:  # jsonschema loads only to explain an invalid entry (a check's startup)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

KINDS = ("compound", "pathway", "claim", "reference")
# The field that names an entry of each kind in messages (``claim 'x': ...``).
ID_FIELDS = {"compound": "id", "pathway": "id", "claim": "id", "reference": "key"}
SCHEMA_DIR = "schema"


PROJECT_SCHEMAS = "schemas"
"""The folder of a project holding copies of evmap's schemas, for editors (``evmap new``
writes it, ``evmap schemas`` brings it up to date)."""


def schema_text(kind: str) -> str:
    """The published JSON Schema of ``kind`` as evmap ships it."""
    return resources.files("evmap").joinpath(schema_path(kind)).read_text("utf-8")


def stale_copies(root: Path, relative: Callable[[Path], str]) -> list[Problem]:
    """Warnings for copies of evmap's schemas in ``root/schemas/`` that differ from the
    installed evmap's: an editor would check curators' files against another format than
    ``evmap check`` does. A file there that is not one of evmap's is left alone."""
    problems = []
    for kind in KINDS:
        copy = root / PROJECT_SCHEMAS / f"{kind}.schema.json"
        refused = check_file(copy, root, relative, Check.FILE_ACCESS)
        if refused is not None:  # a link leading outside the project: never read
            problems.append(refused)
            continue
        try:
            text = copy.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text == schema_text(kind):
            continue
        try:
            ours = json.loads(text).get("$id") == load_schema(kind).get("$id")
        except (ValueError, AttributeError):
            ours = False
        if ours:
            problems.append(
                Problem(
                    relative(copy),
                    0,
                    f"this copy of evmap's {kind} schema differs from the installed evmap's, so "
                    "editors check the content against another format than evmap does; run "
                    "'evmap schemas' to bring it up to date",
                    Check.STALE_SCHEMA,
                )
            )
    return problems


def schema_path(kind: str) -> str:
    """File name of the schema of ``kind`` inside the package."""
    return f"{SCHEMA_DIR}/{kind}.schema.json"


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The published JSON Schema of a file of ``kind`` (one entry or a list)."""
    schema: dict[str, Any] = json.loads(schema_text(kind))
    return schema


@cache
def entry_validator(kind: str) -> Draft202012Validator:
    """A validator for a single entry of ``kind`` (the schema's ``$defs/<kind>``)."""
    schema = dict(load_schema(kind))
    schema.pop("oneOf", None)
    schema["$ref"] = f"#/$defs/{kind}"
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema)


@cache
def fast_validator(kind: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python by fastjsonschema: a yes/no answer, fast.

    Valid entries (nearly all, in a real map) are answered by this one; jsonschema,
    whose errors carry the paths our messages need, runs only on the rest. The
    keywords our schemas use mean the same in draft-07 (what fastjsonschema
    implements) and 2020-12; tests check that both agree.
    """
    schema = dict(load_schema(kind))
    schema.pop("oneOf", None)
    schema.pop("$schema", None)
    schema["$ref"] = f"#/$defs/{kind}"
    return fastjsonschema.compile(schema)


def is_valid_entry(kind: str, data: Any) -> bool:
    """Whether ``data`` is a valid entry of ``kind`` (fast path, no messages)."""
    try:
        fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def line_at(data: Any, path: Sequence[str | int]) -> int:
    """Line of the value at ``path`` inside loaded YAML, or of its nearest parent."""
    line = getattr(data, "line", 0)
    node = data
    for step in path:
        in_dict = isinstance(node, LineDict) and isinstance(step, str) and step in node
        in_list = isinstance(node, LineList) and isinstance(step, int) and step < len(node)
        if in_dict or in_list:
            line = node.line_of(step)
            node = node[step]
        else:
            break
    return line


def describe_path(path: Sequence[str | int]) -> str:
    """``['evidence', 0, 'model', 'species']`` -> ``"evidence item 1: 'model.species'"``."""
    parts: list[str] = []
    names: list[str] = []
    for i, step in enumerate(path):
        if isinstance(step, int):
            owner = path[i - 1] if i else "list"
            if owner == "evidence":
                if names:
                    names.pop()
                parts.append(f"evidence item {step + 1}")
            else:
                names.append(f"[{step + 1}]")
        else:
            names.append(step)
    if names:
        dotted = ".".join(names).replace(".[", "[")
        parts.append(f"'{dotted}'")
    return ": ".join(parts)


def quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message: on one line, shortened past ``limit`` characters."""
    short = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"'{short}'" if short.isprintable() and "'" not in short else repr(short)


def describe_value(value: Any) -> str:
    """What a loaded YAML value is, for messages: ``the text 'x'``, ``a list``..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, int) and abs(value) >= 10**40:
        return "a number of more than 40 digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"a {type(value).__name__} value"


_type_name = describe_value


_EXPECTED_TYPE = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of fields",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


Explained = Iterator[tuple[list[str | int], str, Check]]


def _explain(error: ValidationError) -> Explained:
    """Yield (path, message, check) for one jsonschema error."""
    path = list(error.absolute_path)
    explain = _EXPLAIN.get(str(error.validator))
    if explain is None:  # pragma: no cover - keyword not used
        yield path, f"{describe_path(path)}: {error.message}", Check.SCHEMA
        return
    yield from explain(error, path, describe_path(path))


def _unknown_fields(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value = error.instance
    assert isinstance(value, dict)
    allowed = sorted(error.schema.get("properties", {}))
    for extra in sorted(set(value) - set(allowed)):
        prefix = f"{where}: " if where else ""
        yield (
            [*path, extra],
            f"{prefix}unknown field {quoted(extra)}; expected one of: {', '.join(allowed)}"
            + did_you_mean(extra, allowed),
            Check.UNKNOWN_FIELD,
        )


_REQUIRED_HINTS = {
    "evidence": "; add at least one evidence item under 'evidence'",
    "citations": "; list at least one key of references.bib under 'citations'",
}


def _missing_fields(error: ValidationError, path: list[str | int], where: str) -> Explained:
    for name in [name for name in error.validator_value if name not in error.instance]:
        hint = _REQUIRED_HINTS.get(name, "")
        prefix = f"{where}: " if where else ""
        yield path, f"{prefix}missing required field '{name}'{hint}", Check.SCHEMA


def _too_few_items(error: ValidationError, path: list[str | int], where: str) -> Explained:
    last = path[-1] if path else None
    if last == "evidence":
        yield path, "has no evidence; add at least one item under 'evidence'", Check.SCHEMA
    elif last == "citations":
        yield (
            path,
            f"{describe_path(path[:-1])}: has no citation; "
            "list at least one key of references.bib under 'citations'",
            Check.SCHEMA,
        )
    else:
        yield path, f"{where} is an empty list; add at least one item", Check.SCHEMA


def _not_listed(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value = error.instance
    options = [str(o) for o in error.validator_value]
    yield (
        path,
        f"{where} is {_type_name(value)}; expected one of: {', '.join(options)}"
        + (did_you_mean(value, options) if isinstance(value, str) else ""),
        Check.SCHEMA,
    )


def _wrong_type(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value = error.instance
    expected = error.validator_value
    wanted = (
        " or ".join(_EXPECTED_TYPE.get(t, str(t)) for t in expected)
        if isinstance(expected, list)
        else _EXPECTED_TYPE.get(expected, expected)
    )
    hint = ""
    if expected == "string" and not isinstance(value, dict | list) and value is not None:
        hint = "; put it in quotes to make it text"
    yield path, f"{where} must be {wanted}, got {_type_name(value)}{hint}", Check.SCHEMA


def _pattern_expected(pattern: str) -> str:
    """What a value of ``pattern`` looks like, in words."""
    if "a-z0-9" in pattern and "A-Z" not in pattern:
        return "a lowercase id of letters, digits and single hyphens, e.g. 'bdnf-trkb'"
    if "[0-9]{4}-" in pattern:
        return "a date written YYYY-MM-DD, e.g. '2024-03-05'"
    return "letters, digits, '-' and '_' only (a BibTeX key)"


def _no_match(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value = error.instance
    expected = _pattern_expected(error.validator_value)
    foreign = next((c for c in value if not c.isascii()), "") if isinstance(value, str) else ""
    if foreign:  # a letter that looks Latin but is not (a homoglyph), or an invisible one
        name = unicodedata.name(foreign, "an unnamed character")
        expected += f"; it contains {quoted(foreign)} (U+{ord(foreign):04X} {name}), not ASCII"
    yield path, f"{where} is {quoted(value)}; expected {expected}", Check.SCHEMA


def _too_long(error: ValidationError, path: list[str | int], where: str) -> Explained:
    yield (
        path,
        f"{where} is {len(error.instance)} characters long; the limit is {error.validator_value}",
        Check.SCHEMA,
    )


def _empty_text(error: ValidationError, path: list[str | int], where: str) -> Explained:
    yield path, f"{where} is empty; write a value or remove the field", Check.SCHEMA


def _repeated(error: ValidationError, path: list[str | int], where: str) -> Explained:
    yield path, f"{where} lists the same value twice; keep one", Check.SCHEMA


def _too_small(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value, limit = error.instance, error.validator_value
    yield path, f"{where} is {value!r}; expected at least {limit}", Check.SCHEMA


def _too_large(error: ValidationError, path: list[str | int], where: str) -> Explained:
    value, limit = error.instance, error.validator_value
    yield path, f"{where} is {value!r}; expected at most {limit}", Check.SCHEMA


def _one_of(error: ValidationError, path: list[str | int], where: str) -> Explained:
    if not error.context:  # pragma: no cover - every oneOf of the schemas has alternatives
        yield path, f"{where}: {error.message}", Check.SCHEMA
        return
    # A field written in one of several forms (one value, or a list): explain it
    # against the form of its own shape, as if that were the only one.
    shape = "array" if isinstance(error.instance, list) else "other"
    for alternative in error.context:
        branch = error.validator_value[alternative.relative_schema_path[0]]
        if ("array" if branch.get("type") == "array" else "other") == shape:
            yield from _explain(alternative)


_EXPLAIN: dict[str, Callable[[ValidationError, list[str | int], str], Explained]] = {
    "additionalProperties": _unknown_fields,
    "required": _missing_fields,
    "minItems": _too_few_items,
    "enum": _not_listed,
    "type": _wrong_type,
    "pattern": _no_match,
    "maxLength": _too_long,
    "minLength": _empty_text,
    "uniqueItems": _repeated,
    "minimum": _too_small,
    "maximum": _too_large,
    "oneOf": _one_of,
}
"""How each JSON Schema keyword's failure is said to a curator."""


def check_entry(kind: str, data: Any, path: str) -> list[Problem]:
    """Validate one loaded entry of ``kind`` against its schema.

    Args:
        kind: ``compound``, ``pathway`` or ``claim``.
        data: The entry as loaded by :func:`evmap.core.yamlio.load_yaml`.
        path: Project-relative file path, used in messages.

    Returns:
        One problem per violation, located at the line of the offending value.
    """
    label = kind
    name = ID_FIELDS[kind]
    if isinstance(data, dict) and isinstance(data.get(name), str):
        label = f"{kind} {quoted(data[name])}"
    if not isinstance(data, dict):
        return [
            Problem(
                path,
                getattr(data, "line", 0) or 1,
                f"a {kind} must be a mapping of fields (id: ..., ...), got {_type_name(data)}",
                Check.FILE_SHAPE,
            )
        ]
    if is_valid_entry(kind, data):
        return []
    problems = []
    for error in entry_validator(kind).iter_errors(data):
        for where, message, check in _explain(error):
            separator = " " if message.startswith("has no") else ": "
            problems.append(
                Problem(path, line_at(data, where), f"{label}{separator}{message}", check)
            )
    return problems
