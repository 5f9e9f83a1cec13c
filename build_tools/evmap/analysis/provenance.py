"""Provenance of claims from git: when each claim and evidence item was added and last
changed, by whom, and every change since, read from the repository's history once per build.

How it is read, in two git processes whatever the size of the map:

1. one ``git log`` over the claims folder lists, oldest first, each commit that changed
   a claims file, with the file's contents before and after (blob ids);
2. one ``git cat-file --batch`` reads those contents, one version at a time (a long
   history is never held in memory), and the files as last committed.

Each version of a file is cut into its claims as text (a list file at each top-level
``-``), and a claim is known by its ``id:`` line, so only the claims whose text a
commit changed are parsed, by the same loader as the site (without the schema check:
each version was checked in its time), and compared by the same
engine as ``evmap diff`` (:func:`evmap.analysis.compare.claim_changes`): an edit to a
comment, or a reordering, is not a change; a claim renamed with ``former_ids`` keeps its
history; a claim moved to another file is said to have moved. Evidence items are
followed through each change as the diff pairs them (:func:`pair_evidence`).

Commits are read in topological order, and each with its own changes: a merge adds
nothing of its own (its changes are its parents' commits), so a change is credited to
the curator who made it, not to whoever merged it. What is in the working tree but
not committed is said to be so.

Without the whole history there is no provenance, and the build says why: not a git
repository, git not installed, no commits yet, or a shallow clone (whose oldest commit
would seem to add every claim).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from evmap.analysis.changes import Change, ChangeKind, Entity
from evmap.analysis.claimdiff import claim_changes, pair_evidence
from evmap.core.config import Curator
from evmap.core.gitinfo import (
    BlobReader,
    Commit,
    GitError,
    HistoryState,
    content_commits,
    format_date,
    git,
    history_state,
)
from evmap.core.load import read_claims
from evmap.core.model import Claim, EvidenceMap

__all__ = [
    "ClaimProvenance",
    "HistoryEntry",
    "ItemProvenance",
    "Provenance",
    "Stamp",
    "read_provenance",
    "split_claims",
]


@dataclass(frozen=True, slots=True)
class Stamp:
    """A commit as provenance names it: when, by whom, which commit.

    Attributes:
        commit: The commit id.
        time: When the author made it (Unix seconds).
        author: The author's name (the ``curators`` option's, when it knows the e-mail).
        orcid: The author's ORCID iD, when the ``curators`` option gives one.
        subject: The first line of the commit message.
    """

    commit: str
    time: int
    author: str
    orcid: str = ""
    subject: str = ""

    def date(self, epoch: int | None = None) -> str:
        """The day, ``YYYY-MM-DD`` (UTC), never later than ``epoch``."""
        return format_date(self.time, epoch)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One commit's change to a claim.

    Attributes:
        stamp: The commit.
        changes: What it changed, as ``evmap diff`` describes it (a claim added, renamed
            or moved; every field changed).
    """

    stamp: Stamp
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ItemProvenance:
    """When an evidence item was added and last changed (None: not committed yet)."""

    added: Stamp | None
    changed: Stamp | None


@dataclass(frozen=True, slots=True)
class ClaimProvenance:
    """When a claim was added and last changed, by whom, and every change since.

    Attributes:
        added: The commit that added it (under this id or a former one); None when it is
            not committed yet.
        changed: The last commit that changed it (its adding commit if none since).
        items: Each evidence item's, in the order written.
        history: Every commit that changed it, oldest first.
        uncommitted: The working tree holds changes to it that are not committed.
        authors: Everyone who added or changed it, in order of first change.
    """

    added: Stamp | None
    changed: Stamp | None
    items: tuple[ItemProvenance, ...]
    history: tuple[HistoryEntry, ...] = ()
    uncommitted: bool = False
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """The provenance of every claim of a map, or why there is none.

    Attributes:
        state: Whether the history could be read.
        claims: Each claim's provenance, by id (empty when the history is unavailable).
        head: The commit the history was read up to ("" when it was not read).
        walk: The walk through the history (kept for ``reuse``).
    """

    state: HistoryState
    claims: Mapping[str, ClaimProvenance] = field(default_factory=dict)
    head: str = ""
    walk: object = field(default=None, compare=False, repr=False)

    @property
    def available(self) -> bool:
        """Whether the history was read."""
        return self.state is HistoryState.READ

    def message(self) -> str:
        """``history unavailable (shallow clone)``, or "" when it was read."""
        return "" if self.available else f"history {self.state.value}"


