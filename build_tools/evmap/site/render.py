"""Pages of the site, rendered from the model through Jinja templates.

Each page kind has a typed context (:mod:`evmap.site.contexts`) built here;
templates only present it (loops, conditionals on presence, escaping). All hrefs
are computed here, relative to the page, so the same pages work hosted and from
``file://``.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import traceback
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import jinja2.sandbox
from markupsafe import Markup, escape

from evmap.analysis.analyse import analyse_map
from evmap.analysis.facets import facet_index
from evmap.analysis.matrix import VIEW_MAX_CELLS
from evmap.analysis.summary import EvidenceSummary, weight_order
from evmap.core.citations import CitedReference, cite_markdown
from evmap.core.errors import EvmapError
from evmap.core.identifiers import COMPOUND_SCHEMES, PATHWAY_SCHEMES, identifiers_of
from evmap.core.library.links import arxiv_href, doi_href, pmid_href, url_href
from evmap.core.model import Claim, Compound, Evidence, EvidenceMap, Pathway, Reference, Stance
from evmap.core.vocab import (
    CATEGORY_LABELS,
    DEFINITIONS,
    GRADE_LABELS,
    GRADE_SYMBOLS,
    KIND_LABELS,
    NOTE_LABELS,
    READING_LABELS,
    REFERENCE_KIND_LABELS,
    SERIOUS_NOTES,
    SPECIES_LABELS,
    STANCE_GLYPHS,
    STANCE_LABELS,
    plural,
)
from evmap.site import history as provenance
from evmap.site import home, linked_data, views
from evmap.site.claims import (
    second_hand_how,
    shown_on,
    shown_rows,
    study_text,
    table_rows,
    whole_of,
)
from evmap.site.contexts import (
    TITLE_ANCHOR,
    CategoryGroup,
    CitationView,
    ClaimView,
    CompoundPage,
    EvidenceView,
    GradeCount,
    IndexPage,
    Link,
    NoteBadge,
    PageContext,
    PairCounts,
    PathwayPage,
    ReferenceClaim,
    ReferencePage,
    SourceCount,
    SummaryView,
    TreeRow,
    not_seen_note,
)
from evmap.site.csl_json import CslStore
from evmap.site.export import (
    DOWNLOADS,
    REFERENCES_SCRIPT,
    Download,
    ExportCache,
    download_files,
    packed,
)
from evmap.site.incremental import stale_subjects
from evmap.site.matrix_page import matrix_page
from evmap.site.network import network_page
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

# Pages indexed by our own compact search entries (see Renderer.search_entries),
# not by the search plugin parsing their HTML: entity pages and the wide views.
VIEW_KINDS: dict[str, str] = {
    PageKind.MATRIX: "Compounds by pathways: evidence counts, balance and gaps; filters.",
    PageKind.NETWORK: "Graph of compounds, claims and pathways, edges by stance.",
}
OWN_SEARCH_KINDS = frozenset(
    {PageKind.PATHWAY, PageKind.COMPOUND, PageKind.REFERENCE, PageKind.HISTORY, *VIEW_KINDS}
)
# A page's table of contents lists its claims one by one up to this many.
TOC_CLAIMS = 30
# Claim statements in a table of contents are cut at this many characters.
TOC_CHARS = 70
CERTAINTY_DOC = "certainty.md"
OVERVIEW_DOC = "overview.md"
"""The hand-written overview of the map, first of the home page's places to start."""
DEFINITIONS_DOC = "definitions.md"
"""The hand-written page defining supports, against and contested at each level
(:data:`evmap.core.vocab.DEFINITIONS`); without it, terms link to the home page's glossary."""
GLOSSARY = "glossary"
GLOSSARY_TERMS = ("claim", "evidence-item", "certainty", "contested", "second-hand")
"""Terms the home page defines at ``#term-<name>``; pages using them link there."""


def model_text(evidence: Evidence) -> str:
    """An item's model as readers see it: ``mouse, CSDS``, ``cell line, HMC3``."""
    species = evidence.model.species
    if species == "none":
        return evidence.model.paradigm or "no model (review or theory)"
    label = SPECIES_LABELS.get(species, species)
    return ", ".join(part for part in (label, evidence.model.paradigm) if part)


_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


class Dedent(jinja2.ext.Extension):
    """Drops the indentation of every template line when the template is compiled.

    Templates stay indented for reading; pages carry none (a claim is repeated on
    every page naming it, so indentation cost megabytes at 10,000 claims). Safe
    because generated pages hold no whitespace-sensitive element (``<pre>``,
    ``<textarea>``) and a newline already separates words where indentation did.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template source without leading blanks on any line."""
        return _INDENT.sub("", source)


def make_environment(template_dirs: Sequence[Path], sandboxed: bool = False) -> jinja2.Environment:
    """The Jinja environment of generated pages: autoescape on, strict undefined, no indentation.

    Templates are looked up in ``template_dirs`` in order, so a project's own folder
    overrides evmap's defaults file by file (:attr:`evmap.core.config.Settings.template_dirs`).
    Templates get the filter ``plural``: ``{{ n | plural("claim") }}`` gives ``1 claim``,
    ``2 claims``. ``sandboxed`` renders in Jinja's sandbox
    (:attr:`evmap.core.config.Settings.sandboxed`): a template of a pull request cannot
    reach Python's internals (``''.__class__``...) to run commands on whoever builds it.
    """
    kind = jinja2.sandbox.SandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[Dedent],
    )
    env.filters["plural"] = plural
    return env


def template_files(template_dirs: Sequence[Path]) -> dict[str, Path]:
    """Every template file by its name (``partials/claim.html``), the first folder's winning."""
    found: dict[str, Path] = {}
    for folder in template_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def template_file(template_dirs: Sequence[Path], name: str) -> Path:
    """The file named ``name`` in the first of ``template_dirs`` that has it.

    Raises:
        FileNotFoundError: when none has it.
    """
    for folder in template_dirs:
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(2, "no such template file", name)


