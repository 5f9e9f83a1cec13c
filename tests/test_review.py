"""Review status of claims: draft, reviewed (by whom, when), disputed (why).

Written in the claim, checked by the schema, shown on the claim, exported, required by
`evmap check` when the lab asks, and drafts left out of the matrix and summaries on request.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import Project, soup, write_project
from gitrepo import T0, git_env, init_repo  # noqa: F401  (fixture)

CORE = "content/claims/core.yml"
TRKB = "  compounds: [arketamine]\n"
MAIN = "  compounds: [ketamine, arketamine]\n"


def review(project: Project, marker: str, text: str) -> None:
    core = project.read(CORE)
    assert marker in core
    project.write(CORE, core.replace(marker, f"{marker}  review: {text}\n", 1))


def options(project: Project, text: str) -> None:
    project.write("mkdocs.yml", project.read("mkdocs.yml") + text)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "{status: disputed}",
            "content/claims/core.yml:22: claim 'trkb-needed': 'review': missing required field "
            "'reason'",
        ),
        (
            "{status: reviewed, date: 2024-03-05}",
            "content/claims/core.yml:22: claim 'trkb-needed': 'review': missing required field 'by'",
        ),
        (
            "{status: checked}",
            "content/claims/core.yml:22: claim 'trkb-needed': 'review.status' is the text "
            "'checked'; expected one of: draft, reviewed, disputed",
        ),
        (
            "{status: reviewed, by: [Ana Li], date: 5 March 2024}",
            "content/claims/core.yml:22: claim 'trkb-needed': 'review.date' is '5 March 2024'; "
            "expected a date written YYYY-MM-DD, e.g. '2024-03-05'",
        ),
    ],
)
def test_review_malformed_is_an_error_at_its_line(
    project: Project, written: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    review(project, TRKB, written)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (1, [message])


def test_review_required_makes_unreviewed_claims_warnings_failing_strict_checks(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    review(project, TRKB, "{status: draft}")
    options(project, "      require_review: true\n")
    code, out, err = project.check(capsys=capsys)
    assert (code, err) == (
        0,
        "evmap: ok: 2 claims, 2 compounds, 2 pathways, 2 references, 2 warnings\n",
    )
    assert out.splitlines() == [
        "content/claims/core.yml:1: warning: claim 'nmdar-main-route' has no review status, and "
        "this project requires review; once someone besides its author has checked it, write "
        "review: {status: reviewed, by: [name], date: YYYY-MM-DD}",
        "content/claims/core.yml:22: warning: claim 'trkb-needed' is a draft, and this project "
        "requires review; once someone besides its author has checked it, write review: "
        "{status: reviewed, by: [name], date: YYYY-MM-DD}",
    ]
    assert project.check("--strict", capsys=capsys)[0] == 1
    review(project, MAIN, "{status: disputed, reason: The imaging signature is indirect.}")
    core = project.read(CORE).replace("{status: draft}", "{status: reviewed, by: [Ana Li]}")
    project.write(CORE, core)
    assert project.check("--strict", capsys=capsys)[:2] == (0, "")


def test_review_is_off_unless_required(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.check("--strict", capsys=capsys)[:2] == (0, "")


@pytest.mark.usefixtures("git_env")
def test_review_shown_on_the_claim_and_exported(project: Project) -> None:
    options(project, "      curators:\n        - {name: Ana Li, emails: [ana@lab.org]}\n")
    review(project, TRKB, "{status: reviewed, by: [ana@lab.org], date: 2024-03-05}")
    review(project, MAIN, '{status: disputed, reason: "Only <b>one</b> trial."}')
    init_repo(project.root).commit("tiny map", when=T0, author=("Ana Li", "ana@lab.org"))
    site = project.build()
    page = soup(site / "pathways/nmdar-inhibition/index.html")
    shown = {
        str(s["id"]): " ".join(line.get_text().split())
        for s in page.select("section.claim")
        if (line := s.select_one("p.prov")) is not None
    }
    assert shown == {
        "claim-nmdar-main-route": "Disputed: Only <b>one</b> trial. · Added 2024-03-01 by Ana Li "
        "· History",
        # Its only reviewer is also its only author: readers are told. Away from its home
        # page a claim shows its review status, not who added it.
        "claim-trkb-needed": "Reviewed by Ana Li on 2024-03-05 (by its own authors)",
    }
    assert page.select("p.prov b.rv-disputed")[0].get_text() == "Disputed"
    # Unchanged since added: a line each on the history page of their file.
    history = soup(site / "history/core/index.html")
    assert [
        (li["id"], re.sub(r"\(\w{7}\)", "(commit)", " ".join(li.get_text().split())))
        for li in history.select("ul.evmap-unchanged li")
    ] == [
        (
            "claim-nmdar-main-route",
            "NMDA receptor block is the main route of ketamine's antidepressant effect. · added "
            "2024-03-01 by Ana Li (commit) · Disputed",
        ),
        (
            "claim-trkb-needed",
            "TrkB signalling is needed for the effect of arketamine. · added 2024-03-01 by Ana "
            "Li (commit) · Reviewed",
        ),
    ]
    assert history.select(".evmap-history > section") == []  # nothing changed since
    data = json.loads((site / "downloads/evidence-map.json").read_text("utf-8"))
    reviews = {c["id"]: c.get("review") for c in data["claims"]}
    assert reviews == {
        "nmdar-main-route": {"status": "disputed", "reason": "Only <b>one</b> trial."},
        "trkb-needed": {"status": "reviewed", "by": ["ana@lab.org"], "date": "2024-03-05"},
    }
    rows = csv.DictReader(io.StringIO((site / "downloads/evidence-map.csv").read_text("utf-8")))
    assert [(r["claim_id"], r["review_status"]) for r in rows] == [
        ("nmdar-main-route", "disputed"),
        ("nmdar-main-route", "disputed"),
        ("trkb-needed", "reviewed"),
    ]


def cell_counts(site: Path) -> dict[str, str]:
    """The matrix's non-empty cells: ``compound / column number`` to what they show."""
    table = soup(site / "matrix/index.html").select_one("table.evmap-matrix")
    assert table is not None
    return {
        f"{row['data-row']} / {n}": " ".join(td.get_text().split())
        for row in table.select("tbody tr")
        for n, td in enumerate(row.select("td"))
        if td.get_text(strip=True)
    }


def test_review_drafts_left_out_of_matrix_and_summaries_on_request(tmp_path: Path) -> None:
    shown = write_project(tmp_path / "shown")
    review(shown, TRKB, "{status: draft}")
    left = write_project(tmp_path / "left")
    review(left, TRKB, "{status: draft}")
    options(left, "      leave_out_drafts: true\n")
    with_drafts, without = shown.build(), left.build()
    draft_cell = "arketamine / 1"  # BDNF-TrkB signalling
    assert draft_cell in cell_counts(with_drafts)
    assert draft_cell not in cell_counts(without)
    assert {k: v for k, v in cell_counts(with_drafts).items() if k != draft_cell} == cell_counts(
        without
    )

    def summary(site: Path) -> str:
        found = soup(site / "pathways/bdnf-trkb/index.html").select_one("#summary + *")
        assert found is not None
        return " ".join(found.get_text().split())

    assert summary(with_drafts) != summary(without)
    # The draft stays on its pages, marked as such.
    page = soup(without / "pathways/bdnf-trkb/index.html")
    line = page.select_one("#claim-trkb-needed p.prov")
    assert line is not None and line.get_text().startswith("Draft")
