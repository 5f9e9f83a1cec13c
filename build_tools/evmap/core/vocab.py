"""The vocabulary of an evidence map, written once: every value and how readers see it.

Stances, evidence types, species, pathway categories, compound kinds, certainty
grades, reference kinds and note types, each with its label (and glyph or symbol
where pages use one). The schemas, the model, the views and the templates all
take them from here; ``tests/test_trust.py`` holds this module and the
published schemas (``evmap/schema/*.schema.json``) together, ``tests/test_vocab.py``
the records' use.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from evmap.core.model import (
    Design,
    EvidenceType,
    Grade,
    ModelSystem,
    NoteType,
    Reading,
    ReferenceKind,
    Relation,
    Stance,
)
from evmap.core.schema import load_schema

__all__ = [
    "CATEGORY_LABELS",
    "DEFINITIONS",
    "DESIGN_LABELS",
    "FLAG_GLYPH",
    "GRADES",
    "GRADE_LABELS",
    "GRADE_SYMBOLS",
    "KIND_LABELS",
    "NOTE_LABELS",
    "OTHER_GLYPH",
    "OTHER_QUESTION",
    "PAIR_STANCE_LABELS",
    "READING_LABELS",
    "REFERENCE_KIND_LABELS",
    "RELATION_LABELS",
    "SERIOUS_NOTES",
    "SPECIES",
    "SPECIES_LABELS",
    "SPECIES_TAXA",
    "STANCE_GLYPHS",
    "STANCE_LABELS",
    "TYPE_ECO",
    "TYPE_LABELS",
    "TYPE_STRENGTH",
    "Definition",
    "Level",
    "ReportFormat",
    "Species",
    "category_order",
    "definition",
    "model_words",
    "plural",
    "species_of",
]


class ReportFormat(enum.StrEnum):
    """How ``evmap check`` and ``evmap diff`` print their report (``--format``)."""

    TEXT = "text"
    """``path:line: message``, one line each."""
    MARKDOWN = "markdown"
    """A pull-request comment."""
    GITHUB = "github"
    """GitHub workflow annotations."""


STANCE_LABELS: Mapping[Stance, str] = {
    Stance.SUPPORTS: "Supports",
    Stance.CONTRADICTS: "Contradicts",
    Stance.MIXED: "Mixed",
}
STANCE_GLYPHS: Mapping[Stance, str] = {
    Stance.SUPPORTS: "\u25b2",
    Stance.CONTRADICTS: "\u25bc",
    Stance.MIXED: "\u25c6",
}
FLAG_GLYPH = "\u26a0"
"""Marks a claim, cell or pair whose evidence points both ways (contested)."""
PAIR_STANCE_LABELS: Mapping[Stance, str] = {
    Stance.SUPPORTS: "for",
    Stance.CONTRADICTS: "against",
    Stance.MIXED: "mixed",
}
"""How an item bears on a pair's question ("does this compound act through this
pathway?"), named by the :class:`Stance` it counts as there (see DEFINITIONS)."""
OTHER_GLYPH = "\u25cb"
"""Marks evidence of claims asking another question of a pair (never counted there)."""
OTHER_QUESTION = "another question about this pair"
"""How a claim asserting ``other`` of a pair is labelled with the pair."""

GRADES: tuple[Grade, ...] = (Grade.HIGH, Grade.MODERATE, Grade.LOW, Grade.VERY_LOW)
"""Certainty grades, highest first."""
GRADE_LABELS: Mapping[Grade, str] = {
    Grade.HIGH: "High",
    Grade.MODERATE: "Moderate",
    Grade.LOW: "Low",
    Grade.VERY_LOW: "Very low",
}
# The symbols GRADE evidence profiles use, so the grade reads without colour.
GRADE_SYMBOLS: Mapping[Grade, str] = {
    Grade.HIGH: "\u2295\u2295\u2295\u2295",
    Grade.MODERATE: "\u2295\u2295\u2295\u25ef",
    Grade.LOW: "\u2295\u2295\u25ef\u25ef",
    Grade.VERY_LOW: "\u2295\u25ef\u25ef\u25ef",
}

TYPE_STRENGTH: tuple[EvidenceType, ...] = (
    EvidenceType.CLINICAL,
    EvidenceType.IN_VIVO,
    EvidenceType.EX_VIVO,
    EvidenceType.IN_VITRO,
    EvidenceType.REVIEW,
)
"""Evidence types, strongest first (the order certainty starts from)."""
TYPE_LABELS: Mapping[EvidenceType, str] = {
    EvidenceType.IN_VITRO: "in vitro",
    EvidenceType.EX_VIVO: "ex vivo",
    EvidenceType.IN_VIVO: "in vivo",
    EvidenceType.CLINICAL: "clinical",
    EvidenceType.REVIEW: "review",
}

DESIGN_LABELS: Mapping[Design, str] = {
    Design.RANDOMISED_CONTROLLED: "randomised controlled",
    Design.CONTROLLED: "controlled, not randomised",
    Design.OPEN_LABEL: "open-label, uncontrolled",
    Design.OBSERVATIONAL: "observational",
    Design.CASE_REPORT: "case report",
    Design.META_ANALYSIS: "pooled or meta-analysis",
}
"""Designs of clinical studies, strongest first."""

