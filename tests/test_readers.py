"""Pages that answer their question first: the home page says what the map is and where
to start, entity pages open with the state of the evidence, every page has a skip link's
target, and an empty compound says plainly that nothing is curated on it yet.

Real builds of the tiny project (with a purpose, a contested claim and a compound no
claim names), parsed with BeautifulSoup; the shipped map for its own opening.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import FIXTURE_OPTIONS, MKDOCS_YML, REPO, TINY, Project, write_project
from evmap.adapters.build import build_site
from evmap.core.config import ConfigError, load_settings, settings_from_options
from evmap.site.home import as_question
from evmap.site.indexes import HOME_QUESTIONS

PURPOSE = "This map weighs how <b>ketamine</b> & its relatives may act, for and against."
READERS: dict[str, str] = {
    **TINY,
    "docs/overview.md": "# Overview\n\nThe map in prose, citing [@berman2000].\n",
    "content/compounds/esketamine.yml": """\
        id: esketamine
        name: Esketamine
        kind: enantiomer
        parent: ketamine
        """,
    # A contested claim whose strongest item on each side is not the first written.
    "content/claims/weighing.yml": """\
        - id: weighed
          statement: BDNF-TrkB signalling carries the effect of ketamine.
          compounds: [ketamine]
          pathways: [bdnf-trkb]
          evidence:
            - stance: supports
              finding: Cells responded in a dish.
              model: {species: rat, paradigm: cortical neurons}
              type: in-vitro
              citations: [wei2021]
            - stance: supports
              finding: A randomised trial agreed.
              model: {species: human, paradigm: MDD trial}
              type: clinical
              design: randomised-controlled
              citations: [berman2000]
            - stance: contradicts
              finding: A few mice did not respond.
              model: {species: mouse, paradigm: CSDS}
              type: in-vivo
              sample_size: 8
              citations: [berman2000]
            - stance: contradicts
              finding: Many mice did not respond.
              model: {species: mouse, paradigm: CSDS}
              type: in-vivo
              sample_size: 60
              citations: [wei2021]
        """,
}


def readers_project(root: Path, purpose: str = PURPOSE) -> Project:
    """The tiny project with an overview, an empty compound, a description and a purpose."""
    project = write_project(root, READERS)
    options = FIXTURE_OPTIONS + f"      purpose: {purpose!r}\n".replace("'", '"')
    config = MKDOCS_YML.format(directory_urls="true", options=options)
    config = config.replace(
        "site_name: Tiny map\n", "site_name: Tiny map\nsite_description: A tiny ketamine map.\n"
    )
    project.write("mkdocs.yml", config)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return readers_project(tmp_path_factory.mktemp("readers") / "p").build()


def article(path: Path) -> Tag:
    found = BeautifulSoup(path.read_text("utf-8"), "lxml").select_one("article")
    assert found is not None
    return found


def opening(page: Tag, limit: int) -> list[str]:
    """The first ``limit`` blocks of a page's content, as tag#id or tag.class."""
    blocks = []
    for child in page.children:
        if not isinstance(child, Tag) or child.name in ("script", "a"):
            continue
        name = child.name
        if child.get("id"):
            name += f"#{child['id']}"
        elif child.get("class"):
            name += "." + ".".join(child["class"])
        blocks.append(name)
    return blocks[:limit]


def test_readers_home_opens_with_what_the_map_is_then_where_to_start(site: Path) -> None:
    page = article(site / "index.html")
    assert opening(page, 6) == [
        "h1#content",
        "p.evmap-lede",
        "p.evmap-purpose",
        "h2#start",
        "ul.evmap-start",
        "p.evmap-counts",
    ]
    assert page.select_one("h1").get_text(strip=True) == "Tiny map"
    assert page.select_one("p.evmap-lede").get_text(strip=True) == "A tiny ketamine map."
    # The purpose is text: its markup characters arrive as characters.
    assert page.select_one("p.evmap-purpose").get_text(strip=True) == PURPOSE
    assert page.select_one("p.evmap-purpose b") is None
    start = [(a.get_text(strip=True), a["href"]) for a in page.select("ul.evmap-start a")]
    assert start == [
        ("Overview", "overview/"),
        ("Contested questions", "#contested"),
        ("Evidence matrix", "matrix/"),
    ]
    # Then the open questions, the state of the evidence, and the glossary lower down.
    headings = [h["id"] for h in page.select("h2[id]")]
    assert headings[:5] == ["start", "contested", "summary", "glossary", "views"]


