"""A claim as a pathway or compound page shows it: the rows that page counts, and the rest.

A claim appears on the page of every compound and pathway it names, but an item
counts only for the compounds it tested and the pathways it bears on. So that
the rows a reader sees under a claim are the rows the page's summary counts,
each page shows a claim's items on its subject in the claim's table, and folds
the items on the claim's other compounds (or pathways) apart, with their own count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from evmap.core.model import Claim, Evidence, Reading
from evmap.core.vocab import DESIGN_LABELS, READING_LABELS, TYPE_LABELS
from evmap.site.contexts import ClaimView
from evmap.site.urls import PageKind

__all__ = [
    "elsewhere_label",
    "rows_on",
    "second_hand_how",
    "shown_on",
    "shown_rows",
    "study_text",
    "table_rows",
    "whole_of",
]

_ELSEWHERE = {
    "compound": "other compounds of this claim",
    "pathway": "other pathways of this claim",
}


def rows_on(claim: Claim, kind: str, subject: str) -> tuple[int, ...]:
    """Indices of the claim's items that bear on the page of ``kind`` ``subject``: for a
    compound those that tested it, for a pathway those that bear on it; every item
    on any other page."""
    if kind == PageKind.COMPOUND:
        return tuple(
            i for i, ev in enumerate(claim.evidence) if subject in claim.item_compounds(ev)
        )
    if kind == PageKind.PATHWAY:
        return tuple(i for i, ev in enumerate(claim.evidence) if subject in claim.item_pathways(ev))
    return tuple(range(len(claim.evidence)))


def elsewhere_label(kind: str) -> str:
    """What the folded items of a claim on a page of ``kind`` bear on."""
    return _ELSEWHERE.get(kind, "other subjects of this claim")


def second_hand_how(evidence: Evidence) -> str:
    """How a second-hand item was read when no review is named (``via``): through a news
    report or from its title alone (as :data:`~evmap.core.vocab.READING_LABELS` says), or
    through a review cited as if it were the study."""
    if evidence.read in (Reading.NEWS_REPORT, Reading.TITLE_ONLY):
        return READING_LABELS[evidence.read]
    return "a review cited for a study"


def shown_on(
    view: ClaimView,
    claim: Claim,
    kind: str,
    subject: str,
    rows: Sequence[int] | None = None,
) -> ClaimView:
    """``view`` (the claim with all its rows) as the page of ``kind`` ``subject`` shows it:
    its rows on the subject in its table, the others folded apart, and marked at home on
    its home pathway's page. ``rows`` are those of :func:`rows_on`, when known already."""
    changes: dict[str, object] = {}
    if rows is None:
        rows = rows_on(claim, kind, subject)
    if len(rows) < len(claim.evidence):
        shown = set(rows)
        changes.update(
            evidence=[view.evidence[i] for i in rows],
            elsewhere=[e for i, e in enumerate(view.evidence) if i not in shown],
            elsewhere_label=elsewhere_label(kind),
            # Never "" (the key of a claim shown whole), even when no row is counted;
            # the kind too, as the folded rows are labelled by it.
            split=f"{kind}:" + ",".join(map(str, rows)),
        )
    if kind == PageKind.PATHWAY and claim.home_pathway == subject:
        changes["home"] = True
    if not changes:
        return view
    return _with(view, changes)


def _with(view: ClaimView, changes: Mapping[str, object]) -> ClaimView:
    """A shallow copy of ``view`` with a few fields set: dataclasses.replace would run the
    whole constructor again, for each of the tens of thousands of claims a large map
    shows (the views are frozen dataclasses with a ``__dict__``)."""
    copied = object.__new__(ClaimView)
    copied.__dict__.update(view.__dict__, **changes)
    return copied


def study_text(evidence: Evidence) -> str:
    """The kind of study as a claim's table shows it: ``in vivo (n = 14)``, ``clinical,
    randomised controlled (n = 41)``; design and size only when recorded."""
    text = TYPE_LABELS[evidence.type]
    if evidence.design is not None:
        text += f", {DESIGN_LABELS[evidence.design]}"
    if evidence.sample_size is not None:
        text += f" (n = {evidence.sample_size:,})"
    return text


def shown_rows(view: ClaimView) -> list[int]:
    """Which of its claim's rows a view made by :func:`shown_on` shows (indices)."""
    listed = view.split.partition(":")[2]
    return [int(i) for i in listed.split(",")] if listed else []


def whole_of(view: ClaimView) -> ClaimView:
    """The claim of a view made by :func:`shown_on`, with all its rows in their order."""
    shown = set(shown_rows(view))
    counted, folded = iter(view.evidence), iter(view.elsewhere)
    rows = [
        next(counted) if i in shown else next(folded)
        for i in range(len(view.evidence) + len(view.elsewhere))
    ]
    return _with(view, {"evidence": rows, "elsewhere": (), "split": ""})


_TBODY, _END = "<tbody>\n", "</tbody>"
# Each row of a claim's table starts a line (partials/claim-evidence.html); no text of
# the content can, as "<" is always escaped.
_ROW = re.compile(r'^(?=<tr class=")', re.M)


def table_rows(html: str, count: int) -> tuple[str, list[str], str] | None:
    """A claim's whole table cut into what precedes its rows, its ``count`` rows (one
    string each) and what follows them; None when it is not written that way."""
    start, end = html.find(_TBODY), html.rfind(_END)
    if start < 0 or end < start or html.find(_TBODY, start + 1) >= 0:
        return None
    start += len(_TBODY)
    rows = [row for row in _ROW.split(html[start:end]) if row]
    if len(rows) != count:
        return None
    return html[:start], rows, html[end:]
