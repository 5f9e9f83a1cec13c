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

from .model import Claim, EvidenceMap

Subject = tuple[str, str]
"""An entity page by its kind and subject id, e.g. ``("pathway", "bdnf-trkb")``."""


def stale_subjects(old: EvidenceMap, new: EvidenceMap) -> frozenset[Subject] | None:
    """Entity pages of ``new`` that may differ from the same pages rendered from ``old``.

    Returns None when every page may differ (anything but claims changed).
    """
    if old.compounds != new.compounds or old.pathways != new.pathways:
        return None
    if not _same_references(old, new):
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
    """Same keys, entries and formatted text (the text is not part of equality)."""
    if old.references.keys() != new.references.keys():
        return False
    for key, before in old.references.items():
        after = new.references[key]
        if before is after:
            continue
        if before != after or before.formatter() != after.formatter():
            return False
    return True
