"""The checks of references: the library's entries (complete, not retracted, cited), the
curators' facts about them, and the citations of hand-written pages (:mod:`evmap.core.validate`
runs them with the rest)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from evmap.core.bibtex import IGNORE_FIELD, slug_collisions
from evmap.core.citations import DocCitation
from evmap.core.config import DOI_EXPECTED_SINCE
from evmap.core.library.links import doi_expected
from evmap.core.model import (
    Claim,
    EvidenceType,
    NoteType,
    Reference,
    ReferenceInfo,
    ReferenceKind,
)
from evmap.core.problems import (
    Check,
    Problem,
    did_you_mean,
)

__all__ = [
    "AUTHORED_TYPES",
    "WHEN_FIELDS",
    "WHO_FIELDS",
    "check_doc_citations",
    "check_reference_info",
    "check_references",
    "check_sources",
]


def _line(lines: Sequence[int], index: int, fallback: int) -> int:
    return lines[index] if index < len(lines) else fallback


def check_sources(claims: Sequence[Claim], info: Mapping[str, ReferenceInfo]) -> Iterator[Problem]:
    """Sources used as what they are not: a review cited as the study, a retracted paper.

    Needs the curators' reference notes (``content/references/``); references
    without a kind are taken as they are cited.
    """
    for claim in claims:
        for n, evidence in enumerate(claim.evidence, start=1):
            item = f"claim '{claim.id}': evidence item {n}"
            for i, key in enumerate(evidence.citations):
                entry = info.get(key)
                if entry is None:
                    continue
                line = _line(evidence.citation_lines, i, evidence.source.line)
                if entry.kind is ReferenceKind.REVIEW and evidence.type is not EvidenceType.REVIEW:
                    yield Problem(
                        claim.source.path,
                        line,
                        f"{item}: '{key}' is a review, but the item's type is "
                        f"'{evidence.type}'; cite the study it reports under 'citations' and "
                        f"move '{key}' to 'via' (or set type: review if the finding is the "
                        "review's own conclusion)",
                        Check.REVIEW_CITED_AS_STUDY,
                    )
            for i, key in enumerate(evidence.sources()):
                entry = info.get(key)
                if entry is not None and any(
                    note.type is NoteType.RETRACTED for note in entry.notes
                ):
                    lines = evidence.citation_lines + evidence.via_lines
                    yield Problem(
                        claim.source.path,
                        _line(lines, i, evidence.source.line),
                        f"{item}: '{key}' is marked retracted; remove the item or say in its "
                        "finding why a retracted paper still counts",
                        Check.RETRACTED_CITATION,
                    )


def check_reference_info(
    entries: Sequence[ReferenceInfo], references: Iterable[str]
) -> Iterator[Problem]:
    """Curators' reference entries name keys of the library, once each."""
    keys = set(references)
    first: dict[str, ReferenceInfo] = {}
    for entry in entries:
        if entry.key not in keys:
            yield Problem(
                entry.source.path,
                entry.source.line,
                f"reference '{entry.key}' is not in the BibTeX library"
                + (did_you_mean(entry.key, keys) or "; fix the key or add the entry"),
                Check.UNKNOWN_REFERENCE,
            )
        seen = first.setdefault(entry.key, entry)
        if seen is not entry:
            yield Problem(
                entry.source.path,
                entry.source.line,
                f"reference '{entry.key}' already has notes at "
                f"{seen.source.path}:{seen.source.line}; keep one entry per reference",
                Check.DUPLICATE_ID,
            )


