"""Typed contexts of the generated pages: what each template receives, field by field.

Templates only present these (loops, conditionals on presence, escaping); every
href is computed by :class:`evmap.site.render.Renderer`, relative to the page.
A test holds this module and ``docs/templates.md``-style docstrings together:
every field is described in its class's docstring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from evmap.core.model import Compound, Pathway, Reference, ReferenceInfo
from evmap.site.views import CertaintyView, FacetChip, FlagView, PairFlag

__all__ = [
    "TITLE_ANCHOR",
    "CategoryGroup",
    "CitationView",
    "ClaimHistory",
    "ClaimView",
    "CompoundPage",
    "ContestedQuestion",
    "EvidenceView",
    "GradeCount",
    "HistoryEntryView",
    "HistoryPage",
    "IndexPage",
    "Link",
    "NoteBadge",
    "PageContext",
    "PairCounts",
    "PathwayPage",
    "ProvenanceView",
    "ReferenceClaim",
    "ReferencePage",
    "ReviewView",
    "SideView",
    "SourceCount",
    "SummaryView",
    "TreeRow",
    "not_seen_note",
]

TITLE_ANCHOR = "content"
"""The id of every generated page's ``<h1>``, where its content starts."""


@dataclass(frozen=True)
class Link:
    """A labelled href.

    Attributes:
        label: The link text.
        href: Where it leads, relative to the page.
        note: A short note shown after it (a count, a description).
    """

    label: str
    href: str
    note: str = ""


@dataclass(frozen=True)
class NoteBadge:
    """A curators' note on a reference, shown beside each citation of it and on its page.

    Attributes:
        type: The note's type (``retracted``, ``conflict-of-interest``...).
        label: Its label ("Retracted", "Conflict of interest").
        text: The note itself.
        serious: Whether it calls the finding into question (retraction, concern).
    """

    type: str
    label: str
    text: str
    serious: bool


def not_seen_note(info: ReferenceInfo) -> NoteBadge | None:
    """The facts of a reference its curators could not verify (its notes' ``not_seen``),
    as a badge that also names the record the others were read from; None when all were."""
    if not info.not_seen:
        return None
    names = list(info.not_seen)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = f"the entry's {listed} could not be verified and are left out"
    if len(names) == 1:
        text = f"the entry's {listed} could not be verified and is left out"
    if info.record:
        text += f"; its other facts were read from {info.record}"
    return NoteBadge("not-seen", "Not seen", text, False)


@dataclass(frozen=True)
class CitationView:
    """An in-text citation: a link to the reference page.

    Its preview, the formatted reference, is written once for the whole site
    (:func:`evmap.site.export.references_script`) instead of on every citation.

    Attributes:
        key: The BibTeX key.
        label: Short author-year label.
        href: The reference page.
        notes: Curators' notes on the reference, shown next to the citation.
    """

    key: str
    label: str
    href: str
    notes: Sequence[NoteBadge] = ()


@dataclass(frozen=True)
class EvidenceView:
    """One evidence item as shown in a claim's table.

    Attributes:
        stance: ``supports``, ``contradicts`` or ``mixed``.
        stance_label: The stance as a word.
        glyph: The stance as a glyph (▲ ▼ ◆).
        finding: What the study did and found.
        model: Species and paradigm, as readers see them.
        type: The kind of study as readers see it, with a clinical study's design and
            the sample size when recorded (``clinical, open-label, uncontrolled (n = 7)``).
        locator: Figure, table or page.
        citations: The study or studies the finding comes from.
        via: The reviews it was read in, when second-hand.
        second_hand: Read second-hand (in a review, through a news report, from its
            title alone), not in the study itself.
        tested: Which of the claim's compounds and pathways the item bears on,
            when the claim names several ("" otherwise).
        indirect: Why the item bears on the claim only indirectly ("" when direct).
        read: What of the study the curators read ("" when not recorded).
        how: For a second-hand item read without a review (``via``), how it was read
            ("a review cited for a study", "read through a news report"...).
        note: The curators' note on how the item was read ("" when none).
    """

    stance: str
    stance_label: str
    finding: str
    model: str
    type: str
    locator: str
    citations: Sequence[CitationView]
    glyph: str = ""
    via: Sequence[CitationView] = ()
    second_hand: bool = False
    tested: str = ""
    indirect: str = ""
    read: str = ""
    how: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProvenanceView:
    """Who added and last changed a claim, and when (from git), as its provenance line says.

    Attributes:
        added: The day it was added, ``YYYY-MM-DD`` ("" when it is not committed yet).
        added_by: Who added it (linked to their ORCID record when the lab gave one).
        changed: The day it was last changed ("" when not changed since it was added).
        changed_by: Who changed it last.
        uncommitted: The working tree holds changes to it that are not committed.
        history: Its entry on its history page ("" when there is none).
    """

    added: str
    added_by: Link | None
    changed: str = ""
    changed_by: Link | None = None
    uncommitted: bool = False
    history: str = ""


