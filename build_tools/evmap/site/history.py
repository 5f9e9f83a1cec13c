"""Provenance on the site: a claim's provenance line and review status, and the history
pages (one per claims file, listing every change to each of its claims since it was added).

History pages are made per content file rather than per claim, so that their number
follows the files (a hundred at 10,000 claims), not the claims; each claim links to its
entry there (``history/<file>/#claim-<id>``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from evmap.analysis.changes import Change, ChangeKind
from evmap.analysis.provenance import ClaimProvenance, Provenance, Stamp, read_provenance
from evmap.core.config import Settings
from evmap.core.gitinfo import HistoryState, commit_date, describe, source_date_epoch
from evmap.core.load import FOLDERS
from evmap.core.model import Claim, EvidenceMap, ReviewStatus
from evmap.site.contexts import (
    ClaimHistory,
    HistoryEntryView,
    HistoryPage,
    Link,
    ProvenanceView,
    ReviewView,
)
from evmap.site.diff.html import change_html
from evmap.site.urls import PageKind, PageSpec, Urls

__all__ = [
    "HISTORY_KIND",
    "REVIEW_LABELS",
    "SiteHistory",
    "claims_by_file",
    "history_page",
    "history_slugs",
    "history_specs",
    "provenance_view",
    "read_site_history",
    "review_view",
]

HISTORY_KIND = PageKind.HISTORY
"""The page kind of history pages (``history/<file>/``)."""
REVIEW_LABELS = {
    ReviewStatus.DRAFT: "Draft",
    ReviewStatus.REVIEWED: "Reviewed",
    ReviewStatus.DISPUTED: "Disputed",
}


@dataclass(frozen=True)
class SiteHistory:
    """What the site shows of the project's history, and how.

    Attributes:
        provenance: Each claim's provenance (or why there is none).
        repo_url: The repository's web address: commits link to ``<repo_url>/commit/<id>``.
        epoch: ``SOURCE_DATE_EPOCH``; no date is later than it.
        names: A person as a review names them (an e-mail of ``curators``) to their name.
        version: The map's version (its release tag, else its last commit), "" outside git.
        doi: The DOI of the map's archived release (the ``doi`` option), or "".
        date: The date of the content: its last commit's (``YYYY-MM-DD``), "" outside git.
    """

    provenance: Provenance
    repo_url: str | None = None
    epoch: int | None = None
    names: Callable[[str], str] = field(default=str, compare=False)
    version: str = ""
    doi: str = ""
    date: str = ""

    def key(self) -> tuple[object, ...]:
        """What every page's provenance depends on besides its claims' own: the commit the
        history was read at, and how it is shown."""
        p = self.provenance
        return (p.state, p.head, self.repo_url, self.epoch, self.version, self.doi)

    def footer(self) -> str:
        """What page footers say of the map: ``Version v2026.11 · content of 2026-11-30``
        ("" outside git)."""
        if not self.version:
            return ""
        return f"Version {self.version}" + (f" \u00b7 content of {self.date}" if self.date else "")

    def unavailable(self) -> str:
        """What the build says when the history could not be read ("" when it was).

        A shallow clone is a CI checkout that forgot ``fetch-depth: 0``, whose build
        output is read: it is told how to fix it. Outside git the home page says it.
        """
        p = self.provenance
        if p.available:
            return ""
        fix = " (actions/checkout: fetch-depth: 0)" if p.state is HistoryState.SHALLOW else ""
        return f"{p.message()}: claims show no provenance and no history pages are made" + (
            f"; fetch the whole history{fix}" if fix else ""
        )

    def copyright(self, copyright: str | None) -> str | None:
        """The theme's footer line with the version (:meth:`footer`) after it, escaped."""
        footer = self.footer()
        if not footer or footer in (copyright or ""):
            return copyright
        shown = str(escape(footer))
        return f"{copyright} \u00b7 {shown}" if copyright else shown

    def commit_href(self, commit: str) -> str:
        """The commit in the repository's web view ("" without ``repo_url``)."""
        if not self.repo_url:
            return ""
        return f"{self.repo_url.rstrip('/')}/commit/{commit}"


def read_site_history(
    settings: Settings,
    evidence_map: EvidenceMap,
    repo_url: str | None = None,
    reuse: SiteHistory | None = None,
    keep: bool = False,
) -> SiteHistory:
    """The project's history for the site: every claim's provenance (one ``git log`` and
    one ``git cat-file``), the version and the content's date.

    ``reuse`` is the last build's (``evmap serve``, which ``keep``s the walk through the
    history for the next build): while no commit is made, its walk is taken again, and
    only the working tree is compared with the last commit.
    """
    last = reuse.provenance if reuse is not None else None
    provenance = read_provenance(
        settings.root,
        evidence_map,
        settings.relative(settings.content_dir / FOLDERS["claim"]),
        settings.author,
        reuse=last,
        keep=keep,
    )
    # The version is read again every build: an edit makes the checkout "-dirty". The
    # version option, when set, names it as the exports do.
    if provenance.state is HistoryState.NOT_GIT or provenance.state is HistoryState.NO_GIT:
        version, date = settings.version, ""
    else:
        version = settings.version or describe(settings.root, settings.release_tags)
        date = commit_date(settings.root)
    return SiteHistory(
        provenance,
        repo_url or None,
        source_date_epoch(),
        settings.person,
        version,
        settings.doi or "",
        date,
    )


