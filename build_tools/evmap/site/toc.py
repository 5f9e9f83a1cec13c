"""What a page lists and indexes: its table of contents, its anchors, its search entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from evmap.core.vocab import (
    CATEGORY_LABELS,
    KIND_LABELS,
)
from evmap.site.claimviews import model_text
from evmap.site.contexts import (
    TITLE_ANCHOR,
)
from evmap.site.urls import SECTION, PageKind, PageSpec
from evmap.site.views import shorten

if TYPE_CHECKING:
    from evmap.site.render import Renderer

__all__ = [
    "GLOSSARY",
    "GLOSSARY_TERMS",
    "OWN_SEARCH_KINDS",
    "TOC_CHARS",
    "TOC_CLAIMS",
    "VIEW_KINDS",
    "Navigation",
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


GLOSSARY = "glossary"


GLOSSARY_TERMS = ("claim", "evidence-item", "certainty", "contested", "second-hand")
"""Terms the home page defines at ``#term-<name>``; pages using them link there."""


class Navigation:
    """Tables of contents, anchors and search entries of one renderer's pages."""

    def __init__(self, site: Renderer) -> None:
        self.site = site
        # Serving: search entries of entity pages, adopted with their bodies.
        self._entries: dict[PageSpec, list[dict[str, str]]] = {}
        self._toc_names: dict[str, str] = {}

    def search_entries(self, spec: PageSpec) -> list[dict[str, str]]:
        """Search-index entries of an entity page, in Material's format (HTML-escaped text).

        Each page gets one entry for itself; each claim one entry, on its home
        page only, so the index grows with the map rather than with the number of
        pages a claim appears on.
        """
        entries = self._entries.get(spec)
        if entries is None:
            entries = self._search_entries(spec)
            if self.site.keep_bodies and spec.kind in SECTION:
                self._entries[spec] = entries
        return entries

    def _search_entries(self, spec: PageSpec) -> list[dict[str, str]]:
        url = self.site.urls.url(spec.src)
        m = self.site.map
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
                self.site.map.claims_by_pathway
                if spec.kind == PageKind.PATHWAY
                else self.site.map.claims_by_compound
            )
            found.update(f"claim-{i}" for i in index[spec.subject])
            found.update(
                f"claim-{old}"
                for i in index[spec.subject]
                for old in self.site.map.claims[i].former_ids
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
            statement = shorten(self.site.map.claims[claim_id].statement, TOC_CHARS)
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
                PageKind.PATHWAY: self.site.map.claims_by_pathway,
                PageKind.COMPOUND: self.site.map.claims_by_compound,
                PageKind.REFERENCE: self.site.map.claims_by_reference,
            }
            ids = index[spec.kind][spec.subject]
            # A reference page lists its citing claims as links to their home pages:
            # it has no claim anchors of its own to list.
            # Past TOC_CLAIMS the sidebar would be a wall of text repeated on every page
            # load; the claims stay on the page, their anchors too (see anchors()).
            # Names are HTML (themes print them as they are): statements are escaped.
            listed = self.site.ordered(ids)[:TOC_CLAIMS] if spec.kind != PageKind.REFERENCE else ()
            claims = [
                entry(
                    f"claim-{i}",
                    str(escape(shorten(self.site.map.claims[i].statement, TOC_CHARS))),
                    3,
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
            if self.site.analysis.summary(self.site.map, "map").contested:
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
