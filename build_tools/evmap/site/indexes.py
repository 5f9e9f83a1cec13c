"""The home page and the index pages of pathways, compounds and references."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evmap.core.library.links import doi_href
from evmap.core.vocab import (
    CATEGORY_LABELS,
    DEFINITIONS,
    KIND_LABELS,
    plural,
)
from evmap.site import home
from evmap.site.contexts import (
    CategoryGroup,
    IndexPage,
    Link,
    TreeRow,
)
from evmap.site.links import DEFINITIONS_DOC
from evmap.site.urls import PageKind, PageSpec

if TYPE_CHECKING:
    from evmap.site.render import Renderer

__all__ = ["HOME_QUESTIONS", "OVERVIEW_DOC", "IndexPages"]


OVERVIEW_DOC = "overview.md"
HOME_QUESTIONS = 12
"""How many contested claims the home page opens as questions, in the map's order (most
certain and most evidenced first); its summary lists every contested claim."""
"""The hand-written overview of the map, first of the home page's places to start."""


class IndexPages:
    """The contexts of the home page and the index pages of one renderer."""

    def __init__(self, site: Renderer) -> None:
        self.site = site

    def index_page(self, spec: PageSpec, root: str) -> IndexPage:
        """The home page and the index pages: what each lists of the map."""
        m = self.site.map

        return IndexPage(
            counts=self._counts(),
            categories=self._categories(root)
            if spec.kind in (PageKind.HOME, PageKind.PATHWAY_INDEX)
            else (),
            compounds=self._compound_tree(root)
            if spec.kind in (PageKind.HOME, PageKind.COMPOUND_INDEX)
            else (),
            references=[
                Link(r.label, self.site.href(root, PageKind.REFERENCE, r.slug), r.text)
                for r in m.references.values()
            ]
            if spec.kind == PageKind.REFERENCE_INDEX
            else (),
            links={
                "pathways": self.site.href(root, PageKind.PATHWAY_INDEX),
                "compounds": self.site.href(root, PageKind.COMPOUND_INDEX),
                "references": self.site.href(root, PageKind.REFERENCE_INDEX),
                "matrix": self.site.href(root, PageKind.MATRIX),
                "network": self.site.href(root, PageKind.NETWORK),
                "certainty": self.site.certainty_href(root),
                "definitions": (
                    root + self.site.urls.url(DEFINITIONS_DOC)
                    if DEFINITIONS_DOC in self.site.docs
                    else ""
                ),
            },
            downloads=self.site.downloads(root) if spec.kind == PageKind.HOME else (),
            summary=self.site.summary_view(root, self.site.analysis.summary(m, "map"))
            if spec.kind == PageKind.HOME
            else None,
            license=self._license_link() if spec.kind == PageKind.HOME else None,
            **(self._citing(spec.kind)),
            definitions={entry.anchor: entry.text for entry in DEFINITIONS}
            if spec.kind == PageKind.HOME
            else {},
            **(self._home(root) if spec.kind == PageKind.HOME else {}),
        )

    def _categories(self, root: str) -> list[CategoryGroup]:
        groups: dict[str, list[Link]] = {}
        for p in sorted(self.site.map.pathways.values(), key=lambda p: p.name.lower()):
            count = len(self.site.map.claims_by_pathway[p.id])
            groups.setdefault(p.category, []).append(
                Link(p.name, self.site.href(root, PageKind.PATHWAY, p.id), plural(count, "claim"))
            )
        order = list(CATEGORY_LABELS)
        return [
            CategoryGroup(cat, CATEGORY_LABELS.get(cat, cat), links)
            for cat, links in sorted(groups.items(), key=lambda kv: order.index(kv[0]))
        ]

    def _compound_tree(self, root: str) -> list[TreeRow]:
        rows: list[TreeRow] = []
        compounds = self.site.map.compounds

        def walk(cid: str, depth: int, seen: frozenset[str]) -> None:
            c = compounds[cid]
            count = len(self.site.map.claims_by_compound[cid])
            rows.append(
                TreeRow(
                    Link(
                        c.name,
                        self.site.href(root, PageKind.COMPOUND, cid),
                        plural(count, "claim"),
                    ),
                    depth,
                    KIND_LABELS.get(c.kind, c.kind),
                )
            )
            for child in sorted(
                self.site.map.children[cid], key=lambda i: compounds[i].name.lower()
            ):
                if child not in seen:
                    walk(child, depth + 1, seen | {child})

        tops = [c for c in compounds.values() if c.parent not in compounds]
        for c in sorted(tops, key=lambda c: c.name.lower()):
            walk(c.id, 0, frozenset({c.id}))
        return rows

    def _counts(self) -> dict[str, int]:
        m = self.site.map
        return {
            "claims": len(m.claims),
            "evidence": sum(len(c.evidence) for c in m.claims.values()),
            "compounds": len(m.compounds),
            "pathways": len(m.pathways),
            "references": len(m.references),
        }

    def _home(self, root: str) -> dict[str, Any]:
        """What the home page opens with: what the map is, where to start, the open questions."""
        contested = self.site.ordered(self.site.analysis.summary(self.site.map, "map").contested)
        start = []
        if OVERVIEW_DOC in self.site.docs:
            start.append(
                Link(
                    "Overview",
                    root + self.site.urls.url(OVERVIEW_DOC),
                    "the map in prose: what is settled, what is proposed, and on what evidence",
                )
            )
        if contested:
            start.append(
                Link(
                    "Contested questions",
                    "#contested",
                    f"{plural(len(contested), 'claim')} whose own evidence points both ways, "
                    "each with its strongest evidence for and against",
                )
            )
        start.append(
            Link(
                "Evidence matrix",
                self.site.href(root, PageKind.MATRIX),
                "every compound against every pathway: how much evidence, which way, and the gaps",
            )
        )
        return {
            "name": self.site.info.name,
            "description": self.site.info.description,
            "purpose": self.site.info.purpose,
            "start": start,
            "questions": home.contested_questions(
                self.site.map,
                self.site.analysis,
                contested[:HOME_QUESTIONS],
                lambda c: self.site.claim_view(root, c),
            ),
            "more_questions": max(0, len(contested) - HOME_QUESTIONS),
        }

    def _license_link(self) -> Link | None:
        lic = self.site.info.license
        return Link(lic.name, lic.url, lic.spdx) if lic is not None else None

    def _citing(self, kind: str) -> dict[str, Any]:
        """How to cite the map (home page): its archived release's DOI and its version."""
        if kind != PageKind.HOME or self.site.history is None:
            return {}
        doi = self.site.history.doi
        return {
            "cite": Link(f"doi:{doi}", doi_href(doi)) if doi else None,
            "version": self.site.history.version,
            "history": self.site.history.provenance.message(),
        }