_UNSAFE = re.compile(r"[^a-z0-9]+")


def history_slugs(evidence_map: EvidenceMap) -> dict[str, str]:
    """The history page of each claims file: its path under the claims folder, made URL-safe
    (``content/claims/sub/ampar.yml`` gives ``sub-ampar``), unique."""
    paths = sorted({claim.source.path for claim in evidence_map.claims.values()})
    if not paths:
        return {}
    folder = posixpath.commonpath([posixpath.dirname(p) for p in paths])
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem = posixpath.splitext(posixpath.relpath(path, folder) if folder else path)[0]
        slug = _UNSAFE.sub("-", stem.lower()).strip("-") or "claims"
        unique, n = slug, 1
        while unique in taken:
            n += 1
            unique = f"{slug}-{n}"
        taken.add(unique)
        slugs[path] = unique
    return slugs


def history_specs(
    evidence_map: EvidenceMap, urls: Urls, history: SiteHistory | None
) -> list[PageSpec]:
    """The history pages to generate: one per claims file, when the history was read."""
    if history is None or not history.provenance.available:
        return []
    return [
        PageSpec(
            urls.src(HISTORY_KIND, slug),
            HISTORY_KIND,
            f"History of {posixpath.basename(path)}",
            slug,
            path,
        )
        for path, slug in history_slugs(evidence_map).items()
    ]


def _person(stamp: Stamp) -> Link:
    return Link(stamp.author, f"https://orcid.org/{stamp.orcid}" if stamp.orcid else "")


def provenance_view(
    known: ClaimProvenance | None, history: SiteHistory, href: str
) -> ProvenanceView | None:
    """A claim's provenance line (None when the history was not read)."""
    if known is None:
        return None
    if known.added is None:
        return ProvenanceView("", None, uncommitted=True, history=href)
    changed = known.changed if known.changed is not None and known.changed != known.added else None
    return ProvenanceView(
        known.added.date(history.epoch),
        _person(known.added),
        changed.date(history.epoch) if changed else "",
        _person(changed) if changed else None,
        known.uncommitted,
        href,
    )


def review_view(
    claim: Claim, names: Callable[[str], str], authors: Sequence[str] = ()
) -> ReviewView | None:
    """A claim's review status (None when none is stated); ``authors``: who added or
    changed it, to say when only they reviewed it."""
    review = claim.review
    if review is None:
        return None
    by = [names(who) for who in review.by]
    return ReviewView(
        review.status.value,
        REVIEW_LABELS[review.status],
        by,
        review.date,
        review.reason,
        bool(by) and bool(authors) and all(name in authors for name in by),
    )


def claims_by_file(evidence_map: EvidenceMap) -> dict[str, list[Claim]]:
    """The claims of each claims file, in the order written."""
    found: dict[str, list[Claim]] = {}
    for claim in evidence_map.claims.values():
        found.setdefault(claim.source.path, []).append(claim)
    return {
        path: sorted(claims, key=lambda c: (c.source.line, c.id)) for path, claims in found.items()
    }


_ADDED = Markup(ChangeKind.CLAIM_ADDED.value)


def _plain_add(change: Change) -> bool:
    """A claim added, said without details (most entries of a history page)."""
    return change.kind is ChangeKind.CLAIM_ADDED and not (change.new or change.details)


def history_page(
    spec: PageSpec,
    claims: Sequence[Claim],
    history: SiteHistory,
    claim_href: Callable[[str], str],
) -> HistoryPage:
    """The history page of one claims file (``claims``: its claims in the order written),
    each claim with every change since it was added, newest first."""
    shown: list[ClaimHistory] = []
    unchanged: list[ClaimHistory] = []
    provenance: Mapping[str, ClaimProvenance] = history.provenance.claims
    for claim in claims:
        known = provenance.get(claim.id)
        entries = [
            HistoryEntryView(
                entry.stamp.date(history.epoch),
                _person(entry.stamp),
                entry.stamp.commit[:7],
                history.commit_href(entry.stamp.commit),
                entry.stamp.subject,
                [_ADDED if _plain_add(change) else change_html(change) for change in entry.changes],
            )
            for entry in reversed(known.history if known else ())
        ]
        quiet = len(entries) <= 1 and not (known is None or known.uncommitted)
        (unchanged if quiet else shown).append(
            ClaimHistory(
                claim.id,
                f"claim-{claim.id}",
                claim.statement,
                claim_href(claim.id),
                provenance_view(known, history, ""),
                entries,
                review_view(claim, history.names, known.authors if known else ()),
            )
        )
    return HistoryPage(spec.source_path, shown, unchanged)
