"""References as the map holds them: their formatted text, what the library says of them
(kind, links, research group) and the curators' notes (:mod:`evmap.core.model` re-exports
them)."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from evmap.core.kinds import (
    NoteType,
    Pickled,
    ReferenceKind,
    Source,
)

__all__ = [
    "LINK_FIELDS",
    "Reference",
    "ReferenceInfo",
    "ReferenceNote",
    "ReferenceText",
    "ResearchGroup",
    "reference_slug",
]


@dataclass(frozen=True, slots=True)
class ReferenceNote(Pickled):
    """A note readers must see next to every citation of a reference."""

    type: NoteType
    text: str


@dataclass(frozen=True, slots=True)
class ResearchGroup(Pickled):
    """A curator's statement of which research group a paper comes from, and why."""

    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReferenceInfo(Pickled):
    """The curators' entry on one reference, keyed by citation key.

    Attributes:
        key: The citation key.
        source: Where the entry is written.
        kind: What kind of paper it is (None: nobody said).
        notes: Notes readers see next to every citation of it.
        record: Where its bibliographic facts were verified ("" when not said).
        not_seen: BibTeX fields that could not be verified (e.g. ``doi``).
        group: The research group, when a curator overrides the one derived from
            the authors.
    """

    key: str
    source: Source
    kind: ReferenceKind | None = None
    notes: tuple[ReferenceNote, ...] = ()
    record: str = ""
    not_seen: tuple[str, ...] = ()
    group: ResearchGroup | None = None


@dataclass(frozen=True, slots=True)
class ReferenceText(Pickled):
    """How a reference reads, formatted once per build.

    Attributes:
        label: Short in-text label, e.g. ``"Berman et al., 2000"``.
        html: Full formatted reference as safe HTML (escaped).
        text: The same as plain text (used for hover tooltips).
        fields: Plain-text fields (title, year, journal, volume, number, pages...).
    """

    label: str
    html: str
    text: str
    fields: Mapping[str, str] = field(default_factory=dict)


# Fields kept as written (validated, never formatted): they become links.
LINK_FIELDS = ("doi", "pmid", "url", "arxiv")


_SLUG_UNSAFE = re.compile(r"[^a-z0-9_]+")


@functools.cache
def reference_slug(key: str) -> str:
    """The URL segment of a reference page, from its key alone (so it never moves).

    Lower case, accents dropped, every run of other characters (``:``, ``/``,
    ``.``, ``+``, spaces...) one ``-``: ``knuth:1984`` gives ``knuth-1984``. Two
    keys may give one slug; the library check reports that as an error.
    """
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = _SLUG_UNSAFE.sub("-", ascii_key.lower()).strip("-")
    if not slug:
        slug = "ref-" + hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
    return slug


@dataclass(frozen=True, slots=True)
class Reference(Pickled):
    """A library entry. Its text is formatted on first use, so checking never pays for it.

    Attributes:
        key: The BibTeX key as written.
        entry_type: ``article``, ``book``...
        source: Where the entry starts in the library.
        links: The validated DOI, PMID, URL and arXiv id (and evmap-ignore).
        formatter: Returns the formatted text; called at most once per content
            (the library layer caches it by the entry's content and style).
        entry_fields: The entry's published fields (the bibliographic ones and those
            opted in: :mod:`evmap.core.library.publish`) as written (LaTeX source),
            with what it inherits through crossref and xdata.
        bibtex: The entry as the download shows it: its published fields, each as
            written in its file.
        requires: What the entry needs to be read on its own, in order: the @string
            macros its published fields use (verbatim) and its crossref/xdata parents
            (published alike).
    """

    key: str
    entry_type: str
    source: Source
    links: Mapping[str, str] = field(default_factory=dict)
    formatter: Callable[[], ReferenceText] = field(
        default=lambda: ReferenceText("", "", ""), compare=False, repr=False
    )
    entry_fields: Mapping[str, str] = field(default_factory=dict)
    bibtex: str = field(default="", compare=False, repr=False)
    requires: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def formatted(
        cls,
        key: str,
        entry_type: str,
        label: str,
        html: str,
        text: str,
        fields: Mapping[str, str],
        source: Source,
    ) -> Reference:
        """A reference whose text is already known (tests, tools)."""
        done = ReferenceText(label, html, text)
        links = {k: v for k, v in fields.items() if k in LINK_FIELDS}
        own = {k: v for k, v in fields.items() if k not in LINK_FIELDS}
        return cls(key, entry_type, source, links, lambda: done, own)

    @property
    def label(self) -> str:
        """Short in-text label."""
        return self.formatter().label

    @property
    def html(self) -> str:
        """Full formatted reference as safe HTML."""
        return self.formatter().html

    @property
    def text(self) -> str:
        """Full formatted reference as plain text."""
        return self.formatter().text

    @property
    def fields(self) -> Mapping[str, str]:
        """The entry's fields as written, with the link fields as validated."""
        return {**self.entry_fields, **self.links}

    @property
    def slug(self) -> str:
        """URL segment of the reference page (see :func:`reference_slug`)."""
        return reference_slug(self.key)

    @property
    def doi(self) -> str:
        """DOI without resolver prefix, or ``""``."""
        return self.links.get("doi", "")