def test_readers_home_shows_contested_claims_open_with_each_side(site: Path) -> None:
    page = article(site / "index.html")
    assert page.select("details") == []  # nothing of it folded, nor in the summary below
    questions = page.select("ol.evmap-questions > li")
    assert len(questions) == 2
    question = next(q for q in questions if "nmdar-main-route" in q.select_one("p.q a")["href"])
    assert question.find_parent("details") is None  # open, not folded
    link = question.select_one("p.q a")
    assert link.get_text(strip=True) == (
        "Does the evidence show that NMDA receptor block is the main route of ketamine's "
        "antidepressant effect?"
    )
    assert link["href"] == "pathways/nmdar-inhibition/#claim-nmdar-main-route"
    sides = [
        (
            li["class"],
            li.select_one("b").get_text(" ", strip=True),
            [(a.get_text(strip=True), a["href"], a["class"]) for a in li.select("a")],
        )
        for li in question.select("ul.sides > li")
    ]
    assert sides == [
        (
            ["s"],
            "▲ Strongest for:",
            [("Berman et al., 2000", "references/berman2000/", ["evmap-cite"])],
        ),
        (
            ["c"],
            "▼ Strongest against:",
            [("Wei et al., 2021", "references/wei2021/", ["evmap-cite"])],
        ),
    ]
    # Citations on the home page are previewed: the references script is loaded.
    scripts = [s.get("src", "") for s in page.select("script")]
    assert "assets/evmap-references.js" in scripts


def test_readers_home_picks_each_sides_strongest_item(site: Path) -> None:
    page = article(site / "index.html")
    question = next(
        q
        for q in page.select("ol.evmap-questions > li")
        if q.select_one("p.q a")["href"].endswith("#claim-weighed")
    )
    sides = [" ".join(li.get_text(" ").split()) for li in question.select("ul.sides > li")]
    # The clinical trial over the cell study; the larger of two animal studies.
    assert sides[0].startswith("▲ Strongest for: A randomised trial agreed.")
    assert "Berman et al., 2000" in sides[0]
    assert sides[1].startswith("▼ Strongest against: Many mice did not respond.")
    assert "Wei et al., 2021" in sides[1]


def test_readers_summary_citations_are_previewed(site: Path) -> None:
    page = article(site / "pathways/nmdar-inhibition/index.html")
    relied = [p for p in page.select(".evmap-summary p") if "Most relied on" in p.get_text()]
    assert relied
    links = relied[0].select("a:not(.nb)")
    assert links and all(a["class"] == ["evmap-cite"] for a in links)


@pytest.mark.parametrize(
    "path", ["pathways/nmdar-inhibition/index.html", "compounds/arketamine/index.html"]
)
def test_readers_entity_pages_open_with_the_state_of_the_evidence(site: Path, path: str) -> None:
    page = article(site / path)
    assert opening(page, 4) == ["h1#content", "h2#summary", "div.evmap-summary", "h2#about"]
    order = [h["id"] for h in page.select("h2[id]")]
    assert order[:3] == ["summary", "about", "claims"]
    assert page.select_one("h2#about + dl.evmap-facts") is not None


def test_readers_empty_compound_says_nothing_is_curated_yet(site: Path) -> None:
    page = article(site / "compounds/esketamine/index.html")
    text = " ".join(page.get_text(" ").split())
    assert (
        "No claim about Esketamine has been curated yet: the map holds no evidence on it so far."
        in text
    )
    assert "0 claims" not in text and "Claims (0)" not in text
    assert page.select_one("h2#claims") is None
    empty = page.select_one(".evmap-summary")
    links = [(a.get_text(strip=True), a["href"]) for a in empty.select("a")]
    assert links == [("Ketamine", "../ketamine/"), ("Arketamine", "../arketamine/")]
    assert "Related compounds: Arketamine (2 claims)." in " ".join(empty.get_text().split())


