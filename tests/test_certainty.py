"""Certainty v2: design, research groups, imprecision and second-hand reading, table-driven.

The grading rule on items built in memory (each case named in docs/certainty.md's
worked examples, which a test holds to this table), the author lists it reads
research groups from, and the warning for a finding whose words undercut its stance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import CLAIM, REPO, write_project
from evmap.analysis.analyse import analyse_map
from evmap.analysis.authors import AuthorList, Person, latex_text, parse_authors
from evmap.analysis.certainty import (
    DESIGN_START,
    IMPRECISE_BELOW,
    LARGE_TRIAL,
    MIN_STUDIES,
    START_GRADE,
    UNRECORDED_DESIGN_START,
    Consistency,
    derive_certainty,
    grade_claim,
)
from evmap.analysis.studies import GroupFinder, GroupsOf, one_group_each
from evmap.core.model import (
    CertaintyOverride,
    Claim,
    Compound,
    Design,
    Evidence,
    EvidenceType,
    Grade,
    ModelSystem,
    Pathway,
    Reading,
    Reference,
    ReferenceInfo,
    ReferenceKind,
    ResearchGroup,
    Source,
    Stance,
    build_map,
)
from evmap.core.wording import undercutting_sentence

HERE = Source("content/claims/x.yml", 1)
REVIEWS = frozenset({"r1", "r2", "rev"})
"""Keys the tables treat as curated reviews."""


def kind_of(key: str) -> ReferenceKind | None:
    return ReferenceKind.REVIEW if key in REVIEWS else None


def ev(
    stance: str = "supports",
    type: str = "in-vivo",
    cites: tuple[str, ...] = ("a2020",),
    *,
    via: tuple[str, ...] = (),
    indirect: str = "",
    design: str | None = None,
    n: int | None = None,
    read: str | None = None,
    finding: str = "A finding.",
) -> Evidence:
    """One evidence item, short to write in tables."""
    return Evidence(
        Stance(stance),
        finding,
        ModelSystem("human" if type == "clinical" else "mouse", "a paradigm"),
        EvidenceType(type),
        cites,
        HERE,
        via=via,
        indirect=indirect,
        design=Design(design) if design else None,
        sample_size=n,
        read=Reading(read) if read else None,
    )


# Author lists as the library writes them (LaTeX), by key.
AUTHORS: Mapping[str, str] = {
    # Two mouse papers of the Hashimoto laboratory: same last author, no other in common.
    "zhang2014": r"Zhang, J. and Li, S. and Hashimoto, K.",
    "yang2015": r"Yang, Chun and Shirayama, Yukihiko and Hashimoto, Kenji",
    # The open-label pilot: another group (one author in common is not enough).
    "leal2021": r"Leal, Gustavo C. and Bandeira, Igor D. and Hashimoto, Kenji and Quarantini, Lucas C.",
    # Two lateral-habenula papers of H. Hu's laboratory.
    "yang2018c": r"Yang, Yan and Cui, Yihui and Sang, Kangning and Ma, Shuangshuang and Hu, Hailan",
    "chen2024": r"Chen, Min and Ma, Shuangshuang and Liu, Hanyu and Hu, Hailan",
    # Two papers sharing two authors but not their last.
    "p1": r"Smith, A. and M{\"u}ller, B. and Jones, C.",
    "p2": r"M{\"u}ller, Beate and Smith, Anne and Brown, D.",
    # Unrelated papers.
    "x1": r"Doe, Jane and Roe, R.",
    "x2": r"Poe, E. A. and {World Health Organization}",
    "a": r"Alpha, A.",
    "b": r"Beta, B.",
    "c": r"Gamma, G.",
}
CURATED: Mapping[str, ResearchGroup] = {
    "x1": ResearchGroup("consortium-x", "Both papers come from the X consortium."),
    "x2": ResearchGroup("consortium-x", "Both papers come from the X consortium."),
}


def finder(curated: Mapping[str, ResearchGroup] = CURATED) -> GroupsOf:
    return GroupFinder(
        lambda key: parse_authors(AUTHORS[key]) if key in AUTHORS else None, curated.get
    ).groups


ONE_LAB = ("zhang2014", "yang2015")
FAILED_TRIAL = ev("contradicts", "clinical", (), via=("rev",))
"""The developer's controlled trial of arketamine, known only from a review."""

