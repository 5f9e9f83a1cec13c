"""Pages of the site, rendered from the model through Jinja templates.

Each page kind has a typed context (:mod:`evmap.site.contexts`) built by
:mod:`evmap.site.pages`; templates only present it (loops, conditionals on presence,
escaping). All hrefs are computed by :mod:`evmap.site.links`, relative to the page, so
the same pages work hosted and from ``file://``. :class:`Renderer` is the face of them
all: it plans the pages, renders them, and keeps what serving reuses.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
import jinja2.ext
import jinja2.sandbox
from markupsafe import Markup

from evmap.analysis.analyse import analyse_map
from evmap.analysis.facets import facet_index
from evmap.analysis.matrix import VIEW_MAX_CELLS
from evmap.analysis.summary import EvidenceSummary, weight_order
from evmap.core.model import Claim, EvidenceMap
from evmap.site import history as provenance
from evmap.site import linked_data
from evmap.site.claimviews import ClaimViews, model_text
from evmap.site.contexts import (
    CitationView,
    ClaimView,
    Link,
    NoteBadge,
    PageContext,
    SummaryView,
)
from evmap.site.csl_json import CslStore
from evmap.site.environment import (
    Dedent,
    PreflightError,
    make_environment,
    template_error,
    template_file,
    template_files,
    templates_stamp,
)
from evmap.site.export import (
    ExportCache,
)
from evmap.site.incremental import Subject, stale_subjects
from evmap.site.indexes import OVERVIEW_DOC
from evmap.site.links import (
    CERTAINTY_DOC,
    DEFINITIONS_DOC,
    PageLinker,
    SiteLinks,
    identifier_links,
    reference_links,
)
from evmap.site.pages import PageBuilder
from evmap.site.toc import (
    GLOSSARY,
    GLOSSARY_TERMS,
    OWN_SEARCH_KINDS,
    TOC_CHARS,
    TOC_CLAIMS,
    VIEW_KINDS,
    Navigation,
)
from evmap.site.urls import SECTION, PageKind, PageSpec, Urls
from evmap.site.views import shorten

__all__ = [
    "CERTAINTY_DOC",
    "DEFINITIONS_DOC",
    "GLOSSARY",
    "GLOSSARY_TERMS",
    "OVERVIEW_DOC",
    "OWN_SEARCH_KINDS",
    "PAGE_WORK",
    "TOC_CHARS",
    "TOC_CLAIMS",
    "VIEW_KINDS",
    "Dedent",
    "PageLinker",
    "PreflightError",
    "Renderer",
    "identifier_links",
    "make_environment",
    "model_text",
    "reference_links",
    "shorten",
    "template_error",
    "template_file",
    "template_files",
    "templates_stamp",
]


PAGE_WORK = 3
"""What writing one page costs besides its claims (the theme around it, the builder's
own work, the file), in claims shown. Measured at 100,000 claims: the 20,000
reference pages took 1.5 ms each, as long as three claims on a pathway page, and
counting them as one claim each made the estimate of time left a third of the truth."""


class Renderer:
    """Renders every generated page of one map; caches shared views per page depth.

    Args:
        evidence_map: The validated map.
        env: The environment of :func:`make_environment`.
        urls: Where pages live.
        keep_bodies: Keep every entity page's body, for the next renderer to
            :meth:`adopt` (``mkdocs serve``); a one-shot build keeps none.
        stamp: What the bodies depend on besides the map (the templates' files):
            bodies are adopted only from a renderer with an equal stamp.
        view_max_cells: The largest compound x pathway grid the matrix table and the
            network show whole (:func:`evmap.analysis.matrix.busiest_extent`).
        history: The project's history as the site shows it (provenance lines, history
            pages, the version); None shows none.
        leave_out_drafts: Leave draft claims out of the matrix and the summaries.
    """

    def __init__(
        self,
        evidence_map: EvidenceMap,
        env: jinja2.Environment,
        urls: Urls,
        *,
        keep_bodies: bool = False,
        stamp: object = None,
        view_max_cells: int = VIEW_MAX_CELLS,
        history: provenance.SiteHistory | None = None,
        leave_out_drafts: bool = False,
    ) -> None:
        self.map = evidence_map
        self.history = history
        self.env = env
        self.urls = urls
        self.keep_bodies = keep_bodies
        self.stamp = stamp
        self._bodies: dict[PageSpec, str] = {}
        # Serving: the body and table of contents the previous build gave each page
        # rendered again, to tell whether it reads the same (see unchanged()).
        self._replaced: dict[PageSpec, tuple[str, list[dict[str, Any]]]] = {}
        self.adopted = 0  # bodies taken from the previous renderer
        self.info = linked_data.MapInfo()
        self.csl: CslStore | None = None  # where CSL-JSON items are kept (set by the adapter)
        drafts = frozenset(c.id for c in evidence_map.claims.values() if c.draft)
        self.analysis = analyse_map(
            evidence_map, view_max_cells, drafts if leave_out_drafts else frozenset()
        )
        self._history_slugs = provenance.history_slugs(evidence_map) if history else {}
        self.facets = facet_index(evidence_map)
        # Every list of claims is in this order: rank them once for the whole map.
        self._rank = {
            cid: i
            for i, cid in enumerate(
                weight_order(evidence_map, self.analysis.certainty, evidence_map.claims)
            )
        }
        # Hand-written pages of the site (set by the adapter), to link the certainty rule.
        self.docs: frozenset[str] = frozenset()  # the site's hand-written pages
        self.links = SiteLinks(self)
        self.claims = ClaimViews(self)
        self.pages = PageBuilder(self)
        self.navigation = Navigation(self)
        self.env.globals["claim_html"] = self.claim_html

    # -- planning ---------------------------------------------------------

    def plan(self) -> list[PageSpec]:
        """Every page to generate, in a stable order (home, indexes, then entities)."""
        m, u = self.map, self.urls
        pages = [
            PageSpec(u.src(PageKind.HOME), PageKind.HOME, "Evidence map"),
            PageSpec(u.src(PageKind.PATHWAY_INDEX), PageKind.PATHWAY_INDEX, "Pathways"),
            PageSpec(u.src(PageKind.COMPOUND_INDEX), PageKind.COMPOUND_INDEX, "Compounds"),
            PageSpec(u.src(PageKind.REFERENCE_INDEX), PageKind.REFERENCE_INDEX, "References"),
            # Wide views: Material's `hide` meta gives them the full width.
            PageSpec(u.src(PageKind.MATRIX), PageKind.MATRIX, "Evidence matrix", hide=("toc",)),
            PageSpec(u.src(PageKind.NETWORK), PageKind.NETWORK, "Evidence network", hide=("toc",)),
        ]
        pages += [
            PageSpec(u.src(PageKind.PATHWAY, p.id), PageKind.PATHWAY, p.name, p.id, p.source.path)
            for p in m.pathways.values()
        ]
        pages += [
            PageSpec(u.src(PageKind.COMPOUND, c.id), PageKind.COMPOUND, c.name, c.id, c.source.path)
            for c in m.compounds.values()
        ]
        pages += [
            PageSpec(
                u.src(PageKind.REFERENCE, r.slug), PageKind.REFERENCE, r.label, r.key, r.source.path
            )
            for r in m.references.values()
        ]
        pages += provenance.history_specs(m, u, self.history)
        return pages

    # -- the parts, by job ------------------------------------------------

    def href(self, root: str, kind: str, subject: str = "") -> str:
        """Relative href from a page with prefix ``root`` to a page of ``kind``."""
        return self.links.href(root, kind, subject)

    def linker(self, root: str) -> PageLinker:
        """Hrefs for the evidence views, relative to a page with prefix ``root``."""
        return self.links.linker(root)

    def downloads(self, root: str) -> list[Link]:
        """Links to the data downloads (:meth:`evmap.site.links.SiteLinks.downloads`)."""
        return self.links.downloads(root)

    def download_files(
        self, source_name: str, cache: ExportCache | None = None
    ) -> dict[str, str | bytes]:
        """The downloads and data files of the map (:meth:`SiteLinks.download_files`)."""
        return self.links.download_files(source_name, cache)

    def certainty_href(self, root: str) -> str:
        """Href of the page explaining the certainty rule ("" when the site has none)."""
        return self.links.certainty_href(root)

    def glossary_href(self, root: str) -> str:
        """Href of the page defining the map's terms (the home page)."""
        return self.links.glossary_href(root)

    def term_href(self, root: str, anchor: str) -> str:
        """Href of a defined term (:meth:`evmap.site.links.SiteLinks.term_href`)."""
        return self.links.term_href(root, anchor)

    def terms(self, root: str) -> dict[str, str]:
        """Hrefs of every defined term from a page with prefix ``root`` (cached)."""
        return self.links.terms(root)

    def notes(self, key: str) -> list[NoteBadge]:
        """The curators' notes on reference ``key``, as badges (and the facts not seen)."""
        return self.links.notes(key)

    def citation(self, root: str, key: str) -> CitationView:
        """The in-text citation of ``key`` from a page with prefix ``root`` (cached)."""
        return self.links.citation(root, key)

    def cite(self, markdown: str, src: str) -> str:
        """The ``[@key]`` citations of a hand-written page ``src``, linked and previewed."""
        return self.links.cite(markdown, src)

    def claim_view(self, root: str, claim: Claim) -> ClaimView:
        """The view of ``claim`` for pages with prefix ``root`` (cached)."""
        return self.claims.claim_view(root, claim)

    def claim_html(self, view: ClaimView) -> Markup:
        """``partials/claim.html`` for ``view`` (:meth:`ClaimViews.claim_html`)."""
        return self.claims.claim_html(view)

    def summary_view(self, root: str, summary: EvidenceSummary, kind: str = "map") -> SummaryView:
        """The summary block of a page of ``kind`` with prefix ``root``."""
        return self.pages.summary_view(root, summary, kind)

    def context(self, spec: PageSpec) -> PageContext:
        """The typed context of one page."""
        return self.pages.context(spec)

    def linked_data(self, spec: PageSpec) -> Markup:
        """The schema.org JSON-LD of a page (:class:`evmap.site.linked_data.PageNodes`)."""
        return self.pages.linked_data(spec)

    def search_entries(self, spec: PageSpec) -> list[dict[str, str]]:
        """Search-index entries of an entity page (:meth:`Navigation.search_entries`)."""
        return self.navigation.search_entries(spec)

    def anchors(self, spec: PageSpec) -> set[str]:
        """Every id a page's links may point at (for MkDocs' anchor checks)."""
        return self.navigation.anchors(spec)

    def toc(self, spec: PageSpec) -> list[dict[str, Any]]:
        """Table-of-contents entries of a page (:meth:`Navigation.toc`)."""
        return self.navigation.toc(spec)

    # -- rendering and serving ---------------------------------------------

    def work(self, spec: PageSpec) -> int:
        """About how much writing ``spec`` takes, in claims shown (for progress estimates):
        the claims on it, and :data:`PAGE_WORK` for the page itself."""
        by_entity: dict[str, Mapping[str, tuple[str, ...]]] = {
            PageKind.PATHWAY: self.map.claims_by_pathway,
            PageKind.COMPOUND: self.map.claims_by_compound,
        }
        return PAGE_WORK + len(by_entity.get(spec.kind, {}).get(spec.subject, ()))

    def ordered(self, ids: Iterable[str]) -> list[str]:
        """Claim ids by certainty and weight of evidence (see :func:`weight_order`)."""
        return sorted(ids, key=self._rank.__getitem__)

    def adopt(self, previous: Renderer) -> int:
        """Reuse the entity pages ``previous`` rendered that this map renders the same.

        Which pages an edit can change is decided by :mod:`evmap.site.incremental`;
        site-wide pages are always rendered again. Returns how many bodies were taken.
        """
        if not self.keep_bodies:
            return 0
        stale = _stale(previous, self)
        for spec, html in previous._bodies.items():
            # A history page shows many claims' provenance: rendered again, and written
            # only when it reads differently (unchanged()).
            entity = spec.kind in SECTION
            if entity and stale is not None and (spec.kind, spec.subject) not in stale:
                self._bodies[spec] = html
                if spec in previous.navigation._entries:  # they follow from the same claims
                    self.navigation._entries[spec] = previous.navigation._entries[spec]
            else:
                self._replaced[spec] = (html, previous.toc(spec))
        self.adopted = len(self._bodies)
        return self.adopted

    def has_body(self, spec: PageSpec) -> bool:
        """Whether ``spec``'s body is known already (adopted, or rendered in this build)."""
        return spec in self._bodies

    def unchanged(self, spec: PageSpec) -> bool:
        """Whether a page the edit may have changed (not adopted) renders as before:
        the same body and table of contents as in the renderer it adopted from.

        Renders the body now (it is kept for :meth:`render`).
        """
        before = self._replaced.get(spec)
        if before is None:
            return False
        return self.render(spec) == before[0] and self.toc(spec) == before[1]

    def preflight(self) -> None:
        """Compile every page template and render one page of each kind, keeping nothing.

        A builder calls this before it touches its output folder, so that a broken
        template fails the build while the last site is still whole.

        Raises:
            PreflightError: the template error, and the page it came from.
        """
        for name in self.env.list_templates(
            filter_func=lambda n: n.endswith(".html") and not n.startswith("theme/")
        ):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError as exc:
                raise PreflightError("", exc) from None
        kinds: set[str] = set()
        try:
            for spec in self.plan():
                if spec.kind not in kinds:
                    kinds.add(spec.kind)
                    try:
                        self._render(spec)
                    except jinja2.TemplateError as exc:
                        raise PreflightError(spec.src, exc) from None
        finally:
            # Views cached now may hold links the builder settles later (self.docs).
            self.claims.clear()
            self.links.clear()
            self.navigation._toc_names.clear()

    def render(self, spec: PageSpec) -> str:
        """The HTML fragment of one page (the theme adds the surrounding page)."""
        html = self._bodies.get(spec)
        if html is None:
            html = self._render(spec)
            if self.keep_bodies and (spec.kind in SECTION or spec.kind == PageKind.HISTORY):
                self._bodies[spec] = html
        return html

    def _render(self, spec: PageSpec) -> str:
        template = self.env.get_template(f"{spec.kind}.html")
        try:
            html = template.render(page=self.context(spec))
        finally:
            self.claims._release_claims()
        if spec.kind in SECTION:
            # Shared fragments (claims) link through the site root; links to pages
            # of the page's own folder can go straight to the sibling: shorter pages.
            folder = SECTION[spec.kind] + "/"
            root = self.urls.root(spec.src)
            url = self.urls.url(spec.src)
            here = url.rstrip("/") if self.urls.directory_urls else posixpath.dirname(url)
            sibling = posixpath.relpath(folder, here)
            short = "" if sibling == "." else sibling + "/"
            html = html.replace(f'href="{root}{folder}', f'href="{short}')
        return html


def _stale(previous: Renderer, current: Renderer) -> frozenset[Subject] | None:
    """The entity pages an edit from ``previous`` to ``current`` may have changed (None: all)."""
    return (
        None
        if (
            previous.stamp != current.stamp
            # A commit moves every claim's provenance; an edit moves only the edited
            # claim's, whose pages are stale anyway.
            or _history_key(previous.history) != _history_key(current.history)
            or previous.urls != current.urls
            or previous.docs != current.docs
            # Whether a contested pair's "matrix cell" link exists depends on which
            # compounds and pathways a large map's matrix shows: when the edit changes
            # that, every page is rendered again.
            or previous.analysis.extent != current.analysis.extent
            # A facet value's anchor (linked from its claims) moves when a value with
            # the same slug comes or goes before it.
            or any(
                current.facets.anchors.get(k, v) != v for k, v in previous.facets.anchors.items()
            )
        )
        else stale_subjects(previous.map, current.map)
    )


def _history_key(history: provenance.SiteHistory | None) -> object:
    return history.key() if history is not None else None
