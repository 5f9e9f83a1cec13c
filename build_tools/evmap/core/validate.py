"""Cross-entry checks: ids, references between entries, citations, the library.

Input is the loaded :class:`~evmap.load.Content` (entries that passed their
schema); output is a list of problems. Nothing stops at the first problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from evmap.core.bibtex import IGNORE_FIELD, slug_collisions
from evmap.core.citations import DocCitation
from evmap.core.config import DOI_EXPECTED_SINCE, Settings
from evmap.core.library.links import doi_expected
from evmap.core.load import LIBRARY_LOST, Content
from evmap.core.model import (
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    EvidenceType,
    NoteType,
    Pathway,
    Reference,
    ReferenceInfo,
    ReferenceKind,
    ReviewStatus,
)
from evmap.core.problems import (
    Check,
    ContentError,
    Problem,
    Severity,
    did_you_mean,
    failing,
    fold_consequences,
    sort_problems,
)
from evmap.core.wording import check_stance_wording

__all__ = [
    "CheckResult",
    "check_claims",
    "check_compounds",
    "check_doc_citations",
    "check_duplicate_ids",
    "check_not_empty",
    "check_pathways",
    "check_reference_info",
    "check_references",
    "check_reviews",
    "check_sources",
    "cited_keys",
    "validate_content",
]


def _line(lines: Sequence[int], index: int, fallback: int) -> int:
    return lines[index] if index < len(lines) else fallback


def check_duplicate_ids(
    kind: str, entries: Iterable[Compound | Pathway | Claim]
) -> Iterator[Problem]:
    """An id may be used once per kind, across all files."""
    first: dict[str, Compound | Pathway | Claim] = {}
    for entry in entries:
        seen = first.setdefault(entry.id, entry)
        if seen is not entry:
            yield Problem(
                entry.source.path,
                entry.source.line,
                f"{kind} id '{entry.id}' is already used at {seen.source.path}:{seen.source.line}; "
                "ids must be unique, rename one of them",
                Check.DUPLICATE_ID,
            )


def check_former_ids(claims: Sequence[Claim]) -> Iterator[Problem]:
    """A former id names one claim only, and never a claim's current id (its old page
    redirects to the claim that holds it now)."""
    current = {claim.id: claim for claim in claims}
    first: dict[str, Claim] = {}
    for claim in claims:
        for i, old in enumerate(claim.former_ids):
            line = _line(claim.former_id_lines, i, claim.source.line)
            holder = current.get(old)
            if holder is not None:
                yield Problem(
                    claim.source.path,
                    line,
                    f"claim '{claim.id}': former id '{old}' is the id of "
                    + ("this claim" if holder is claim else f"claim '{old}'")
                    + f" ({holder.source.path}:{holder.source.line}); a former id must be one "
                    "no claim has now: remove it from 'former_ids'",
                    Check.DUPLICATE_ID,
                )
                continue
            seen = first.setdefault(old, claim)
            if seen is not claim:
                yield Problem(
                    claim.source.path,
                    line,
                    f"claim '{claim.id}': former id '{old}' is also listed by claim "
                    f"'{seen.id}' ({seen.source.path}:{seen.source.line}); an old address can "
                    "lead to one claim only: keep it on the claim that took over the old one",
                    Check.DUPLICATE_ID,
                )


def check_reviews(claims: Sequence[Claim]) -> Iterator[Problem]:
    """Claims nobody has reviewed yet: drafts, and claims without a review status (off
    unless the lab requires review: the ``require_review`` option, or the check's
    severity under ``validation``)."""
    for claim in claims:
        review = claim.review
        if review is not None and review.status is not ReviewStatus.DRAFT:
            continue
        state = "is a draft" if review is not None else "has no review status"
        yield Problem(
            claim.source.path,
            review.line if review is not None and review.line else claim.source.line,
            f"claim '{claim.id}' {state}, and this project requires review; once someone "
            "besides its author has checked it, write review: {status: reviewed, by: [name], "
            "date: YYYY-MM-DD}",
            Check.UNREVIEWED_CLAIM,
        )


def _unknown(kind: str, value: str, known: Iterable[str]) -> str:
    return f"unknown {kind} '{value}'" + did_you_mean(value, known)


def check_compounds(compounds: Sequence[Compound]) -> Iterator[Problem]:
    """Parents exist and the parent relation has no cycle."""
    ids = {c.id: c for c in compounds}
    for compound in compounds:
        if compound.parent is not None and compound.parent not in ids:
            yield Problem(
                compound.source.path,
                compound.parent_line or compound.source.line,
                f"compound '{compound.id}': parent: {_unknown('compound', compound.parent, ids)}; "
                "add it under content/compounds/ or fix the id",
                Check.UNKNOWN_COMPOUND,
            )
    for compound in compounds:
        seen = [compound.id]
        current = compound
        while current.parent in ids:
            current = ids[current.parent]
            if current.id == compound.id:
                cycle = " -> ".join([*seen, compound.id])
                yield Problem(
                    compound.source.path,
                    compound.parent_line or compound.source.line,
                    f"compound '{compound.id}': parents form a cycle ({cycle}); "
                    "a compound cannot descend from itself",
                    Check.PARENT_CYCLE,
                )
                break
            if current.id in seen:
                break  # a cycle not through this compound; reported on its members
            seen.append(current.id)


def check_pathways(pathways: Sequence[Pathway]) -> Iterator[Problem]:
    """Related pathways exist."""
    ids = {p.id for p in pathways}
    for pathway in pathways:
        for i, rel in enumerate(pathway.related):
            if rel not in ids:
                yield Problem(
                    pathway.source.path,
                    _line(pathway.related_lines, i, pathway.source.line),
                    f"pathway '{pathway.id}': related: {_unknown('pathway', rel, ids)}",
                    Check.UNKNOWN_PATHWAY,
                )


def check_claims(
    claims: Sequence[Claim],
    compounds: Iterable[str],
    pathways: Iterable[str],
    references: Iterable[str],
) -> Iterator[Problem]:
    """Every compound, pathway and reference a claim or evidence item names exists.

    An item's own ``compounds`` and ``pathways`` (what it tested) must be among
    its claim's; each item needs a source: the study, or the review it was read in.
    """
    compound_ids, pathway_ids, keys = set(compounds), set(pathways), set(references)
    for claim in claims:
        where = claim.source
        named = (
            (
                "compound",
                claim.compounds,
                claim.compound_lines,
                compound_ids,
                Check.UNKNOWN_COMPOUND,
            ),
            ("pathway", claim.pathways, claim.pathway_lines, pathway_ids, Check.UNKNOWN_PATHWAY),
        )
        for kind, ids, lines, known, check in named:
            for i, entry_id in enumerate(ids):
                if entry_id not in known:
                    yield Problem(
                        where.path,
                        _line(lines, i, where.line),
                        f"claim '{claim.id}': {_unknown(kind, entry_id, known)}; "
                        f"add it under content/{kind}s/ or fix the id",
                        check,
                    )
        yield from _check_assertions(claim)
        for n, evidence in enumerate(claim.evidence, start=1):
            yield from _check_item(claim, n, evidence, keys)


def _check_assertions(claim: Claim) -> Iterator[Problem]:
    """The rules of ``asserts`` name the claim's own compounds and pathways, and each
    covers some pair no earlier rule covers (the first covering rule applies)."""
    path = claim.source.path
    pairs = [(c, p) for c in claim.compounds or ("",) for p in claim.pathways]
    covered: set[tuple[str, str]] = set()
    for n, rule in enumerate(claim.asserts, start=1):
        line = rule.line or claim.source.line
        where = f"claim '{claim.id}': asserts rule {n}"
        named_ok = True
        for kind, own, of_claim in (
            ("compound", rule.compounds, claim.compounds),
            ("pathway", rule.pathways, claim.pathways),
        ):
            for entry_id in own:
                if entry_id not in of_claim:
                    named_ok = False
                    listed = ", ".join(of_claim) or "none"
                    yield Problem(
                        path,
                        line,
                        f"{where}: {kind} '{entry_id}' is not one of the claim's {kind}s "
                        f"({listed}); name the claim's own {kind}s or fix the id"
                        + did_you_mean(entry_id, of_claim),
                        Check.UNKNOWN_COMPOUND if kind == "compound" else Check.UNKNOWN_PATHWAY,
                    )
        if not named_ok:
            continue
        new = {pair for pair in pairs if rule.covers(*pair)} - covered
        if not new and len(claim.asserts) > 1:
            yield Problem(
                path,
                line,
                f"{where} ({rule.relation.value}) covers no pair that an earlier rule does not "
                "already cover, so it never applies; remove it, or narrow the earlier rule",
                Check.SCHEMA,
            )
        covered |= new


def _check_item(claim: Claim, n: int, evidence: Evidence, keys: set[str]) -> Iterator[Problem]:
    """Problems of evidence item ``n`` of ``claim``: its sources and what it tested."""
    path, item = claim.source.path, f"claim '{claim.id}': evidence item {n}"
    if evidence.design is not None and evidence.type is not EvidenceType.CLINICAL:
        yield Problem(
            path,
            evidence.source.line,
            f"{item}: 'design' ({evidence.design.value}) is for clinical studies, but the item's "
            f"type is '{evidence.type.value}'; remove 'design' (for animal work, say whether "
            "randomisation and blinding were reported with 'randomised' and 'blinded')",
            Check.SCHEMA,
        )
    if not evidence.sources():
        yield Problem(
            path,
            evidence.source.line,
            f"{item}: has no source; list the study under 'citations' (and, if you read it "
            "in a review, the review under 'via')",
            Check.SCHEMA,
        )
    for what, cited, lines in (
        ("citation key", evidence.citations, evidence.citation_lines),
        ("'via' key", evidence.via, evidence.via_lines),
    ):
        for i, key in enumerate(cited):
            if key not in keys:
                hint = did_you_mean(key, keys)
                yield Problem(
                    path,
                    _line(lines, i, evidence.source.line),
                    f"{item}: {what} '{key}' is not in the BibTeX library"
                    + (hint or "; add the entry to the library"),
                    Check.UNKNOWN_REFERENCE,
                )
    for i, key in enumerate(evidence.via):
        if key in evidence.citations:
            yield Problem(
                path,
                _line(evidence.via_lines, i, evidence.source.line),
                f"{item}: '{key}' is listed under both 'citations' and 'via'; keep the study "
                "under 'citations' and the review you read it in under 'via'",
                Check.SCHEMA,
            )
    for kind, own, of_claim, lines in (
        ("compound", evidence.compounds, claim.compounds, evidence.compound_lines),
        ("pathway", evidence.pathways, claim.pathways, evidence.pathway_lines),
    ):
        for i, entry_id in enumerate(own):
            if entry_id not in of_claim:
                listed = ", ".join(of_claim) or "none"
                yield Problem(
                    path,
                    _line(lines, i, evidence.source.line),
                    f"{item}: {kind} '{entry_id}' is not one of the claim's {kind}s ({listed}); "
                    f"add it to the claim's '{kind}s' or fix the id"
                    + did_you_mean(entry_id, of_claim),
                    Check.UNKNOWN_COMPOUND if kind == "compound" else Check.UNKNOWN_PATHWAY,
                )
        if not own and len(of_claim) > 1:
            yield Problem(
                path,
                evidence.source.line,
                f"{item} does not say which of the claim's {len(of_claim)} {kind}s it "
                f"{'tested' if kind == 'compound' else 'bears on'} ({', '.join(of_claim)}); "
                f"list them under the item's '{kind}s' (all of them if it concerns all)",
                Check.UNATTRIBUTED_EVIDENCE,
            )


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


def cited_keys(content: Content, docs: Sequence[DocCitation] = ()) -> set[str]:
    """Keys the site shows: cited by a claim (study or review) or a hand-written page."""
    return {key for claim in content.claims for key in claim.citation_keys()} | {
        cite.key for cite in docs
    }


def check_not_empty(content: Content, settings: Settings) -> Iterator[Problem]:
    """A project with no claims or an empty library is a mistake, not a site."""
    if not content.claims and not any(
        p.path.startswith(settings.relative(settings.content_dir)) for p in content.problems
    ):
        yield Problem(
            settings.relative(settings.content_dir / "claims"),
            0,
            "no claims found; add at least one .yml file under claims/",
            Check.EMPTY_CONTENT,
        )
    bib = settings.relative(settings.bibtex_file)
    # A library that could not be read is reported as such, not as an empty one.
    lost = any(p.path == bib or p.hides >= LIBRARY_LOST for p in content.problems)
    if not content.references and not lost:
        yield Problem(
            bib,
            0,
            "the BibTeX library has no entries; add the entries the claims cite",
            Check.EMPTY_CONTENT,
            hides=LIBRARY_LOST,
        )


def validate_content(
    content: Content, settings: Settings, docs: Sequence[DocCitation] = ()
) -> list[Problem]:
    """Run every cross-entry check and apply configured severities.

    ``docs`` are the citations of the hand-written pages.

    Returns:
        Sorted problems, including those met while loading; ignored checks dropped.
    """
    cited = cited_keys(content, docs)
    found: list[Problem] = [
        *content.problems,
        *check_not_empty(content, settings),
        *check_duplicate_ids("compound", content.compounds),
        *check_duplicate_ids("pathway", content.pathways),
        *check_duplicate_ids("claim", content.claims),
        *check_former_ids(content.claims),
        *check_compounds(content.compounds),
        *check_pathways(content.pathways),
        *check_claims(
            content.claims,
            (c.id for c in content.compounds),
            (p.id for p in content.pathways),
            (r.key for r in content.references),
        ),
        *check_references(
            content.references,
            cited,
            settings.doi_expected_since,
            {info.key: info.not_seen for info in content.reference_info},
        ),
        *check_doc_citations(docs, (r.key for r in content.references)),
        *check_reference_info(content.reference_info, (r.key for r in content.references)),
        *check_sources(content.claims, {i.key: i for i in content.reference_info}),
        *check_stance_wording(content.claims, {c.id: c for c in content.compounds}),
        *check_reviews(content.claims),
    ]
    adjusted = []
    for problem in fold_consequences(found):
        severity = settings.severity(problem.check)
        if severity is Severity.IGNORE:
            continue
        adjusted.append(replace(problem, severity=severity))
    return sort_problems(adjusted)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of loading and validating a project."""

    map: EvidenceMap
    problems: list[Problem]
    files: int

    def errors(self, strict: bool = False) -> list[Problem]:
        """Problems that fail the build (warnings too when ``strict``)."""
        return failing(self.problems, strict)

    def raise_errors(self, strict: bool = False) -> CheckResult:
        """This result, unless something fails the build.

        Raises:
            ContentError: with every problem (errors, and warnings when ``strict``).
        """
        if self.errors(strict):
            raise ContentError(self.problems)
        return self