GRADING_CASES = [
    # (evidence, expected grade, expected consistency); r1, r2 and rev are reviews.
    pytest.param(
        [ev(type="clinical", cites=("a", "b"), design="randomised-controlled")],
        Grade.HIGH,
        Consistency.CONSISTENT,
        id="two-trials",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a", "b"))],
        UNRECORDED_DESIGN_START,
        Consistency.CONSISTENT,
        id="design-not-recorded",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a",), design="randomised-controlled", n=41)],
        Grade.MODERATE,
        Consistency.CONSISTENT,
        id="one-trial",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a",), design="randomised-controlled", n=480)],
        Grade.HIGH,  # large enough to stand on its own
        Consistency.CONSISTENT,
        id="large-rct",
    ),
    pytest.param(
        [ev(type="clinical", cites=("leal2021",), design="open-label", n=7)],
        Grade.VERY_LOW,  # low, -1 single study, -1 imprecise (7 participants)
        Consistency.CONSISTENT,
        id="open-label-pilot",
    ),
    pytest.param(
        [ev(type="clinical", cites=("leal2021",), design="open-label", n=7), FAILED_TRIAL],
        Grade.VERY_LOW,  # low, -1 single study, -1 both ways (-1 imprecise: floor)
        Consistency.BOTH_WAYS,
        id="open-label-and-failed-trial",
    ),
    pytest.param(
        [
            ev(cites=("zhang2014",)),
            ev(cites=("yang2015",)),
            ev(type="clinical", cites=("leal2021",), design="open-label", n=7),
            ev(type="review", cites=("r1",)),
            FAILED_TRIAL,
        ],
        Grade.LOW,  # moderate (in vivo), two groups (one lab + the pilot), -1 both ways
        Consistency.BOTH_WAYS,
        id="open-label-failed-trial-and-one-lab",
    ),
    pytest.param(
        [ev(cites=ONE_LAB)],
        Grade.LOW,  # moderate, -1 one research group
        Consistency.CONSISTENT,
        id="two-mouse-papers-one-group",
    ),
    pytest.param(
        [ev(cites=("yang2018c",)), ev(cites=("chen2024",), read="news-report")],
        Grade.LOW,  # moderate, -1 one research group (the news report is not the only top item)
        Consistency.CONSISTENT,
        id="two-habenula-papers-one-group",
    ),
    pytest.param(
        [ev(cites=("p1", "p2"))],
        Grade.LOW,  # two shared authors make one group
        Consistency.CONSISTENT,
        id="two-shared-authors",
    ),
    pytest.param(
        [ev(cites=("x1", "x2"))],
        Grade.LOW,  # no author in common, but the curators say one group
        Consistency.CONSISTENT,
        id="curator-group",
    ),
    pytest.param(
        [ev(cites=("a", "b"))],
        Grade.MODERATE,
        Consistency.CONSISTENT,
        id="two-animal-studies",
    ),
    pytest.param(
        [ev(cites=("a",), n=8), ev(cites=("b",), n=10)],
        Grade.LOW,  # moderate, -1 imprecise (18 animals)
        Consistency.CONSISTENT,
        id="small-animal-studies",
    ),
    pytest.param(
        [ev(cites=("a",), n=8), ev(cites=("b",))],
        Grade.MODERATE,  # one size unknown: imprecision is not judged
        Consistency.CONSISTENT,
        id="size-unknown",
    ),
    pytest.param(
        [ev(cites=("a",), n=12), ev(cites=("a",), n=12), ev(cites=("b",), n=12)],
        Grade.MODERATE,  # 24 animals: study a counted once
        Consistency.CONSISTENT,
        id="one-study-two-findings-counted-once",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a", "b"), design="case-report")],
        Grade.VERY_LOW,
        Consistency.CONSISTENT,
        id="case-reports",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a", "b"), design="observational")],
        Grade.LOW,
        Consistency.CONSISTENT,
        id="observational",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a", "b"), design="controlled", n=60)],
        Grade.MODERATE,
        Consistency.CONSISTENT,
        id="controlled",
    ),
    pytest.param(
        [ev(type="clinical", cites=("a", "b"), design="meta-analysis", n=900)],
        Grade.HIGH,
        Consistency.CONSISTENT,
        id="meta-analysis",
    ),
    pytest.param(
        [ev(type="clinical", design="randomised-controlled"), ev(type="review", cites=("b",))],
        Grade.MODERATE,  # a review is not a second study
        Consistency.CONSISTENT,
        id="trial-and-a-review-opinion",
    ),
    pytest.param(
        [ev(type="in-vivo"), ev(type="in-vivo")],
        Grade.LOW,
        Consistency.CONSISTENT,
        id="one-study-twice",
    ),
    pytest.param(
        [ev(type="ex-vivo", cites=("a", "b"))], Grade.LOW, Consistency.CONSISTENT, id="ex-vivo"
    ),
    pytest.param(
        [ev(type="in-vitro", cites=("a", "b"))], Grade.LOW, Consistency.CONSISTENT, id="in-vitro"
    ),
    pytest.param(
        [ev(type="review", cites=("a", "b"))],
        Grade.VERY_LOW,
        Consistency.CONSISTENT,
        id="reviews-only",
    ),
    pytest.param(
        [
            ev("supports", "clinical", ("a",), design="randomised-controlled"),
            ev("contradicts", "clinical", ("b",), design="randomised-controlled"),
        ],
        Grade.LOW,  # high, -1 one supporting study, -1 both ways
        Consistency.BOTH_WAYS,
        id="trial-against-trial",
    ),
    pytest.param(
        [ev("contradicts", "clinical", ("a",)), ev("contradicts", "in-vivo", ("b",))],
        Grade.VERY_LOW,  # nothing supports the claim: items against it never raise it
        Consistency.CONSISTENT,
        id="only-against",
    ),
    pytest.param(
        [ev("mixed", "in-vivo", ("a", "b"))], Grade.LOW, Consistency.MIXED, id="mixed-only"
    ),
    pytest.param(
        [ev(cites=("study",)), ev(cites=("rev",))],
        Grade.LOW,  # a review and the study it reports are one study: moderate, -1 single
        Consistency.CONSISTENT,
        id="review-plus-the-study-it-reports",
    ),
    pytest.param(
        [ev(type="review", cites=("r1",)), ev(type="review", cites=("r2",))],
        Grade.VERY_LOW,  # reviews count as reviews, not as studies
        Consistency.CONSISTENT,
        id="two-reviews-by-one-group",
    ),
    pytest.param(
        [ev(cites=("a",)), ev(cites=("b",)), ev("contradicts", "clinical", ("c",))],
        Grade.LOW,  # starts from the animal studies (moderate), not the trial against
        Consistency.BOTH_WAYS,
        id="item-against-never-raises",
    ),
    pytest.param(
        [ev(cites=("a",), via=("rev",)), ev(cites=("b",), via=("rev",))],
        Grade.LOW,  # moderate, two studies, -1 read only second-hand
        Consistency.CONSISTENT,
        id="second-hand-only",
    ),
    pytest.param(
        [ev(cites=("a",), read="news-report"), ev(cites=("b",), read="title-only")],
        Grade.LOW,  # moderate, two studies, -1 read only second-hand
        Consistency.CONSISTENT,
        id="news-report-only",
    ),
    pytest.param(
        [
            ev(
                type="clinical",
                cites=("a", "b"),
                design="randomised-controlled",
                indirect="an efficacy trial: no mechanism tested",
            )
        ],
        Grade.MODERATE,  # high, -1 indirect
        Consistency.CONSISTENT,
        id="clinical-efficacy-used-for-a-mechanism",
    ),
]


