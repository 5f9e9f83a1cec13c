"""The Jinja environment of generated pages: its loader, filters and sandbox, the template
files in use, and where a template error happened."""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Sequence
from pathlib import Path

import jinja2
import jinja2.ext
import jinja2.sandbox

from evmap.core.errors import EvmapError
from evmap.core.vocab import (
    plural,
)

__all__ = [
    "Dedent",
    "PreflightError",
    "make_environment",
    "template_error",
    "template_file",
    "template_files",
    "templates_stamp",
]

_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


class Dedent(jinja2.ext.Extension):
    """Drops the indentation of every template line when the template is compiled.

    Templates stay indented for reading; pages carry none (a claim is repeated on
    every page naming it, so indentation cost megabytes at 10,000 claims). Safe
    because generated pages hold no whitespace-sensitive element (``<pre>``,
    ``<textarea>``) and a newline already separates words where indentation did.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template source without leading blanks on any line."""
        return _INDENT.sub("", source)


def make_environment(template_dirs: Sequence[Path], sandboxed: bool = False) -> jinja2.Environment:
    """The Jinja environment of generated pages: autoescape on, strict undefined, no indentation.

    Templates are looked up in ``template_dirs`` in order, so a project's own folder
    overrides evmap's defaults file by file (:attr:`evmap.core.config.Settings.template_dirs`).
    Templates get the filter ``plural``: ``{{ n | plural("claim") }}`` gives ``1 claim``,
    ``2 claims``. ``sandboxed`` renders in Jinja's sandbox
    (:attr:`evmap.core.config.Settings.sandboxed`): a template of a pull request cannot
    reach Python's internals (``''.__class__``...) to run commands on whoever builds it.
    """
    kind = jinja2.sandbox.SandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[Dedent],
    )
    env.filters["plural"] = plural
    return env


def template_files(template_dirs: Sequence[Path]) -> dict[str, Path]:
    """Every template file by its name (``partials/claim.html``), the first folder's winning."""
    found: dict[str, Path] = {}
    for folder in template_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def template_file(template_dirs: Sequence[Path], name: str) -> Path:
    """The file named ``name`` in the first of ``template_dirs`` that has it.

    Raises:
        FileNotFoundError: when none has it.
    """
    for folder in template_dirs:
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(2, "no such template file", name)


def templates_stamp(template_dirs: Sequence[Path]) -> str:
    """Digest of every template file in use: pages rendered from equal stamps agree."""
    digest = hashlib.sha256()
    for name, path in sorted(template_files(template_dirs).items()):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class PreflightError(EvmapError):
    """A template error found by :meth:`Renderer.preflight`.

    Attributes:
        page: The page being rendered ("" when the template did not compile).
        error: Jinja's error.
    """

    def __init__(self, page: str, error: jinja2.TemplateError) -> None:
        super().__init__(str(error))
        self.page = page
        self.error = error


def template_error(
    exc: jinja2.TemplateError, template_dirs: Sequence[Path]
) -> tuple[str, int, str]:
    """Where a template error happened: (template path, line, message).

    Syntax errors name their line; errors while rendering (an unknown field, a
    failing filter) are found in the traceback, whose frames Jinja maps back to
    template lines. The path is the template file's (the innermost template frame,
    e.g. a partial, in whichever of ``template_dirs`` it came from); line 0 when none
    is known.
    """
    message = (str(exc.message or exc).splitlines() or [type(exc).__name__])[0].rstrip(".")
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno, message
    bases = tuple(
        sorted({str(d) for d in template_dirs} | {str(d.resolve()) for d in template_dirs})
    )
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(bases) and frame.filename.endswith(".html"):
            return frame.filename, frame.lineno or 0, message
    return str(template_dirs[0]), 0, message