@dataclass(frozen=True)
class ReviewView:
    """A claim's review status, as its curators state it.

    Attributes:
        status: ``draft``, ``reviewed`` or ``disputed``.
        label: The status as readers see it ("Draft", "Reviewed", "Disputed").
        by: Who reviewed (or disputes) it, by name.
        date: When ("" when not stated).
        reason: Why it is disputed ("" otherwise).
        by_authors: Everyone named as reviewer also added or changed the claim (no one
            besides its authors has checked it).
    """

    status: str
    label: str
    by: Sequence[str] = ()
    date: str = ""
    reason: str = ""
    by_authors: bool = False


@dataclass(frozen=True)
class ClaimView:
    """A claim with its evidence, ready for any page.

    Attributes:
        id: The claim's id.
        anchor: Its anchor on its pages (``claim-<id>``).
        statement: The claim.
        href: The claim on its home pathway page.
        compounds: The compounds it names.
        pathways: The pathways it names.
        evidence: Its evidence items in the order written: on a pathway or compound
            page, those bearing on that page's subject (the rows its summary counts).
        supports: How many of its items support it (all its items).
        contradicts: How many contradict it.
        mixed: How many have mixed results.
        source_path: The YAML file it is written in.
        certainty: Its grade and how it was reached.
        flag: The models on each side, when its evidence points both ways.
        facets: Facet chips (home page only).
        home: True on the claim's home pathway page, which also shows how the
            grade was derived and the facet links (a claim repeats on many pages).
        glossary: The page defining the map's terms (append ``#term-<name>``).
        compound_ids: The compounds' ids, space-separated (for the claims filter).
        pathway_ids: The pathways' ids, space-separated (for the claims filter).
        asserts: What the claim asserts about its compound-pathway pairs, one
            sentence per rule (empty: each compound acts through each pathway).
        elsewhere: Its items that bear on other compounds (or pathways) than the
            page's subject: shown folded, apart from the counted rows.
        elsewhere_label: What those items bear on, e.g. "other compounds of this claim".
        split: The page kind and the rows the table shows when some are folded apart
            (``compound:0,2``; "" when the claim is shown whole): part of the key its
            markup is kept under.
        terms: Hrefs of the defined terms by anchor (:data:`evmap.core.vocab.DEFINITIONS`).
        provenance: Who added and changed it, and when (None without git history).
        review: Its review status (None when none is stated).
        former_anchors: The anchors of the ids it had before it was renamed
            (``former_ids``), kept on its section so that old links still land on it.
        one_group: Says so when every study behind its items comes from one research
            group ("" otherwise).
    """

    id: str
    anchor: str
    statement: str
    href: str
    compounds: Sequence[Link]
    pathways: Sequence[Link]
    evidence: Sequence[EvidenceView]
    supports: int
    contradicts: int
    mixed: int
    source_path: str
    certainty: CertaintyView | None = None
    flag: FlagView | None = None
    facets: Sequence[FacetChip] = ()
    home: bool = False
    glossary: str = ""
    compound_ids: str = ""
    pathway_ids: str = ""
    asserts: Sequence[str] = ()
    elsewhere: Sequence[EvidenceView] = ()
    elsewhere_label: str = ""
    split: str = ""
    terms: Mapping[str, str] = field(default_factory=dict)
    provenance: ProvenanceView | None = None
    review: ReviewView | None = None
    former_anchors: Sequence[str] = ()
    one_group: str = ""

    @property
    def rows(self) -> list[EvidenceView]:
        """Every row the claim shows: the counted ones (``evidence``), then the folded."""
        return [*self.evidence, *self.elsewhere]


