"""Where evmap may write, and how it puts what it wrote in place.

Every command that writes a folder or a file (``evmap build``, ``evmap bundle``,
``evmap generate``, ``evmap serve``) and the builder plugin go through this
module:

* :func:`check_target` decides whether a path may receive output: never the
  project, anything holding it, a folder of its sources (content, docs,
  templates, the library, build_tools, .git), the home folder or a file-system
  root, an existing file, or a non-empty folder that evmap did not make;
* :func:`mark` writes evmap's marker into everything it makes, and
  :func:`is_ours` recognises it (a folder is replaced, and a staging folder
  cleaned up, only when it carries the marker);
* :func:`output_lock` lets one command at a time write a target, portably
  (a lock file beside it, through filelock; no POSIX-only module);
* :func:`staging_folder`, :func:`remove_stale` and :func:`swap_in` build beside
  the target and swap the result in with two renames.

Nothing here imports a builder: ``evmap generate`` runs where only Zensical is
installed.
"""

from __future__ import annotations

import contextlib
import enum
import glob
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from evmap.core.config import Settings
from evmap.core.errors import EvmapError

__all__ = [
    "LEGACY_SIGNATURES",
    "MARKER",
    "ZIP_COMMENT",
    "Made",
    "OutputRefused",
    "Swapped",
    "check_file_target",
    "check_target",
    "is_ours",
    "mark",
    "output_lock",
    "remove_stale",
    "source_folders",
    "staging_folder",
    "swap_in",
    "zip_is_ours",
]

MARKER = ".evmap-output"
"""The file evmap writes into every folder it makes (a site, a bundle's or a generated
docs folder, a staging folder): only a folder holding it is ever replaced or removed."""

LEGACY_SIGNATURES = (".evmap-generated", "assets/evmap.css")
"""What folders made by earlier versions of evmap hold instead of the marker: a folder of
``evmap generate``, a site built with the evmap plugin. Either one is taken for the marker."""

ZIP_COMMENT = b"evmap offline bundle"
"""The comment of every bundle evmap zips: an existing zip is replaced only when it has it."""

# The suffix tempfile.mkdtemp gives a staging or old folder (8 characters).
_STALE = re.compile(r"(?:old-)?[a-z0-9_]{8}")


class OutputRefused(EvmapError):
    """A place evmap must not write: the message names it and the rule it breaks."""