# A claim of a list file starts at a top-level "-"; comments and blank lines after it
# belong to no claim (editing them changes nothing).
_ITEM_START = re.compile(rb"^-(?=[ \t\r\n]|$)", re.M)
_ID_LINE = re.compile(
    rb"^(?:-[ \t]+|[ \t]*)id:[ \t]*['\"]?([a-z0-9]+(?:-[a-z0-9]+)*)['\"]?[ \t]*(?:#[^\n]*)?\r?$",
    re.M,
)


def _trimmed(text: bytes) -> bytes:
    """``text`` without the blank lines and column-0 comments that end it."""
    end = len(text)
    while True:
        text = text[:end].rstrip()
        start = text.rfind(b"\n") + 1
        if not text.startswith(b"#", start):
            return text
        end = start


def split_claims(data: bytes) -> list[tuple[str | None, bytes]]:
    """The claims of a claims file as text, each with its id (None when no ``id:`` line
    shows it: the caller parses that text to know).

    A list file is cut at each top-level ``-``; a file holding one mapping is one claim.
    """
    starts = [m.start() for m in _ITEM_START.finditer(data)]
    pieces = (
        [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
        if starts
        else [data]
    )
    claims: list[tuple[str | None, bytes]] = []
    for piece in pieces:
        text = _trimmed(piece)
        if not text or (text.startswith(b"#") and b"\n" not in text):
            continue
        found = _ID_LINE.search(text)
        claims.append((found.group(1).decode() if found else None, text))
    return claims


def _common(a: bytes, b: bytes, limit: int, from_end: bool) -> int:
    """How many bytes ``a`` and ``b`` share at their start (or end), at most ``limit``:
    a binary search on slices, compared in C."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        same = a[len(a) - mid :] == b[len(b) - mid :] if from_end else a[:mid] == b[:mid]
        lo, hi = (mid, hi) if same else (lo, mid - 1)
    return lo


def changed_part(old: bytes, new: bytes) -> tuple[bytes, bytes]:
    """The claims of a file that an edit may have changed: the text from the start of the
    first claim that differs to the end of the last, before and after.

    Most commits change a claim or two of a file of a hundred; only their text is cut
    into claims and compared. The cuts lie in text both versions share, at a claim's
    start (a top-level ``-``), so each side holds whole claims.
    """
    if old == new:
        return b"", b""
    prefix = _common(old, new, min(len(old), len(new)), from_end=False)
    suffix = _common(old, new, min(len(old), len(new)) - prefix, from_end=True)
    start = old.rfind(b"\n-", 0, prefix) + 1
    ends = []
    for text in (old, new):
        at = text.find(b"\n-", len(text) - suffix)
        ends.append(at + 1 if at >= 0 else len(text))
    return old[start : ends[0]], new[start : ends[1]]


@dataclass
class _State:
    """What the walk knows of one claim."""

    path: str
    added: Stamp
    changed: Stamp
    items: list[ItemProvenance] | None = None  # None: every item as added with the claim
    history: list[HistoryEntry] = field(default_factory=list)


class _Walk:
    """The history of every claim, commit by commit."""

    def __init__(self, person: Callable[[str, str], Curator]) -> None:
        self.person = person
        self.claims: dict[str, _State] = {}
        self.parsed: dict[tuple[str, bytes], Claim | None] = {}
        self.reader: BlobReader | None = None  # set while the walk reads the history
        self.files: dict[str, tuple[str, bytes]] = {}  # the last version read of each file

    def parse(self, text: bytes, path: str) -> Claim | None:
        """One claim's text as the loader builds it (None: not one claim), kept by text."""
        key = (path, text)
        if key not in self.parsed:
            claims = read_claims(text, path)
            self.parsed[key] = claims[0] if len(claims) == 1 else None
        return self.parsed[key]

    def claims_of(self, data: bytes, path: str) -> dict[str, bytes]:
        """A file's claims by id; claims whose id shows in no ``id:`` line are parsed."""
        found: dict[str, bytes] = {}
        for cid, text in split_claims(data):
            if cid is None:
                claim = self.parse(text, path)
                if claim is None:
                    continue
                cid = claim.id
            found[cid] = text
        return found

    def stamp(self, commit: Commit) -> Stamp:
        person = self.person(commit.author, commit.email)
        return Stamp(commit.sha, commit.time, person.name, person.orcid, commit.subject)

    def blob(self, blob: str | None, path: str) -> bytes:
        """A file version (b"" for none), the last one read of each file kept: a commit's
        version before is mostly the version after of the last commit changing the file."""
        if blob is None:
            return b""
        last = self.files.get(path)
        if last is not None and last[0] == blob:
            return last[1]
        data = self.reader.read(blob) if self.reader is not None else None
        return data or b""

    def commit(self, commit: Commit) -> None:
        """Apply one commit: claims added, changed, renamed, moved and removed."""
        removed: dict[str, tuple[str, bytes]] = {}
        added: dict[str, tuple[str, bytes]] = {}
        for change in commit.files:
            old_data = self.blob(change.old, change.path)
            new_data = self.blob(change.new, change.path)
            if change.new is None:
                self.files.pop(change.path, None)
            else:
                self.files[change.path] = (change.new, new_data)
            old_part, new_part = changed_part(old_data, new_data)
            before = self.claims_of(old_part, change.path)
            after = self.claims_of(new_part, change.path)
            for cid, text in before.items():
                if after.get(cid) != text:
                    removed[cid] = (change.path, text)
            for cid, text in after.items():
                if before.get(cid) != text:
                    added[cid] = (change.path, text)
        stamp = self.stamp(commit)
        for cid, (path, text) in sorted(added.items()):
            gone = removed.pop(cid, None)
            state = self.claims.get(cid)
            if gone is not None and state is not None:
                self._changed(cid, state, gone, (path, text), stamp)
                continue
            renamed = self._rename(cid, path, text, removed, stamp)
            if renamed:
                continue
            entry = HistoryEntry(
                stamp, (Change(ChangeKind.CLAIM_ADDED, Entity.CLAIM, cid, path, 0),)
            )
            self.claims[cid] = _State(path, stamp, stamp, history=[entry])
        for cid in removed:
            self.claims.pop(cid, None)

    def _changed(
        self,
        cid: str,
        state: _State,
        gone: tuple[str, bytes],
        now: tuple[str, bytes],
        stamp: Stamp,
        renamed_from: str = "",
    ) -> None:
        """A claim whose text changed (or that moved, or took over a former id)."""
        changes: list[Change] = []
        where = (now[0], 0)
        if renamed_from:
            changes.append(
                Change(
                    ChangeKind.CLAIM_RENAMED, Entity.CLAIM, cid, *where, old=renamed_from, new=cid
                )
            )
        if gone[0] != now[0]:
            changes.append(
                Change(ChangeKind.CLAIM_MOVED, Entity.CLAIM, cid, *where, old=gone[0], new=now[0])
            )
        if gone[1] != now[1]:
            before, after = self.parse(gone[1], gone[0]), self.parse(now[1], now[0])
            if before is not None and after is not None:
                changes += claim_changes(before, after, renamed=bool(renamed_from))
                state.items = _follow(state, before, after, stamp)
        state.path = now[0]
        if changes:
            state.history.append(HistoryEntry(stamp, tuple(changes)))
        if any(change.kind is not ChangeKind.CLAIM_MOVED for change in changes):
            state.changed = stamp  # moving a claim to another file does not change it

    def _rename(
        self, cid: str, path: str, text: bytes, removed: dict[str, tuple[str, bytes]], stamp: Stamp
    ) -> bool:
        """Whether a new id takes over a claim this commit removed (its ``former_ids``)."""
        if b"former_ids" not in text:
            return False
        claim = self.parse(text, path)
        if claim is None:
            return False
        for former in claim.former_ids:
            state = self.claims.get(former)
            if former in removed and state is not None:
                gone = removed.pop(former)
                del self.claims[former]
                self.claims[cid] = state
                self._changed(cid, state, gone, (path, text), stamp, renamed_from=former)
                return True
        return False


def _follow(state: _State, before: Claim, after: Claim, stamp: Stamp) -> list[ItemProvenance]:
    """The items of ``after``, each with the provenance of the item of ``before`` it pairs
    with (as the diff pairs them): changed now when it differs, added now when new."""
    items = state.items
    if items is None or len(items) != len(before.evidence):
        items = [ItemProvenance(state.added, state.added)] * len(before.evidence)
    pairs, _, _ = pair_evidence(before.evidence, after.evidence)
    result = [ItemProvenance(stamp, stamp)] * len(after.evidence)  # unpaired: added now
    for i, j in pairs:
        same = _same_item(before, after, i, j)
        result[j] = items[i] if same else replace(items[i], changed=stamp)
    return result


def _same_item(before: Claim, after: Claim, i: int, j: int) -> bool:
    """Whether item ``i`` of ``before`` reads as item ``j`` of ``after`` (lines aside)."""
    a, b = before.evidence[i], after.evidence[j]
    return replace(a, source=b.source) == b


def _finish(
    state: _State, claim: Claim, walk: _Walk, dirty: Mapping[str, bytes | None]
) -> ClaimProvenance:
    """A claim's provenance, against its text in the working tree when that differs from
    its last committed text (``dirty``)."""
    items = state.items or [ItemProvenance(state.added, state.added)] * len(claim.evidence)
    uncommitted = False
    if claim.id in dirty:
        text = dirty[claim.id]  # None: moved into another file since the last commit
        committed = walk.parse(text, state.path) if text is not None else None
        if committed is None or list(claim_changes(committed, claim)):
            uncommitted = True
            if committed is not None:
                pairs, _, _ = pair_evidence(committed.evidence, claim.evidence)
                follow = [ItemProvenance(None, None)] * len(claim.evidence)
                for i, j in pairs:
                    if i < len(items):
                        same = _same_item(committed, claim, i, j)
                        follow[j] = items[i] if same else replace(items[i], changed=None)
                items = follow
    if len(items) != len(claim.evidence):
        items = [ItemProvenance(state.added, state.added)] * len(claim.evidence)
    authors = tuple(dict.fromkeys(entry.stamp.author for entry in state.history))
    return ClaimProvenance(
        state.added, state.changed, tuple(items), tuple(state.history), uncommitted, authors
    )


def read_provenance(
    root: Path,
    evidence_map: EvidenceMap,
    claims_dir: str,
    person: Callable[[str, str], Curator] = lambda name, email: Curator(name or email),
    revision: str = "HEAD",
    working_tree: bool = True,
    reuse: Provenance | None = None,
    keep: bool = False,
) -> Provenance:
    """The provenance of every claim of ``evidence_map`` from the history of ``root``.

    Args:
        root: The project root (the folder of mkdocs.yml) in a git checkout.
        evidence_map: The map whose claims are dated (loaded from the working tree, or
            from ``revision``'s tree).
        claims_dir: The claims folder, relative to ``root`` (``content/claims``).
        person: Who a commit's ``(name, e-mail)`` is (the ``curators`` option).
        revision: The history up to this commit.
        working_tree: Whether the map was loaded from the working tree (then its claims
            are compared with their last committed text).
        reuse: An earlier result: its walk through the history is taken again when it
            was read up to the same commit (``evmap serve`` rebuilds between commits).
        keep: Keep the walk in the result, for a later ``reuse`` (a one-shot build
            lets it go: it holds a state for every claim).
    """
    state, head_id = history_state(root)
    if state is not HistoryState.READ:
        return Provenance(state)
    paths = sorted({claim.source.path for claim in evidence_map.claims.values()})
    try:
        if revision != "HEAD":
            head = git(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
            head_id = head.decode().strip()
        known = reuse.walk if reuse is not None and reuse.head == head_id else None
        walk = known if isinstance(known, _Walk) else None
        commits = [] if walk is not None else content_commits(root, claims_dir, revision)
        with BlobReader(root) as reader:
            if walk is None:
                walk = _Walk(person)
                walk.reader = reader
                for commit in commits:
                    walk.commit(commit)
                walk.reader, walk.files = None, {}
            # The files as last committed, to tell what the working tree changed since.
            committed = {p: reader.read(f"{head_id}:./{p}") for p in paths} if working_tree else {}
    except GitError:
        return Provenance(HistoryState.NOT_GIT)
    dirty = _uncommitted(root, committed, walk)
    claims: dict[str, ClaimProvenance] = {}
    for cid, claim in evidence_map.claims.items():
        known = walk.claims.get(cid)
        if known is None:
            nothing = ItemProvenance(None, None)
            claims[cid] = ClaimProvenance(
                None, None, (nothing,) * len(claim.evidence), uncommitted=True
            )
        else:
            claims[cid] = _finish(known, claim, walk, dirty)
    return Provenance(state, claims, head_id, walk if keep else None)


def _uncommitted(
    root: Path, committed: Mapping[str, bytes | None], walk: _Walk
) -> dict[str, bytes | None]:
    """Claims whose text in the working tree is not their last committed text: by id, the
    committed text of the claim in that file (None: it was not in that file)."""
    dirty: dict[str, bytes | None] = {}
    for path, last in committed.items():
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue
        old_part, new_part = changed_part(last or b"", data)
        before = walk.claims_of(old_part, path)
        for cid, text in walk.claims_of(new_part, path).items():
            if before.get(cid) != text:
                dirty[cid] = before.get(cid)
    return dirty
