"""Change records: what differs between two versions of the map, one record per difference.

The records are data only. :mod:`evmap.analysis.compare` makes them from two maps
(or two versions of one claim); :mod:`evmap.site.diff` attaches the site pages they
touch and renders them as text, Markdown or GitHub annotations; the history of a
claim (:mod:`evmap.analysis.provenance`) keeps the records of each commit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "ADDED",
    "HEADLINE",
    "PROSE",
    "REMOVED",
    "TWO_SIDED",
    "Change",
    "ChangeKind",
    "Detail",
    "Entity",
    "SitePage",
]


class Entity(enum.StrEnum):
    """The kinds of entry a change is about, in the order changes are listed."""

    CLAIM = "claim"
    COMPOUND = "compound"
    PATHWAY = "pathway"
    REFERENCE = "reference"
    CELL = "cell"


class ChangeKind(enum.StrEnum):
    """Kinds of change; the values read as sentences after the entry they are about.

    :data:`FIELD_CHANGED` reads after the field's label ("read via changed").
    """

    CLAIM_ADDED = "claim added"
    CLAIM_REMOVED = "claim removed"
    CLAIM_RENAMED = "renamed"
    CLAIM_MOVED = "moved to another file"
    STATEMENT_CHANGED = "statement changed"
    HOME_PATHWAY_CHANGED = "home pathway changed"
    PATHWAY_LINKED = "pathway linked"
    PATHWAY_UNLINKED = "pathway unlinked"
    COMPOUND_LINKED = "compound linked"
    COMPOUND_UNLINKED = "compound unlinked"
    CERTAINTY_CHANGED = "certainty set by the curators changed"
    REVIEW_CHANGED = "review status changed"
    EVIDENCE_ADDED = "evidence item added"
    EVIDENCE_REMOVED = "evidence item removed"
    STANCE_FLIPPED = "stance flipped"
    FINDING_CHANGED = "finding changed"
    SPECIES_CHANGED = "species changed"
    PARADIGM_CHANGED = "paradigm changed"
    STUDY_TYPE_CHANGED = "study type changed"
    LOCATOR_CHANGED = "locator changed"
    CITATION_ADDED = "citation added"
    CITATION_REMOVED = "citation removed"
    COMPOUND_ADDED = "compound added"
    COMPOUND_REMOVED = "compound removed"
    PATHWAY_ADDED = "pathway added"
    PATHWAY_REMOVED = "pathway removed"
    REFERENCE_ADDED = "reference added"
    REFERENCE_REMOVED = "reference removed"
    FIELD_CHANGED = "changed"
    # Derived: what a change does to the map.
    GRADE_CHANGED = "certainty grade changed"
    NOW_CONTESTED = "now contested"
    NO_LONGER_CONTESTED = "no longer contested"
    NOW_ONE_SOURCE = "now rests on one source"
    BALANCE_CHANGED = "balance changed"


# Kinds whose record carries an old and a new value, shown as ``old -> new``.
TWO_SIDED = frozenset(
    {
        ChangeKind.CLAIM_RENAMED,
        ChangeKind.CLAIM_MOVED,
        ChangeKind.STATEMENT_CHANGED,
        ChangeKind.HOME_PATHWAY_CHANGED,
        ChangeKind.CERTAINTY_CHANGED,
        ChangeKind.REVIEW_CHANGED,
        ChangeKind.STANCE_FLIPPED,
        ChangeKind.FINDING_CHANGED,
        ChangeKind.SPECIES_CHANGED,
        ChangeKind.PARADIGM_CHANGED,
        ChangeKind.STUDY_TYPE_CHANGED,
        ChangeKind.LOCATOR_CHANGED,
        ChangeKind.FIELD_CHANGED,
        ChangeKind.GRADE_CHANGED,
        ChangeKind.BALANCE_CHANGED,
    }
)
ADDED = frozenset(
    {
        ChangeKind.CLAIM_ADDED,
        ChangeKind.COMPOUND_ADDED,
        ChangeKind.PATHWAY_ADDED,
        ChangeKind.REFERENCE_ADDED,
    }
)
REMOVED = frozenset(
    {
        ChangeKind.CLAIM_REMOVED,
        ChangeKind.COMPOUND_REMOVED,
        ChangeKind.PATHWAY_REMOVED,
        ChangeKind.REFERENCE_REMOVED,
    }
)
PROSE = frozenset({ChangeKind.STATEMENT_CHANGED, ChangeKind.FINDING_CHANGED})
"""Kinds whose values are sentences: outputs mark the words that changed instead of
printing both versions whole (a :data:`ChangeKind.FIELD_CHANGED` record says so itself,
see :attr:`Change.prose`)."""
HEADLINE = frozenset(
    {
        ChangeKind.STANCE_FLIPPED,
        ChangeKind.REVIEW_CHANGED,
        ChangeKind.NOW_CONTESTED,
        ChangeKind.NO_LONGER_CONTESTED,
        ChangeKind.NOW_ONE_SOURCE,
    }
)
"""Kinds that move conclusions whenever they happen; a grade change does when it moves
two steps or more (:meth:`Change.moves_conclusions`)."""

_KIND_ORDER = {kind: i for i, kind in enumerate(ChangeKind)}
_ENTITY_ORDER = {entity: i for i, entity in enumerate(Entity)}


@dataclass(frozen=True, slots=True)
class SitePage:
    """A page of the site: its title and its URL relative to the site root."""

    title: str
    url: str

    def href(self, base_url: str) -> str:
        """The page's address under ``base_url``."""
        return f"{base_url.rstrip('/')}/{self.url}"


