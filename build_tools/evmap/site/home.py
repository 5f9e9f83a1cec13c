"""What the home page opens with: the contested claims as open questions, each side's
strongest evidence one click away, and where to start reading.

Pure functions of the map and its analysis; the renderer passes in the claim views
(hrefs relative to the home page) so that every link is computed in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from evmap.analysis.analyse import MapAnalysis
from evmap.analysis.certainty import strongest_item
from evmap.core.model import Claim, EvidenceMap, Stance
from evmap.site.contexts import ClaimView, ContestedQuestion, SideView
from evmap.site.views import shorten

__all__ = ["FINDING_CHARS", "SIDES", "as_question", "contested_questions"]

FINDING_CHARS = 240
"""A side's finding is cut at this many characters: the claim holds it whole."""

SIDES = ((Stance.SUPPORTS, "For"), (Stance.CONTRADICTS, "Against"))
"""The two sides of a contested claim, in the order the home page shows them."""

# A first word written in lower case after its capital ("Ketamine", "Blocking", "In")
# is an ordinary word starting the sentence; anything else ("TGF-β1", "NMDA",
# "(2R,6R)-HNK", "mTORC1") keeps its case inside the question.
_ORDINARY_FIRST = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)*(?:'s)?")


def as_question(statement: str) -> str:
    """A claim's statement asked as a question: ``Does the evidence show that ...?``.

    The first word is lowered only when it is an ordinary capitalised word; a trailing
    full stop (or question or exclamation mark) becomes the question mark.
    """
    text = " ".join(statement.split()).rstrip(" .?!")
    first, _, rest = text.partition(" ")
    if _ORDINARY_FIRST.fullmatch(first):
        first = first[0].lower() + first[1:]
    sentence = f"{first} {rest}" if rest else first
    return f"Does the evidence show that {sentence}?"


def contested_questions(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis,
    ids: Iterable[str],
    view: Callable[[Claim], ClaimView],
) -> list[ContestedQuestion]:
    """The contested claims ``ids`` (in that order) as questions, each with its strongest
    item for and its strongest item against (see :func:`strongest_item`)."""
    questions = []
    for cid in ids:
        claim = evidence_map.claims[cid]
        shown = view(claim)
        sides = []

        def second_hand(index: int, cid: str = cid) -> bool:
            return analysis.second_hand.get((cid, index), False)

        for stance, label in SIDES:
            index = strongest_item(claim.evidence, stance, second_hand)
            if index is None:
                continue
            item = shown.evidence[index]
            sides.append(
                SideView(
                    stance=item.stance,
                    label=label,
                    glyph=item.glyph,
                    finding=shorten(item.finding, FINDING_CHARS),
                    study=item.type,
                    citations=item.citations or item.via,
                )
            )
        questions.append(
            ContestedQuestion(
                question=as_question(claim.statement),
                href=shown.href,
                grade=shown.certainty.label if shown.certainty is not None else "",
                sides=sides,
            )
        )
    return questions
