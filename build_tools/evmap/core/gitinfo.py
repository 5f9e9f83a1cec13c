"""Every use of git: last-changed dates, edit links, revisions read for diffs, versions,
releases, and the history of the content read for the provenance of claims.

No other module runs git. Where each page comes from in the repository gives its
edit link and its last-changed date; :func:`content_commits` and :class:`BlobReader`
give :mod:`evmap.analysis.provenance` the commits that changed claims files and the
files' versions, in one process each.

Dates come from git in **one** ``git log`` pass over the project, never one
process per page, so they scale with the number of files, not of claims. The
rule, documented in ``docs/publishing.md``:

* a file's time is the committer date of the newest commit that touched it;
* a page's "last changed" date is the newest time among the files it is made
  from (see :func:`page_inputs`), shown as a UTC ``YYYY-MM-DD`` date;
* with ``SOURCE_DATE_EPOCH`` set, no date is later than it;
* files git does not know (untracked, or no git checkout at all) have no time,
  and a page none of whose files has one shows no date.

Commit dates are part of the history, so two builds of one checkout agree.
"""

from __future__ import annotations

import enum
import functools
import io
import logging
import os
import subprocess
import tarfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from evmap.core.errors import EvmapError

__all__ = [
    "BlobReader",
    "Commit",
    "FileChange",
    "GitError",
    "HistoryState",
    "SourceHistory",
    "changed_files",
    "commit_date",
    "content_commits",
    "describe",
    "export_revision",
    "format_date",
    "git",
    "git_text",
    "head_commit",
    "history_state",
    "join_edit_url",
    "previous_release",
    "read_commit_times",
    "repository_edit_uri",
    "source_date_epoch",
]

log = logging.getLogger(__name__)

# Marks the start of a commit in the ``git log`` output; file names cannot contain it.
_COMMIT = "\x01"
# Reading never takes git's optional locks (a build must not block a commit).
_ENV = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


class GitError(EvmapError):
    """git is missing, or a git command failed (the message is git's last line)."""


def git(root: Path, *args: str) -> bytes:
    """What ``git args`` prints in ``root``.

    Raises:
        GitError: when git cannot run or the command fails.
    """
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def git_text(root: Path, *args: str) -> str:
    """What ``git args`` prints in ``root``, stripped; "" when git or the repository is missing."""
    try:
        return git(root, *args).decode("utf-8", "replace").strip()
    except GitError:
        return ""


def export_revision(revision: str, project: Path, into: Path) -> Path:
    """Write the tree of ``revision`` into ``into``; return the project folder in it.

    ``project`` is the folder of ``mkdocs.yml`` in the working checkout; the
    revision's copy of it is at the same place relative to the repository. The
    working tree is not touched (``git archive``).

    Raises:
        GitError: when ``project`` is not in a git checkout or ``revision`` is unknown.
    """
    top = Path(git(project, "rev-parse", "--show-toplevel").decode().strip())
    prefix = git(project, "rev-parse", "--show-prefix").decode().strip()
    try:
        commit = git(top, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(f"'{revision}' is neither a folder nor a git revision of {top}") from None
    archive = git(top, "archive", "--format=tar", commit.decode().strip())
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / prefix


def changed_files(project: Path, base: str, head: str) -> list[str]:
    """Files that differ between revisions ``base`` and ``head``, relative to ``project``
    (the folder of mkdocs.yml; files outside it are left out), sorted.

    Raises:
        GitError: when ``project`` is not in a git checkout or a revision is unknown.
    """
    top = Path(git(project, "rev-parse", "--show-toplevel").decode().strip())
    prefix = git(project, "rev-parse", "--show-prefix").decode().strip()
    listed = git(top, "diff", "--name-only", "-z", "--end-of-options", base, head, "--")
    names = [name for name in listed.decode("utf-8", "replace").split("\0") if name]
    return sorted(name[len(prefix) :] for name in names if name.startswith(prefix))


def describe(root: Path, release_tags: str = "*") -> str:
    """The checkout as a person reads it: the release tag on HEAD (a tag matching the glob
    ``release_tags``), else the last commit's date and short hash (``2026-11-28-7cd4b7f``),
    with ``-dirty`` when tracked files have changed; "" outside a git checkout."""
    tag = git_text(root, "describe", "--tags", "--exact-match", "--match", release_tags, "HEAD")
    if not tag:
        tag = git_text(root, "log", "-1", "--format=%cs-%h")
    if tag and git_text(root, "status", "--porcelain", "--untracked-files=no"):
        tag += "-dirty"
    return tag


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an integer, or None when unset or malformed."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None


def read_commit_times(root: Path, wanted: Collection[str]) -> dict[str, int]:
    """The newest commit time (Unix seconds) of each of ``wanted``, in one ``git log`` pass.

    Args:
        root: The project root; paths are relative to it (``/`` separators).
        wanted: The files whose times are needed; the history is read newest
            first and reading stops as soon as every one has been seen.

    Returns:
        Times of the files git knows; ``{}`` when ``root`` is not in a git
        checkout or git is missing (pages then show no date).
    """
    if not wanted:
        return {}
    missing = set(wanted)
    times: dict[str, int] = {}
    command = [
        "git",
        "-c",
        "core.quotepath=off",
        "log",
        "-z",
        f"--format={_COMMIT}%ct",
        "--name-only",
        "--no-renames",
        "--relative",
        "--",
        ".",
    ]
    try:
        process = subprocess.Popen(
            command,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_ENV,
        )
    except OSError as exc:
        log.debug("git not available (%s); pages get no last-changed date", exc)
        return {}
    assert process.stdout is not None
    current = 0
    pending = b""
    try:
        while missing:
            chunk = process.stdout.read(1 << 16)
            if not chunk:
                break
            *tokens, pending = (pending + chunk).split(b"\0")
            for raw in tokens:
                token = raw.decode("utf-8", "surrogateescape").lstrip("\n")
                if token.startswith(_COMMIT):
                    current = int(token[1:])
                elif token in missing:
                    times[token] = current
                    missing.discard(token)
    finally:
        # Stopping early (every file seen) leaves the rest of the history unread.
        process.kill()
        process.stdout.close()
        process.wait()
    return times


def head_commit(root: Path) -> str | None:
    """The commit checked out under ``root``, or None (no git, no checkout, no commit yet).

    Commit times depend only on the history, which changes only with HEAD, so a
    long-lived process (``mkdocs serve``) reads the times again only when HEAD moves.
    """
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            env=_ENV,
        )
    except OSError:
        return None
    head = done.stdout.strip()
    return head if done.returncode == 0 and head else None


