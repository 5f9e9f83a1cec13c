"""Which files a project may be read from: inside the project, regular, readable.

evmap reads content, the library, the citation style and hand-written pages only
from inside the project (the folder of ``mkdocs.yml``). A pull request is untrusted
input: a symbolic link in it could point at ``/etc/passwd`` or at a file of another
project, whose text would then appear in error messages (public CI logs) or on the
published site. The policy:

* a symbolic link is followed only when what it leads to lies inside the project;
  a link leading outside is refused with an error naming the link (never its target
  or any of its text);
* a link to nothing (dangling), and anything that is not a regular file or folder
  (a device, a pipe, a socket), is reported, not skipped in silence;
* a folder that cannot be listed is reported once, as the cause of what follows
  from it, instead of looking empty.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from evmap.core.problems import Check, Problem

__all__ = ["THEME_FOLDER", "Scan", "check_file", "scan_folder", "scan_templates"]


OUTSIDE = (
    "is a symbolic link leading outside the project, which evmap does not read; "
    "copy the file into the project instead"
)


THROUGH = (
    "is reached through a symbolic link leading outside the project, which evmap does not "
    "read; copy the files into the project instead"
)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` (a file or folder named in the project) may not be read, or None."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None  # the caller says what is missing, in its own words
    except OSError as exc:
        return f"cannot be examined: {exc.strerror}"
    if stat.S_ISLNK(mode):
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return "is a symbolic link to nothing (what it names does not exist); fix or delete it"
        except (OSError, RuntimeError):  # a loop of links
            return "is a symbolic link that cannot be followed (a loop); fix or delete it"
        if not _inside(target, root):
            return OUTSIDE
        mode = os.stat(target).st_mode
    elif not _inside(path.resolve(), root):  # a linked parent folder
        return THROUGH
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "is not a regular file (a device, pipe or socket); evmap reads only files"
    return None


def check_file(
    path: Path, root: Path, relative: Callable[[Path], str], check: Check
) -> Problem | None:
    """A problem when a configured input (a library file, a style) may not be read."""
    why = _refusal(path, root.resolve())
    return None if why is None else Problem(relative(path), 0, why, check)


@dataclass
class Scan:
    """The files a folder yields, and what could not be read on the way."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False  # some folder could not be listed: the files are incomplete


def scan_folder(
    folder: Path,
    root: Path,
    suffixes: Collection[str] | None,
    relative: Callable[[Path], str],
    check: Check,
    recursive: bool = True,
) -> Scan:
    """Files under ``folder`` whose suffix is one of ``suffixes`` (None: every file), in a
    stable order (name order, folder by folder); ``recursive=False`` stays in ``folder``.

    Follows the policy of this module: links leading outside ``root``, dangling
    links and special files with one of ``suffixes`` (or leading to folders) become
    problems of kind ``check``; a folder that cannot be listed is one problem.
    """
    root = root.resolve()
    scan = Scan()
    seen: set[Path] = set()

    def visit(directory: Path) -> None:
        real = directory.resolve()
        if real in seen:  # a link back up the tree
            return
        seen.add(real)
        if not _inside(real, root):  # reached through a linked parent folder
            scan.problems.append(Problem(relative(directory), 0, THROUGH, check))
            return
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            scan.unreadable = True
            scan.problems.append(
                Problem(
                    relative(directory),
                    0,
                    f"cannot read this folder: {exc.strerror}; make it readable "
                    "(its files are missing from this check)",
                    check,
                )
            )
            return
        for entry in entries:
            path = Path(entry.path)
            wanted = suffixes is None or path.suffix in suffixes
            is_dir, skip, why = _examine(entry, path, root, wanted)
            if why is not None:
                scan.problems.append(Problem(relative(path), 0, why, check))
            if skip:
                continue
            if is_dir:
                if recursive:
                    visit(path)
            elif wanted:
                scan.files.append(path)

    if folder.is_dir():
        why = _refusal(folder, root)
        if why is not None:
            scan.problems.append(Problem(relative(folder), 0, why, check))
        else:
            visit(folder)
    return scan


def _examine(
    entry: os.DirEntry[str], path: Path, root: Path, wanted: bool
) -> tuple[bool, bool, str | None]:
    """Whether a folder entry is a folder, whether to pass it by, and its problem if any.

    A link leading outside ``root`` (or dangling) is passed by, and a problem when it
    has a wanted suffix or leads to a folder; a wanted special file is a problem.
    """
    try:
        is_link = entry.is_symlink()
        is_dir = entry.is_dir()
        regular = entry.is_file(follow_symlinks=False)
    except OSError:
        is_link, is_dir, regular = False, False, False
    if is_link:
        why = _refusal(path, root)
        if why is None:
            return is_dir, False, None
        return is_dir, True, why if wanted or _points_to_folder(path) else None
    if wanted and not is_dir and not regular:
        return is_dir, True, _refusal(path, root) or "cannot be examined"
    return is_dir, False, None


def _points_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


THEME_FOLDER = "theme"
"""The folder of a templates folder whose files override the theme's own templates."""


def scan_templates(
    folder: Path, root: Path, relative: Callable[[Path], str], sandboxed: bool, own: Path
) -> list[Problem]:
    """What may not be used of a project's templates folder.

    Templates are code: their files follow the policy of this module (a link leading
    outside the project is refused, its target never named). Page templates render in
    a sandbox unless the lab trusts its templates; theme overrides (``theme/``) render
    in the builder's own environment, which has none, so while the sandbox is on they
    are refused, naming the option that allows them after review, unless a file is an
    unchanged copy of evmap's own (``own``, its templates folder).
    """
    scan = scan_folder(folder, root, None, relative, Check.FILE_ACCESS)
    problems = list(scan.problems)
    theme = folder / THEME_FOLDER

    def copied(path: Path) -> bool:
        original = own / path.relative_to(folder)
        try:
            return original.is_file() and original.read_bytes() == path.read_bytes()
        except OSError:
            return False

    if sandboxed:
        problems.extend(
            Problem(
                relative(path),
                0,
                "overrides a theme template, which the builder renders without evmap's "
                "sandbox (templates are code: a theme template can run any command); review "
                "it, then set 'trust_templates: true' in the evmap plugin options, or remove it",
                Check.UNTRUSTED_TEMPLATE,
            )
            for path in scan.files
            if theme in path.parents and not copied(path)
        )
    return problems
