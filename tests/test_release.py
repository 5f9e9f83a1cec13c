"""Citable releases: a tag names the release, its notes say what changed since the last
one, CITATION.cff says how to cite the map, pages name the version, the home page the DOI."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, Project, soup, write_project
from evmap.adapters.bundle import bundle_version
from evmap.adapters.cli import main
from gitrepo import DAY, T0, Repo, git_env, init_repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("git_env")

CORE = "content/claims/core.yml"
ANA = ("Ana Li", "ana@lab.org")
BEN = ("Ben Ode", "ben@lab.org")
OPTIONS = """\
      curators:
        - {name: Ana Li, orcid: 0000-0002-1825-0097, emails: [ana@lab.org, ana.li@uni.example]}
        - {name: Ben van der Ode, affiliation: University of Examples, emails: [ben@lab.org]}
      doi: https://doi.org/10.5281/zenodo.1234567
"""
SUPPORTED = """\
- id: ampa-downstream
  statement: AMPA receptor activation follows NMDA receptor block.
  compounds: [ketamine]
  pathways: [nmdar-inhibition]
  evidence:
    - stance: supports
      finding: NBQX blocked the effect.
      model: {species: mouse}
      type: in-vivo
      citations: [berman2000]
"""
AGAINST = """\
    - stance: contradicts
      finding: The R-enantiomer acted without an NMDA-like imaging signature.
      model: {species: rat, paradigm: fMRI}
      type: review
      locator: Fig. 1
      citations: [wei2021]
      compounds: [arketamine, ketamine]
