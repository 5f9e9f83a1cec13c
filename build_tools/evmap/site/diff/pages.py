"""The site pages a change shows on and touches, as the site computes them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from evmap.analysis.changes import Change, ChangeKind, Entity, SitePage
from evmap.core.model import Claim, EvidenceMap
from evmap.site.incremental import claim_pages
from evmap.site.urls import Urls

__all__ = ["Pages", "attach_pages"]

_VIEW_TITLES = {"matrix": "Evidence matrix", "network": "Evidence network"}
_INDEX_TITLES = {
    Entity.PATHWAY: "Pathways",
    Entity.COMPOUND: "Compounds",
    Entity.REFERENCE: "References",
}


class Pages:
    """Pages of the new map: titles and URLs, as the site computes them."""

    def __init__(self, evidence_map: EvidenceMap, directory_urls: bool) -> None:
        self.map = evidence_map
        self.urls = Urls(directory_urls)

    def _page(self, kind: str, subject: str, title: str) -> SitePage:
        return SitePage(title, self.urls.url(self.urls.src(kind, subject)))

    def view(self, kind: str) -> SitePage:
        """A site-wide page (``matrix``, ``network``)."""
        return self._page(kind, "", _VIEW_TITLES[kind])

    def index(self, entity: Entity) -> SitePage:
        """The index page of pathways, compounds or references."""
        return self._page(f"{entity}-index", "", _INDEX_TITLES[entity])

    def of(self, entity: Entity, id_: str) -> SitePage | None:
        """The page showing an entry of the new map (a claim: anchored on its home page)."""
        m = self.map
        if entity is Entity.PATHWAY and id_ in m.pathways:
            return self._page("pathway", id_, m.pathways[id_].name)
        if entity is Entity.COMPOUND and id_ in m.compounds:
            return self._page("compound", id_, m.compounds[id_].name)
        if entity is Entity.REFERENCE and id_ in m.references:
            ref = m.references[id_]
            return self._page("reference", ref.slug, ref.label)
        if entity is Entity.CLAIM and id_ in m.claims:
            home = self.of(Entity.PATHWAY, m.claims[id_].home_pathway)
            return SitePage(home.title, f"{home.url}#claim-{id_}") if home else None
        return None

    def of_claim(self, claims: Iterable[Claim | None]) -> tuple[SitePage, ...]:
        """Pages listing the claim on either side: its pathways, compounds and references."""
        found: dict[str, SitePage] = {}
        for claim in claims:
            if claim is None:
                continue
            for kind, id_ in claim_pages(claim):
                page = self.of(Entity(kind), id_)
                if page is not None:
                    found.setdefault(page.url, page)
        return tuple(found.values())

    def of_entry(self, entity: Entity, id_: str) -> tuple[SitePage, ...]:
        """The entry's own page (when it exists) and the index of its kind."""
        own = self.of(entity, id_)
        return (*([own] if own else []), self.index(entity))


def attach_pages(
    changes: Iterable[Change],
    old: EvidenceMap,
    new: EvidenceMap,
    renames: Mapping[str, str],
    directory_urls: bool = True,
    derived: bool = False,
) -> tuple[Change, ...]:
    """``changes`` with the page each shows on and the pages each touches in the new site.

    A claim's change touches every page listing it before or after; a ``derived``
    change (a grade, a flag) names only its page; a removed entry has no page of its own.
    """
    pages = Pages(new, directory_urls)
    matrix = pages.view("matrix")
    done: list[Change] = []
    for change in changes:
        if change.entity is Entity.CELL:
            page = SitePage(matrix.title, f"{matrix.url}#{change.anchor}")
            done.append(dataclasses.replace(change, page=page))
            continue
        removed = change.kind in (
            ChangeKind.CLAIM_REMOVED,
            ChangeKind.COMPOUND_REMOVED,
            ChangeKind.PATHWAY_REMOVED,
            ChangeKind.REFERENCE_REMOVED,
        )
        own = None if removed else pages.of(change.entity, change.id)
        if derived:  # what the edit does: the page it shows on is enough
            touched: tuple[SitePage, ...] = ()
        elif change.entity is Entity.CLAIM:
            before = old.claims.get(renames.get(change.id, change.id))
            touched = pages.of_claim((before, new.claims.get(change.id)))
        else:
            touched = pages.of_entry(change.entity, change.id)
        done.append(dataclasses.replace(change, page=own, pages=touched))
    return tuple(done)