@pytest.mark.parametrize(("evidence", "grade", "consistency"), GRADING_CASES)
def test_certainty_rule(evidence: list[Evidence], grade: Grade, consistency: Consistency) -> None:
    certainty = derive_certainty(evidence, kind_of, finder())
    assert (certainty.grade, certainty.consistency) == (grade, consistency), certainty.steps
    assert certainty.derived is certainty.grade
    assert not certainty.overridden


def test_certainty_steps_read_as_sentences() -> None:
    arketamine = derive_certainty(
        [
            ev(cites=("zhang2014",)),
            ev(cites=("yang2015",)),
            ev(type="clinical", cites=("leal2021",), design="open-label", n=7),
            FAILED_TRIAL,
        ],
        kind_of,
        finder(),
    )
    assert arketamine.steps == (
        "starts moderate: strongest supporting evidence is in vivo",
        "down one: evidence points both ways",
    )
    assert [(g.name, g.keys, g.reason) for g in arketamine.groups] == [
        ("Hashimoto", ("yang2015", "zhang2014"), "last author Hashimoto, K."),
        ("Quarantini", ("leal2021",), ""),
    ]
    pilot = derive_certainty(
        [ev(type="clinical", cites=("leal2021",), design="open-label", n=7), FAILED_TRIAL],
        kind_of,
        finder(),
    )
    assert pilot.steps == (
        "starts low: strongest supporting evidence is clinical, open-label, uncontrolled",
        "down one: a single study",
        "down one: evidence points both ways",
        "down one: imprecise: the clinical studies have 7 participants in all (fewer than 30)",
    )
    lab = derive_certainty([ev(cites=ONE_LAB)], kind_of, finder())
    assert lab.steps[1] == "down one: a single research group (Hashimoto: 2 studies)"
    assert lab.studies == 1
    news = derive_certainty([ev(cites=("a",), read="news-report")], kind_of)
    assert news.steps[-1] == (
        "down one: the in vivo evidence is read only second-hand, through a news report"
    )
    unrecorded = derive_certainty([ev(type="clinical", cites=("a", "b"))], kind_of)
    assert unrecorded.steps == (
        "starts moderate: strongest supporting evidence is clinical, design not recorded "
        "(taken as controlled, not randomised)",
    )
    large = derive_certainty(
        [ev(type="clinical", cites=("a",), design="randomised-controlled", n=480)], kind_of
    )
    assert large.steps[1] == (
        "not down for a single study: a randomised trial of 480 participants stands on its own"
    )
    second = derive_certainty(
        [ev(cites=("study",), via=("rev",)), ev("contradicts", "in-vitro", ("b",))], kind_of
    )
    assert second.steps == (
        "starts moderate: strongest supporting evidence is in vivo",
        "down one: a single study",
        "down one: evidence points both ways",
        "down one: the in vivo evidence is read only second-hand, in reviews",
    )
    assert derive_certainty([ev("contradicts")]).steps == ("very low: no item supports the claim",)
    assert derive_certainty([]).steps == ("very low: no evidence",)
    # One item read in a review, the other marked indirect: neither reason alone holds.
    both = derive_certainty(
        [ev(cites=("a",), via=("rev",)), ev(cites=("b",), indirect="a related receptor")],
        kind_of,
    )
    assert both.steps[-1] == "down one: the in vivo evidence is read second-hand or indirect"
    assert (both.second_hand, both.indirect, both.grade) == (False, False, Grade.LOW)
    # Only a review's own conclusion: no study at all behind the claim.
    review = derive_certainty([ev(type="review", cites=("rev",))], kind_of)
    assert review.steps == (
        "starts low: strongest supporting evidence is review",
        "down one: no study, only reviews' own conclusions",
    )
    assert (review.studies, review.grade) == (0, Grade.VERY_LOW)