def test_readers_every_generated_page_has_a_skip_link_to_its_title(site: Path) -> None:
    pages = [
        "index.html",
        "pathways/index.html",
        "compounds/index.html",
        "references/index.html",
        "pathways/nmdar-inhibition/index.html",
        "compounds/arketamine/index.html",
        "compounds/esketamine/index.html",
        "references/berman2000/index.html",
        "matrix/index.html",
        "network/index.html",
    ]
    for path in pages:
        soup = BeautifulSoup((site / path).read_text("utf-8"), "lxml")
        skip = soup.select_one("a.md-skip")
        assert skip is not None, path
        assert skip["href"] == "#content", path
        assert soup.select_one("article h1#content") is not None, path
    # The table of contents still lists the sections, not the title.
    soup = BeautifulSoup((site / pages[4]).read_text("utf-8"), "lxml")
    toc = [a["href"] for a in soup.select("nav.md-nav--secondary > ul > li > a")]
    assert toc == ["#summary", "#about", "#claims"]
    # The matrix also skips to its filters and to its table.
    matrix = article(site / "matrix/index.html")
    skips = [a["href"] for a in matrix.select("p.evmap-skips a")]
    assert skips == ["#filters", "#matrix"]
    assert all(matrix.select_one(href) is not None for href in skips)


def test_readers_shipped_home_says_what_the_map_covers() -> None:
    settings = load_settings(REPO / "mkdocs.yml")
    for word in ("ketamine", "esketamine", "arketamine", "metabolites", "antidepressant"):
        assert word in settings.purpose
    assert "for it and against it" in settings.purpose


@pytest.mark.parametrize(
    ("statement", "question"),
    [
        (
            "Ketamine needs mTORC1 signalling.",
            "Does the evidence show that ketamine needs mTORC1 signalling?",
        ),
        (
            "TGF-β1 is lower in depression.",
            "Does the evidence show that TGF-β1 is lower in depression?",
        ),
        (
            "NMDA receptor block  matters",
            "Does the evidence show that NMDA receptor block matters?",
        ),
        (
            "(2R,6R)-HNK acts on its own.",
            "Does the evidence show that (2R,6R)-HNK acts on its own?",
        ),
        (
            "Ketamine's effect needs BDNF.",
            "Does the evidence show that ketamine's effect needs BDNF?",
        ),
    ],
)
def test_readers_claim_as_question(statement: str, question: str) -> None:
    assert as_question(statement) == question


@pytest.mark.parametrize("value", [5, ["a"], "  ", {"text": "x"}])
def test_readers_purpose_must_be_text(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_options(tmp_path, {"purpose": value})
    assert str(caught.value) == f"evmap option 'purpose' must be a text, got {value!r}"


def test_readers_purpose_error_from_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = readers_project(tmp_path / "p")
    text = project.read("mkdocs.yml")
    project.write("mkdocs.yml", text.replace(f'purpose: "{PURPOSE}"', "purpose: [one, two]"))
    code, out, err = project.check(capsys=capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"evmap: {project.config}: evmap option 'purpose' must be a text, got ['one', 'two']"
    ]


def test_readers_purpose_left_out(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    page = article(build_site(project.config, project.root / "site") / "index.html")
    assert page.select_one("p.evmap-purpose") is None
    assert page.select_one("h1").get_text(strip=True) == "Tiny map"


def test_readers_home_opens_a_few_contested_claims_and_lists_the_rest(tmp_path: Path) -> None:
    """A large map's home page opens its first contested claims as questions; the others
    are counted there and listed, every one, in the summary below (not all opened)."""
    claims = "".join(
        textwrap.dedent(f"""\
        - id: contested-{n:02d}
          statement: Claim number {n} about ketamine and TrkB.
          compounds: [ketamine]
          pathways: [bdnf-trkb]
          evidence:
            - stance: supports
              finding: Found so.
              model: {{species: rat, paradigm: cortical neurons}}
              type: in-vitro
              citations: [wei2021]
            - stance: contradicts
              finding: Not found so.
              model: {{species: mouse, paradigm: CSDS}}
              type: in-vivo
              citations: [berman2000]
        """)
        for n in range(HOME_QUESTIONS + 3)
    )
    project = write_project(tmp_path / "p", {**TINY, "content/claims/many.yml": claims})
    page = article(project.build() / "index.html")
    contested = len(page.select("ol.evmap-questions > li"))
    assert contested == HOME_QUESTIONS
    listed = {
        a["href"].rsplit("#", 1)[1]
        for a in page.select(".evmap-summary details.evmap-contested-list a")
    }
    assert {f"claim-contested-{n:02d}" for n in range(HOME_QUESTIONS + 3)} <= listed
    note = page.select_one("ol.evmap-questions + p.evmap-note")
    more = len(listed) - HOME_QUESTIONS  # the tiny map's own contested claim is listed too
    assert more >= 3
    assert note is not None and note.get_text(strip=True).startswith(
        f"{more} more contested claims"
    )
