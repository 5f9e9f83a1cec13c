"""Claims as pages show them: their views, and their markup rendered once and let go
when the last page showing them is rendered."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from evmap.core.model import Claim, Evidence, Stance
from evmap.core.vocab import (
    READING_LABELS,
    SPECIES_LABELS,
    STANCE_GLYPHS,
    STANCE_LABELS,
)
from evmap.site import history as provenance
from evmap.site import views
from evmap.site.claims import (
    second_hand_how,
    shown_rows,
    study_text,
    table_rows,
    whole_of,
)
from evmap.site.contexts import (
    ClaimView,
    EvidenceView,
)
from evmap.site.urls import PageKind

if TYPE_CHECKING:
    from evmap.site.render import Renderer

__all__ = ["ClaimViews", "model_text"]


def model_text(evidence: Evidence) -> str:
    """An item's model as readers see it: ``mouse, CSDS``, ``cell line, HMC3``."""
    species = evidence.model.species
    if species == "none":
        return evidence.model.paradigm or "no model (review or theory)"
    label = SPECIES_LABELS.get(species, species)
    return ", ".join(part for part in (label, evidence.model.paradigm) if part)


class ClaimViews:
    """The claim views and claim markup of one renderer, cached per link prefix."""

    def __init__(self, site: Renderer) -> None:
        self.site = site
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

    def clear(self) -> None:
        """Forget every view and rendered claim (the links they hold may change)."""
        self._claim_views.clear()
        self._claim_heads.clear()
        self._evidence_html.clear()
        self._row_parts.clear()
        self._claim_uses = None
        self._claims_done.clear()
        self._claim_keys.clear()

    def _tested(self, claim: Claim, ev: Evidence) -> str:
        """Which of the claim's several compounds and pathways an item bears on ("" if moot)."""
        parts = []
        if len(claim.compounds) > 1 and ev.compounds:
            names = [
                self.site.map.compounds[c].name
                for c in ev.compounds
                if c in self.site.map.compounds
            ]
            parts.append("tested " + ", ".join(names))
        if len(claim.pathways) > 1 and ev.pathways:
            names = [
                self.site.map.pathways[p].name for p in ev.pathways if p in self.site.map.pathways
            ]
            parts.append("bears on " + ", ".join(names))
        return "; ".join(parts)

    def claim_view(self, root: str, claim: Claim) -> ClaimView:
        """The view of ``claim`` for pages with prefix ``root`` (cached)."""
        cache_key = (root, claim.id)
        view = self._claim_views.get(cache_key)
        if view is not None:
            return view
        second_hand = self.site.analysis.second_hand
        evidence = [
            EvidenceView(
                stance=ev.stance.value,
                stance_label=STANCE_LABELS[ev.stance],
                glyph=STANCE_GLYPHS[ev.stance],
                finding=ev.finding,
                model=model_text(ev),
                type=study_text(ev),
                locator=ev.locator,
                citations=[self.site.citation(root, k) for k in ev.citations],
                via=[self.site.citation(root, k) for k in ev.via],
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
            href=f"{self.site.href(root, PageKind.PATHWAY, claim.home_pathway)}#{anchor}",
            compounds=[self.site.links._compound_link(root, c) for c in claim.compounds],
            pathways=[self.site.links._pathway_link(root, p) for p in claim.pathways],
            evidence=evidence,
            supports=stances.count(Stance.SUPPORTS),
            contradicts=stances.count(Stance.CONTRADICTS),
            mixed=stances.count(Stance.MIXED),
            source_path=claim.source.path,
            certainty=views.certainty_view(
                self.site.analysis.certainty[claim.id],
                self.site.certainty_href(root),
                lambda key: views.Anchor(
                    *attrgetter("label", "href")(self.site.citation(root, key))
                ),
            ),
            flag=views.flag_view(
                self.site.analysis.contradictions.get(claim.id),
                self.site.terms(root)["contested-claim"],
            ),
            facets=views.facet_chips(
                claim, self.site.facets, self.site.href(root, PageKind.MATRIX)
            ),
            glossary=self.site.glossary_href(root),
            compound_ids=" ".join(claim.compounds),
            pathway_ids=" ".join(claim.pathways),
            asserts=views.asserted(claim, self.site.map),
            terms=self.site.terms(root),
            former_anchors=tuple(f"claim-{old}" for old in claim.former_ids),
            one_group=views.one_group_text(self.site.analysis.one_group.get(claim.id)),
            **self._provenance(root, claim),
        )
        self._claim_views[cache_key] = view
        self._claim_roots.add(root)
        return view

    def _provenance(self, root: str, claim: Claim) -> dict[str, Any]:
        """A claim's provenance line and review status (see :mod:`evmap.site.history`)."""
        history = self.site.history
        if history is None:
            return {}
        known = history.provenance.claims.get(claim.id)
        slug = self.site._history_slugs.get(claim.source.path)
        href = (
            f"{self.site.href(root, PageKind.HISTORY, slug)}#claim-{claim.id}"
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
            template = self.site.env.get_template("partials/claim.html")
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
            return Markup(
                self.site.env.get_template("partials/claim-evidence.html").render(claim=view)
            )
        key = (view.id, view.href, False, "")
        html = self._evidence_html.get(key)
        if html is None:
            template = self.site.env.get_template("partials/claim-evidence.html")
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
            template = self.site.env.get_template("partials/claim-folded.html")
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
            for by_entity in (self.site.map.claims_by_pathway, self.site.map.claims_by_compound):
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


_EVIDENCE = Markup("\x00evmap-claim-evidence\x00")
"""Where claim_html puts a claim's rows: a NUL cannot come from the content (the loaders
refuse control characters) nor from escaping, and every placeholder is replaced."""


def _placeholder(view: ClaimView) -> Markup:
    """``claim_evidence(claim)`` while partials/claim.html is rendered: where the rows go."""
    return _EVIDENCE