class Made(enum.StrEnum):
    """What a folder marked by evmap holds; the marker file says it in words."""

    SITE = "a site built by evmap"
    GENERATED = "the docs folder written by evmap generate"
    BUNDLE = "a folder of evmap's offline bundles"
    STAGING = "a staging folder of evmap, left by a build that did not finish"


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it."""
    return path == folder or folder in path.parents


def source_folders(settings: Settings) -> dict[str, Path]:
    """The project's sources by what a reader calls them, resolved.

    The content, hand-written pages, templates and library as configured, and
    ``build_tools`` and ``.git`` beside mkdocs.yml (the lab's code and history).
    """
    root = settings.root
    found: dict[str, Path] = {
        "the content folder": settings.content_dir,
        "the templates folder": settings.templates_dir,
        "the code folder build_tools": root / "build_tools",
        "the git folder .git": root / ".git",
    }
    if settings.docs_dir is not None:
        found["the docs folder"] = settings.docs_dir
    for path in settings.bibtex_paths or (settings.bibtex_file,):
        found[f"the library {settings.relative(path)}"] = path
    if settings.csl is not None:
        found[f"the citation style {settings.relative(settings.csl)}"] = settings.csl
    return {what: path.resolve() for what, path in found.items()}


def _home() -> Path | None:
    home = os.environ.get("HOME") or os.environ.get("USERPROFILE")
    return Path(home).resolve() if home else None


def _refusal(target: Path, settings: Settings, also: dict[str, Path]) -> str | None:
    """Why ``target`` (resolved) may not receive output, or None when it may."""
    if target == Path(target.anchor):
        return "it is the root of the file system"
    home = _home()
    if home is not None and _inside(home, target):
        return "it is your home folder" if target == home else f"it holds your home folder ({home})"
    root = settings.root.resolve()
    if target == root:
        return "it is the project folder (the folder of mkdocs.yml)"
    if _inside(root, target):
        return f"it holds the project folder ({root})"
    for what, folder in {**source_folders(settings), **also}.items():
        if _inside(target, folder):
            return f"it is {what}" if target == folder else f"it lies inside {what} ({folder})"
        if _inside(folder, target):
            return f"it holds {what} ({folder})"
    return None


def check_target(
    target: Path,
    settings: Settings,
    *,
    what: str,
    fix: str,
    replace: bool = True,
    also: dict[str, Path] | None = None,
) -> Path:
    """Refuse a folder that evmap must not write; return it resolved.

    Args:
        target: The folder to receive output (links are followed: a link to the
            content folder is the content folder).
        settings: The project.
        what: What is written there, for the message ("the site").
        fix: How to choose another place, for the message ("pass -d site").
        replace: Whether the folder is replaced whole (a site, a generated folder):
            then an existing non-empty folder must carry evmap's marker. False for a
            folder that only receives new files (the bundle's zip folder).
        also: Further places that are never output, by what a reader calls them.

    Raises:
        OutputRefused: naming the folder and the rule it breaks, in one line.
    """
    resolved = target.resolve()
    why = _refusal(resolved, settings, also or {})
    if why is None and resolved.exists() and not resolved.is_dir():
        why = "it is a file, not a folder"
    if (
        why is None
        and replace
        and resolved.is_dir()
        and any(resolved.iterdir())
        and not is_ours(resolved)
    ):
        why = (
            f"the folder is not empty and evmap did not make it (it has no {MARKER} file); "
            "move it away or empty it"
        )
    if why is not None:
        raise OutputRefused(f"evmap: refusing to write {what} into {target}: {why}; {fix}")
    return resolved


def check_file_target(target: Path, settings: Settings, *, what: str, fix: str) -> Path:
    """Refuse a file path that evmap must not write (a zip, a derived configuration):
    its folder must be a place for output, and the path must not be a folder."""
    resolved = target.resolve()
    why = _refusal(resolved.parent, settings, {}) if resolved.parent != settings.root else None
    if why is None and _inside(resolved, settings.root.resolve()):
        sources = source_folders(settings)
        why = next(
            (f"it lies inside {w} ({f})" for w, f in sources.items() if _inside(resolved, f)), None
        )
    if why is None and resolved.is_dir():
        why = "it is a folder"
    if why is not None:
        raise OutputRefused(f"evmap: refusing to write {what} at {target}: {why}; {fix}")
    return resolved


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` was made by evmap: it holds the marker (or, made by an earlier
    version, one of :data:`LEGACY_SIGNATURES`). A link is never ours."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return any((folder / name).is_file() for name in (MARKER, *LEGACY_SIGNATURES))


def mark(folder: Path, made: Made) -> None:
    """Write evmap's marker into ``folder``, saying what it holds (only when it says
    something else: a served site is written again only where its bytes change)."""
    text = (
        f"This folder is {made.value}. evmap replaces it whole when it writes it again; "
        "do not keep your own files here.\n"
    )
    marker = folder / MARKER
    try:
        if marker.read_text("utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    marker.write_text(text, "utf-8")


def zip_is_ours(path: Path) -> bool:
    """Whether the file at ``path`` is a bundle evmap zipped: its comment says so, or (made
    by an earlier version) all of it is one folder whose README.txt names evmap."""
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.comment == ZIP_COMMENT:
                return True
            folders = {name.split("/", 1)[0] for name in archive.namelist()}
            if len(folders) != 1:
                return False
            readme = f"{folders.pop()}/README.txt"
            if readme not in archive.namelist() or archive.getinfo(readme).file_size > 65536:
                return False
            return b"Made with evmap" in archive.read(readme)
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


@contextlib.contextmanager
def output_lock(target: Path, busy: str) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``target`` while writing it, or fail at once.

    The lock file is removed while still held, so nothing is left beside the
    target: a command that opened it meanwhile finds, once it holds the lock,
    that the file is gone, and tries again (filelock checks this).

    Args:
        target: The folder (or file) to write.
        busy: The message when another command holds the lock; ``{target}`` and
            ``{lock}`` are filled in.

    Raises:
        OutputRefused: when another command is writing ``target``.
    """
    path = target.with_name(f".{target.name}.lock")
    lock = FileLock(str(path), timeout=1, is_singleton=False)
    try:
        lock.acquire()
    except Timeout:
        raise OutputRefused(busy.format(target=target, lock=path)) from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # Windows cannot; filelock removes it there
            path.unlink(missing_ok=True)
        lock.release()


def staging_folder(target: Path) -> Path:
    """A new marked folder beside ``target`` (on its file system, so that it can be
    renamed into place), ``.<name>-XXXXXXXX``."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    mark(staging, Made.STAGING)
    return staging


def remove_stale(target: Path) -> list[Path]:
    """Remove what an interrupted command left beside ``target``; return what it removed.

    Only staging and old folders (``.<name>-XXXXXXXX``, ``.<name>-old-XXXXXXXX``)
    that carry evmap's marker, or are empty (a command killed between making its
    staging folder and marking it): a folder of the user's that happens to match the
    name is left alone. Called with the target's lock held, so none is in use.
    """
    prefix = f".{target.name}-"
    removed = []
    for path in sorted(target.parent.glob(f"{glob.escape(prefix)}*")):
        if not _STALE.fullmatch(path.name[len(prefix) :]) or path.is_symlink():
            continue
        if is_ours(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.is_dir():
            with contextlib.suppress(OSError):  # not empty: not ours to remove
                path.rmdir()
                removed.append(path)
    return removed


@dataclass(frozen=True)
class Swapped:
    """The outcome of :func:`swap_in`.

    Attributes:
        target: Where the new folder now is.
        leftover: The old folder, when it could not be removed (a later command
            removes it; None when it was).
    """

    target: Path
    leftover: Path | None = None


def swap_in(staging: Path, target: Path) -> Swapped:
    """Replace ``target`` by ``staging`` with two renames; the old folder is removed last.

    ``target`` must have passed :func:`check_target`. When the second rename fails,
    the old folder is put back before the error is raised.
    """
    staging.chmod(0o755)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is None:
        return Swapped(target)
    shutil.rmtree(old, ignore_errors=True)
    return Swapped(target, old if old.exists() else None)
