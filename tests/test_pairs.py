"""One question per compound-pathway pair, and counts a reader can check.

Tiny maps built in memory show how an item's stance on its claim becomes its
stance on a pair's question (what the claim asserts: through, not-through, other);
the shipped site, built once, is walked page by page: every contested pair has
items both ways on its own question, and every entity page's summary counts
exactly the rows it shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import Tag
from conftest import REPO, article, write_project
from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.matrix import Balance, pair_stance
from evmap.core.config import load_settings
from evmap.core.model import (
    Assertion,
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    EvidenceType,
    ModelSystem,
    Pathway,
    Reference,
    Relation,
    Source,
    Stance,
    build_map,
)
from evmap.core.pipeline import check
from evmap.core.vocab import DEFINITIONS, Level
from evmap.site.network import layout_network

HERE = Source("content/claims/x.yml", 1)


def ev(stance: str = "supports", cites: str = "a", paradigm: str = "CSDS") -> Evidence:
    return Evidence(
        Stance(stance), "A finding.", ModelSystem("mouse", paradigm), EvidenceType.IN_VIVO,
        (cites,), HERE,
    )  # fmt: skip


def claim(
    cid: str,
    items: list[Evidence],
    asserts: tuple[Assertion, ...] = (),
    compounds: tuple[str, ...] = ("k",),
    pathways: tuple[str, ...] = ("p",),
) -> Claim:
    return Claim(
        cid, f"Statement {cid}.", compounds, pathways, tuple(items), HERE, asserts=asserts
    )  # fmt: skip


def tiny(claims: list[Claim]) -> EvidenceMap:
    keys = sorted({k for c in claims for e in c.evidence for k in e.citations})
    return build_map(
        [Compound(c, c.upper(), "drug", HERE) for c in ("j", "k")],
        [Pathway(p, p.upper(), "receptor", HERE) for p in ("p", "q")],
        claims,
        [Reference.formatted(k, "article", k, k, k, {}, HERE) for k in keys],
    )


NOT = (Assertion(Relation.NOT_THROUGH),)
OTHER = (Assertion(Relation.OTHER),)

PAIR_STANCES = [
    (Stance.SUPPORTS, Relation.THROUGH, Stance.SUPPORTS),
    (Stance.CONTRADICTS, Relation.THROUGH, Stance.CONTRADICTS),
    (Stance.SUPPORTS, Relation.NOT_THROUGH, Stance.CONTRADICTS),
    (Stance.CONTRADICTS, Relation.NOT_THROUGH, Stance.SUPPORTS),
    (Stance.MIXED, Relation.NOT_THROUGH, Stance.MIXED),
    (Stance.MIXED, Relation.THROUGH, Stance.MIXED),
]


@pytest.mark.parametrize(("stance", "relation", "expected"), PAIR_STANCES)
def test_pairs_stance_on_the_question(stance: Stance, relation: Relation, expected: Stance) -> None:
    assert pair_stance(stance, relation) is expected


CELL_CASES = [
    # (claims, balance of k x p, contested)
    pytest.param(
        [claim("a", [ev()]), claim("b", [ev("contradicts", "b")])],
        "mixed",
        True,
        id="through-for-and-against",
    ),
    pytest.param(
        [claim("a", [ev("contradicts")]), claim("b", [ev(cites="b")], NOT)],
        "contradicts",
        False,
        id="against-and-a-supported-not-through",
    ),
    pytest.param(
        [claim("a", [ev()]), claim("b", [ev(cites="b")], NOT)],
        "mixed",
        True,
        id="for-and-a-supported-not-through",
    ),
    pytest.param(
        [claim("a", [ev()]), claim("b", [ev("contradicts", "b")], NOT)],
        "supports",
        False,
        id="for-and-a-contradicted-not-through",
    ),
    pytest.param(
        [claim("a", [ev()]), claim("b", [ev("contradicts", "b")], OTHER)],
        "supports",
        False,
        id="another-question-never-counts",
    ),
    pytest.param(
        [claim("b", [ev("contradicts", "b"), ev(cites="c")], OTHER)],
        "other",
        False,
        id="only-another-question",
    ),
]


@pytest.mark.parametrize(("claims", "balance", "contested"), CELL_CASES)
def test_pairs_cell_answers_one_question(
    claims: list[Claim], balance: str, contested: bool
) -> None:
    cell = analyse_map(tiny(claims)).cells["k", "p"]
    assert cell.balance.value == balance
    assert (cell.contradiction is not None) is contested


def test_pairs_rules_apply_per_pair_first_rule_first() -> None:
    # A claim that k acts through p instead of q: one item, two answers.
    rules = (
        Assertion(Relation.NOT_THROUGH, pathways=("q",)),
        Assertion(Relation.OTHER, compounds=("j",)),
    )
    c = claim("instead", [ev()], rules, compounds=("j", "k"), pathways=("p", "q"))
    analysis = analyse_map(tiny([c]))
    assert analysis.cells["k", "p"].balance is Balance.SUPPORTS
    assert analysis.cells["k", "q"].balance is Balance.CONTRADICTS
    assert analysis.cells["j", "q"].balance is Balance.CONTRADICTS  # rule 1 covers j x q first
    assert analysis.cells["j", "p"].balance is Balance.OTHER
    assert analysis.cells["j", "p"].other_claims == ("instead",)
    assert "instead" not in analysis.contradictions


def test_pairs_network_edges_answer_the_question() -> None:
    class Links:
        def page(self, kind: str, subject: str = "") -> str:
            return f"{kind}/{subject}"

        def claim(self, claim_id: str) -> str:
            return f"claim/{claim_id}"

        def file(self, path: str) -> str:
            return path

        def term(self, anchor: str) -> str:
            return f"definitions#{anchor}"

    m = tiny([claim("without", [ev()], NOT), claim("aside", [ev()], OTHER)])
    layout = layout_network(m, analyse_map(m), Links())
    assert sorted((e.ends, e.balance) for e in layout.edges) == [
        ("c:k k:aside", "other"),
        ("c:k k:without", "contradicts"),
        ("k:aside p:p", "other"),
        ("k:without p:p", "contradicts"),
    ]
    nodes = {n.key: n.balance for n in layout.nodes if n.kind == "claim"}
    assert nodes == {"k:without": "supports", "k:aside": "supports"}  # a claim's own balance
    pairs = layout_network(m, analyse_map(m), Links(), claim_node_limit=1)
    assert [e.balance for e in pairs.edges] == ["contradicts"]


def test_pairs_summary_tallies_pairs_apart_from_claims_and_items() -> None:
    m = tiny(
        [
            claim("a", [ev()]),
            claim("b", [ev("contradicts", "b")]),
            claim("c", [ev()], NOT, pathways=("q",)),
            claim("d", [ev()], OTHER, compounds=("j",)),
        ]
    )
    analysis = analyse_map(m)
    k = analysis.summary(m, "compound", "k")
    assert (k.claims, k.items, k.supporting, k.against) == (3, 3, 2, 1)
    assert k.contested == ()  # no claim's own items point both ways
    assert (k.pairs.answered, k.pairs.mixed, k.pairs.contradicts, k.pairs.other) == (2, 1, 1, 0)
    assert k.pairs.contested == (("k", "p"),)
    j = analysis.summary(m, "compound", "j")
    assert (j.pairs.answered, j.pairs.other) == (0, 1)


# -- the shipped map, built once ----------------------------------------------------


@pytest.fixture
def shipped(shipped_site: Path) -> Path:
    return shipped_site


@pytest.fixture(scope="module")
def shipped_map() -> EvidenceMap:
    result = check(load_settings(REPO / "mkdocs.yml"))
    assert result.map is not None
    return result.map


@pytest.fixture(scope="module")
def analysis(shipped_map: EvidenceMap) -> MapAnalysis:
    return analyse_map(shipped_map)


def _matrix_cells(site: Path) -> dict[tuple[str, str], Tag]:
    page = article(site / "matrix/index.html")
    columns = [a["href"].split("/")[-2] for a in page.select("thead th.evmap-col a")]
    return {
        (tr["data-row"], pathway): td
        for tr in page.select("tbody tr[data-row]")
        for pathway, td in zip(columns, tr.select("td"), strict=True)
    }


def test_pairs_shipped_pairs_named_in_the_problem(shipped: Path, analysis: MapAnalysis) -> None:
    cells = _matrix_cells(shipped)
    mk801 = cells["mk-801", "nmdar-inhibition"]
    assert mk801["class"] == ["o"]  # not red: the claim asks another question of MK-801
    assert mk801.select_one("a > span[aria-hidden]").get_text() == "\u25cb1"
    assert mk801.select_one("a > b").get_text() == "0"
    assert (
        mk801.select_one("a > .sr").get_text().endswith(": 0 evidence items, 1 on another question")
    )
    for compound in ("2r6r-hnk", "esketamine", "arketamine"):
        td = cells[compound, "nmdar-inhibition"]
        assert td["class"] == ["c"], compound  # every item on the question points against
        assert "\u26a0" not in td.get_text(), compound
    # Wray 2018 supports "cAMP instead of NMDA receptors": against NMDA receptor inhibition.
    for compound in ("ketamine", "2r6r-hnk"):
        wray = [
            item.stance
            for item in analysis.cells[compound, "nmdar-inhibition"].items
            if item.claim == "ketamine-acts-through-camp"
        ]
        assert wray == [Stance.CONTRADICTS], compound
        assert [
            item.stance
            for item in analysis.cells[compound, "camp-signalling"].items
            if item.claim == "ketamine-acts-through-camp"
        ] == [Stance.SUPPORTS]


def test_pairs_shipped_every_contested_pair_has_items_both_ways_on_its_question(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    """Every ⚠ of the matrix and every entity page's contested box: an item for and one
    against that very pair's question, from the evidence as written."""
    flagged = set()
    for (compound, pathway), td in _matrix_cells(shipped).items():
        if "\u26a0" in td.get_text():
            flagged.add((compound, pathway))
    boxed = set()
    for page in sorted((shipped / "compounds").glob("*/index.html")):
        compound = page.parent.name
        box = article(page).select_one("#contested")
        for details in box.select("details") if box else ():
            href = details.select_one("summary + p a")["href"]
            boxed.add((compound, href.rstrip("/").split("/")[-1]))
    assert flagged == boxed
    assert flagged
    for compound, pathway in sorted(flagged):
        sides = set()
        for c in shipped_map.claims.values():
            relation = c.relation(compound, pathway)
            if relation is Relation.OTHER:
                continue
            for item in c.evidence:
                if compound in c.item_compounds(item) and pathway in c.item_pathways(item):
                    sides.add(pair_stance(item.stance, relation))
        assert {Stance.SUPPORTS, Stance.CONTRADICTS} <= sides, (compound, pathway)