@dataclass(frozen=True, slots=True)
class Detail:
    """One line of what an added or removed claim holds: a label and its labelled values.

    Attributes:
        label: What the line is about (``evidence item 1``, ``certainty grade``).
        parts: ``(field label, value)`` pairs; an empty field label shows the value alone.
        note: Said after the values, in parentheses (how a grade was reached).
    """

    label: str
    parts: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the two maps.

    Attributes:
        kind: What changed.
        entity: The kind of entry it changed in.
        id: The entry's id (a BibTeX key for references; the new id of a renamed claim).
        path: The file it is in (the base file for removals), project-relative.
        line: The line in that file.
        where: The part of the entry, e.g. ``evidence item 2 (wei2021)``.
        old: The value before (for kinds in :data:`TWO_SIDED` and removals).
        new: The value after.
        page: The page showing the entry in the new map (anchored to a claim), if any.
        pages: Every page of the new site whose content the change alters.
        title: How readers know the entry: a claim's statement, a cell's names.
        field: The field changed, for grouping a change repeated on many items.
        reason: Why a derived value is what it is (the certainty rule's steps).
        label: The field as readers name it, for :data:`ChangeKind.FIELD_CHANGED`
            (``read via``, ``sample size``).
        prose: The values are sentences: outputs mark the words that changed.
        details: What an added or removed claim holds, line by line.
        steps: How many grades a certainty grade moved (negative: down).
        anchor: Where on its page the entry is (a matrix cell's anchor).
    """

    kind: ChangeKind
    entity: Entity
    id: str
    path: str
    line: int
    where: str = ""
    old: str = ""
    new: str = ""
    page: SitePage | None = None
    pages: tuple[SitePage, ...] = ()
    title: str = ""
    field: str = ""
    reason: str = ""
    label: str = ""
    prose: bool = False
    details: tuple[Detail, ...] = ()
    steps: int = 0
    anchor: str = ""

    def sort_key(self) -> tuple[int, str, str, int, str, str]:
        """Entries in entity order then by id; changes in kind order within a part."""
        return (
            _ENTITY_ORDER[self.entity],
            self.id,
            self.where,
            _KIND_ORDER[self.kind],
            self.old,
            self.new,
        )

    @property
    def what(self) -> str:
        """The kind of change as a phrase: ``stance flipped``, ``read via changed``."""
        if self.kind is ChangeKind.FIELD_CHANGED and self.label:
            return f"{self.label} {self.kind.value}"
        return self.kind.value

    @property
    def marked(self) -> bool:
        """Whether outputs mark the changed words instead of printing both values."""
        return (self.prose or self.kind in PROSE) and bool(self.old) and bool(self.new)

    def moves_conclusions(self) -> bool:
        """Whether a reviewer must see this change first: it moves what the map concludes."""
        if self.kind is ChangeKind.GRADE_CHANGED:
            return abs(self.steps) >= 2
        return self.kind in HEADLINE

    def group_key(self) -> tuple[str, ...]:
        """Changes equal in this key are one change repeated (see ``group_changes``)."""
        return (self.entity, self.kind, self.field, self.label, self.old, self.new)
