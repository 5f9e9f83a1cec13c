"""Which entity pages an edit can change, so ``mkdocs serve`` re-renders only those.

MkDocs rebuilds the whole site on every change it sees. Most edits under
``mkdocs serve`` touch a claim or two, and a claim shows only on the pages of
the pathways, compounds and references it names (and on the site-wide pages:
home, indexes and views, which are always rendered again). Comparing the map
before and after the edit therefore tells which entity pages may read
differently; every other entity page is the same as in the previous build.

Only claim edits are narrowed this way. Any change to a compound, a pathway or
a reference (its text included) can rename links on pages that never mention
it in a claim, so it makes every page stale. The rule is tested by building
sites incrementally through a series of edits and comparing every file with a
clean build (``tests/test_incremental.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from evmap.core.model import Claim, Compound, EvidenceMap, Pathway
from evmap.site.urls import PageSpec

__all__ = ["Subject", "all_inputs", "claim_pages", "page_inputs", "stale_subjects"]

Subject = tuple[str, str]
"""An entity page by its kind and subject id, e.g. ``("pathway", "bdnf-trkb")``."""


def stale_subjects(old: EvidenceMap, new: EvidenceMap) -> frozenset[Subject] | None:
    """Entity pages of ``new`` that may differ from the same pages rendered from ``old``.

    Returns None when every page may differ (anything but claims changed).
    """
    if old.compounds != new.compounds or old.pathways != new.pathways:
        return None
    if not _same_references(old, new) or old.reference_info != new.reference_info:
        return None
    stale: set[Subject] = set()
    for claim_id in old.claims.keys() | new.claims.keys():
        before, after = old.claims.get(claim_id), new.claims.get(claim_id)
        if before != after:
            stale.update(_subjects(c for c in (before, after) if c is not None))
    return frozenset(stale)


def claim_pages(claim: Claim) -> list[Subject]:
    """The entity pages a claim shows on: its pathways', compounds', then references'."""
    return [
        *(("pathway", p) for p in claim.pathways),
        *(("compound", c) for c in claim.compounds),
        *(("reference", k) for k in claim.citation_keys()),
    ]


def _subjects(claims: Iterable[Claim]) -> set[Subject]:
    """The entity pages any of ``claims`` shows on."""
    return {subject for claim in claims for subject in claim_pages(claim)}


def _same_references(old: EvidenceMap, new: EvidenceMap) -> bool:
    """Same entries and formatted text (the text is not part of equality) for the keys
    both maps show. A reference comes or goes only as a claim (or a hand-written page)
    starts or stops citing it: the claim's pages are stale anyway."""
    for key, before in old.references.items():
        after = new.references.get(key)
        if after is None:
            continue
        if before is after:
            continue
        if before != after or before.formatter() != after.formatter():
            return False
    return True


def page_inputs(spec: PageSpec, evidence_map: EvidenceMap) -> set[str]:
    """The files a generated page is made from: its entry's file and those of its claims.

    A pathway, compound or reference page changes when its own entry changes
    and when any claim it lists changes; the home, index and overview pages
    show the whole map, so they depend on every content file and the library.
    """
    m = evidence_map
    claim_index = {
        "pathway": m.claims_by_pathway,
        "compound": m.claims_by_compound,
        "reference": m.claims_by_reference,
    }.get(spec.kind)
    if claim_index is not None and spec.subject in claim_index:
        paths = {spec.source_path} if spec.source_path else set()
        paths.update(m.claims[i].source.path for i in claim_index[spec.subject])
        return paths
    return all_inputs(evidence_map)


def all_inputs(evidence_map: EvidenceMap) -> set[str]:
    """Every file the map was loaded from."""
    m = evidence_map
    entries: list[Compound | Pathway | Claim] = [
        *m.compounds.values(),
        *m.pathways.values(),
        *m.claims.values(),
    ]
    return {e.source.path for e in entries} | {r.source.path for r in m.references.values()}
