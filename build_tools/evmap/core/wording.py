"""A finding whose own words undercut its stance: a curator-visible warning, by heuristic.

An item marked ``supports`` whose finding says, of the claim's own compound, that it
"did not" act, "failed to" or "had no effect" reads as evidence against the claim:
either the stance was set wrongly or the finding needs rewording. Words are not
meaning, so the check is deliberately narrow and says so in its message; it warns
only when every one of these holds:

- the item supports its claim, and the claim's statement is affirmative (no "not",
  "no", "without", "independent", "unlike", "instead", "less"...: a negative claim
  is supported by findings of absence);
- one sentence of the finding names one of the claim's compounds (name, synonym
  or id) and says an effect was absent ("did not", "failed to", "no effect", "no
  significant", "did not differ"...);
- that sentence holds no contrast, control or manipulation ("whereas", "but",
  "only", "than", "placebo", "saline", "control", "knockout", "blocked",
  "inhibitor", "without", "tested", "measured", "reported"...), where absence is
  what supporting evidence looks like ("no effect in mice lacking eEF2K").

Limits: it misses undercuts worded otherwise ("was ineffective", "worsened"),
findings in other languages, and contradicting items whose finding agrees with the
claim; it may still flag a sentence whose contrast uses other words. Set the check
to ``ignore`` (``validation: {finding-against-stance: ignore}``) if it misleads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from evmap.core.model import Claim, Compound, Stance
from evmap.core.problems import Check, Problem
from evmap.core.schema import quoted

__all__ = ["check_stance_wording", "undercutting_sentence"]

_NEGATIVE_STATEMENT = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|independent(?:ly)?|unlike|instead|fails?|"
    r"failed|less|fewer|little|lacks?|unknown|unresolved|unclear|cannot|unable)\b|n't\b",
    re.IGNORECASE,
)
_ABSENT = re.compile(
    r"\b(?:did not|didn't|does not|do not|failed to|fails to|no significant|"
    r"not significantly|had no(?: \w+)? effects?|no effects?|did not differ|no difference)\b",
    re.IGNORECASE,
)
_SPARED = re.compile(
    r"\b(?:whereas|but|while|unlike|rather than|only|except|than|in contrast|however|instead|"
    r"not in|alone|either|lacking|lacked|knock\w*|delet\w*|block\w*|inhibit\w*|antagonist\w*|"
    r"placebo|saline|vehicle|sham|control\w*|without|pretreat\w*|test\w*|measur\w*|assess\w*|"
    r"read|report\w*)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+")


def _names(claim: Claim, compounds: Mapping[str, Compound]) -> list[str]:
    """How the claim's compounds may be written in a finding, lower case."""
    names: list[str] = []
    for cid in claim.compounds:
        names.append(cid)
        compound = compounds.get(cid)
        if compound is not None:
            names.append(compound.name.lower())
            names.extend(s.lower() for s in compound.synonyms)
    return [n for n in names if n]


def undercutting_sentence(claim: Claim, finding: str, compounds: Mapping[str, Compound]) -> str:
    """The sentence of ``finding`` that reads as evidence against ``claim`` ("" when none),
    by the heuristic of the module doc (the caller checks the item supports the claim)."""
    if not _ABSENT.search(finding) or _NEGATIVE_STATEMENT.search(claim.statement):
        return ""
    names = _names(claim, compounds)
    for sentence in _SENTENCE.split(finding):
        lowered = sentence.lower()
        if (
            _ABSENT.search(sentence)
            and not _SPARED.search(sentence)
            and any(name in lowered for name in names)
        ):
            return sentence.strip()
    return ""


def check_stance_wording(
    claims: Sequence[Claim], compounds: Mapping[str, Compound]
) -> Iterator[Problem]:
    """Supporting items whose finding says the claim's compound had no effect (a warning)."""
    for claim in claims:
        for n, evidence in enumerate(claim.evidence, start=1):
            if evidence.stance is not Stance.SUPPORTS:
                continue
            sentence = undercutting_sentence(claim, evidence.finding, compounds)
            if not sentence:
                continue
            yield Problem(
                claim.source.path,
                evidence.source.line,
                f"claim '{claim.id}': evidence item {n} supports the claim, but its finding "
                f"says {quoted(sentence)}, which reads as evidence against it; set its stance to "
                "contradicts or mixed if the study found no effect, or reword the finding "
                "(a word heuristic: it looks for 'did not', 'failed to' or 'no effect' said "
                "of the claim's compound, with no control or contrast in the sentence)",
                Check.FINDING_AGAINST_STANCE,
            )
