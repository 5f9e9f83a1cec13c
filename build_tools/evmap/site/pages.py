"""One builder per page kind: the typed context (:mod:`evmap.site.contexts`) of each page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from evmap.analysis.summary import EvidenceSummary
from evmap.core.model import Claim, Compound, Reference, Stance
from evmap.core.vocab import (
    CATEGORY_LABELS,
    GRADE_LABELS,
    GRADE_SYMBOLS,
    KIND_LABELS,
    REFERENCE_KIND_LABELS,
    plural,
)
from evmap.site import history as provenance
from evmap.site import linked_data, views
from evmap.site.claims import (
    shown_on,
)
from evmap.site.contexts import (
    ClaimView,
    CompoundPage,
    GradeCount,
    Link,
    PageContext,
    PairCounts,
    PathwayPage,
    ReferenceClaim,
    ReferencePage,
    SourceCount,
    SummaryView,
)
from evmap.site.indexes import IndexPages
from evmap.site.links import identifier_links, reference_links
from evmap.site.matrix_page import matrix_page
from evmap.site.network import network_page
from evmap.site.urls import PageKind, PageSpec

if TYPE_CHECKING:
    from evmap.site.render import Renderer

__all__ = ["PageBuilder"]


class PageBuilder:
    """The contexts of one renderer's pages."""

    def __init__(self, site: Renderer) -> None:
        self.site = site
        self.indexes = IndexPages(site)
        self._page_nodes: linked_data.PageNodes | None = None
        self._history_claims: dict[str, list[Claim]] | None = None  # made on first use

    def _claims(self, root: str, ids: Iterable[str], kind: str, subject: str) -> list[ClaimView]:
        """Views of claims ``ids`` in weight order for the page of ``kind`` ``subject``: each
        shows the rows bearing on the subject, the others folded apart (:mod:`.claims`);
        those at home on the page's pathway are marked."""
        views_ = [
            self.site.claim_view(root, self.site.map.claims[i]) for i in self.site.ordered(ids)
        ]
        self.site.claims._count_use(v.id for v in views_)
        # The rows on the subject, by claim, from the analysis (one pass for the page).
        items = (
            self.site.analysis.items_by_compound
            if kind == PageKind.COMPOUND
            else self.site.analysis.items_by_pathway
        )
        rows: dict[str, list[int]] = {}
        for cid, i in items.get(subject, ()):
            rows.setdefault(cid, []).append(i)
        return [
            shown_on(v, self.site.map.claims[v.id], kind, subject, rows.get(v.id, []))
            for v in views_
        ]

    def summary_view(self, root: str, summary: EvidenceSummary, kind: str = "map") -> SummaryView:
        """The summary block of a page of ``kind`` with prefix ``root``."""
        linker = self.site.linker(root)
        sources = []
        for use in summary.sources:
            if use.key not in self.site.map.references:
                continue
            paper = self.site.map.kind_of(use.key)
            sources.append(
                SourceCount(
                    self.site.citation(root, use.key),
                    use.items,
                    REFERENCE_KIND_LABELS[paper] if paper is not None else "",
                )
            )
        return SummaryView(
            claims=summary.claims,
            grades=[
                GradeCount(g.value, GRADE_LABELS[g], GRADE_SYMBOLS[g], n)
                for g, n in summary.by_grade
            ],
            contested=[
                Link(self.site.map.claims[cid].statement, linker.claim(cid))
                for cid in self.site.ordered(summary.contested)
            ],
            items=summary.items,
            first_hand=summary.first_hand,
            second_hand=summary.second_hand,
            supporting=summary.supporting,
            against=summary.against,
            mixed=summary.mixed,
            sources=sources,
            glossary=self.site.glossary_href(root),
            pairs=PairCounts(
                summary.pairs.answered,
                summary.pairs.supports,
                summary.pairs.contradicts,
                summary.pairs.mixed,
                len(summary.pairs.contested),
                summary.pairs.other,
                {"compound": "pathway", "pathway": "compound"}.get(kind, "compound-pathway pair"),
            ),
            terms=self.site.terms(root),
        )

    def _relatives(self, root: str, compound: Compound) -> list[Link]:
        """Compounds derived from ``compound``, then from its parent, with their claim counts."""
        m = self.site.map
        kin = list(m.children[compound.id])
        if compound.parent is not None and compound.parent in m.compounds:
            kin += [k for k in m.children[compound.parent] if k != compound.id]
        return [
            Link(
                m.compounds[k].name,
                self.site.href(root, PageKind.COMPOUND, k),
                plural(len(m.claims_by_compound[k]), "claim"),
            )
            for k in dict.fromkeys(kin)
        ]

    def _reference_page(self, root: str, r: Reference) -> ReferencePage:
        """A reference page: its kind, notes, and what it says on each claim citing it."""
        m = self.site.map
        linker = self.site.linker(root)
        claims = []
        for cid in self.site.ordered(m.claims_by_reference[r.key]):
            claim = m.claims[cid]
            own = [ev.stance for ev in claim.evidence if r.key in ev.citations]
            claims.append(
                ReferenceClaim(
                    Link(claim.statement, linker.claim(cid)),
                    own.count(Stance.SUPPORTS),
                    own.count(Stance.CONTRADICTS),
                    own.count(Stance.MIXED),
                    sum(r.key in ev.via for ev in claim.evidence),
                    GRADE_LABELS[self.site.analysis.certainty[cid].grade],
                )
            )
        alone = [
            Link(m.claims[cid].statement, linker.claim(cid))
            for cid in self.site.ordered(m.claims_by_reference[r.key])
            if self.site.analysis.sole_source.get(cid) == r.key
        ]
        kind = m.kind_of(r.key)
        return ReferencePage(
            reference=r,
            formatted=Markup(r.html),  # the formatter escapes field text; URLs were validated
            links=reference_links(r),
            claims=claims,
            kind=REFERENCE_KIND_LABELS[kind] if kind is not None else "",
            notes=self.site.notes(r.key),
            alone=alone,
            record=info.record if (info := m.reference_info.get(r.key)) else "",
        )

    def context(self, spec: PageSpec) -> PageContext:
        """The typed context of one page."""
        root = self.site.urls.root(spec.src)
        m = self.site.map
        data: Any
        if spec.kind == PageKind.PATHWAY:
            p = m.pathways[spec.subject]
            compound_ids = self.site.analysis.compounds_by_pathway.get(p.id, ())
            data = PathwayPage(
                pathway=p,
                category=Link(
                    CATEGORY_LABELS.get(p.category, p.category),
                    self.site.href(root, PageKind.PATHWAY_INDEX) + f"#{p.category}",
                ),
                related=[
                    self.site.links._pathway_link(root, r) for r in p.related if r in m.pathways
                ],
                compounds=[self.site.links._compound_link(root, c) for c in compound_ids],
                summary=self.summary_view(
                    root, self.site.analysis.summary(m, "pathway", p.id), "pathway"
                ),
                claims=self._claims(root, m.claims_by_pathway[p.id], PageKind.PATHWAY, p.id),
                contested=views.pair_flags(
                    m, self.site.analysis, self.site.linker(root), pathway=p.id
                ),
                identifiers=identifier_links(p),
            )
        elif spec.kind == PageKind.COMPOUND:
            c = m.compounds[spec.subject]
            pathway_ids = self.site.analysis.pathways_by_compound.get(c.id, ())
            data = CompoundPage(
                compound=c,
                kind_label=KIND_LABELS.get(c.kind, c.kind),
                parent=(
                    self.site.links._compound_link(root, c.parent)
                    if c.parent is not None and c.parent in m.compounds
                    else None
                ),
                children=[self.site.links._compound_link(root, k) for k in m.children[c.id]],
                identifiers=identifier_links(c),
                pathways=[self.site.links._pathway_link(root, p) for p in pathway_ids],
                summary=self.summary_view(
                    root, self.site.analysis.summary(m, "compound", c.id), "compound"
                ),
                claims=self._claims(root, m.claims_by_compound[c.id], PageKind.COMPOUND, c.id),
                contested=views.pair_flags(
                    m, self.site.analysis, self.site.linker(root), compound=c.id
                ),
                related=self._relatives(root, c) if not m.claims_by_compound[c.id] else (),
            )
        elif spec.kind == PageKind.REFERENCE:
            data = self._reference_page(root, m.references[spec.subject])
        elif spec.kind == PageKind.MATRIX:
            data = matrix_page(
                m,
                self.site.analysis,
                self.site.facets,
                self.site.linker(root),
                CATEGORY_LABELS,
                [views.Anchor(d.label, d.href, d.note) for d in self.site.downloads(root)],
                self.site.certainty_href(root),
            )
        elif spec.kind == PageKind.NETWORK:
            data = network_page(m, self.site.analysis, self.site.linker(root))
        elif spec.kind == PageKind.HISTORY and self.site.history is not None:
            if self._history_claims is None:
                self._history_claims = provenance.claims_by_file(m)
            data = provenance.history_page(
                spec,
                self._history_claims.get(spec.source_path, []),
                self.site.history,
                self.site.linker(root).claim,
            )
        else:
            data = self.indexes.index_page(spec, root)
        return PageContext(
            title=spec.title,
            root=root,
            kind=spec.kind,
            data=data,
            linked_data=self.linked_data(spec),
        )

    def linked_data(self, spec: PageSpec) -> Markup:
        """The schema.org JSON-LD of a page (:class:`evmap.site.linked_data.PageNodes`)."""
        if self._page_nodes is None or self._page_nodes.info is not self.site.info:
            self._page_nodes = linked_data.PageNodes(self.site.map, self.site.info)
        files = (
            [(d.path, d.media_type, d.description) for d in self.site.links._written_downloads()]
            if spec.kind == PageKind.HOME
            else []
        )
        return self._page_nodes.script(spec.kind, spec.subject, files)