@dataclass(frozen=True)
class GradeCount:
    """Claims of one certainty grade in a summary.

    Attributes:
        grade: The grade's value (``high``...).
        label: The grade as readers see it.
        symbol: Its GRADE symbol.
        count: How many claims have it.
    """

    grade: str
    label: str
    symbol: str
    count: int


@dataclass(frozen=True)
class SourceCount:
    """A much-relied-on reference in a summary.

    Attributes:
        citation: The reference, as a citation.
        items: How many of the summarised items rest on it.
        kind: What kind of paper it is ("" when not curated).
    """

    citation: CitationView
    items: int
    kind: str = ""


@dataclass(frozen=True)
class PairCounts:
    """A summary's compound-pathway pairs by how their evidence answers the pair's question.

    Attributes:
        answered: Pairs with evidence on the question.
        supports: Pairs whose items all point to the compound acting through the pathway.
        contradicts: Pairs whose items all point against it.
        mixed: Pairs whose items point both ways or are mixed.
        contested: Pairs whose items point both ways (a subset of ``mixed``).
        other: Pairs with evidence only on other questions.
        word: What each pair is named by on the page: ``pathway`` on a compound page,
            ``compound`` on a pathway page, ``compound-pathway pair`` on the home page.
    """

    answered: int
    supports: int
    contradicts: int
    mixed: int
    contested: int
    other: int
    word: str


@dataclass(frozen=True)
class SummaryView:
    """The state of the evidence at a glance (top of pathway, compound and home pages).

    Attributes:
        claims: How many claims.
        grades: Claims per grade, highest first, zeros included.
        contested: The contested claims (their own evidence points both ways).
        items: Evidence items bearing on the page's subject: the rows its claims show
            (items on other subjects are folded apart and not counted).
        first_hand: Items read in the study itself.
        second_hand: Items read second-hand (a review, a news report, a title).
        supporting: Items for their claim.
        against: Items against their claim.
        mixed: Items with mixed results.
        sources: The most relied-on references.
        glossary: The page defining the map's terms (append ``#term-<name>``).
        pairs: The subject's compound-pathway pairs by how their evidence answers
            the pair's question.
        terms: Hrefs of the defined terms by anchor (:data:`evmap.core.vocab.DEFINITIONS`).
    """

    claims: int
    grades: Sequence[GradeCount]
    contested: Sequence[Link]
    items: int
    first_hand: int
    second_hand: int
    supporting: int
    against: int
    mixed: int
    sources: Sequence[SourceCount]
    glossary: str
    pairs: PairCounts | None = None
    terms: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageContext:
    """What every template receives: the page's subject in ``data`` plus shared fields.

    Attributes:
        title: Page title (also the ``<h1>``).
        root: Relative prefix back to the site root.
        kind: One of :data:`evmap.site.urls.PAGE_KINDS`.
        data: The kind-specific context (see the ``*Page`` dataclasses).
        linked_data: The page's schema.org JSON-LD as a ``<script>`` element, escaped
            (:mod:`evmap.site.linked_data`); empty on pages that describe nothing.
        anchor: The id of the page's ``<h1>``: the first entry of its table of contents,
            so the theme's "Skip to content" link leads there.
    """

    title: str
    root: str
    kind: str
    data: Any
    linked_data: Markup = field(default_factory=Markup)
    anchor: str = TITLE_ANCHOR