"""


@pytest.fixture
def released(tmp_path: Path) -> tuple[Project, Repo]:
    """v2024.03 on the tiny map; then a claim added, a stance flipped, a contradicting item
    removed; v2024.04 on that."""
    project = write_project(tmp_path / "tiny")
    project.write("mkdocs.yml", project.read("mkdocs.yml") + OPTIONS)
    repo = init_repo(project.root)
    repo.commit("Tiny map", when=T0, author=ANA)
    repo.git("tag", "v2024.03")
    repo.git("tag", "backup-before-edits")  # not a release: release_tags is v*
    project.write("content/claims/ampa.yml", SUPPORTED)
    core = project.read(CORE).replace(AGAINST, "")
    core = core.replace("supports\n      finding: A TrkB", "contradicts\n      finding: A TrkB")
    project.write(CORE, core)
    repo.commit("April's curation", when=T0 + 30 * DAY, author=BEN)
    repo.git("tag", "v2024.04")
    return project, repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_release_notes_since_the_last_release(
    released: tuple[Project, Repo], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = released
    code, out, _ = run(capsys, "release-notes", "v2024.04", "-f", str(project.config))
    assert code == 0
    assert out.splitlines() == [
        "## Tiny map v2024.04",
        "",
        "Released 2024-03-31. Changes since v2024.03 (2024-03-01): 1 claim added, "
        "2 claims changed.",
        "",
        "### Claims added",
        "",
        "- AMPA receptor activation follows NMDA receptor block. (`ampa-downstream`): low",
        "",
        "### Claims changed",
        "",
        "- NMDA receptor block is the main route of ketamine's antidepressant effect. "
        "(`nmdar-main-route`): evidence item removed",
        "- TrkB signalling is needed for the effect of arketamine. (`trkb-needed`): stance flipped",
        "",
        "### Grades moved",
        "",
        "- NMDA receptor block is the main route of ketamine's antidepressant effect. "
        "(`nmdar-main-route`): very low \u2192 low",
        "- TrkB signalling is needed for the effect of arketamine. (`trkb-needed`): "
        "moderate \u2192 very low",
        "",
        "### Contested gained and lost",
        "",
        "- no longer contested: NMDA receptor block is the main route of ketamine's "
        "antidepressant effect. (`nmdar-main-route`)",
        "- no longer contested: Ketamine \u00d7 NMDA receptor inhibition (pair)",
    ]


def test_release_notes_of_the_first_release(
    released: tuple[Project, Repo], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = released
    code, out, _ = run(capsys, "release-notes", "v2024.03", "-f", str(project.config))
    assert (code, out) == (
        0,
        "## Tiny map v2024.03\n\nReleased 2024-03-01. The first release: 2 claims resting on "
        "3 evidence items from 2 references, about 2 compounds and 2 pathways.\n",
    )


def test_release_names_the_bundle_and_the_footer_by_the_tag(
    released: tuple[Project, Repo],
) -> None:
    project, repo = released
    assert bundle_version(project.root) == "v2024.04"
    repo.git("tag", "-d", "v2024.04")  # only a tag that is no release on the last commit
    repo.git("tag", "snapshot")
    assert bundle_version(project.root) == f"2024-03-31-{repo.git('rev-parse', '--short', 'HEAD')}"
    repo.git("tag", "v2024.04")
    site = project.build()
    footer = soup(site / "index.html").select_one(".md-copyright__highlight")
    assert footer is not None
    assert " ".join(footer.get_text().split()) == "Version v2024.04 \u00b7 content of 2024-03-31"
    cite = soup(site / "index.html").select_one("#cite")
    assert cite is not None
    assert " ".join(cite.get_text().split()) == (
        "This is version v2024.04 of the map. Cite it as doi:10.5281/zenodo.1234567 "
        "(an archived release)."
    )
    link = cite.select_one("a")
    assert link is not None and link["href"] == "https://doi.org/10.5281/zenodo.1234567"


def test_release_citation_cff(
    released: tuple[Project, Repo], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = released
    config = str(project.config)
    code, out, _ = run(capsys, "citation", "-f", config)
    assert code == 0
    assert out.splitlines() == [
        "# Generated by evmap citation from mkdocs.yml: edit it there, not here.",
        "cff-version: 1.2.0",
        "message: If you use this evidence map, please cite it as below.",
        "type: dataset",
        "title: Tiny map",
        "authors:",
        "- family-names: Li",
        "  given-names: Ana",
        "  orcid: https://orcid.org/0000-0002-1825-0097",
        "- family-names: Ode",
        "  given-names: Ben van der",
        "  affiliation: University of Examples",
        "version: v2024.04",
        "date-released: '2024-03-31'",
        "doi: 10.5281/zenodo.1234567",
        "url: https://example.org/tiny/",
    ]
    assert run(capsys, "citation", "-f", config, "--check")[0] == 1  # none written yet
    assert run(capsys, "citation", "-f", config, "-o", str(project.root / "CITATION.cff"))[0] == 0
    assert run(capsys, "citation", "-f", config, "--check")[1:] == (
        "",
        "evmap: CITATION.cff is up to date\n",
    )
    # A new release changes only the version and date: still up to date.
    assert run(capsys, "citation", "-f", config, "--check", "--version", "v2024.05")[0] == 0
    project.write("mkdocs.yml", project.read("mkdocs.yml").replace("1234567", "7654321"))
    assert run(capsys, "citation", "-f", config, "--check")[2] == (
        "evmap: CITATION.cff is out of date with mkdocs.yml (site, curators, doi); write it "
        "again with: evmap citation -o CITATION.cff\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "      doi: zenodo 1234567\n",
            "evmap option 'doi': 'zenodo 1234567' is not a DOI; write it as "
            "10.<registrant>/<suffix>, e.g. 10.5281/zenodo.1234567",
        ),
        (
            "      curators:\n        - {name: Ana Li, orcid: 0000-0002-1825-009}\n",
            "evmap option 'curators': ORCID iD '0000-0002-1825-009' of 'Ana Li' is not well "
            "formed; expected four groups of four digits, e.g. 0000-0002-1825-0097 (without "
            "https://orcid.org/)",
        ),
        (
            "      curators:\n        - {name: Ana Li, emails: [Ana]}\n",
            "evmap option 'curators': emails of 'Ana Li' must be a list of the e-mails of their "
            "commits (git log --format=%ae), got ['Ana']",
        ),
    ],
)
def test_release_options_are_checked(
    project: Project, options: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("mkdocs.yml", project.read("mkdocs.yml") + options)
    code, _, err = project.check(capsys=capsys)
    assert (code, err) == (2, f"evmap: {project.config}: {message}\n")


def test_release_shipped_citation_cff_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "citation", "-f", str(REPO / "mkdocs.yml"), "--check")[0] == 0
