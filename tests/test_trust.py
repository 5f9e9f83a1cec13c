"""What readers need to trust the map, on a real build of a small fixture site.

The fixture: a claim read partly second-hand through a review, a curators' note
(a conflict of interest) on a reference, reference kinds beside the library,
a claim naming two compounds whose items tested one each, and a claim with no
evidence against it. Pages are parsed; the vocabulary and the field list are
checked against the schemas and every output.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from dataclasses import Field, fields, is_dataclass
from dataclasses import replace as dc_replace
from pathlib import Path

import pytest
from conftest import TINY, article, write_project
from evmap.analysis.analyse import analyse_map
from evmap.core import vocab
from evmap.core.config import load_settings
from evmap.core.model import (
    Design,
    Evidence,
    EvidenceMap,
    EvidenceType,
    Grade,
    ModelSystem,
    NoteType,
    Reading,
    ReferenceKind,
    Relation,
    Stance,
    yaml_fields,
)
from evmap.core.pipeline import check
from evmap.core.schema import load_schema
from evmap.site import contexts
from evmap.site.diff import diff_maps
from evmap.site.export import CSV_COLUMNS, claim_record, map_to_csv
from evmap.site.linked_data import MapInfo
from evmap.site.nanopub import map_to_trig

TRUST = dict(TINY)
# Wei 2021 is marked a review below: the tiny map's TrkB item reads it as the route.
TRUST["content/claims/core.yml"] = TINY["content/claims/core.yml"].replace(
    "citations: [wei2021, berman2000]", "citations: [berman2000]\n              via: [wei2021]"
)
TRUST["content/claims/second-hand.yml"] = """\
    - id: trkb-second-hand
      statement: TrkB is needed in two models, one of them read in a review.
      compounds: [arketamine]
      pathways: [bdnf-trkb]
      evidence:
        - stance: supports
          finding: Blocking TrkB abolished the effect in defeated mice.
          model: {species: mouse, paradigm: CSDS}
          type: in-vivo
          citations: [berman2000]
        - stance: supports
          finding: A second lab saw the same in rats, as the review reports.
          model: {species: rat, paradigm: learned helplessness}
          type: in-vivo
          via: [wei2021]
    """
TRUST["content/references/notes.yml"] = """\
    - key: wei2021
      kind: review
      notes:
        - type: conflict-of-interest
          text: The authors declare patents on the R-enantiomer (their competing-interests statement).
    - key: berman2000
      kind: trial
    """


@pytest.fixture(scope="module")
def trust_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_project(tmp_path_factory.mktemp("trust"), TRUST)
    return project.build()


@pytest.fixture(scope="module")
def trust_map(tmp_path_factory: pytest.TempPathFactory) -> EvidenceMap:
    project = write_project(tmp_path_factory.mktemp("trust-map"), TRUST)
    result = check(load_settings(project.config))
    assert result.errors(strict=True) == [], [p.format() for p in result.problems]
    return result.map


def test_trust_pages_open_with_the_state_of_the_evidence(trust_site: Path) -> None:
    page = article(trust_site / "pathways/bdnf-trkb/index.html")
    summary = page.select_one(".evmap-summary")
    assert summary is not None
    text = " ".join(summary.get_text(" ").split())
    assert "2 claims by certainty" in text
    assert "3 evidence items bear on this pathway" in text
    assert "1 read in the study itself, 2 second-hand" in text
    assert "No contradicting evidence curated yet" in text
    assert "Wei et al., 2021 Conflict of interest (review), 2 of 3 items" in text
    terms = {a["href"] for a in summary.select("a[href*='#term-']")}
    assert terms == {
        "../../#term-claim",
        "../../#term-certainty",
        "../../#term-evidence-item",
        "../../#term-second-hand",
    }
    home = article(trust_site / "index.html")
    assert {dt["id"] for dt in home.select("#glossary ~ dl dt[id]")} >= {
        "term-claim",
        "term-evidence-item",
        "term-certainty",
        "term-contested",
        "term-second-hand",
    }
    assert home.select_one(".evmap-summary") is not None
    # Where evidence points both ways, the summary says so instead.
    nmdar = article(trust_site / "pathways/nmdar-inhibition/index.html").select_one(
        ".evmap-summary"
    )
    assert nmdar is not None and "No contradicting evidence" not in nmdar.get_text()
    assert "1 contested" in " ".join(nmdar.get_text(" ").split())


def test_trust_claims_are_ordered_by_certainty_and_listed_by_statement(trust_site: Path) -> None:
    page = article(trust_site / "pathways/bdnf-trkb/index.html")
    order = [s["id"] for s in page.select("section.claim")]
    # Low (one study, read first-hand once) before very low (the same study, only second-hand).
    assert order == ["claim-trkb-second-hand", "claim-trkb-needed"]
    sidebar = article(trust_site / "pathways/bdnf-trkb/index.html").find_parent("html")
    assert sidebar is not None
    names = [
        a.get_text(" ", strip=True) for a in sidebar.select("nav.md-nav--secondary a.md-nav__link")
    ]
    assert "TrkB signalling is needed for the effect of arketamine." in names
    assert "trkb-needed" not in names


def test_trust_second_hand_items_say_where_they_were_read(trust_site: Path) -> None:
    section = article(trust_site / "pathways/bdnf-trkb/index.html").select_one(
        "#claim-trkb-second-hand"
    )
    assert section is not None
    rows = section.select("table.ev tbody tr")
    first, second = (" ".join(r.select_one("td.r").get_text().split()) for r in rows)
    assert first == "Berman et al., 2000"  # read in the study itself
    assert second == "second-hand: reported in Wei et al., 2021 Conflict of interest"
    needed = article(trust_site / "pathways/bdnf-trkb/index.html").select_one(
        "#claim-trkb-needed td.r"
    )
    assert needed is not None
    text = " ".join(needed.get_text().split())
    assert text == "Berman et al., 2000 (read in Wei et al., 2021 Conflict of interest)"


def test_trust_notes_stand_beside_every_citation_and_on_the_reference_page(
    trust_site: Path,
) -> None:
    section = article(trust_site / "pathways/bdnf-trkb/index.html").select_one(
        "#claim-trkb-second-hand"
    )
    assert section is not None
    badges = [a for a in section.select("td.r a.nb") if "wei2021" in a["href"]]
    assert [a.get_text() for a in badges] == ["Conflict of interest"]
    assert all(a["href"].endswith("#notes") for a in badges)
    page = article(trust_site / "references/wei2021/index.html")
    facts = {
        dt.get_text(): dd.get_text(" ", strip=True)
        for dt, dd in zip(page.select("dl dt"), page.select("dl dd"), strict=True)
    }
    assert facts["Kind of paper"] == "Review"
    notes = page.select_one("#notes")
    assert notes is not None and "patents on the R-enantiomer" in notes.get_text()
    preview = (trust_site / "assets/evmap-references.js").read_text("utf-8")
    assert "Conflict of interest: The authors declare patents" in preview


def test_trust_reference_page_says_what_this_paper_says_on_each_claim(trust_site: Path) -> None:
    page = article(trust_site / "references/berman2000/index.html")
    lines = {
        li.a["href"].rsplit("#", 1)[1]: " ".join(li.get_text(" ").split())
        for li in page.select("ul.evmap-citing li")
    }
    assert "(▲ 1 for;" in lines["claim-nmdar-main-route"]  # its own item, not the claim's balance
    assert "▼" not in lines["claim-nmdar-main-route"]
    wei = article(trust_site / "references/wei2021/index.html")
    wei_lines = {
        li.a["href"].rsplit("#", 1)[1]: " ".join(li.get_text(" ").split())
        for li in wei.select("ul.evmap-citing li")
    }
    assert "1 finding reported here" in wei_lines["claim-trkb-second-hand"]
    assert "(1 finding reported here;" in wei_lines["claim-trkb-needed"]
    alone = [a["href"].rsplit("#", 1)[1] for a in page.select("#alone ~ ul a")]
    # Every claim whose supporting items rest on Berman 2000 and no other study.
    assert sorted(alone) == [
        "claim-nmdar-main-route",
        "claim-trkb-needed",
        "claim-trkb-second-hand",
    ]
    assert wei.select_one("#alone") is None


def test_trust_second_hand_items_lower_the_grade(trust_map: EvidenceMap) -> None:
    certainty = analyse_map(trust_map).certainty["trkb-second-hand"]
    # In vivo starts moderate; one identified study (the review is only the route), and
    # the second item's unidentified study may be the same one: a single study, -1.
    assert certainty.grade is Grade.LOW
    assert certainty.studies == 1
    assert certainty.steps[-1] == "down one: a single study"


# -- one vocabulary, one field list ---------------------------------------------------


def _enum(kind: str, definition: str, name: str) -> list[str]:
    values: list[str] = load_schema(kind)["$defs"][definition]["properties"][name]["enum"]
    return values


def test_vocab_labels_cover_exactly_the_schemas_values() -> None:
    assert (
        list(vocab.SPECIES_LABELS)
        == load_schema("claim")["$defs"]["model"]["properties"]["species"]["enum"]
    )
    assert [s.value for s in vocab.STANCE_LABELS] == _enum("claim", "evidence", "stance")
    assert {t.value for t in vocab.TYPE_LABELS} == set(_enum("claim", "evidence", "type"))
    assert {t.value for t in vocab.TYPE_STRENGTH} == set(_enum("claim", "evidence", "type"))
    assert list(vocab.CATEGORY_LABELS) == _enum("pathway", "pathway", "category")
    assert list(vocab.KIND_LABELS) == _enum("compound", "compound", "kind")
    assert [k.value for k in vocab.REFERENCE_KIND_LABELS] == _enum("reference", "reference", "kind")
    assert [n.value for n in vocab.NOTE_LABELS] == _enum("reference", "note", "type")
    grades = load_schema("claim")["$defs"]["certainty"]["properties"]["grade"]["enum"]
    assert [g.value for g in vocab.GRADES] == grades == [g.value for g in Grade]
    assert set(vocab.GRADE_LABELS) == set(vocab.GRADE_SYMBOLS) == set(Grade)
    assert {e.value for e in ReferenceKind} == set(_enum("reference", "reference", "kind"))
    assert {e.value for e in NoteType} == set(_enum("reference", "note", "type"))
    assert {e.value for e in Stance} == set(_enum("claim", "evidence", "stance"))
    assert {e.value for e in EvidenceType} == set(_enum("claim", "evidence", "type"))
    assert [d.value for d in vocab.DESIGN_LABELS] == _enum("claim", "evidence", "design")
    assert [r.value for r in vocab.READING_LABELS] == _enum("claim", "evidence", "read")
    relations = load_schema("claim")["$defs"]["relation"]["enum"]
    assert [r.value for r in vocab.RELATION_LABELS] == relations == [r.value for r in Relation]
    assert set(vocab.DESIGN_LABELS) == set(Design) and set(vocab.READING_LABELS) == set(Reading)


def test_every_evidence_field_of_the_schema_is_a_model_field() -> None:
    schema = set(load_schema("claim")["$defs"]["evidence"]["properties"])
    assert {f.metadata["yaml"] for f in yaml_fields(Evidence)} == schema


SAMPLE = {
    "stance": Stance.MIXED,
    "finding": "Changed finding.",
    "model": ModelSystem("rat", "FST"),
    "type": EvidenceType.EX_VIVO,
    "citations": ("wei2021",),
    "locator": "Fig. 9",
    "via": ("berman2000",),
    "compounds": ("arketamine",),
    "pathways": ("nmdar-inhibition",),
    "indirect": "efficacy only",
    "design": Design.OPEN_LABEL,
    "sample_size": 12,
    "randomised": True,
    "blinded": False,
    "read": Reading.ABSTRACT,
    "note": "Read from its abstract.",
}


@pytest.mark.parametrize("spec", yaml_fields(Evidence), ids=lambda f: f.name)
def test_every_evidence_field_reaches_json_csv_and_diff(
    trust_map: EvidenceMap, spec: Field[object]
) -> None:
    """A field declared on the model (written_as) reaches every output with no code of its own.

    SAMPLE must give a value for every declared field: a new field fails here until
    it has one, and then the test proves the JSON, the CSV, the diff and the
    nanopublications carry it.
    """
    assert spec.name in SAMPLE, f"add a sample value for the new field {spec.name!r}"
    claim = trust_map.claims["nmdar-main-route"]
    item = claim.evidence[0]
    changed = dc_replace(item, **{spec.name: SAMPLE[spec.name]})
    new_claim = dc_replace(claim, evidence=(changed, *claim.evidence[1:]))
    key = spec.metadata["yaml"]
    record = claim_record(new_claim)["evidence"][0]
    assert record[key] == spec.metadata["write"](SAMPLE[spec.name])
    json.dumps(record)  # writable
    new_map = dc_replace(trust_map, claims={**trust_map.claims, claim.id: new_claim})
    rows = list(csv.DictReader(io.StringIO(map_to_csv(new_map))))
    row = next(r for r in rows if r["claim_id"] == claim.id)
    column = {"model": "species"}.get(key, key)
    assert column in CSV_COLUMNS
    assert row[column] != "" if SAMPLE[spec.name] else True
    diff = diff_maps(trust_map, new_map)
    assert diff.changes, spec.name
    assert all(c.id == claim.id for c in diff.changes)
    # The nanopublications carry every field too (tests/test_exports.py parses them).
    trig = map_to_trig(new_map, MapInfo())
    assert f"evmap:{key} " in trig or f"evmap:{key}_species " in trig


def test_every_page_context_field_is_documented() -> None:
    """Template authors read the dataclasses' docstrings: every field has its line."""
    undocumented = []
    for name in dir(contexts):
        cls = getattr(contexts, name)
        if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == contexts.__name__:
            doc = textwrap.dedent(cls.__doc__ or "")
            for f in fields(cls):
                if f"    {f.name}:" not in doc and f"\n{f.name}:" not in doc:
                    undocumented.append(f"{name}.{f.name}")
    assert undocumented == []