def _rows(section: Tag) -> list[Tag]:
    """The rows a claim shows in its counted table (not the folded ones)."""
    table = section.find("table", class_="ev", recursive=False)
    return table.select("tbody > tr") if table is not None else []


def _number(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("kind", ["compounds", "pathways"])
def test_pairs_shipped_summary_counts_the_rows_shown(
    shipped: Path, shipped_map: EvidenceMap, kind: str
) -> None:
    """On every entity page, the summary's numbers are the rows a reader sees in the counted
    group: items, their stances, first- and second-hand, claims and contested claims."""
    pages = sorted((shipped / kind).glob("*/index.html"))
    assert len(pages) == len(shipped_map.compounds if kind == "compounds" else shipped_map.pathways)
    folded_somewhere = 0
    for page in pages:
        body = article(page)
        summary = body.select_one(".evmap-summary")
        assert summary is not None, page
        sections = body.select("section.claim")
        rows = [row for section in sections for row in _rows(section)]
        folded_somewhere += len(body.select("section.claim > details.else tbody > tr"))
        for folded in body.select("section.claim > details.else > summary"):
            # Labelled by the page's kind (a claim's markup is shared by pages of one depth).
            assert folded.get_text().endswith(f"on other {kind} of this claim (not counted here)")
        items = summary.select_one(".evmap-sum-items")
        if not sections:
            assert items is None, page
            continue
        text = " ".join(items.get_text(" ").split())
        counts = {
            "items": _number(text, r"Evidence items: (\d+) evidence items?"),
            "s": _number(text, r"\u25b2 (\d+) support"),
            "c": _number(text, r"\u25bc (\d+) against"),
            "m": _number(text, r"\u25c6 (\d+) mixed"),
            "first": _number(text, r"(\d+) read in the study itself"),
            "second": _number(text, r"(\d+) second-hand"),
        }
        shown = {
            "items": len(rows),
            "s": sum(row["class"] == ["s"] for row in rows),
            "c": sum(row["class"] == ["c"] for row in rows),
            "m": sum(row["class"] == ["m"] for row in rows),
            "first": sum(row.select_one("td.r span.v") is None for row in rows),
            "second": sum(row.select_one("td.r span.v") is not None for row in rows),
        }
        assert counts == shown, page
        claims = " ".join(summary.select_one(".evmap-sum-claims").get_text(" ").split())
        assert _number(claims, r"Claims: (\d+) claims?") == len(sections), page
        flagged = [s for s in sections if s.find("div", class_="evmap-flag", recursive=False)]
        assert _number(claims, r"(\d+) contested claims?") == len(flagged), page
        pairs = summary.select_one(".evmap-sum-pairs")
        box = body.select_one("#contested")
        contested_pairs = len(box.select("details")) if box else 0
        pair_text = " ".join(pairs.get_text(" ").split()) if pairs else ""
        assert _number(pair_text, r"\( ?(\d+) contested \)") == contested_pairs, page
    assert folded_somewhere  # some claims' items on other subjects are folded apart


def test_pairs_shipped_folded_rows_are_the_claims_other_items(
    shipped: Path, shipped_map: EvidenceMap
) -> None:
    """Arketamine's page: the counted rows and the folded ones together are every item of
    its claims, each item once, and only items that tested arketamine are counted."""
    body = article(shipped / "compounds/arketamine/index.html")
    for section in body.select("section.claim"):
        c = shipped_map.claims[section["id"].removeprefix("claim-")]
        counted = len(_rows(section))
        folded = section.select("details.else tbody > tr")
        tested = sum("arketamine" in c.item_compounds(item) for item in c.evidence)
        assert (counted, len(folded)) == (tested, len(c.evidence) - tested), c.id
        if folded:
            summary = section.select_one("details.else > summary").get_text(" ", strip=True)
            n = len(folded)
            noun = "item" if n == 1 else "items"
            assert summary == f"{n} more {noun} on other compounds of this claim (not counted here)"


def test_pairs_definitions_are_written_once_and_linked(shipped: Path) -> None:
    """docs/definitions.md gives every definition of the vocabulary, word for word, under its
    anchor; pages link the words to it."""
    page = article(shipped / "definitions/index.html")
    headings = {"Of an evidence item": Level.ITEM, "Of a claim": Level.CLAIM}
    headings["Of a compound-pathway pair"] = Level.PAIR
    level = None
    found = []
    for tag in page.select("h2, h3, p"):
        if tag.name == "h2":
            level = headings[tag.get_text(strip=True).rstrip("¶")]
        elif tag.name == "h3":
            found.append([tag["id"], tag.get_text(strip=True).rstrip("¶"), level, ""])
        elif found and not found[-1][3]:
            found[-1][3] = " ".join(tag.get_text().split())
    assert found == [[d.anchor, d.term, d.level, d.text] for d in DEFINITIONS]
    arketamine = article(shipped / "compounds/arketamine/index.html")
    links = {a["href"] for a in arketamine.select(".evmap-summary a, section.claim a.k")}
    assert "../../definitions/#claim-balance" in links
    assert "../../definitions/#pair-question" in links
    ketamine = article(shipped / "compounds/ketamine/index.html")
    assert ketamine.select_one("#contested a")["href"] == "../../definitions/#contested-pair"
    matrix = article(shipped / "matrix/index.html")
    assert "../definitions/#another-question" in {a["href"] for a in matrix.select("a")}


def test_pairs_each_page_shows_its_rows_with_evmaps_template_or_a_projects_own(
    tmp_path: Path,
) -> None:
    """The tiny map's main-route claim: both items tested ketamine, one arketamine. A
    project's own claim.html, which writes the rows itself, gets each page's rows too."""
    project = write_project(tmp_path / "own")
    site = project.build(site="evmaps")
    for page, shown, folded in (("ketamine", 2, 0), ("arketamine", 1, 1)):
        section = article(site / f"compounds/{page}/index.html").select_one(
            "#claim-nmdar-main-route"
        )
        assert (len(_rows(section)), len(section.select("details.else tbody > tr"))) == (
            shown,
            folded,
        ), page
    project.write(
        "templates/partials/claim.html",
        '<section class="claim" id="{{ claim.anchor }}"><p class="own">'
        "{{ claim.evidence | length }} shown, {{ claim.elsewhere | length }} apart</p>"
        "</section>\n",
    )
    own = project.build(site="own")
    texts = {
        page: article(own / f"compounds/{page}/index.html")
        .select_one("#claim-nmdar-main-route p.own")
        .get_text()
        for page in ("ketamine", "arketamine")
    }
    assert texts == {"ketamine": "2 shown, 0 apart", "arketamine": "1 shown, 1 apart"}