def test_certainty_override_keeps_derived_grade_and_reason() -> None:
    override = CertaintyOverride(Grade.LOW, "Small open-label trials by one group.")
    item = ev(type="clinical", cites=("a", "b"), design="randomised-controlled")
    certainty = grade_claim(
        Claim("c", "Statement.", ("k",), ("p",), (item,), HERE, override), kind_of
    )
    assert (certainty.grade, certainty.derived) == (Grade.LOW, Grade.HIGH)
    assert certainty.overridden
    assert certainty.reason == "Small open-label trials by one group."


def test_certainty_without_authors_counts_each_paper_as_its_group() -> None:
    assert derive_certainty([ev(cites=ONE_LAB)], kind_of, one_group_each).grade is Grade.MODERATE


def test_certainty_a_curator_group_splits_papers_the_authors_would_join() -> None:
    apart = {
        "zhang2014": ResearchGroup("lab-one", "Different institutions."),
        "yang2015": ResearchGroup("lab-two", "Different institutions."),
    }
    certainty = derive_certainty([ev(cites=ONE_LAB)], kind_of, finder(apart))
    assert certainty.grade is Grade.MODERATE
    assert sorted(g.name for g in certainty.groups) == ["lab-one", "lab-two"]


def test_certainty_groups_come_from_the_map() -> None:
    """analyse_map reads authors from the library and groups from the reference notes."""
    refs = [
        Reference.formatted(k, "article", k, k, k, {"author": AUTHORS[k]}, HERE)
        for k in ("zhang2014", "yang2015", "x1", "x2")
    ]
    claims = [
        Claim("lab", "Lab.", ("k",), ("p",), (ev(cites=ONE_LAB),), HERE),
        Claim("consortium", "Consortium.", ("k",), ("p",), (ev(cites=("x1", "x2")),), HERE),
    ]
    info = [ReferenceInfo(k, HERE, group=g) for k, g in CURATED.items()]
    m = build_map(
        [Compound("k", "K", "drug", HERE)],
        [Pathway("p", "P", "receptor", HERE)],
        claims,
        refs,
        info,
    )
    certainty = analyse_map(m).certainty
    assert certainty["lab"].grade is Grade.LOW
    assert [g.name for g in certainty["consortium"].groups] == ["consortium-x"]