def check_references(
    references: Sequence[Reference],
    cited: set[str],
    doi_since: int = DOI_EXPECTED_SINCE,
    not_seen: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[Problem]:
    """Warnings on the library: no DOI, one DOI on two entries, entries nothing cites.

    A lab's library holds far more than the map cites: ``missing-doi`` and
    ``duplicate-doi`` concern the references the site shows (cited by a claim or
    a hand-written page) only, and ``missing-doi`` only those that should have one
    (journal articles from ``doi_since`` on: :func:`doi_expected`) and whose
    reference notes do not list ``doi`` under ``not_seen`` (fields the curators could
    not verify, by key); ``uncited-reference`` is ignored unless the configuration
    asks for it. An entry's ``evmap-ignore`` field drops the checks it names for
    that entry only.
    """
    by_doi: dict[str, Reference] = {}
    for ref in references:
        ignored = set(ref.links.get(IGNORE_FIELD, "").split(","))
        unseen = tuple((not_seen or {}).get(ref.key, ()))
        if "doi" in unseen:
            ignored.add(Check.MISSING_DOI.value)  # the notes say why it has none
        yield from (
            p
            for p in _reference_problems(ref, cited, by_doi, doi_since, unseen)
            if p.check.value not in ignored
        )
    yield from slug_collisions(ref for ref in references if ref.key in cited)


# Fields that say who made a work, and when; an entry needs one of each to be cited
# as "who, when" (a label without them reads as a title and "n.d.").
WHO_FIELDS = (
    "author",
    "editor",
    "bookauthor",
    "translator",
    "editora",
    "editorb",
    "editorc",
    "organization",
    "institution",
)


WHEN_FIELDS = ("year", "date")


AUTHORED_TYPES = frozenset(
    {
        "article",
        "book",
        "mvbook",
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inproceedings",
        "conference",
        "thesis",
        "phdthesis",
        "mastersthesis",
        "report",
        "techreport",
        "collection",
        "mvcollection",
        "proceedings",
        "mvproceedings",
    }
)
"""Kinds of work that always have authors (or editors) and a date: papers, books, theses,
reports. Web pages, software, manuals and other works often have neither, and are then
cited by title and 'n.d.' as citation styles do."""


def _reference_problems(
    ref: Reference,
    cited: set[str],
    by_doi: dict[str, Reference],
    doi_since: int,
    not_seen: Sequence[str] = (),
) -> Iterator[Problem]:
    """Every library warning on one entry, before its ``evmap-ignore`` is applied."""
    path, line = ref.source.path, ref.source.line
    if ref.key not in cited:
        yield Problem(
            path,
            line,
            f"reference '{ref.key}' is not cited by any claim or page",
            Check.UNCITED_REFERENCE,
        )
        return
    missing = [
        what
        for what, fields in (("author", WHO_FIELDS), ("date", WHEN_FIELDS))
        if not any(ref.entry_fields.get(f, "").strip() for f in fields)
        and not set(fields) & set(not_seen)
    ]
    if missing and ref.entry_type in AUTHORED_TYPES:
        yield Problem(
            path,
            line,
            f"reference '{ref.key}' has no {' and no '.join(missing)}, so it is cited by its "
            f"title and 'n.d.'; add {'them' if len(missing) > 1 else 'it'} from the work's "
            "record, or, when no record shows "
            f"{'them' if len(missing) > 1 else 'it'}, list "
            + " and ".join(f"'{'year' if m == 'date' else m}'" for m in missing)
            + " under 'not_seen' in its reference note (content/references/) with the "
            "'record' it was read from",
            Check.INCOMPLETE_REFERENCE,
        )
    if not ref.doi and "doi" not in ref.entry_fields:  # a malformed one is reported as such
        if doi_expected(ref.entry_type, ref.entry_fields, doi_since):
            yield Problem(
                path,
                line,
                f"reference '{ref.key}' has no DOI, which journal articles from {doi_since} on "
                "usually have (evmap option 'doi_expected_since'); add its 'doi' field if it "
                "has one",
                Check.MISSING_DOI,
            )
    else:
        first = by_doi.setdefault(ref.doi.lower(), ref)
        if first is not ref:
            where = (
                f"line {first.source.line}"
                if first.source.path == path
                else f"{first.source.path}:{first.source.line}"
            )
            yield Problem(
                path,
                line,
                f"reference '{ref.key}' has the same DOI ({ref.doi}) as '{first.key}' "
                f"({where}); if they are one work, keep one entry and cite it",
                Check.DUPLICATE_DOI,
            )


def check_doc_citations(
    docs: Sequence[DocCitation], references: Iterable[str]
) -> Iterator[Problem]:
    """Every key a hand-written page cites is in the library."""
    keys = set(references)
    for cite in docs:
        if cite.key not in keys:
            yield Problem(
                cite.path,
                cite.line,
                f"citation key '{cite.key}' is not in the BibTeX library"
                + (did_you_mean(cite.key, keys) or "; add the entry to the library"),
                Check.UNKNOWN_REFERENCE,
            )
