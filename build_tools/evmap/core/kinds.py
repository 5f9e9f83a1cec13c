"""The enumerations the model's fields take, and the building blocks every entry shares:
where it was written (:class:`Source`) and how it pickles (:mod:`evmap.core.model`
re-exports them)."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "Design",
    "EvidenceType",
    "Grade",
    "NoteType",
    "Pickled",
    "Reading",
    "ReferenceKind",
    "Relation",
    "ReviewStatus",
    "Source",
    "Stance",
]


class Pickled:
    """Pickles as ``cls(*fields)``: several times faster to load than the dataclass default.

    The persistent cache (:mod:`evmap.core.cache`) stores thousands of these objects.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, name) for name in _field_names(type(self))))  # type: ignore[arg-type]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The field names of a model class, in declaration order (pickling reads them)."""
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class Source(Pickled):
    """Where an entry was written: a project-relative path and a 1-based line."""

    path: str
    line: int


class Stance(enum.StrEnum):
    """How one evidence item bears on a claim's statement."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MIXED = "mixed"


class EvidenceType(enum.StrEnum):
    """What kind of study an evidence item comes from."""

    IN_VITRO = "in-vitro"
    EX_VIVO = "ex-vivo"
    IN_VIVO = "in-vivo"
    CLINICAL = "clinical"
    REVIEW = "review"


class Design(enum.StrEnum):
    """The design of a clinical study (how strongly it can show cause and effect)."""

    RANDOMISED_CONTROLLED = "randomised-controlled"
    CONTROLLED = "controlled"
    OPEN_LABEL = "open-label"
    OBSERVATIONAL = "observational"
    CASE_REPORT = "case-report"
    META_ANALYSIS = "meta-analysis"


class Reading(enum.StrEnum):
    """How the curators read a study: what of it they saw."""

    FULL_TEXT = "full-text"
    ABSTRACT = "abstract"
    TITLE_ONLY = "title-only"
    NEWS_REPORT = "news-report"


class Relation(enum.StrEnum):
    """What a claim asserts about a compound-pathway pair it names.

    The question every pair answers is "does this compound act through (or need)
    this pathway?"; a claim answers it yes (``through``), no (``not-through``: the
    compound acts independently of the pathway, or through something else
    instead), or asks something else about the pair (``other``: a side effect, a
    biomarker, an open question).
    """

    THROUGH = "through"
    NOT_THROUGH = "not-through"
    OTHER = "other"


class Grade(enum.StrEnum):
    """Certainty of a claim, GRADE-like, highest first."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"


class ReviewStatus(enum.StrEnum):
    """Where a claim stands in the curators' review."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    DISPUTED = "disputed"


class ReferenceKind(enum.StrEnum):
    """What kind of paper a reference is (curators' notes beside the library)."""

    PRIMARY_STUDY = "primary-study"
    TRIAL = "trial"
    REVIEW = "review"
    PREPRINT = "preprint"
    CONFERENCE_ABSTRACT = "conference-abstract"
    OTHER = "other"


class NoteType(enum.StrEnum):
    """What a curator's note on a reference is about."""

    RETRACTED = "retracted"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTED = "corrected"
    CONFLICT_OF_INTEREST = "conflict-of-interest"
    COMMENT = "comment"