@dataclass(frozen=True)
class PathwayPage:
    """Context of ``pathway.html``.

    Attributes:
        pathway: The pathway.
        category: Its category, linking to the pathway index.
        related: Related pathways.
        compounds: Compounds with evidence on this pathway.
        summary: The state of the evidence here.
        claims: The claims naming it, by certainty and weight of evidence.
        contested: Compound-pathway pairs here whose evidence points both ways.
        identifiers: Its ids in GO, Reactome, WikiPathways, linking to their records.
    """

    pathway: Pathway
    category: Link
    related: Sequence[Link]
    compounds: Sequence[Link]
    summary: SummaryView
    claims: Sequence[ClaimView]
    contested: Sequence[PairFlag] = ()
    identifiers: Sequence[Link] = ()


@dataclass(frozen=True)
class CompoundPage:
    """Context of ``compound.html``.

    Attributes:
        compound: The compound.
        kind_label: Its kind as readers see it.
        parent: The compound it derives from.
        children: Compounds derived from it.
        identifiers: Links to PubChem and ChEBI.
        pathways: Pathways with evidence on this compound.
        summary: The state of the evidence here.
        claims: The claims naming it, by certainty and weight of evidence.
        contested: Compound-pathway pairs here whose evidence points both ways.
        related: Compounds derived from the same parent, each with its claim count as
            note (offered when no claim names this one).
    """

    compound: Compound
    kind_label: str
    parent: Link | None
    children: Sequence[Link]
    identifiers: Sequence[Link]
    pathways: Sequence[Link]
    summary: SummaryView
    claims: Sequence[ClaimView]
    contested: Sequence[PairFlag] = ()
    related: Sequence[Link] = ()


@dataclass(frozen=True)
class ReferenceClaim:
    """A claim citing a reference, and what this reference says on it.

    Attributes:
        claim: The claim (statement and link).
        supports: Items of this reference supporting the claim.
        contradicts: Items of this reference against it.
        mixed: Items of this reference with mixed results.
        via: Items read through this reference (it is the review, not the study).
        grade: The claim's certainty grade label.
    """

    claim: Link
    supports: int
    contradicts: int
    mixed: int
    via: int
    grade: str


@dataclass(frozen=True)
class ReferencePage:
    """Context of ``reference.html``.

    Attributes:
        reference: The reference.
        formatted: The formatted reference (safe HTML).
        links: DOI, PubMed and URL links.
        kind: What kind of paper it is ("" when not curated).
        notes: Curators' notes (retracted, conflict of interest...), and which of its
            facts were not seen.
        claims: Claims citing it, with this reference's own stance on each.
        alone: Claims whose supporting evidence rests on this reference alone.
        record: Where its bibliographic facts were verified ("" when not said).
    """

    reference: Reference
    formatted: Markup
    links: Sequence[Link]
    claims: Sequence[ReferenceClaim]
    kind: str = ""
    notes: Sequence[NoteBadge] = ()
    alone: Sequence[Link] = ()
    record: str = ""


@dataclass(frozen=True)
class CategoryGroup:
    """Pathways of one category, for the index and home pages.

    Attributes:
        id: The category.
        label: Its label.
        pathways: Its pathways, with their claim counts as notes.
    """

    id: str
    label: str
    pathways: Sequence[Link]


@dataclass(frozen=True)
class TreeRow:
    """A compound in the parent/child tree of the compound index.

    Attributes:
        link: The compound, with its claim count as note.
        depth: Its depth in the tree (0 for a compound with no parent).
        kind_label: Its kind.
    """

    link: Link
    depth: int
    kind_label: str


@dataclass(frozen=True)
class SideView:
    """The strongest evidence item on one side of a contested claim (home page).

    Attributes:
        stance: ``supports`` or ``contradicts``.
        label: The side as readers see it ("For", "Against").
        glyph: The stance as a glyph (▲ ▼).
        finding: What the study did and found, cut short (the claim shows it whole).
        study: The kind of study as readers see it (as in the evidence tables).
        citations: The study or studies it comes from (else the reviews it was read in).
    """

    stance: str
    label: str
    glyph: str
    finding: str
    study: str
    citations: Sequence[CitationView]


