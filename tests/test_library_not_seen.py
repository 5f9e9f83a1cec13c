"""Facts the curators could not verify (``not_seen`` in the reference notes).

A DOI listed there is not asked for (``missing-doi``), and every page says which
facts were not seen and which record the others were read from: next to each
citation, in its preview, and on the reference page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Project, article, soup, write_project

NOTES = """\
- key: wei2021
  kind: primary-study
  record: "PubMed record PMID 33742215 (title, authors, journal, year)"
  not_seen: [doi, volume]
"""
WARNING = (
    "references.bib:13: warning: reference 'wei2021' has no DOI, which journal articles from "
    "2000 on usually have (evmap option 'doi_expected_since'); add its 'doi' field if it has one"
)
SAID = (
    "the entry's doi and volume could not be verified and are left out; its other facts "
    "were read from PubMed record PMID 33742215 (title, authors, journal, year)"
)


def without_doi(root: Path) -> Project:
    project = write_project(root)
    project.write(
        "references.bib",
        project.read("references.bib").replace("  doi = {10.1038/s41380-021-01121-1},\n", ""),
    )
    return project


def test_not_seen_doi_is_not_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = without_doi(tmp_path / "p")
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (0, [WARNING])
    project.write("content/references/wei.yml", NOTES)
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")
    project.write("content/references/wei.yml", NOTES.replace("[doi, volume]", "[volume]"))
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (0, [WARNING])


def test_not_seen_shown_beside_citations_in_previews_and_on_the_page(tmp_path: Path) -> None:
    project = without_doi(tmp_path / "p")
    project.write("content/references/wei.yml", NOTES)
    site = project.build()
    page = article(site / "references/wei2021/index.html")
    facts = {dt.get_text(): dd.get_text() for dt, dd in zip(page("dt"), page("dd"), strict=True)}
    assert facts["Facts read from"] == (
        "PubMed record PMID 33742215 (title, authors, journal, year)"
    )
    notes = [p.get_text() for p in page.select("div.evmap-notes p")]
    assert notes == [f"Not seen: {SAID}"]
    claims = soup(site / "pathways/bdnf-trkb/index.html")
    badges = [
        (a.get_text(), a["href"])
        for cell in claims.select("td.r")
        for a in cell.select("a.nb")
        if "wei2021" in a["href"]
    ]
    assert badges and set(badges) == {("Not seen", "../../references/wei2021/#notes")}
    source = (site / "assets/evmap-references.js").read_text("utf-8")
    previews = json.loads(source[source.index("= ") + 2 : source.rindex(";")])
    assert previews["wei2021"].endswith(f"\nNot seen: {SAID}")