def templates_stamp(template_dirs: Sequence[Path]) -> str:
    """Digest of every template file in use: pages rendered from equal stamps agree."""
    digest = hashlib.sha256()
    for name, path in sorted(template_files(template_dirs).items()):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class PreflightError(EvmapError):
    """A template error found by :meth:`Renderer.preflight`.

    Attributes:
        page: The page being rendered ("" when the template did not compile).
        error: Jinja's error.
    """

    def __init__(self, page: str, error: jinja2.TemplateError) -> None:
        super().__init__(str(error))
        self.page = page
        self.error = error


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
        # Serving: search entries of entity pages, adopted with their bodies.
        self._entries: dict[PageSpec, list[dict[str, str]]] = {}
        self.adopted = 0  # bodies taken from the previous renderer
        self._claim_views: dict[tuple[str, str], ClaimView] = {}
        # A claim reads the same on every page of one depth: render it once per depth.
        # A claim's markup with a placeholder for its rows, once per link prefix and home
        # (and per set of rows, for a project's claim.html that writes them itself).
        self._claim_heads: dict[tuple[str, str, bool, str], Markup] = {}
        # All of a claim's rows, rendered once per link prefix: shared by its home page
        # (which shows how its grade was derived) and its other pages.
        self._evidence_html: dict[tuple[str, str, bool, str], Markup] = {}
        # ... and cut into rows, for the pages showing only some of them (None: the
        # table is not written one row a line, as a project's own template may not be).
        self._row_parts: dict[tuple[str, str, bool, str], tuple[str, list[str], str] | None] = {}
        # The folded part of a claim's rows by its shape (see _split_rows).
        self._folded: dict[tuple[bool, int, str], str] = {}  # never depends on a claim
        # ... and forget it once the last pathway or compound page showing it is
        # rendered, so memory holds the claims of pages still to come, not the whole map
        # (at 100,000 claims the rendered claims alone would take about a gigabyte).
        self._claim_uses: dict[str, int] | None = None
        self._claims_done: list[str] = []
        self._claim_keys: dict[str, list[tuple[str, str, bool, str]]] = {}  # html keys by claim
        self._claim_roots: set[str] = set()  # the link prefixes views were made for
        self.env.globals["claim_html"] = self.claim_html
        self._packed: frozenset[str] = frozenset()  # downloads written compressed
        # What the exports and the linked data say of the map itself (set by the adapter).
        self.info = linked_data.MapInfo()
        self.csl: CslStore | None = None  # where CSL-JSON items are kept (set by the adapter)
        self._page_nodes: linked_data.PageNodes | None = None
        drafts = frozenset(c.id for c in evidence_map.claims.values() if c.draft)
        self.analysis = analyse_map(
            evidence_map, view_max_cells, drafts if leave_out_drafts else frozenset()
        )
        self._history_slugs = provenance.history_slugs(evidence_map) if history else {}
        self._history_claims: dict[str, list[Claim]] | None = None  # made on first use
        self.facets = facet_index(evidence_map)
        # Every list of claims is in this order: rank them once for the whole map.
        self._rank = {
            cid: i
            for i, cid in enumerate(
                weight_order(evidence_map, self.analysis.certainty, evidence_map.claims)
            )
        }
        self._citations: dict[tuple[str, str], CitationView] = {}
        self._terms: dict[str, dict[str, str]] = {}
        self._toc_names: dict[str, str] = {}
        # Hand-written pages of the site (set by the adapter), to link the certainty rule.
        self.docs: frozenset[str] = frozenset()  # the site's hand-written pages

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

    # -- links ------------------------------------------------------------

    def href(self, root: str, kind: str, subject: str = "") -> str:
        """Relative href from a page with prefix ``root`` to a page of ``kind``."""
        return root + self.urls.url(self.urls.src(kind, subject)) or "./"

    def linker(self, root: str) -> PageLinker:
        """Hrefs for the evidence views, relative to a page with prefix ``root``."""
        return PageLinker(self, root)

    def downloads(self, root: str) -> list[Link]:
        """Links to the data downloads, from a page with prefix ``root``: what each holds
        and who reads it."""
        return [
            Link(d.label, root + d.path, f"{d.description}. {d.readers}")
            for d in self._written_downloads()
        ]

    def _written_downloads(self) -> list[Download]:
        """The downloads as written (large ones compressed)."""
        return [packed(d) if d.path in self._packed else d for d in DOWNLOADS]

    def download_files(
        self, source_name: str, cache: ExportCache | None = None
    ) -> dict[str, str | bytes]:
        """The downloads and data files of the map (:func:`evmap.site.export.download_files`);
        the links to them (:meth:`downloads`) follow the names they are written under."""
        known = self.history.provenance if self.history else None
        files = download_files(
            self.map, "", source_name, self.analysis, cache, self.info, self.csl, known
        )
        self._packed = frozenset(d.path for d in DOWNLOADS if packed(d).path in files)
        return files

    def certainty_href(self, root: str) -> str:
        """Href of the page explaining the certainty rule ("" when the site has none)."""
        if CERTAINTY_DOC not in self.docs:
            return ""
        return root + self.urls.url(CERTAINTY_DOC)

    def glossary_href(self, root: str) -> str:
        """Href of the page defining the map's terms (the home page): ``#term-<name>`` follows."""
        return self.href(root, PageKind.HOME)

    def term_href(self, root: str, anchor: str) -> str:
        """Href of a defined term (:data:`evmap.core.vocab.DEFINITIONS`): on the definitions
        page when the site has one, else the home page's glossary entry nearest to it."""
        if DEFINITIONS_DOC in self.docs:
            return f"{root}{self.urls.url(DEFINITIONS_DOC)}#{anchor}"
        term = "contested" if anchor.startswith("contested") else "evidence-item"
        return f"{self.glossary_href(root)}#term-{term}"

    def terms(self, root: str) -> dict[str, str]:
        """Hrefs of every defined term from a page with prefix ``root`` (cached)."""
        found = self._terms.get(root)
        if found is None:
            found = self._terms[root] = views.term_links(self.linker(root))
        return found

    def _pathway_link(self, root: str, pid: str) -> Link:
        return Link(self.map.pathways[pid].name, self.href(root, PageKind.PATHWAY, pid))

    def _compound_link(self, root: str, cid: str) -> Link:
        return Link(self.map.compounds[cid].name, self.href(root, PageKind.COMPOUND, cid))

    def notes(self, key: str) -> list[NoteBadge]:
        """The curators' notes on reference ``key``, as badges (and the facts not seen)."""
        info = self.map.reference_info.get(key)
        if info is None:
            return []
        badges = [
            NoteBadge(n.type.value, NOTE_LABELS[n.type], n.text, n.type in SERIOUS_NOTES)
            for n in info.notes
        ]
        seen = not_seen_note(info)
        return [*badges, seen] if seen is not None else badges

    def citation(self, root: str, key: str) -> CitationView:
        """The in-text citation of ``key`` from a page with prefix ``root`` (cached)."""
        view = self._citations.get((root, key))
        if view is None:
            ref = self.map.references[key]
            view = CitationView(
                key, ref.label, self.href(root, PageKind.REFERENCE, ref.slug), self.notes(key)
            )
            self._citations[root, key] = view
        return view

    def _tested(self, claim: Claim, ev: Evidence) -> str:
        """Which of the claim's several compounds and pathways an item bears on ("" if moot)."""
        parts = []
        if len(claim.compounds) > 1 and ev.compounds:
            names = [self.map.compounds[c].name for c in ev.compounds if c in self.map.compounds]
            parts.append("tested " + ", ".join(names))
        if len(claim.pathways) > 1 and ev.pathways:
            names = [self.map.pathways[p].name for p in ev.pathways if p in self.map.pathways]
            parts.append("bears on " + ", ".join(names))
        return "; ".join(parts)

    def claim_view(self, root: str, claim: Claim) -> ClaimView:
        """The view of ``claim`` for pages with prefix ``root`` (cached)."""
        cache_key = (root, claim.id)
        view = self._claim_views.get(cache_key)
        if view is not None:
            return view
        second_hand = self.analysis.second_hand
        evidence = [
            EvidenceView(
                stance=ev.stance.value,
                stance_label=STANCE_LABELS[ev.stance],
                glyph=STANCE_GLYPHS[ev.stance],
                finding=ev.finding,
                model=model_text(ev),
                type=study_text(ev),
                locator=ev.locator,
                citations=[self.citation(root, k) for k in ev.citations],
                via=[self.citation(root, k) for k in ev.via],
                second_hand=second_hand.get((claim.id, index), False),
                tested=self._tested(claim, ev),
                indirect=ev.indirect,
                read=READING_LABELS[ev.read] if ev.read is not None else "",
                how=second_hand_how(ev) if second_hand.get((claim.id, index)) else "",
                note=ev.note,
            )
            for index, ev in enumerate(claim.evidence)
        ]
        anchor = f"claim-{claim.id}"
        stances = [ev.stance for ev in claim.evidence]
        view = ClaimView(
            id=claim.id,
            anchor=anchor,
            statement=claim.statement,
            href=f"{self.href(root, PageKind.PATHWAY, claim.home_pathway)}#{anchor}",
            compounds=[self._compound_link(root, c) for c in claim.compounds],
            pathways=[self._pathway_link(root, p) for p in claim.pathways],
            evidence=evidence,
            supports=stances.count(Stance.SUPPORTS),
            contradicts=stances.count(Stance.CONTRADICTS),
            mixed=stances.count(Stance.MIXED),
            source_path=claim.source.path,
            certainty=views.certainty_view(
                self.analysis.certainty[claim.id],
                self.certainty_href(root),
                lambda key: views.Anchor(*attrgetter("label", "href")(self.citation(root, key))),
            ),
            flag=views.flag_view(
                self.analysis.contradictions.get(claim.id), self.terms(root)["contested-claim"]
            ),
            facets=views.facet_chips(claim, self.facets, self.href(root, PageKind.MATRIX)),
            glossary=self.glossary_href(root),
            compound_ids=" ".join(claim.compounds),
            pathway_ids=" ".join(claim.pathways),
            asserts=views.asserted(claim, self.map),
            terms=self.terms(root),
            former_anchors=tuple(f"claim-{old}" for old in claim.former_ids),
            one_group=views.one_group_text(self.analysis.one_group.get(claim.id)),
            **self._provenance(root, claim),
        )
        self._claim_views[cache_key] = view
        self._claim_roots.add(root)
        return view

    def _provenance(self, root: str, claim: Claim) -> dict[str, Any]:
        """A claim's provenance line and review status (see :mod:`evmap.site.history`)."""
        history = self.history
        if history is None:
            return {}
        known = history.provenance.claims.get(claim.id)
        slug = self._history_slugs.get(claim.source.path)
        href = (
            f"{self.href(root, PageKind.HISTORY, slug)}#claim-{claim.id}"
            if slug and history.provenance.available
            else ""
        )
        return {
            "provenance": provenance.provenance_view(known, history, href),
            "review": provenance.review_view(claim, history.names, known.authors if known else ()),
        }

    def claim_html(self, view: ClaimView) -> Markup:
        """``partials/claim.html`` for ``view``, rendered once per claim and link prefix.

        Its rows (``claim_evidence(claim)`` in the template) depend on the page, the rest
        does not: the rest is rendered once, with a placeholder where the rows go, and
        each page puts its rows in its place (only the two parts are kept, not every
        page's claim). A project's own claim.html that writes the rows itself is
        rendered once per set of rows instead.
        """
        head = self._claim_heads.get((view.id, view.href, view.home, ""))
        if head is None:
            head = self._claim_heads.get((view.id, view.href, view.home, view.split))
        if head is None:
            template = self.env.get_template("partials/claim.html")
            # claim_evidence is given to this render only (a global would be copied into
            # every template context of the site).
            head = Markup(template.render(claim=view, claim_evidence=_placeholder))
            split = "" if _EVIDENCE in head else view.split
            self._remember((view.id, view.href, view.home, split), head, self._claim_heads)
        if _EVIDENCE not in head:
            return head
        # str.replace: Markup's own would escape its arguments again.
        return Markup(str.replace(head, _EVIDENCE, self._rows(view)))

    def _remember(
        self,
        key: tuple[str, str, bool, str],
        html: Markup,
        cache: dict[tuple[str, str, bool, str], Markup],
    ) -> None:
        if key not in cache:
            cache[key] = html
            self._claim_keys.setdefault(key[0], []).append(key)

    def _rows(self, view: ClaimView) -> Markup:
        """``partials/claim-evidence.html`` for ``view``: its rows.

        All of a claim's rows are rendered once per link prefix (home page or not) and
        let go with the claim's markup. A page showing some of them takes those rows
        from that table and folds the others (``partials/claim-folded.html``): a row is
        written once per claim, however many pages show it; should the table not read
        as evmap's (a project's own template), the page's rows are rendered for it.
        """
        if view.split:
            split = self._split_rows(view)
            if split is not None:
                return split
            return Markup(self.env.get_template("partials/claim-evidence.html").render(claim=view))
        key = (view.id, view.href, False, "")
        html = self._evidence_html.get(key)
        if html is None:
            template = self.env.get_template("partials/claim-evidence.html")
            html = Markup(template.render(claim=view))
            self._remember(key, html, self._evidence_html)
        return html

    def _split_rows(self, view: ClaimView) -> Markup | None:
        """The rows of ``view``, a claim showing some of its rows, cut from its whole table
        (None when that table does not have one line per row)."""
        key = (view.id, view.href, False, "")
        if key in self._row_parts:
            parts = self._row_parts[key]
        else:
            whole = whole_of(view)
            # As plain text: joining Markup with pieces of itself would escape them again.
            parts = self._row_parts[key] = table_rows(str(self._rows(whole)), len(whole.evidence))
            self._claim_keys.setdefault(view.id, []).append(key)
        if parts is None:
            return None
        start, rows, end = parts
        shown = shown_rows(view)
        counted = start + "".join(rows[i] for i in shown) + end if shown else ""
        counted_set = set(shown)
        rest = [row for i, row in enumerate(rows) if i not in counted_set]
        # The folded part reads the same for every claim with as many rows folded on one
        # kind of page: rendered once per such shape, with a placeholder for the table.
        shape = (not view.evidence, len(view.elsewhere), view.elsewhere_label)
        wrapper = self._folded.get(shape)
        if wrapper is None:
            template = self.env.get_template("partials/claim-folded.html")
            wrapper = self._folded[shape] = str(
                template.render(
                    folded=_EVIDENCE, count=shape[1], label=shape[2], none_counted=shape[0]
                )
            )
        return Markup(counted + wrapper.replace(_EVIDENCE, start + "".join(rest) + end))

    def _count_use(self, ids: Iterable[str]) -> None:
        """One more page shows ``ids``: those no page still to come shows are let go
        when this page is rendered (:meth:`_release_claims`). A claim asked for again
        afterwards (a page rendered twice) is simply rendered again."""
        if self._claim_uses is None:
            uses: dict[str, int] = {}
            for by_entity in (self.map.claims_by_pathway, self.map.claims_by_compound):
                for claim_ids in by_entity.values():
                    for cid in claim_ids:
                        uses[cid] = uses.get(cid, 0) + 1
            self._claim_uses = uses
        for cid in ids:
            left = self._claim_uses.get(cid, 0) - 1
            self._claim_uses[cid] = left
            if left == 0:
                self._claims_done.append(cid)

    def _release_claims(self) -> None:
        """Drop the cached views and HTML of claims whose last page was just rendered."""
        if not self._claims_done:
            return
        for cid in self._claims_done:
            for root in self._claim_roots:
                self._claim_views.pop((root, cid), None)
            for key in self._claim_keys.pop(cid, ()):
                self._claim_heads.pop(key, None)
                self._evidence_html.pop(key, None)
                self._row_parts.pop(key, None)
        self._claims_done.clear()

    def cite(self, markdown: str, src: str) -> str:
        """The ``[@key]`` citations of a hand-written page ``src``, linked and previewed as
        on generated pages (an unknown key is left as written; the check reports it)."""
        root = self.urls.root(src)

        def lookup(key: str) -> CitedReference | None:
            ref = self.map.references.get(key)
            if ref is None:
                return None
            return CitedReference(
                ref.key, ref.label, self.href(root, PageKind.REFERENCE, ref.slug), ref.html
            )

        return cite_markdown(markdown, lookup, root + REFERENCES_SCRIPT)

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

    def _claims(self, root: str, ids: Iterable[str], kind: str, subject: str) -> list[ClaimView]:
        """Views of claims ``ids`` in weight order for the page of ``kind`` ``subject``: each
        shows the rows bearing on the subject, the others folded apart (:mod:`.claims`);
        those at home on the page's pathway are marked."""
        views_ = [self.claim_view(root, self.map.claims[i]) for i in self.ordered(ids)]
        self._count_use(v.id for v in views_)
        # The rows on the subject, by claim, from the analysis (one pass for the page).
        items = (
            self.analysis.items_by_compound
            if kind == PageKind.COMPOUND
            else self.analysis.items_by_pathway
        )
        rows: dict[str, list[int]] = {}
        for cid, i in items.get(subject, ()):
            rows.setdefault(cid, []).append(i)
        return [
            shown_on(v, self.map.claims[v.id], kind, subject, rows.get(v.id, [])) for v in views_
        ]

    def summary_view(self, root: str, summary: EvidenceSummary, kind: str = "map") -> SummaryView:
        """The summary block of a page of ``kind`` with prefix ``root``."""
        linker = self.linker(root)
        sources = []
        for use in summary.sources:
            if use.key not in self.map.references:
                continue
            paper = self.map.kind_of(use.key)
            sources.append(
                SourceCount(
                    self.citation(root, use.key),
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
                Link(self.map.claims[cid].statement, linker.claim(cid))
                for cid in self.ordered(summary.contested)
            ],
            items=summary.items,
            first_hand=summary.first_hand,
            second_hand=summary.second_hand,
            supporting=summary.supporting,
            against=summary.against,
            mixed=summary.mixed,
            sources=sources,
            glossary=self.glossary_href(root),
            pairs=PairCounts(
                summary.pairs.answered,
                summary.pairs.supports,
                summary.pairs.contradicts,
                summary.pairs.mixed,
                len(summary.pairs.contested),
                summary.pairs.other,
                {"compound": "pathway", "pathway": "compound"}.get(kind, "compound-pathway pair"),
            ),
            terms=self.terms(root),
        )

    # -- contexts ---------------------------------------------------------

    def _categories(self, root: str) -> list[CategoryGroup]:
        groups: dict[str, list[Link]] = {}
        for p in sorted(self.map.pathways.values(), key=lambda p: p.name.lower()):
            count = len(self.map.claims_by_pathway[p.id])
            groups.setdefault(p.category, []).append(
                Link(p.name, self.href(root, PageKind.PATHWAY, p.id), _count(count, "claim"))
            )
        order = list(CATEGORY_LABELS)
        return [
            CategoryGroup(cat, CATEGORY_LABELS.get(cat, cat), links)
            for cat, links in sorted(groups.items(), key=lambda kv: order.index(kv[0]))
        ]

    def _compound_tree(self, root: str) -> list[TreeRow]:
        rows: list[TreeRow] = []
        compounds = self.map.compounds

        def walk(cid: str, depth: int, seen: frozenset[str]) -> None:
            c = compounds[cid]
            count = len(self.map.claims_by_compound[cid])
            rows.append(
                TreeRow(
                    Link(c.name, self.href(root, PageKind.COMPOUND, cid), _count(count, "claim")),
                    depth,
                    KIND_LABELS.get(c.kind, c.kind),
                )
            )
            for child in sorted(self.map.children[cid], key=lambda i: compounds[i].name.lower()):
                if child not in seen:
                    walk(child, depth + 1, seen | {child})

        tops = [c for c in compounds.values() if c.parent not in compounds]
        for c in sorted(tops, key=lambda c: c.name.lower()):
            walk(c.id, 0, frozenset({c.id}))
        return rows

    def _relatives(self, root: str, compound: Compound) -> list[Link]:
        """Compounds derived from ``compound``, then from its parent, with their claim counts."""
        m = self.map
        kin = list(m.children[compound.id])
        if compound.parent is not None and compound.parent in m.compounds:
            kin += [k for k in m.children[compound.parent] if k != compound.id]
        return [
            Link(
                m.compounds[k].name,
                self.href(root, PageKind.COMPOUND, k),
                _count(len(m.claims_by_compound[k]), "claim"),
            )
            for k in dict.fromkeys(kin)
        ]

    def _counts(self) -> dict[str, int]:
        m = self.map
        return {
            "claims": len(m.claims),
            "evidence": sum(len(c.evidence) for c in m.claims.values()),
            "compounds": len(m.compounds),
            "pathways": len(m.pathways),
            "references": len(m.references),
        }

    def _reference_page(self, root: str, r: Reference) -> ReferencePage:
        """A reference page: its kind, notes, and what it says on each claim citing it."""
        m = self.map
        linker = self.linker(root)
        claims = []
        for cid in self.ordered(m.claims_by_reference[r.key]):
            claim = m.claims[cid]
            own = [ev.stance for ev in claim.evidence if r.key in ev.citations]
            claims.append(
                ReferenceClaim(
                    Link(claim.statement, linker.claim(cid)),
                    own.count(Stance.SUPPORTS),
                    own.count(Stance.CONTRADICTS),
                    own.count(Stance.MIXED),
                    sum(r.key in ev.via for ev in claim.evidence),
                    GRADE_LABELS[self.analysis.certainty[cid].grade],
                )
            )
        alone = [
            Link(m.claims[cid].statement, linker.claim(cid))
            for cid in self.ordered(m.claims_by_reference[r.key])
            if self.analysis.sole_source.get(cid) == r.key
        ]
        kind = m.kind_of(r.key)
        return ReferencePage(
            reference=r,
            formatted=Markup(r.html),  # the formatter escapes field text; URLs were validated
            links=reference_links(r),
            claims=claims,
            kind=REFERENCE_KIND_LABELS[kind] if kind is not None else "",
            notes=self.notes(r.key),
            alone=alone,
            record=info.record if (info := m.reference_info.get(r.key)) else "",
        )

    def context(self, spec: PageSpec) -> PageContext:
        """The typed context of one page."""
        root = self.urls.root(spec.src)
        m = self.map
        data: Any
        if spec.kind == PageKind.PATHWAY:
            p = m.pathways[spec.subject]
            compound_ids = self.analysis.compounds_by_pathway.get(p.id, ())
            data = PathwayPage(
                pathway=p,
                category=Link(
                    CATEGORY_LABELS.get(p.category, p.category),
                    self.href(root, PageKind.PATHWAY_INDEX) + f"#{p.category}",
                ),
                related=[self._pathway_link(root, r) for r in p.related if r in m.pathways],
                compounds=[self._compound_link(root, c) for c in compound_ids],
                summary=self.summary_view(
                    root, self.analysis.summary(m, "pathway", p.id), "pathway"
                ),
                claims=self._claims(root, m.claims_by_pathway[p.id], PageKind.PATHWAY, p.id),
                contested=views.pair_flags(m, self.analysis, self.linker(root), pathway=p.id),
                identifiers=identifier_links(p),
            )
        elif spec.kind == PageKind.COMPOUND:
            c = m.compounds[spec.subject]
            pathway_ids = self.analysis.pathways_by_compound.get(c.id, ())
            data = CompoundPage(
                compound=c,
                kind_label=KIND_LABELS.get(c.kind, c.kind),
                parent=(
                    self._compound_link(root, c.parent)
                    if c.parent is not None and c.parent in m.compounds
                    else None
                ),
                children=[self._compound_link(root, k) for k in m.children[c.id]],
                identifiers=identifier_links(c),
                pathways=[self._pathway_link(root, p) for p in pathway_ids],
                summary=self.summary_view(
                    root, self.analysis.summary(m, "compound", c.id), "compound"
                ),
                claims=self._claims(root, m.claims_by_compound[c.id], PageKind.COMPOUND, c.id),
                contested=views.pair_flags(m, self.analysis, self.linker(root), compound=c.id),
                related=self._relatives(root, c) if not m.claims_by_compound[c.id] else (),
            )
        elif spec.kind == PageKind.REFERENCE:
            data = self._reference_page(root, m.references[spec.subject])
        elif spec.kind == PageKind.MATRIX:
            data = matrix_page(
                m,
                self.analysis,
                self.facets,
                self.linker(root),
                CATEGORY_LABELS,
                [views.Anchor(d.label, d.href, d.note) for d in self.downloads(root)],
                self.certainty_href(root),
            )
        elif spec.kind == PageKind.NETWORK:
            data = network_page(m, self.analysis, self.linker(root))
        elif spec.kind == PageKind.HISTORY and self.history is not None:
            if self._history_claims is None:
                self._history_claims = provenance.claims_by_file(m)
            data = provenance.history_page(
                spec,
                self._history_claims.get(spec.source_path, []),
                self.history,
                self.linker(root).claim,
            )
        else:
            data = IndexPage(
                counts=self._counts(),
                categories=self._categories(root)
                if spec.kind in (PageKind.HOME, PageKind.PATHWAY_INDEX)
                else (),
                compounds=self._compound_tree(root)
                if spec.kind in (PageKind.HOME, PageKind.COMPOUND_INDEX)
                else (),
                references=[
                    Link(r.label, self.href(root, PageKind.REFERENCE, r.slug), r.text)
                    for r in m.references.values()
                ]
                if spec.kind == PageKind.REFERENCE_INDEX
                else (),
                links={
                    "pathways": self.href(root, PageKind.PATHWAY_INDEX),
                    "compounds": self.href(root, PageKind.COMPOUND_INDEX),
                    "references": self.href(root, PageKind.REFERENCE_INDEX),
                    "matrix": self.href(root, PageKind.MATRIX),
                    "network": self.href(root, PageKind.NETWORK),
                    "certainty": self.certainty_href(root),
                    "definitions": (
                        root + self.urls.url(DEFINITIONS_DOC)
                        if DEFINITIONS_DOC in self.docs
                        else ""
                    ),
                },
                downloads=self.downloads(root) if spec.kind == PageKind.HOME else (),
                summary=self.summary_view(root, self.analysis.summary(m, "map"))
                if spec.kind == PageKind.HOME
                else None,
                license=self._license_link() if spec.kind == PageKind.HOME else None,
                **(self._citing(spec.kind)),
                definitions={entry.anchor: entry.text for entry in DEFINITIONS}
                if spec.kind == PageKind.HOME
                else {},
                **(self._home(root) if spec.kind == PageKind.HOME else {}),
            )
        return PageContext(
            title=spec.title,
            root=root,
            kind=spec.kind,
            data=data,
            linked_data=self.linked_data(spec),
        )

    def _home(self, root: str) -> dict[str, Any]:
        """What the home page opens with: what the map is, where to start, the open questions."""
        contested = self.ordered(self.analysis.summary(self.map, "map").contested)
        start = []
        if OVERVIEW_DOC in self.docs:
            start.append(
                Link(
                    "Overview",
                    root + self.urls.url(OVERVIEW_DOC),
                    "the map in prose: what is settled, what is proposed, and on what evidence",
                )
            )
        if contested:
            start.append(
                Link(
                    "Contested questions",
                    "#contested",
                    f"{_count(len(contested), 'claim')} whose own evidence points both ways, "
                    "each with its strongest evidence for and against",
                )
            )
        start.append(
            Link(
                "Evidence matrix",
                self.href(root, PageKind.MATRIX),
                "every compound against every pathway: how much evidence, which way, and the gaps",
            )
        )
        return {
            "name": self.info.name,
            "description": self.info.description,
            "purpose": self.info.purpose,
            "start": start,
            "questions": home.contested_questions(
                self.map, self.analysis, contested, lambda c: self.claim_view(root, c)
            ),
        }

    def _license_link(self) -> Link | None:
        lic = self.info.license
        return Link(lic.name, lic.url, lic.spdx) if lic is not None else None

    def linked_data(self, spec: PageSpec) -> Markup:
        """The schema.org JSON-LD of a page (:class:`evmap.site.linked_data.PageNodes`)."""
        if self._page_nodes is None or self._page_nodes.info is not self.info:
            self._page_nodes = linked_data.PageNodes(self.map, self.info)
        files = (
            [(d.path, d.media_type, d.description) for d in self._written_downloads()]
            if spec.kind == PageKind.HOME
            else []
        )
        return self._page_nodes.script(spec.kind, spec.subject, files)

    def _citing(self, kind: str) -> dict[str, Any]:
        """How to cite the map (home page): its archived release's DOI and its version."""
        if kind != PageKind.HOME or self.history is None:
            return {}
        doi = self.history.doi
        return {
            "cite": Link(f"doi:{doi}", doi_href(doi)) if doi else None,
            "version": self.history.version,
            "history": self.history.provenance.message(),
        }

    def adopt(self, previous: Renderer) -> int:
        """Reuse the entity pages ``previous`` rendered that this map renders the same.

        Which pages an edit can change is decided by :mod:`evmap.site.incremental`;
        site-wide pages are always rendered again. Returns how many bodies were taken.
        """
        if not self.keep_bodies:
            return 0
        stale = (
            None
            if (
                previous.stamp != self.stamp
                # A commit moves every claim's provenance; an edit moves only the edited
                # claim's, whose pages are stale anyway.
                or _history_key(previous.history) != _history_key(self.history)
                or previous.urls != self.urls
                or previous.docs != self.docs
                # Whether a contested pair's "matrix cell" link exists depends on which
                # compounds and pathways a large map's matrix shows: when the edit changes
                # that, every page is rendered again.
                or previous.analysis.extent != self.analysis.extent
                # A facet value's anchor (linked from its claims) moves when a value with
                # the same slug comes or goes before it.
                or any(
                    self.facets.anchors.get(k, v) != v for k, v in previous.facets.anchors.items()
                )
            )
            else stale_subjects(previous.map, self.map)
        )
        for spec, html in previous._bodies.items():
            # A history page shows many claims' provenance: rendered again, and written
            # only when it reads differently (unchanged()).
            entity = spec.kind in SECTION
            if entity and stale is not None and (spec.kind, spec.subject) not in stale:
                self._bodies[spec] = html
                if spec in previous._entries:  # they follow from the same claims
                    self._entries[spec] = previous._entries[spec]
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
            self._claim_views.clear()
            self._claim_heads.clear()
            self._evidence_html.clear()
            self._row_parts.clear()
            self._claim_uses = None
            self._claims_done.clear()
            self._claim_keys.clear()
            self._citations.clear()
            self._terms.clear()
            self._toc_names.clear()

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
            self._release_claims()
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

    def search_entries(self, spec: PageSpec) -> list[dict[str, str]]:
        """Search-index entries of an entity page, in Material's format (HTML-escaped text).

        Each page gets one entry for itself; each claim one entry, on its home
        page only, so the index grows with the map rather than with the number of
        pages a claim appears on.
        """
        entries = self._entries.get(spec)
        if entries is None:
            entries = self._search_entries(spec)
            if self.keep_bodies and spec.kind in SECTION:
                self._entries[spec] = entries
        return entries

    def _search_entries(self, spec: PageSpec) -> list[dict[str, str]]:
        url = self.urls.url(spec.src)
        m = self.map
        names: list[str] = []  # what the page's subject is called: found first by them
        if spec.kind == PageKind.PATHWAY:
            p = m.pathways[spec.subject]
            about = f"{CATEGORY_LABELS.get(p.category, p.category)}. {p.summary}"
            claims = [
                m.claims[i] for i in m.claims_by_pathway[p.id] if m.claims[i].home_pathway == p.id
            ]
            names = [p.name]
        elif spec.kind == PageKind.COMPOUND:
            c = m.compounds[spec.subject]
            about = f"{KIND_LABELS.get(c.kind, c.kind)}. {', '.join(c.synonyms)}. {c.summary}"
            claims = []
            names = [c.name, *c.synonyms]
        elif spec.kind == PageKind.REFERENCE:
            r = m.references[spec.subject]
            about = f"{r.text} {r.key}"
            claims = []
            names = [r.key, *([r.doi] if r.doi else [])]
        elif spec.kind in VIEW_KINDS:
            about = VIEW_KINDS[spec.kind]
            claims = []
        else:
            return []
        entries: list[dict[str, Any]] = [
            {
                "location": url,
                "title": str(escape(spec.title)),
                "text": str(escape(about.strip(". "))),
                **({"names": names} if names else {}),
            }
        ]
        for claim in claims:
            words = [ev.finding + " (" + model_text(ev) + ")" for ev in claim.evidence]
            words += [m.compounds[c].name for c in claim.compounds if c in m.compounds]
            words += [m.references[k].label for k in claim.citation_keys() if k in m.references]
            entries.append(
                {
                    "location": f"{url}#claim-{claim.id}",
                    "title": str(escape(claim.statement)),
                    "text": str(escape(" ".join(words))),
                }
            )
        return entries

    def anchors(self, spec: PageSpec) -> set[str]:
        """Every id a page's links may point at (for MkDocs' anchor checks)."""
        found: set[str] = set()

        def walk(entries: list[dict[str, Any]]) -> None:
            for entry in entries:
                found.add(entry["id"])
                walk(entry["children"])

        walk(self.toc(spec))
        if spec.kind in (PageKind.PATHWAY, PageKind.COMPOUND):
            index = (
                self.map.claims_by_pathway
                if spec.kind == PageKind.PATHWAY
                else self.map.claims_by_compound
            )
            found.update(f"claim-{i}" for i in index[spec.subject])
            found.update(
                f"claim-{old}" for i in index[spec.subject] for old in self.map.claims[i].former_ids
            )
        if spec.kind == PageKind.REFERENCE:
            found.update(("notes", "alone"))
        if spec.kind == PageKind.HOME:
            found.update(("summary", GLOSSARY, *(f"term-{t}" for t in GLOSSARY_TERMS)))
        return found

    def _toc_name(self, claim_id: str) -> str:
        """A claim's statement as a table of contents lists it: shortened, escaped (cached)."""
        name = self._toc_names.get(claim_id)
        if name is None:
            statement = shorten(self.map.claims[claim_id].statement, TOC_CHARS)
            name = self._toc_names[claim_id] = str(escape(statement))
        return name

    def toc(self, spec: PageSpec) -> list[dict[str, Any]]:
        """Table-of-contents entries (MkDocs toc tokens) of a page: its title (the ``<h1>``,
        :data:`~evmap.site.contexts.TITLE_ANCHOR`), holding its sections.

        Themes list the sections under a first level-1 entry, as for a Markdown page;
        Material's "Skip to content" link leads to the first entry, so every generated
        page has one."""
        return [
            {
                "level": 1,
                "id": TITLE_ANCHOR,
                "name": str(escape(spec.title)),
                "children": self._sections(spec),
            }
        ]

    def _sections(self, spec: PageSpec) -> list[dict[str, Any]]:
        """The sections of a page's table of contents (under its title)."""

        def entry(
            anchor: str, name: str, level: int = 2, children: list[dict[str, Any]] | None = None
        ) -> dict[str, Any]:
            return {"level": level, "id": anchor, "name": name, "children": children or []}

        if spec.kind in (PageKind.PATHWAY, PageKind.COMPOUND, PageKind.REFERENCE):
            index: dict[str, Mapping[str, tuple[str, ...]]] = {
                PageKind.PATHWAY: self.map.claims_by_pathway,
                PageKind.COMPOUND: self.map.claims_by_compound,
                PageKind.REFERENCE: self.map.claims_by_reference,
            }
            ids = index[spec.kind][spec.subject]
            # A reference page lists its citing claims as links to their home pages:
            # it has no claim anchors of its own to list.
            # Past TOC_CLAIMS the sidebar would be a wall of text repeated on every page
            # load; the claims stay on the page, their anchors too (see anchors()).
            # Names are HTML (themes print them as they are): statements are escaped.
            listed = self.ordered(ids)[:TOC_CLAIMS] if spec.kind != PageKind.REFERENCE else ()
            claims = [
                entry(
                    f"claim-{i}", str(escape(shorten(self.map.claims[i].statement, TOC_CHARS))), 3
                )
                for i in listed
            ]
            if spec.kind == PageKind.REFERENCE:
                head = [entry("about", "About")]
            else:
                head = [entry("summary", "State of the evidence"), entry("about", "About")]
            if not ids and spec.kind != PageKind.REFERENCE:
                return head  # no claims section
            return [*head, entry("claims", f"Claims ({len(ids)})", 2, claims)]
        if spec.kind == PageKind.MATRIX:
            return [
                entry("matrix", "Matrix"),
                entry("cells", "Cells"),
                entry("facets", "Facets"),
                entry("downloads", "Downloads"),
            ]
        if spec.kind == PageKind.HOME:
            head = [entry("start", "Where to start")]
            if self.analysis.summary(self.map, "map").contested:
                head.append(entry("contested", "Contested questions"))
            return [
                *head,
                entry("summary", "State of the evidence"),
                entry(GLOSSARY, "What the words mean"),
                entry("views", "Views and downloads"),
                entry("pathways", "Pathways"),
                entry("compounds", "Compounds"),
            ]
        return []