READING_LABELS: Mapping[Reading, str] = {
    Reading.FULL_TEXT: "read in full",
    Reading.ABSTRACT: "read from its abstract",
    Reading.TITLE_ONLY: "only its title and background read",
    Reading.NEWS_REPORT: "read through a news report",
}
"""What of a study the curators read."""

RELATION_LABELS: Mapping[Relation, str] = {
    Relation.THROUGH: "acts through",
    Relation.NOT_THROUGH: "acts without",
    Relation.OTHER: "another question",
}
"""What a claim asserts about a compound-pathway pair, as a reader sees it."""


@dataclass(frozen=True, slots=True)
class Species:
    """A species of the vocabulary.

    Attributes:
        value: As the YAML writes it (``non-human-primate``).
        label: As readers see it (``non-human primate``).
        rank: Its place in lists and filters (the vocabulary's order).
        taxon: Its NCBI Taxonomy id ("" when none stands for it).
    """

    value: str
    label: str
    rank: int
    taxon: str = ""

    @property
    def modelled(self) -> bool:
        """False for ``none``: the item rests on no model (a review, a theory)."""
        return self.value != "none"


SPECIES: tuple[Species, ...] = tuple(
    Species(value, label, rank, taxon)
    for rank, (value, label, taxon) in enumerate(
        (
            # NCBI Taxonomy, as its extract in the Gene Ontology names them (go-ontology
            # src/ontology/imports/ncbitaxon_import.obo: Homo sapiens, Mus musculus, Rattus
            # norvegicus); "mouse" and "rat" are the laboratory species. No taxon stands for
            # "non-human primate" (Primates includes humans): an item names its own with
            # model: taxon.
            ("human", "human", "NCBITaxon:9606"),
            ("mouse", "mouse", "NCBITaxon:10090"),
            ("rat", "rat", "NCBITaxon:10116"),
            ("non-human-primate", "non-human primate", ""),
            ("cell-line", "cell line", ""),
            ("unspecified", "species not stated", ""),
            ("none", "no model (review or theory)", ""),
        )
    )
)
"""Species of a model system, in the order filters list them."""
_SPECIES = {species.value: species for species in SPECIES}


def species_of(value: str) -> Species:
    """The vocabulary's record of ``value``.

    A value outside the vocabulary (the schema check refuses it, so only a map made in
    Python holds one) is its own label and comes after every species of the vocabulary.
    """
    found = _SPECIES.get(value)
    return found if found is not None else Species(value, value, len(SPECIES))


def model_words(model: ModelSystem) -> str:
    """A model as readers see it: ``mouse, CSDS``, ``cell line, HMC3``; with no model
    (``none``), its paradigm or ``no model (review or theory)``."""
    species = species_of(model.species)
    if not species.modelled:
        return model.paradigm or species.label
    return ", ".join(part for part in (species.label, model.paradigm) if part)


SPECIES_LABELS: Mapping[str, str] = {species.value: species.label for species in SPECIES}
"""The label of each species, in the vocabulary's order."""

SPECIES_TAXA: Mapping[str, str] = {s.value: s.taxon for s in SPECIES if s.taxon}
"""The NCBI Taxonomy id of each species of the vocabulary that has one."""

TYPE_ECO: Mapping[EvidenceType, str] = {
    # Evidence & Conclusion Ontology terms, as its own eco.obo names them
    # (evidenceontology/evidenceontology at 28e39bd, 2024-07-19).
    EvidenceType.IN_VITRO: "ECO:0000181",  # in vitro assay evidence
    EvidenceType.EX_VIVO: "ECO:0005502",  # ex vivo assay evidence
    EvidenceType.IN_VIVO: "ECO:0000178",  # in vivo assay evidence
    EvidenceType.CLINICAL: "ECO:0000180",  # clinical study evidence
    EvidenceType.REVIEW: "ECO:0000033",  # author statement supported by traceable reference
}
"""The ECO term of each evidence type."""

CATEGORY_LABELS: Mapping[str, str] = {
    "receptor": "Receptors",
    "ion-channel": "Ion channels",
    "neurotrophic": "Neurotrophic signalling",
    "translation": "Protein translation",
    "signalling": "Intracellular signalling",
    "immune": "Immune and inflammatory",
    "circuit": "Circuits and cell types",
    "plasticity": "Synaptic and structural plasticity",
    "glia": "Glia and myelin",
    "periphery": "Body-brain axes",
    "endocrine": "Hormones",
    "other": "Other",
}
"""Pathway categories, in the order the matrix groups its columns."""

KIND_LABELS: Mapping[str, str] = {
    "racemate": "Racemate",
    "enantiomer": "Enantiomer",
    "metabolite": "Metabolite",
    "drug": "Drug",
    "tool-compound": "Tool compound",
    "endogenous": "Endogenous factor",
}
"""Kinds of compound."""