@functools.lru_cache(maxsize=4096)  # a history names a few hundred commits, many times over
def format_date(timestamp: int, epoch: int | None = None) -> str:
    """``timestamp`` as a UTC ``YYYY-MM-DD`` date, never later than ``epoch`` when given."""
    if epoch is not None:
        timestamp = min(timestamp, epoch)
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def join_edit_url(repo_url: str, edit_uri: str, path: str) -> str:
    """``repo_url`` + ``edit_uri`` + ``path`` with exactly one ``/`` between the parts."""
    parts = [repo_url.rstrip("/"), edit_uri.strip("/"), path.lstrip("/")]
    return "/".join(part for part in parts if part)


def repository_edit_uri(docs_edit_uri: str | None, docs_dir: str) -> str | None:
    """The edit URI of the project root, derived from MkDocs' ``edit_uri`` for ``docs/``.

    MkDocs' ``edit_uri`` (e.g. ``edit/main/docs/``) points at the docs folder;
    the generated pages come from ``content/`` and ``references.bib`` beside it,
    so the docs folder is taken off the end. None when it does not end with it.
    """
    if not docs_edit_uri or "?" in docs_edit_uri or "#" in docs_edit_uri:
        return None
    trimmed = docs_edit_uri.strip("/")
    docs = docs_dir.strip("/")
    if trimmed == docs:
        return ""
    if docs and trimmed.endswith("/" + docs):
        return trimmed.removesuffix(docs)
    return None


@dataclass(frozen=True)
class SourceHistory:
    """Edit links and last-changed dates of a project's pages.

    Attributes:
        times: Newest commit time of each known file (project-relative path).
        repo_url: The repository's web address (MkDocs ``repo_url``), or None.
        edit_uri: Path from ``repo_url`` to the project root in edit mode,
            e.g. ``edit/main/``; None disables edit links of generated pages.
        epoch: ``SOURCE_DATE_EPOCH``; no date is later than it.
    """

    times: Mapping[str, int] = field(default_factory=dict)
    repo_url: str | None = None
    edit_uri: str | None = None
    epoch: int | None = None

    @classmethod
    def read(
        cls,
        root: Path,
        files: Collection[str],
        repo_url: str | None = None,
        edit_uri: str | None = None,
    ) -> SourceHistory:
        """Read the commit times of ``files`` under ``root`` (one ``git log``)."""
        return cls(read_commit_times(root, files), repo_url, edit_uri, source_date_epoch())

    def date(self, paths: Iterable[str]) -> str | None:
        """The last-changed date of a page made from ``paths``, or None when none is known."""
        known = [self.times[p] for p in paths if p in self.times]
        return format_date(max(known), self.epoch) if known else None

    def edit_url(self, path: str) -> str | None:
        """The web address to edit ``path`` (project-relative), or None."""
        if not self.repo_url or self.edit_uri is None or not path:
            return None
        return join_edit_url(self.repo_url, self.edit_uri, path)


def commit_date(root: Path, revision: str = "HEAD") -> str:
    """The committer date of ``revision`` as ``YYYY-MM-DD`` (UTC), never later than
    ``SOURCE_DATE_EPOCH``; "" outside git."""
    stamp = git_text(root, "log", "-1", "--format=%ct", "--end-of-options", revision)
    return format_date(int(stamp), source_date_epoch()) if stamp.isdigit() else ""


