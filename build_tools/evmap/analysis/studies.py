"""Studies and the research groups behind them: what certainty counts as independent.

An item's *studies* are its citations that are not reviews. Papers from one
research group are not independent confirmations of each other, so certainty
counts groups, not papers: by default two papers are one group when they share
their last author (the senior author, by the field's convention) or two or more
authors, as their BibTeX author lists say (:mod:`evmap.analysis.authors`); papers
linked through a third are one group too. A curator's ``group`` on a reference
(``content/references/*.yml``) overrides that: the paper then belongs to the
group it names, and only to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from evmap.analysis.authors import AuthorList, Person, parse_authors
from evmap.core.model import (
    Evidence,
    EvidenceMap,
    EvidenceType,
    Reading,
    ReferenceKind,
    ResearchGroup,
)

__all__ = [
    "SHARED_AUTHORS",
    "AuthorsOf",
    "GroupFinder",
    "GroupOf",
    "GroupsOf",
    "KindOf",
    "StudyGroup",
    "is_second_hand",
    "one_group_each",
    "second_hand_reason",
    "studies_of",
]

KindOf = Callable[[str], ReferenceKind | None]
"""The curated kind of a reference key (None when nobody said)."""

SHARED_AUTHORS = 2
"""Papers sharing this many authors (or their last author) are one research group."""


def _unknown_kind(key: str) -> ReferenceKind | None:
    return None


def studies_of(evidence: Evidence, kind_of: KindOf = _unknown_kind) -> frozenset[str]:
    """The identified studies an item rests on: its citations that are not reviews.

    Empty for a review's own synthesis, and for a finding read in a review whose
    study is not identified (no citation, or only reviews cited).
    """
    if evidence.type is EvidenceType.REVIEW:
        return frozenset()
    return frozenset(k for k in evidence.citations if kind_of(k) is not ReferenceKind.REVIEW)


def is_second_hand(evidence: Evidence, kind_of: KindOf = _unknown_kind) -> bool:
    """Whether the finding was read second-hand: in a review (``via``, or only reviews
    cited for a study), in a news report, or from the study's title alone."""
    if evidence.second_hand:
        return True
    return evidence.type is not EvidenceType.REVIEW and not studies_of(evidence, kind_of)


def second_hand_reason(evidence: Evidence) -> str:
    """How a second-hand item was read, as a phrase: ``in a review``, ``through a news
    report``, ``from its title alone``."""
    if evidence.read is Reading.NEWS_REPORT:
        return "through a news report"
    if evidence.read is Reading.TITLE_ONLY:
        return "from its title alone"
    return "in a review"


@dataclass(frozen=True, slots=True)
class StudyGroup:
    """Papers counted as one research group.

    Attributes:
        name: How readers see the group: the curators' group id, else the family
            name of the senior author the papers share (or of the paper's last
            author, or first when its list was cut short). Among one paper alone, its
            key: a claim lists its groups only when it rests on several papers.
        keys: The papers, in key order.
        reason: Why they are one group ("" for a paper on its own).
    """

    name: str
    keys: tuple[str, ...]
    reason: str = ""


GroupOf = Callable[[str], ResearchGroup | None]
AuthorsOf = Callable[[str], AuthorList | None]


