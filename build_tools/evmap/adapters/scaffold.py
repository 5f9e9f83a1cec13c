"""``evmap new``: a new evidence-map project that builds at once.

The project holds one example of each kind of entry (a compound, a pathway, a claim
with two first-hand evidence items and their references), a hand-written page citing
the library, ``mkdocs.yml`` with the evmap plugin and Material, ``requirements.txt``,
a ``.gitignore`` and a GitHub workflow that checks pull requests and publishes ``main``.
Templates are evmap's own unless ``--templates`` copies them into ``templates/`` to be
edited (each file there overrides evmap's of the same name).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from evmap import __version__
from evmap.core.config import PACKAGE_TEMPLATES
from evmap.core.errors import EvmapError
from evmap.core.schema import KINDS, PROJECT_SCHEMAS, load_schema, schema_text

__all__ = ["SCAFFOLD", "ScaffoldFailed", "install_requirement", "new_project", "write_schemas"]

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
"""The files of a new project (package data; dotfiles are stored without their dot)."""
# Package data cannot hold dotfiles reliably: stored under these names, written as these.
RENAMED = {"gitignore": ".gitignore", "github": ".github", "vscode": ".vscode"}


def install_requirement() -> tuple[str, str]:
    """The requirement line that installs the evmap running now, and a comment on it.

    Read from the installed distribution's own record (PEP 610 ``direct_url.json``):
    a git checkout gives its URL and commit; an archive or wheel its URL; a folder its
    path (which only this machine has: the comment says to replace it); an install from
    a package index the exact version.
    """
    try:
        distribution = importlib.metadata.distribution("evmap")
        version = distribution.version
        direct = distribution.read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - evmap runs from it
        return f"evmap=={__version__}", "evmap's version (its installation record was not found)"
    if not direct:
        return f"evmap=={version}", "the version this project was made with, from a package index"
    try:
        info = json.loads(direct)
        url = str(info["url"])
    except (ValueError, KeyError, TypeError):
        return f"evmap=={version}", "the version this project was made with"
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id") and vcs.get("vcs"):
        return (
            f"evmap @ {vcs['vcs']}+{url}@{vcs['commit_id']}",
            "the commit of evmap this project was made with",
        )
    if url.startswith("file:"):
        return (
            f"evmap @ {url}",
            "evmap was installed from a file or folder of the machine that made this project: "
            "replace this line with where your CI can get that evmap (a git URL and commit, "
            "or your package index)",
        )
    return f"evmap @ {url}", "the archive of evmap this project was made with"


class ScaffoldFailed(EvmapError):
    """The project folder cannot be written (it holds files already, or is not writable)."""


@dataclass(frozen=True)
class NewProject:
    """What :func:`new_project` wrote."""

    root: Path
    files: tuple[str, ...]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "evidence-map"


def write_schemas(folder: Path, root: Path) -> list[str]:
    """Write the installed evmap's schemas into ``folder``, for editors; return the files
    written, relative to ``root``. Only files that are absent or evmap's own are replaced.

    Raises:
        ScaffoldFailed: when ``folder`` holds a file of that name that is not evmap's schema.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        target = folder / f"{kind}.schema.json"
        if target.exists() or target.is_symlink():
            try:
                ours = json.loads(target.read_text("utf-8")).get("$id") == load_schema(kind)["$id"]
            except (OSError, ValueError, AttributeError):
                ours = False
            if not ours or target.is_symlink():
                raise ScaffoldFailed(
                    f"evmap: {target} exists and is not a copy of evmap's {kind} schema; move "
                    "it away (evmap keeps its schemas there for editors)"
                )
        target.write_text(schema_text(kind), "utf-8")
        written.append(target.relative_to(root).as_posix())
    return written


def _empty(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but a version-control folder (``git init`` first)."""
    return all(entry.name in (".git", ".hg") for entry in folder.iterdir())


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
    if folder.exists() and (not folder.is_dir() or not _empty(folder)):
        raise ScaffoldFailed(
            f"evmap: {folder} already exists and is not an empty folder; give a new folder's name"
        )
    here = Path.cwd()
    if (
        not folder.is_absolute()
        and folder.parts == (here.name,)
        and _empty(here)
        and not folder.exists()
    ):
        raise ScaffoldFailed(
            f"evmap: you are in an empty folder named {here.name} already, so this would make "
            f"{here.name}/{here.name}; run 'evmap new .' to make the project here, or give "
            f"another name, e.g. evmap new ./{here.name}-map"
        )
    site_name = (
        name
        or f"{folder.resolve().name.replace('-', ' ').replace('_', ' ').capitalize()} evidence map"
    )
    # A JSON string is a YAML double-quoted scalar: any name is one value of mkdocs.yml
    # (a colon or a '#' in it would otherwise end or split it).
    requirement, why = install_requirement()
    values = {
        "{site_name}": json.dumps(site_name, ensure_ascii=False),
        "{slug}": _slug(site_name),
        "{requirement}": requirement,
        "{requirement_why}": why,
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
        written.extend(write_schemas(folder / PROJECT_SCHEMAS, folder))
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
