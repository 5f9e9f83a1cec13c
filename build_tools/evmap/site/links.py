"""Links between pages: hrefs relative to a page, downloads, defined terms, citations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evmap.core.citations import CitedReference, cite_markdown
from evmap.core.identifiers import COMPOUND_SCHEMES, PATHWAY_SCHEMES, identifiers_of
from evmap.core.library.links import arxiv_href, doi_href, pmid_href, url_href
from evmap.core.model import Compound, Pathway, Reference
from evmap.core.vocab import (
    NOTE_LABELS,
    SERIOUS_NOTES,
)
from evmap.site import views
from evmap.site.contexts import (
    CitationView,
    Link,
    NoteBadge,
    not_seen_note,
)
from evmap.site.export import (
    DOWNLOADS,
    REFERENCES_SCRIPT,
    Download,
    ExportCache,
    download_files,
    packed,
)
from evmap.site.urls import PageKind

if TYPE_CHECKING:
    from evmap.site.render import Renderer

__all__ = [
    "CERTAINTY_DOC",
    "DEFINITIONS_DOC",
    "PageLinker",
    "SiteLinks",
    "identifier_links",
    "reference_links",
]

CERTAINTY_DOC = "certainty.md"


DEFINITIONS_DOC = "definitions.md"
"""The hand-written page defining supports, against and contested at each level
(:data:`evmap.core.vocab.DEFINITIONS`); without it, terms link to the home page's glossary."""


class SiteLinks:
    """The hrefs of one renderer's pages, relative to the linking page (some cached)."""

    def __init__(self, site: Renderer) -> None:
        self.site = site
        self._packed: frozenset[str] = frozenset()  # downloads written compressed
        self._citations: dict[tuple[str, str], CitationView] = {}
        self._terms: dict[str, dict[str, str]] = {}

    def clear(self) -> None:
        """Forget the cached citations and terms (the links they hold may change)."""
        self._citations.clear()
        self._terms.clear()

    def href(self, root: str, kind: str, subject: str = "") -> str:
        """Relative href from a page with prefix ``root`` to a page of ``kind``."""
        return root + self.site.urls.url(self.site.urls.src(kind, subject)) or "./"

    def linker(self, root: str) -> PageLinker:
        """Hrefs for the evidence views, relative to a page with prefix ``root``."""
        return PageLinker(self.site, root)

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
        known = self.site.history.provenance if self.site.history else None
        files = download_files(
            self.site.map,
            "",
            source_name,
            self.site.analysis,
            cache,
            self.site.info,
            self.site.csl,
            known,
        )
        self._packed = frozenset(d.path for d in DOWNLOADS if packed(d).path in files)
        return files

    def certainty_href(self, root: str) -> str:
        """Href of the page explaining the certainty rule ("" when the site has none)."""
        if CERTAINTY_DOC not in self.site.docs:
            return ""
        return root + self.site.urls.url(CERTAINTY_DOC)

    def glossary_href(self, root: str) -> str:
        """Href of the page defining the map's terms (the home page): ``#term-<name>`` follows."""
        return self.href(root, PageKind.HOME)

    def term_href(self, root: str, anchor: str) -> str:
        """Href of a defined term (:data:`evmap.core.vocab.DEFINITIONS`): on the definitions
        page when the site has one, else the home page's glossary entry nearest to it."""
        if DEFINITIONS_DOC in self.site.docs:
            return f"{root}{self.site.urls.url(DEFINITIONS_DOC)}#{anchor}"
        term = "contested" if anchor.startswith("contested") else "evidence-item"
        return f"{self.glossary_href(root)}#term-{term}"

    def terms(self, root: str) -> dict[str, str]:
        """Hrefs of every defined term from a page with prefix ``root`` (cached)."""
        found = self._terms.get(root)
        if found is None:
            found = self._terms[root] = views.term_links(self.linker(root))
        return found

    def _pathway_link(self, root: str, pid: str) -> Link:
        return Link(self.site.map.pathways[pid].name, self.href(root, PageKind.PATHWAY, pid))

    def _compound_link(self, root: str, cid: str) -> Link:
        return Link(self.site.map.compounds[cid].name, self.href(root, PageKind.COMPOUND, cid))

    def notes(self, key: str) -> list[NoteBadge]:
        """The curators' notes on reference ``key``, as badges (and the facts not seen)."""
        info = self.site.map.reference_info.get(key)
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
            ref = self.site.map.references[key]
            view = CitationView(
                key, ref.label, self.href(root, PageKind.REFERENCE, ref.slug), self.notes(key)
            )
            self._citations[root, key] = view
        return view

    def cite(self, markdown: str, src: str) -> str:
        """The ``[@key]`` citations of a hand-written page ``src``, linked and previewed as
        on generated pages (an unknown key is left as written; the check reports it)."""
        root = self.site.urls.root(src)

        def lookup(key: str) -> CitedReference | None:
            ref = self.site.map.references.get(key)
            if ref is None:
                return None
            return CitedReference(
                ref.key, ref.label, self.href(root, PageKind.REFERENCE, ref.slug), ref.html
            )

        return cite_markdown(markdown, lookup, root + REFERENCES_SCRIPT)


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