# -- author lists -----------------------------------------------------------------

AUTHOR_CASES = [
    (r"Hashimoto, K.", [("Hashimoto", "K.")], True),
    (
        r"Zarate, Jr., Carlos A. and Berman, R. M.",
        [("Zarate", "Carlos A."), ("Berman", "R. M.")],
        True,
    ),
    (
        r"Ludwig van Beethoven and van der Berg, Hans",
        [("van Beethoven", "Ludwig"), ("van der Berg", "Hans")],
        True,
    ),
    (
        r"{World Health Organization} and Chen, T. and others",
        [("World Health Organization", ""), ("Chen", "T.")],
        False,
    ),
    (
        r"M{\"u}ller, H. K. and {\L}ukasiewicz, J. and Gon\c{c}alves, Jo{\~a}o",
        [("Müller", "H. K."), ("Łukasiewicz", "J."), ("Gonçalves", "João")],
        True,
    ),
    (
        r"Guerreiro-Costa, L{\'\i}via and D. E. Knuth",
        [("Guerreiro-Costa", "Lívia"), ("Knuth", "D. E.")],
        True,
    ),
    (
        r"{\"O}zt{\"u}rk, A. AND Brand and Sons",
        [("Öztürk", "A."), ("Brand", ""), ("Sons", "")],
        True,
    ),
]


@pytest.mark.parametrize(("field", "people", "complete"), AUTHOR_CASES)
def test_certainty_author_lists_are_read_from_latex(
    field: str, people: list[tuple[str, str]], complete: bool
) -> None:
    authors = parse_authors(field)
    assert [(p.family, p.given) for p in authors.people] == people
    assert authors.complete is complete


def test_certainty_people_match_across_spellings() -> None:
    assert Person("Hashimoto", "Kenji").same_as(Person("Hashimoto", "K."))
    assert Person("Müller", "Beate").same_as(Person("Muller", "B"))
    assert not Person("Hashimoto", "Kenji").same_as(Person("Hashimoto", "Kazutaka"))
    assert not Person("Hashimoto", "K.").same_as(Person("Hashimoto", "T."))
    assert not Person("WHO", corporate=True).same_as(Person("WHO"))
    cut = AuthorList((Person("Chen", "T."),), complete=False)
    assert cut.last is None  # "and others": the last author is unknown
    assert latex_text(r"Dvo{\v{r}}{\'a}k") == "Dvořák"


# -- a finding whose words undercut its stance --------------------------------------

KETAMINE = {"ketamine": Compound("ketamine", "Ketamine", "racemate", HERE, ("(R,S)-ketamine",))}
WORDING_CASES = [
    ("Ketamine reduces immobility.", "Ketamine did not reduce immobility in mice.", True),
    ("Ketamine reduces immobility.", "In 40 patients ketamine had no effect on mood.", True),
    ("Ketamine reduces immobility.", "Ketamine reduced immobility; saline did not.", False),
    ("Ketamine reduces immobility.", "Ketamine had no effect in mice lacking eEF2K.", False),
    ("Ketamine reduces immobility.", "Ketamine reduced immobility, whereas MK-801 did not.", False),
    (
        "Ketamine reduces immobility.",
        "The study did not test whether ketamine acts on mood.",
        False,
    ),
    ("Ketamine does not need mTORC1.", "Ketamine did not lose its effect with rapamycin.", False),
    ("Ketamine reduces immobility.", "Memantine did not reduce immobility.", False),
]


@pytest.mark.parametrize(("statement", "finding", "flagged"), WORDING_CASES)
def test_certainty_wording_check_flags_a_finding_against_its_stance(
    statement: str, finding: str, flagged: bool
) -> None:
    claim = Claim("c", statement, ("ketamine",), ("p",), (ev(finding=finding),), HERE)
    assert bool(undercutting_sentence(claim, finding, KETAMINE)) is flagged