def previous_release(root: Path, revision: str, release_tags: str) -> str:
    """The newest release tag (matching the glob ``release_tags``) before ``revision``:
    reachable from its parent, so a release tag on ``revision`` itself is skipped; ""
    when there is none (the first release).

    Raises:
        GitError: when ``revision`` is unknown or ``root`` is not in a git checkout.
    """
    git(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
    has_parent = git_text(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}^")
    if not has_parent:
        return ""
    return git_text(
        root, "describe", "--tags", "--abbrev=0", "--match", release_tags, f"{revision}^"
    )


class HistoryState(enum.StrEnum):
    """Whether the history of a project can be read; the values read after "history"."""

    READ = "read"
    NOT_GIT = "unavailable (not a git repository)"
    NO_GIT = "unavailable (git is not installed)"
    NO_COMMITS = "unavailable (no commits yet)"
    SHALLOW = "unavailable (shallow clone)"


def history_state(root: Path) -> tuple[HistoryState, str]:
    """Whether the whole history of the checkout holding ``root`` can be read, and the
    commit checked out ("" when there is none).

    A shallow clone (``actions/checkout`` without ``fetch-depth: 0``) holds only the
    last commits: read as history, its oldest commit would seem to add every claim.
    """
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository", "--verify", "--quiet", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            env=_ENV,
        )
    except OSError:
        return HistoryState.NO_GIT, ""
    if done.returncode != 0:
        inside = git_text(root, "rev-parse", "--is-inside-work-tree")
        return (HistoryState.NO_COMMITS if inside == "true" else HistoryState.NOT_GIT), ""
    shallow, head = [*done.stdout.split(), "", ""][:2]
    return (HistoryState.SHALLOW if shallow == "true" else HistoryState.READ), head


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file a commit changed: its path and its contents before and after (blob ids).

    Attributes:
        path: Relative to the folder the history was read for, with ``/``.
        old: The blob before (None: the commit added the file).
        new: The blob after (None: the commit deleted the file).
    """

    path: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that changed content: who, when, why, and the files it changed.

    Attributes:
        sha: The commit id.
        time: The author's time (Unix seconds): when the curator made the change.
        author: The author's name.
        email: The author's e-mail.
        subject: The first line of the commit message.
        files: The files it changed, in path order.
    """

    sha: str
    time: int
    author: str
    email: str
    subject: str
    files: tuple[FileChange, ...]


_NO_BLOB = "0" * 40


def content_commits(root: Path, folder: str, revision: str = "HEAD") -> list[Commit]:
    """Every commit before ``revision`` that changed files under ``folder``, oldest first.

    One ``git log`` in topological order, parents before children, with each commit's
    own changes (merges contribute none: their changes are their parents' commits).
    Paths are relative to ``root``; renames are a deletion and an addition.

    Raises:
        GitError: when git fails (an unknown revision).
    """
    output = git(
        root,
        "-c",
        "core.quotepath=off",
        "log",
        "--reverse",
        "--topo-order",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "-z",
        f"--format={_COMMIT}%H%x00%at%x00%an%x00%ae%x00%s",
        "--relative",
        "--end-of-options",
        revision,
        "--",
        folder,
    )
    tokens = output.split(b"\0")
    commits: list[Commit] = []
    i = 0

    def text(raw: bytes) -> str:
        return raw.decode("utf-8", "replace")

    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if not token.startswith(_COMMIT.encode()):
            i += 1
            continue
        sha = text(token[1:])
        time, author, email, subject = (text(t) for t in tokens[i + 1 : i + 5])
        i += 5
        files: list[FileChange] = []
        while i + 1 < len(tokens) and tokens[i].lstrip(b"\n").startswith(b":"):
            meta = text(tokens[i].lstrip(b"\n")).split()
            old, new = meta[2], meta[3]
            files.append(
                FileChange(
                    text(tokens[i + 1]),
                    None if old == _NO_BLOB else old,
                    None if new == _NO_BLOB else new,
                )
            )
            i += 2
        commits.append(
            Commit(sha, int(time or 0), author, email, subject, tuple(sorted(files, key=_path)))
        )
    return commits


def _path(change: FileChange) -> str:
    return change.path


class BlobReader:
    """File versions read one by one from one ``git cat-file --batch`` process, so that a
    long history is never held in memory at once.

    Use as a context manager; :meth:`read` takes a blob id, or ``<revision>:./<path>`` for
    a file of a revision, relative to ``root``.

    Raises:
        GitError: when git cannot run.
    """

    def __init__(self, root: Path) -> None:
        try:
            self.process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_ENV,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str) -> bytes | None:
        """The contents of ``name``; None when git does not have it."""
        stdin, stdout = self.process.stdin, self.process.stdout
        if "\n" in name or stdin is None or stdout is None:
            return None
        try:
            stdin.write(f"{name}\n".encode())
            stdin.flush()
            header = stdout.readline().split()
            if len(header) != 3 or not header[2].isdigit():  # "<name> missing", "ambiguous"
                return None
            data = stdout.read(int(header[2]))
            stdout.read(1)  # the newline after each object
        except OSError as exc:
            raise GitError(f"git cat-file failed: {exc}") from None
        return data

    def close(self) -> None:
        """End the git process."""
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.process.wait()
