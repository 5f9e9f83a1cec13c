"""Problems found in the inputs, and the exception that carries them.

Every check in evmap reports a :class:`Problem` instead of raising at the first
one, so a curator sees every mistake of a change in a single run.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from evmap.core.errors import EvmapError

__all__ = [
    "ADVISORY",
    "DEFAULT_IGNORED",
    "DEFAULT_WARNINGS",
    "MEANINGS",
    "Check",
    "ContentError",
    "FailedWithProblems",
    "Problem",
    "Severity",
    "default_severity",
    "did_you_mean",
    "failing",
    "fold_consequences",
    "shown",
    "sort_problems",
    "summary_line",
]


class Severity(enum.StrEnum):
    """How serious a problem is; ``--strict`` turns warnings into errors."""

    ERROR = "error"
    WARNING = "warning"
    IGNORE = "ignore"


class Check(enum.StrEnum):
    """Kinds of problem. The values read as sentences and name the check in config."""

    YAML_SYNTAX = "yaml-syntax"
    FILE_ENCODING = "file-encoding"
    FILE_SHAPE = "file-shape"
    FILE_ACCESS = "file-access"
    SCHEMA = "schema"
    UNKNOWN_FIELD = "unknown-field"
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_COMPOUND = "unknown-compound"
    UNKNOWN_PATHWAY = "unknown-pathway"
    UNKNOWN_REFERENCE = "unknown-reference"
    PARENT_CYCLE = "parent-cycle"
    BIBTEX_SYNTAX = "bibtex-syntax"
    BIBTEX_FIELD = "bibtex-field"
    EMPTY_CONTENT = "empty-content"
    MISSING_DOI = "missing-doi"
    DUPLICATE_DOI = "duplicate-doi"
    UNCITED_REFERENCE = "uncited-reference"
    UNATTRIBUTED_EVIDENCE = "unattributed-evidence"
    REVIEW_CITED_AS_STUDY = "review-cited-as-study"
    RETRACTED_CITATION = "retracted-citation"
    FINDING_AGAINST_STANCE = "finding-against-stance"
    UNTRUSTED_TEMPLATE = "untrusted-template"
    STALE_SCHEMA = "stale-schema"
    PLACEHOLDER_ADDRESS = "placeholder-address"
    INCOMPLETE_REFERENCE = "incomplete-reference"
    MALFORMED_IDENTIFIER = "malformed-identifier"
    UNREVIEWED_CLAIM = "unreviewed-claim"


# Checks that are warnings unless configured otherwise; all others are errors.
DEFAULT_WARNINGS = frozenset(
    {
        Check.MISSING_DOI,
        Check.DUPLICATE_DOI,
        Check.UNCITED_REFERENCE,
        Check.UNATTRIBUTED_EVIDENCE,
        Check.REVIEW_CITED_AS_STUDY,
        Check.RETRACTED_CITATION,
        Check.FINDING_AGAINST_STANCE,
        Check.STALE_SCHEMA,
        Check.PLACEHOLDER_ADDRESS,
        Check.INCOMPLETE_REFERENCE,
        Check.UNREVIEWED_CLAIM,
    }
)


# Checks that are off unless configured: a lab's library holds far more than the map cites,
# and a lab decides itself whether every claim must be reviewed (the `require_review` option).
DEFAULT_IGNORED = frozenset({Check.UNCITED_REFERENCE, Check.UNREVIEWED_CLAIM})


MEANINGS: Mapping[Check, str] = MappingProxyType(
    {
        Check.YAML_SYNTAX: "A content file is not YAML that evmap reads: a syntax error, or "
        "what its safe loader refuses (tags, anchors and aliases, merge keys, nesting past 32 "
        "levels, whole numbers past 18 digits).",
        Check.FILE_ENCODING: "A file is not UTF-8 text, or holds control characters or the "
        "Unicode line separators, which YAML would count as line breaks.",
        Check.FILE_SHAPE: "A file is empty, too large, or not the shape its kind needs (an entry "
        "or a list of entries); a citation style that is not a CSL style evmap can use.",
        Check.FILE_ACCESS: "A file or folder cannot be read, or is refused: a symbolic link "
        "leading outside the project or to nothing, a device, a pipe or a socket.",
        Check.SCHEMA: "A value of the wrong type, outside its allowed set or past its length; a "
        "required field missing; fields that contradict each other (an item with no source, "
        "a design on a study that is not clinical).",
        Check.UNKNOWN_FIELD: "A field the format does not have, such as a misspelt "
        "'citaton:'; the message names the nearest field.",
        Check.DUPLICATE_ID: "An id used twice within its kind, across files too; a former id "
        "that a claim has now or that two claims list; two notes on one reference.",
        Check.UNKNOWN_COMPOUND: "A compound id that names no compound, or an evidence item "
        "naming a compound its claim does not.",
        Check.UNKNOWN_PATHWAY: "A pathway id that names no pathway, or an evidence item naming "
        "a pathway its claim does not.",
        Check.UNKNOWN_REFERENCE: "A citation key (of a claim, a reference note or a "
        "hand-written page) that is not in the BibTeX library.",
        Check.PARENT_CYCLE: "Compounds whose parents lead round in a circle.",
        Check.BIBTEX_SYNTAX: "The BibTeX library cannot be read as written: an unbalanced brace "
        "or quote, a key defined twice, an undefined @string macro, macros past their bounds, "
        "an invisible character in a key.",
        Check.BIBTEX_FIELD: "A field of the library that is not well formed or cannot be "
        "followed: a DOI, PMID, URL or arXiv id, a crossref or xdata parent missing, nested too "
        "deep or in a cycle, a @set member not in the library, an unknown evmap-ignore name.",
        Check.EMPTY_CONTENT: "No claims at all, or a library without entries.",
        Check.MISSING_DOI: "A cited journal article from the year doi_expected_since on has no "
        "DOI. Advice: --strict does not fail on it unless it is configured as an error.",
        Check.DUPLICATE_DOI: "Two cited entries of the library have the same DOI.",
        Check.UNCITED_REFERENCE: "An entry of the library that no claim or page cites. Off "
        "unless configured: a lab's library holds far more than its map cites.",
        Check.UNATTRIBUTED_EVIDENCE: "An evidence item does not say which of its claim's "
        "compounds or pathways it tested, where the claim names more than one.",
        Check.REVIEW_CITED_AS_STUDY: "An evidence item cites a reference marked as a review as "
        "its study; the review belongs under 'via', the study it reports under 'citations'.",
        Check.RETRACTED_CITATION: "An evidence item cites a reference whose note says it was "
        "retracted.",
        Check.FINDING_AGAINST_STANCE: "A supporting evidence item whose finding says the "
        "claim's compound had no effect (a word heuristic), so its stance may be wrong.",
        Check.UNTRUSTED_TEMPLATE: "The project overrides a theme template, which the builder "
        "renders without evmap's sandbox, and the lab has not said it trusts its templates.",
        Check.STALE_SCHEMA: "A copy of evmap's schemas in the project's schemas/ folder differs "
        "from the installed evmap's, so editors check against another format.",
        Check.PLACEHOLDER_ADDRESS: "site_url or repo_url of mkdocs.yml is a placeholder: a host "
        "reserved for examples, or an account named example-... or your-...",
        Check.INCOMPLETE_REFERENCE: "A cited paper, book, thesis or report has no author (nor "
        "editor or translator) or no date, so it would be cited by its title and 'n.d.'; "
        "listing the field under not_seen in its reference note acknowledges it.",
        Check.MALFORMED_IDENTIFIER: "A compound, pathway or model identifier (ChEBI, PubChem, "
        "DrugBank, InChIKey, GO, Reactome, WikiPathways, NCBI Taxonomy) does not match its "
        "scheme's pattern in bioregistry.",
        Check.UNREVIEWED_CLAIM: "A claim that is a draft or has no review status, where the lab "
        "requires review (the require_review option, or this check's severity); off otherwise.",
    }
)
"""What each kind of problem means, for the error catalogue of the documentation."""


def default_severity(check: Check) -> Severity:
    """Return the severity a check has when the configuration says nothing."""
    if check in DEFAULT_IGNORED:
        return Severity.IGNORE
    return Severity.WARNING if check in DEFAULT_WARNINGS else Severity.ERROR


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the inputs, located at ``path:line``.

    Attributes:
        path: File path, relative to the project root, with ``/`` separators.
        line: 1-based line number (0 when the whole file is concerned).
        message: What is wrong, what was expected and how to fix it.
        check: The kind of problem.
        severity: Error or warning, after configuration was applied.
        hides: Kinds of problem that follow from this one (a library that cannot be
            read makes every citation unknown): :func:`fold_consequences` shows this
            problem first and counts those instead of listing them.
    """

    path: str
    line: int
    message: str
    check: Check
    severity: Severity = Severity.ERROR
    hides: frozenset[Check] = field(default=frozenset(), compare=False)

    def format(self) -> str:
        """Render as ``path:line: message`` (warnings say so)."""
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return problems sorted by file, line and message, without duplicates; root causes
    (problems that hide others) come first."""
    return sorted(set(problems), key=lambda p: (not p.hides, p.path, p.line, p.message, p.check))


def fold_consequences(problems: Sequence[Problem]) -> list[Problem]:
    """Fold the problems that follow from a root cause into it.

    A problem whose ``hides`` names some kinds of problem (a folder or library that
    cannot be read) stands for every problem of those kinds: they are left out, and
    the first root cause (in sorted order) hiding a kind says how many it stands for.
    They are reported again, if they remain, once the cause is fixed.
    """
    causes = sort_problems(p for p in problems if p.hides)
    if not causes:
        return list(problems)
    hidden = frozenset().union(*(p.hides for p in causes))
    left_out = [p for p in problems if not p.hides and p.check in hidden]
    counted: set[Check] = set()
    folded = []
    for cause in causes:
        mine = cause.hides - counted
        counted |= mine
        n = sum(p.check in mine for p in left_out)
        if n:
            kinds = ", ".join(sorted(str(c) for c in mine if any(p.check is c for p in left_out)))
            cause = replace(
                cause,
                message=f"{cause.message} ({n} {kinds} problem{'' if n == 1 else 's'} that "
                "follow from it are not listed)",
            )
        folded.append(cause)
    return folded + [p for p in problems if not p.hides and p.check not in hidden]


class FailedWithProblems(EvmapError):
    """A command could not do its work (build, bundle, generate); the message says why.

    Attributes:
        problems: The input problems, when that is why (each with its path and line).
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class ContentError(EvmapError):
    """Raised by the core when inputs have errors; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, followed by a count."""
        lines = [p.format() for p in self.problems]
        errors = sum(p.severity is Severity.ERROR for p in self.problems)
        warnings = sum(p.severity is Severity.WARNING for p in self.problems)
        lines.append(summary_line(errors, warnings))
        return "\n".join(lines)


# Warnings that are advice: ``--strict`` does not make them fail (configure them as
# errors to). A missing DOI is often no mistake: a work may have none.
ADVISORY = frozenset({Check.MISSING_DOI})


def failing(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a check or build: errors, and warnings too when ``strict``
    (but not the :data:`ADVISORY` ones)."""
    return [
        p for p in problems if p.severity is Severity.ERROR or (strict and p.check not in ADVISORY)
    ]


def summary_line(errors: int, warnings: int) -> str:
    """Say how many errors and warnings were found, in words."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    return f"evmap: {plural(errors, 'error')}, {plural(warnings, 'warning')}"


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` when a choice is close to ``value``, else ``""``.

    A choice holding an invisible or control character is shown escaped
    (``'wei2021\\u200b'``), or it would read exactly as ``value``.
    """
    matches = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {shown(matches[0])}?" if matches else ""


def shown(value: str) -> str:
    """``value`` in quotes for a message; invisible and control characters escaped
    as Python writes them (``'wei2021\\u200b'``)."""
    return f"'{value}'" if value.isprintable() else repr(value)
