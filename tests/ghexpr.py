"""A small evaluator of GitHub Actions expressions, to test workflows' ``if:`` conditions.

It covers what workflow conditions use: literals (strings, numbers, true, false, null),
property access (``a.b``, ``a['b']``), ``!``, ``==``, ``!=``, ``&&``, ``||``,
parentheses and the status functions. As in GitHub, strings compare without regard to
case, a missing property is null, and ``&&``/``||`` return one of their operands.
See https://docs.github.com/actions/learn-github-actions/expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!()\[\].,])"
    r"|(?P<name>[A-Za-z_][\w-]*))"
)
WRAPPED = re.compile(r"^\s*\$\{\{(.*)\}\}\s*$", re.S)


class ExpressionError(ValueError):
    """An expression this evaluator cannot read."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if a is None or b is None:  # null equals null, and '' / 0 / false after coercion
        return a in (None, "", 0, False) and b in (None, "", 0, False)
    return bool(a == b)


class _Parser:
    def __init__(self, text: str, context: Mapping[str, Any], functions: Mapping[str, Any]):
        self.tokens = _tokens(text)
        self.pos = 0
        self.context = context
        self.functions = functions

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError("unexpected end of expression")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if value else right
        return value

    def and_(self) -> Any:
        value = self.not_()
        while self.peek() == "&&":
            self.take()
            right = self.not_()
            value = right if value else value
        return value

    def not_(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not self.not_()
        return self.comparison()

    def comparison(self) -> Any:
        value = self.primary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            equal = _equal(value, self.primary())
            return equal if op == "==" else not equal
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            function: Callable[..., Any] | None = self.functions.get(text)
            if function is None:
                raise ExpressionError(f"unknown function {text}()")
            return function(*args)
        found: Any = self.context.get(text)
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            found = found.get(key) if isinstance(found, Mapping) else None
        return found


def evaluate(
    expression: str, context: Mapping[str, Any], functions: Mapping[str, Any] | None = None
) -> Any:
    """The value of ``expression`` (with or without ``${{ }}``) in ``context``."""
    m = WRAPPED.match(expression)
    return _Parser(m.group(1) if m else expression, context, functions or {}).parse()