class GroupFinder:
    """Sorts papers into research groups, from their authors or the curators' groups.

    Author lists are parsed once per reference, on first use.

    Args:
        authors: The author list of a reference key (None: unknown).
        group_of: A curator's group for a reference key (None: derive it).
    """

    def __init__(self, authors: AuthorsOf, group_of: GroupOf) -> None:
        self._authors = authors
        self._group_of = group_of
        self._parsed: dict[str, AuthorList | None] = {}
        # Whether two papers are one group, once per pair: the same papers back many claims.
        self._links: dict[tuple[str, str], str] = {}
        self._names: dict[tuple[str, ...], str] = {}

    @classmethod
    def of_map(cls, evidence_map: EvidenceMap) -> GroupFinder:
        """The finder for a map: its library's author lists and its curators' groups."""
        references = evidence_map.references
        info = evidence_map.reference_info

        def authors(key: str) -> AuthorList | None:
            ref = references.get(key)
            field = ref.entry_fields.get("author", "") if ref is not None else ""
            return parse_authors(field) if field.strip() else None

        def group_of(key: str) -> ResearchGroup | None:
            entry = info.get(key)
            return entry.group if entry is not None else None

        return cls(authors, group_of)

    def authors(self, key: str) -> AuthorList | None:
        """The parsed author list of ``key`` (cached)."""
        if key not in self._parsed:
            self._parsed[key] = self._authors(key)
        return self._parsed[key]

    def _link(self, a: str, b: str) -> str:
        """Why papers ``a`` and ``b`` are one group ("" when they are not; remembered)."""
        pair = (a, b) if a < b else (b, a)
        found = self._links.get(pair)
        if found is None:
            found = self._links[pair] = self._derive_link(*pair)
        return found

    def _derive_link(self, a: str, b: str) -> str:
        group_a, group_b = self._group_of(a), self._group_of(b)
        if group_a is not None or group_b is not None:
            if group_a is not None and group_b is not None and group_a.id == group_b.id:
                return group_a.reason
            return ""
        first, second = self.authors(a), self.authors(b)
        if first is None or second is None:
            return ""
        if first.last is not None and second.last is not None and first.last.same_as(second.last):
            return f"last author {_display(first.last)}"
        shared = first.shared_with(second)
        if len(shared) >= SHARED_AUTHORS:
            return "shared authors " + ", ".join(_display(p) for p in shared[:3])
        return ""

    def groups(self, keys: Iterable[str]) -> tuple[StudyGroup, ...]:
        """The research groups of ``keys``, largest first, then by name."""
        papers = sorted(set(keys))
        if len(papers) == 1:
            # Named by its key: a group is named to readers only beside others.
            return (StudyGroup(papers[0], tuple(papers)),)
        parent = {k: k for k in papers}
        reasons: dict[str, list[str]] = {}

        def root(k: str) -> str:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for i, a in enumerate(papers):
            for b in papers[i + 1 :]:
                why = self._link(a, b)
                if why:
                    ra, rb = root(a), root(b)
                    if ra != rb:
                        parent[rb] = ra
                        reasons.setdefault(ra, []).extend(reasons.pop(rb, []))
                    reasons.setdefault(root(a), []).append(why)
        members: dict[str, list[str]] = {}
        for k in papers:
            members.setdefault(root(k), []).append(k)
        found = [
            StudyGroup(
                self._name(tuple(keys_)), tuple(keys_), "; ".join(dict.fromkeys(reasons.get(r, [])))
            )
            for r, keys_ in members.items()
        ]
        return tuple(sorted(found, key=lambda g: (-len(g.keys), g.name.lower(), g.keys)))

    def _name(self, keys: tuple[str, ...]) -> str:
        """How readers see the group of ``keys`` (see :class:`StudyGroup`; remembered)."""
        name = self._names.get(keys)
        if name is None:
            name = self._names[keys] = self._derive_name(keys)
        return name

    def _derive_name(self, keys: tuple[str, ...]) -> str:
        for key in keys:
            group = self._group_of(key)
            if group is not None:
                return group.id
        lists = [a for a in (self.authors(k) for k in keys) if a is not None and a.people]
        if not lists:
            return keys[0]
        lasts = [a.last for a in lists if a.last is not None]
        for person in lasts:  # the senior author most papers share
            if sum(person.same_as(q) for q in lasts) == len(lasts) and len(lasts) > 1:
                return person.family
        if len(lists) > 1:
            shared = lists[0].people
            for other in lists[1:]:
                shared = tuple(p for p in shared if any(p.same_as(q) for q in other.people))
            if shared:
                return shared[-1].family
        first = lists[0]
        return (first.last or first.people[0]).family


def _display(person: Person) -> str:
    """``Hashimoto, K.``: a person as a group's reason names them."""
    initial = person.given[:1]
    return f"{person.family}, {initial}." if initial else person.family


def one_group_each(keys: Iterable[str]) -> tuple[StudyGroup, ...]:
    """Every paper its own group (when nothing is known of the authors)."""
    return tuple(StudyGroup(key, (key,)) for key in sorted(set(keys)))


GroupsOf = Callable[[Iterable[str]], tuple[StudyGroup, ...]]
"""Sorts study keys into research groups (:meth:`GroupFinder.groups`)."""
