"""Species, written once (evmap.core.vocab.SPECIES): every module reads a species, known or
not, the same way: by its label and its rank."""

from __future__ import annotations

from evmap.analysis.contradictions import model_label
from evmap.analysis.facets import facet_index, facet_label
from evmap.core.model import (
    Claim,
    Evidence,
    EvidenceType,
    ModelSystem,
    Source,
    Stance,
    build_map,
)
from evmap.core.vocab import SPECIES, SPECIES_LABELS, model_words, species_of

HERE = Source("content/claims/x.yml", 1)


def item(species: str, paradigm: str = "") -> Evidence:
    return Evidence(
        Stance.SUPPORTS,
        "A finding.",
        ModelSystem(species, paradigm),
        EvidenceType.IN_VIVO,
        ("a2020",),
        HERE,
    )


def test_vocab_species_rank_in_their_order() -> None:
    # (tests/test_trust.py holds the values to the schema's.)
    assert [s.rank for s in SPECIES] == list(range(len(SPECIES)))
    assert list(SPECIES_LABELS) == [s.value for s in SPECIES]


def test_vocab_unknown_species_reads_as_itself_after_every_known_one() -> None:
    unknown = species_of("martian")
    assert (unknown.label, unknown.rank, unknown.taxon) == ("martian", len(SPECIES), "")
    assert unknown.modelled
    assert species_of("non-human-primate").label == "non-human primate"
    assert facet_label("species", "martian") == "martian"
    assert model_words(ModelSystem("martian", "CSDS")) == "martian, CSDS"
    assert model_words(ModelSystem("cell-line", "HMC3")) == "cell line, HMC3"
    assert model_words(ModelSystem("none")) == "no model (review or theory)"
    assert model_words(ModelSystem("none", "theory of mind")) == "theory of mind"


def test_vocab_species_order_facets_and_flags_alike() -> None:
    claim = Claim(
        "c1",
        "A statement long enough to read.",
        ("k",),
        ("p",),
        (item("martian"), item("rat"), item("unspecified"), item("human")),
        HERE,
    )
    evidence_map = build_map([], [], [claim], [])
    order = list(facet_index(evidence_map).values["species"])
    assert order == ["human", "rat", "unspecified", "martian"]
    assert model_label(item("non-human-primate", "CSDS")) == "non-human primate, CSDS (in-vivo)"
    assert model_label(item("none")) == "no model (in-vivo)"