@dataclass(frozen=True)
class ContestedQuestion:
    """A contested claim asked as an open question, with each side's strongest item (home).

    Attributes:
        question: The claim's statement asked as a question.
        href: The claim on its home pathway page.
        grade: Its certainty grade as readers see it.
        sides: The strongest item for it, then the strongest against it.
    """

    question: str
    href: str
    grade: str
    sides: Sequence[SideView]


@dataclass(frozen=True)
class IndexPage:
    """Context of the home page and of the three index pages.

    Attributes:
        counts: Claims, evidence items, compounds, pathways and references.
        categories: Pathways by category (home and pathway index).
        compounds: The compound tree (home and compound index).
        references: Every reference (reference index).
        links: Hrefs of the indexes, views and the certainty rule by name.
        downloads: The data downloads (home).
        summary: The state of the whole map (home).
        license: The licence of the map's data, linking to its text (home; None: not stated).
        cite: The DOI of the map's archived release, linked (home; None when not set).
        version: The map's version: its release tag, else its last commit (home).
        history: Why claims show no provenance, e.g. ``history unavailable (shallow
            clone)`` (home; "" when they do).
        name: The site's name (home: its heading).
        description: The site's description, ``site_description`` (home; "" when none).
        purpose: What the map is for, the ``purpose`` option (home; "" when not stated).
        start: Where to start reading: the overview (when the site has one), the
            contested questions and the matrix (home).
        questions: The contested claims as open questions, each side's strongest
            evidence one click away (home; the first ``evmap.site.indexes.HOME_QUESTIONS`` of them).
        more_questions: How many more contested claims the page does not open (its
            summary lists them all).
        definitions: The text of each defined term by anchor (home's glossary), from
            :data:`evmap.core.vocab.DEFINITIONS`.
    """

    counts: dict[str, int]
    categories: Sequence[CategoryGroup] = ()
    compounds: Sequence[TreeRow] = ()
    references: Sequence[Link] = ()
    links: dict[str, str] = field(default_factory=dict)
    downloads: Sequence[Link] = ()
    summary: SummaryView | None = None
    license: Link | None = None
    cite: Link | None = None
    version: str = ""
    history: str = ""
    name: str = ""
    description: str = ""
    purpose: str = ""
    start: Sequence[Link] = ()
    questions: Sequence[ContestedQuestion] = ()
    more_questions: int = 0
    definitions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntryView:
    """One commit's change to a claim, on its history page.

    Attributes:
        date: The day, ``YYYY-MM-DD``.
        author: Who made it (linked to their ORCID record when known).
        commit: The commit's short id.
        commit_href: The commit in the repository's web view ("" without ``repo_url``).
        subject: The first line of the commit message.
        changes: What it changed, as ``evmap diff`` describes it (safe HTML: changed words
            marked with ``<del>``/``<ins>``, text escaped).
    """

    date: str
    author: Link
    commit: str
    commit_href: str
    subject: str
    changes: Sequence[Markup]


@dataclass(frozen=True)
class ClaimHistory:
    """A claim on its history page: every change since it was added, newest first.

    Attributes:
        id: The claim's id.
        anchor: Its anchor on the history page (``claim-<id>``).
        statement: The claim.
        href: The claim on its home pathway page.
        provenance: Its provenance line.
        entries: Its changes, newest first.
        review: Its review status (None when none is stated).
    """

    id: str
    anchor: str
    statement: str
    href: str
    provenance: ProvenanceView | None
    entries: Sequence[HistoryEntryView]
    review: ReviewView | None = None


@dataclass(frozen=True)
class HistoryPage:
    """Context of ``history.html``: the history of the claims of one content file.

    Attributes:
        path: The content file (project-relative).
        claims: Its claims that changed since they were added (or are not committed), in
            the order written, each with its history.
        unchanged: Its claims unchanged since they were added, in the order written (a
            line each).
    """

    path: str
    claims: Sequence[ClaimHistory]
    unchanged: Sequence[ClaimHistory] = ()