def _history_key(history: provenance.SiteHistory | None) -> object:
    return history.key() if history is not None else None


class PageLinker:
    """The :class:`evmap.site.views.Linker` of one page: hrefs relative to its ``root``."""

    def __init__(self, renderer: Renderer, root: str) -> None:
        self.renderer = renderer
        self.root = root

    def page(self, kind: str, subject: str = "") -> str:
        """Href of a generated page."""
        return self.renderer.href(self.root, kind, subject)

    def claim(self, claim_id: str) -> str:
        """Href of a claim on its home pathway page."""
        home = self.renderer.map.claims[claim_id].home_pathway
        return f"{self.page(PageKind.PATHWAY, home)}#claim-{claim_id}"

    def file(self, path: str) -> str:
        """Href of a site file by its site-relative path."""
        return self.root + path

    def term(self, anchor: str) -> str:
        """Href of a defined term (see :meth:`Renderer.term_href`)."""
        return self.renderer.term_href(self.root, anchor)


def identifier_links(entity: Compound | Pathway) -> list[Link]:
    """Links to the records of a compound's or pathway's ids (ChEBI, PubChem, GO...)."""
    schemes = COMPOUND_SCHEMES if isinstance(entity, Compound) else PATHWAY_SCHEMES
    return [Link(i.text, i.href) for i in identifiers_of(entity.identifiers, schemes)]


