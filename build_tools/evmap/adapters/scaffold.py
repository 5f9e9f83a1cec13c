"""``evmap new``: a new evidence-map project that builds at once.

The project holds one example of each kind of entry (a compound, a pathway, a claim
with two first-hand evidence items and their references), a hand-written page citing
the library, ``mkdocs.yml`` with the evmap plugin and Material, ``requirements.txt``,
a ``.gitignore`` and a GitHub workflow that checks pull requests and publishes ``main``.
Templates are evmap's own unless ``--templates`` copies them into ``templates/`` to be
edited (each file there overrides evmap's of the same name).
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from evmap import __version__
from evmap.core.config import PACKAGE_TEMPLATES
from evmap.core.errors import EvmapError

__all__ = ["SCAFFOLD", "ScaffoldFailed", "new_project"]

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
"""The files of a new project (package data; dotfiles are stored without their dot)."""
# Package data cannot hold dotfiles reliably: stored under these names, written as these.
RENAMED = {"gitignore": ".gitignore", "github": ".github"}


class ScaffoldFailed(EvmapError):
    """The project folder cannot be written (it holds files already, or is not writable)."""


@dataclass(frozen=True)
class NewProject:
    """What :func:`new_project` wrote."""

    root: Path
    files: tuple[str, ...]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "evidence-map"


def new_project(folder: Path, name: str | None = None, templates: bool = False) -> NewProject:
    """Write a new project into ``folder`` (created; it must be empty if it exists).

    Args:
        folder: Where the project goes.
        name: The site's name (default: from the folder's name, "Demo evidence map").
        templates: Also copy evmap's templates into ``templates/``, to be edited.

    Raises:
        ScaffoldFailed: when ``folder`` is a file or holds anything, or cannot be written.
    """
    if name is not None and (
        not name.strip()
        or len(name) > 200
        or any(unicodedata.category(c).startswith(("C", "Z")) and c != " " for c in name)
    ):
        raise ScaffoldFailed(
            f"evmap: --name {json.dumps(name)} is not a site name; give one line of at most "
            "200 characters, without control characters"
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldFailed(
            f"evmap: {folder} already exists and is not an empty folder; give a new folder's name"
        )
    site_name = (
        name
        or f"{folder.resolve().name.replace('-', ' ').replace('_', ' ').capitalize()} evidence map"
    )
    # A JSON string is a YAML double-quoted scalar: any name is one value of mkdocs.yml
    # (a colon or a '#' in it would otherwise end or split it).
    values = {
        "{site_name}": json.dumps(site_name, ensure_ascii=False),
        "{slug}": _slug(site_name),
        "{version}": __version__,
    }
    written: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for source in sorted(p for p in SCAFFOLD.rglob("*") if p.is_file()):
            parts = list(source.relative_to(SCAFFOLD).parts)
            parts[0] = RENAMED.get(parts[0], parts[0])
            target = folder.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text("utf-8")
            if source.name in ("mkdocs.yml", "requirements.txt"):
                for key, value in values.items():
                    text = text.replace(key, value)
            target.write_text(text, "utf-8")
            written.append("/".join(parts))
        if templates:
            shutil.copytree(PACKAGE_TEMPLATES, folder / "templates")
            written.extend(
                f"templates/{p.relative_to(PACKAGE_TEMPLATES).as_posix()}"
                for p in sorted(PACKAGE_TEMPLATES.rglob("*"))
                if p.is_file()
            )
    except OSError as exc:
        raise ScaffoldFailed(
            f"evmap: cannot write the new project at {folder}: {exc.strerror} "
            f"({exc.filename or folder})"
        ) from None
    return NewProject(folder, tuple(sorted(written)))
