"""Cross-entry checks: ids, references between entries, citations, the library.

Input is the loaded :class:`~evmap.core.load.Content` (entries that passed their
schema); output is a list of problems. Nothing stops at the first problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from evmap.core.check_references import (
    check_doc_citations,
    check_reference_info,
    check_references,
    check_sources,
)
from evmap.core.citations import DocCitation
from evmap.core.config import Settings
from evmap.core.load import LIBRARY_LOST, Content
from evmap.core.model import (
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    EvidenceType,
    Pathway,
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