def reference_links(reference: Reference) -> list[Link]:
    """DOI, PubMed, arXiv and URL links of a reference, where known, percent-encoded."""
    links = []
    if reference.doi:
        links.append(Link(f"doi:{reference.doi}", doi_href(reference.doi)))
    pmid = reference.links.get("pmid")
    if pmid:
        links.append(Link(f"PubMed {pmid}", pmid_href(pmid)))
    arxiv = reference.links.get("arxiv")
    if arxiv:
        links.append(Link(f"arXiv:{arxiv}", arxiv_href(arxiv)))
    url = reference.links.get("url")
    if url:
        links.append(Link(url, url_href(url)))
    return links


def template_error(
    exc: jinja2.TemplateError, template_dirs: Sequence[Path]
) -> tuple[str, int, str]:
    """Where a template error happened: (template path, line, message).

    Syntax errors name their line; errors while rendering (an unknown field, a
    failing filter) are found in the traceback, whose frames Jinja maps back to
    template lines. The path is the template file's (the innermost template frame,
    e.g. a partial, in whichever of ``template_dirs`` it came from); line 0 when none
    is known.
    """
    message = (str(exc.message or exc).splitlines() or [type(exc).__name__])[0].rstrip(".")
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno, message
    bases = tuple(
        sorted({str(d) for d in template_dirs} | {str(d.resolve()) for d in template_dirs})
    )
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(bases) and frame.filename.endswith(".html"):
            return frame.filename, frame.lineno or 0, message
    return str(template_dirs[0]), 0, message


_EVIDENCE = Markup("\x00evmap-claim-evidence\x00")
"""Where claim_html puts a claim's rows: a NUL cannot come from the content (the loaders
refuse control characters) nor from escaping, and every placeholder is replaced."""


def _placeholder(view: ClaimView) -> Markup:
    """``claim_evidence(claim)`` while partials/claim.html is rendered: where the rows go."""
    return _EVIDENCE


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
