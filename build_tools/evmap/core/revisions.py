"""The two sides of a comparison: a folder holding ``mkdocs.yml``, or a git revision.

A revision's tree is exported with ``git archive`` into a temporary folder (the
working tree is never touched) and checked as any project is; a side whose content
has errors is refused with every problem. Between two revisions, the files that run
as code when the site is built are named for review (:data:`CODE_FILES`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evmap.core.config import Settings, load_settings
from evmap.core.errors import EvmapError
from evmap.core.gitinfo import GitError, changed_files, export_revision
from evmap.core.model import EvidenceMap
from evmap.core.pipeline import check
from evmap.core.problems import Problem, summary_line

__all__ = ["CODE_FILES", "DiffInputError", "Side", "changed_code", "is_folder", "load_side"]

CODE_FILES = re.compile(
    r"(?:^|/)(?:[^/]*\.py|mkdocs[^/]*\.ya?ml|Makefile|pyproject\.toml|requirements[^/]*"
    r"|package(?:-lock)?\.json|\.pre-commit-config\.yaml)$"
    r"|^(?:\.github|\.ci|build_tools|templates|hooks|overrides)/"
)
"""Files that run as code when the site is built, served or checked: the builder's
configuration and hooks, templates, workflows, the build code and its dependencies. A
change to them is flagged for review as code."""


class DiffInputError(EvmapError):
    """A side of the comparison could not be read, or its content has errors.

    Attributes:
        problems: The content problems (with path and line), when that is why.
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    def report(self) -> str:
        """The message, then every problem as ``path:line: message``, then a count."""
        if not self.problems:
            return f"evmap: {self}"
        errors = len(self.problems)
        lines = [f"evmap: {self}", *(p.format() for p in self.problems)]
        return "\n".join([*lines, summary_line(errors, 0)])


@dataclass(frozen=True)
class Side:
    """One side of a comparison, loaded and checked.

    Attributes:
        map: Its evidence map.
        settings: Its settings (for a revision: of its exported tree).
        revision: The git revision it was read from ("" for a folder).
    """

    map: EvidenceMap
    settings: Settings
    revision: str = ""


def is_folder(spec: str) -> bool:
    """Whether a side is a folder (else it names a git revision)."""
    return Path(spec).is_dir()


def load_side(spec: str, config_file: Path, workdir: Path) -> Side:
    """The map of one side: a folder holding ``mkdocs.yml``, else a git revision.

    Args:
        spec: The folder or revision.
        config_file: The project's ``mkdocs.yml`` in the working checkout; for a
            folder, the name of the file to read in it.
        workdir: An empty folder to export a revision into.

    Raises:
        DiffInputError: for an unknown revision, or content with errors.
    """
    revision = ""
    if is_folder(spec):
        root = Path(spec)
    else:
        revision = spec
        try:
            root = export_revision(spec, config_file.resolve().parent, workdir)
        except GitError as exc:
            raise DiffInputError(str(exc)) from None
    settings = load_settings(root / config_file.name)
    result = check(settings)
    errors = result.errors()
    if errors:
        raise DiffInputError(f"{spec}: the evidence map has errors", errors)
    return Side(result.map, settings, revision)


def changed_code(config_file: Path, base: str, head: str) -> tuple[str, ...]:
    """Files between two revisions that run as code (:data:`CODE_FILES`); none for folders.

    Raises:
        DiffInputError: when a revision is unknown.
    """
    if is_folder(base) or is_folder(head):
        return ()
    try:
        changed = changed_files(config_file.resolve().parent, base, head)
    except GitError as exc:
        raise DiffInputError(str(exc)) from None
    return tuple(name for name in changed if CODE_FILES.search(name))