REFERENCE_KIND_LABELS: Mapping[ReferenceKind, str] = {
    ReferenceKind.PRIMARY_STUDY: "Primary study",
    ReferenceKind.TRIAL: "Clinical trial",
    ReferenceKind.REVIEW: "Review",
    ReferenceKind.PREPRINT: "Preprint (not peer reviewed)",
    ReferenceKind.CONFERENCE_ABSTRACT: "Conference abstract",
    ReferenceKind.OTHER: "Other",
}
NOTE_LABELS: Mapping[NoteType, str] = {
    NoteType.RETRACTED: "Retracted",
    NoteType.EXPRESSION_OF_CONCERN: "Expression of concern",
    NoteType.CORRECTED: "Corrected",
    NoteType.CONFLICT_OF_INTEREST: "Conflict of interest",
    NoteType.COMMENT: "Curators' note",
}
# Notes that call a finding into question are shown as warnings, the others as notes.
SERIOUS_NOTES = frozenset({NoteType.RETRACTED, NoteType.EXPRESSION_OF_CONCERN})


@cache
def category_order() -> tuple[str, ...]:
    """Pathway categories in the order the published schema lists them."""
    schema = load_schema("pathway")
    values: list[str] = schema["$defs"]["pathway"]["properties"]["category"]["enum"]
    return tuple(values)


def plural(count: int, word: str, words: str = "") -> str:
    """``1 claim``, ``2 claims`` (``words`` for an irregular plural)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


class Level(enum.StrEnum):
    """What a word such as "supports" or "contested" is said of; values read as nouns."""

    ITEM = "evidence item"
    CLAIM = "claim"
    PAIR = "compound-pathway pair"


@dataclass(frozen=True, slots=True)
class Definition:
    """One term of the map's vocabulary as the site defines it.

    Attributes:
        anchor: Its anchor on the definitions page (``docs/definitions.md``), which
            gives it under this id with exactly this text (a test holds them together).
        term: The term as a heading.
        level: What it is said of.
        text: The definition.
    """

    anchor: str
    term: str
    level: Level
    text: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "supports",
        "Supports",
        Level.ITEM,
        "An evidence item supports its claim (\u25b2) when the study found what the "
        "claim's statement says.",
    ),
    Definition(
        "contradicts",
        "Contradicts (against)",
        Level.ITEM,
        "An evidence item contradicts its claim, or is against it (\u25bc), when the study "
        "found the opposite of what the statement says.",
    ),
    Definition(
        "mixed",
        "Mixed",
        Level.ITEM,
        "An evidence item is mixed (\u25c6) when the statement held in only some of the "
        "study's conditions, measures or groups.",
    ),
    Definition(
        "claim-balance",
        "For and against a claim",
        Level.CLAIM,
        "A claim counts its own items by their stance: \u25b2 for, \u25bc against, "
        "\u25c6 mixed. The counts speak of that statement and of nothing else.",
    ),
    Definition(
        "contested-claim",
        "Contested claim",
        Level.CLAIM,
        "A claim is contested (\u26a0) when at least one of its items supports it and at "
        "least one contradicts it.",
    ),
    Definition(
        "pair-question",
        "The question of a pair",
        Level.PAIR,
        "Every compound-pathway pair answers one question: does this compound act through "
        "(or need) this pathway? For an outcome such as the antidepressant response or a "
        "side effect, it reads: does the compound produce it? Each claim asserts, for each "
        "of its pairs, that the compound acts through the pathway (through, the default), "
        "that it acts without it (not-through), or it asks another question of the pair "
        "(other).",
    ),
    Definition(
        "pair-for",
        "For a pair",
        Level.PAIR,
        "An item counts for a pair (\u25b2) when it points to the compound acting through "
        "the pathway: it supports a claim asserting through, or contradicts a claim "
        "asserting not-through.",
    ),
    Definition(
        "pair-against",
        "Against a pair",
        Level.PAIR,
        "An item counts against a pair (\u25bc) when it points to the compound acting "
        "without the pathway: it contradicts a claim asserting through, or supports a claim "
        "asserting not-through. A mixed item stays mixed (\u25c6).",
    ),
    Definition(
        "another-question",
        "Another question about a pair",
        Level.PAIR,
        "A claim asking another question of a pair (a side effect, a biomarker, an open "
        "question) is shown with the pair, marked \u25cb, and never enters its counts or "
        "its contested flag.",
    ),
    Definition(
        "contested-pair",
        "Contested pair",
        Level.PAIR,
        "A pair is contested (\u26a0) when items on its question point both ways: at least "
        "one counts for it and one against it, from whichever claims. Items answering "
        "another question never make a pair contested.",
    ),
)
"""The words "supports", "against" and "contested" at each level, defined once: pages
link to them on the definitions page, whose text a test compares with this table."""


def definition(anchor: str) -> Definition:
    """The definition with ``anchor``.

    Raises:
        KeyError: when no definition has that anchor.
    """
    for entry in DEFINITIONS:
        if entry.anchor == anchor:
            return entry
    raise KeyError(anchor)