def test_certainty_wording_check_warns_in_evmap_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "undercut")
    project.write(
        "content/claims/undercut.yml",
        CLAIM.replace("Something was found.", "Arketamine did not reduce immobility in mice."),
    )
    code, out, _ = project.check(capsys=capsys)
    assert code == 0
    assert out == (
        "content/claims/undercut.yml:6: warning: claim 'c1': evidence item 1 supports the "
        "claim, but its finding says 'Arketamine did not reduce immobility in mice.', which "
        "reads as evidence against it; set its stance to contradicts or mixed if the study "
        "found no effect, or reword the finding (a word heuristic: it looks for 'did not', "
        "'failed to' or 'no effect' said of the claim's compound, with no control or "
        "contrast in the sentence)\n"
    )


# -- the rule and its page ----------------------------------------------------------


def test_certainty_rule_matches_the_docs() -> None:
    """docs/certainty.md states the rule: its tables are the code's tables, and every worked
    example names a case above and gives its grade."""
    text = (REPO / "docs/certainty.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| ([a-z-]+(?:: [a-z -]+)?) \| ([a-z ]+) \|$", text, re.M))
    expected = {t.value: g.value.replace("-", " ") for t, g in START_GRADE.items()}
    del expected["clinical"]
    expected |= {f"clinical: {d.value}": g.value.replace("-", " ") for d, g in DESIGN_START.items()}
    expected["clinical: design not recorded"] = UNRECORDED_DESIGN_START.value.replace("-", " ")
    assert {k: v for k, v in rows.items() if k in expected or k.startswith("clinical")} == expected
    limits = dict(
        re.findall(r"^\| ([a-z-]+) \| (\d+) (?:participants|animals) in all \|$", text, re.M)
    )
    assert limits == {t.value: str(n) for t, n in IMPRECISE_BELOW.items()}
    assert MIN_STUDIES == 2 and "fewer than two independent studies" in text
    assert f"at least {LARGE_TRIAL} participants" in text
    for step in (
        "Start from the design of the strongest study",
        "Go down one grade for a single study or a single research group",
        "Go down one grade for inconsistency",
        "Go down one grade for imprecision",
        "Go down one grade for indirectness",
    ):
        assert step in text
    cases = {p.id: p.values[1] for p in GRADING_CASES}
    worked = text.split("## Worked examples")[1].split("\n## ")[0]
    examples = []
    for bullet in worked.split("\n- ")[1:]:
        named = re.search(r"\(`([a-z-]+)`\)", bullet)
        grade = re.search(r"\*\*(high|moderate|low|very low)\*\*\.", bullet.split("\n\n")[0])
        assert named is not None and grade is not None, bullet
        examples.append((named.group(1), grade.group(1)))
    assert len(examples) >= 15
    for case, grade in examples:
        assert case in cases, case
        assert cases[case].value.replace("-", " ") == grade, case


def test_certainty_one_group_counts_every_study_of_a_claim() -> None:
    """A claim is tested by one group when all its studies, for and against, come from one:
    two Hashimoto-laboratory papers are one group; a study by others against the claim
    makes two; a claim resting on reviews alone has no study to count."""
    refs = [
        Reference.formatted(k, "article", k, k, k, {"author": AUTHORS[k]}, HERE)
        for k in ("zhang2014", "yang2015", "x1")
    ]
    refs.append(Reference.formatted("rev", "article", "rev", "rev", "rev", {}, HERE))
    claims = [
        Claim(
            "one-lab",
            "One lab.",
            ("k",),
            ("p",),
            (ev(cites=("zhang2014",)), ev(cites=("yang2015",))),
            HERE,
        ),
        Claim(
            "two-labs",
            "Two labs.",
            ("k",),
            ("p",),
            (ev(cites=("zhang2014",)), ev("contradicts", cites=("x1",))),
            HERE,
        ),
        Claim("reviews", "Reviews.", ("k",), ("p",), (ev(type="review", cites=("rev",)),), HERE),
    ]
    info = [ReferenceInfo("rev", HERE, kind=ReferenceKind.REVIEW)]
    m = build_map(
        [Compound("k", "K", "drug", HERE)],
        [Pathway("p", "P", "receptor", HERE)],
        claims,
        refs,
        info,
    )
    found = analyse_map(m).one_group
    assert set(found) == {"one-lab"}
    assert found["one-lab"].keys == ("yang2015", "zhang2014")
    assert found["one-lab"].name == "Hashimoto"
