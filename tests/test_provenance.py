"""Provenance from git: a history of several commits by two curators, read once per build.

Who added and last changed each claim and evidence item, and when, on the claim (a line),
on its history page, in the JSON and CSV downloads; a shallow clone and a folder outside
git build without it and say why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import tarfile
from pathlib import Path

import pytest
from conftest import Project, serving, soup, write_project
from evmap.adapters import builder
from evmap.adapters.build import run_mkdocs
from evmap.analysis.provenance import read_provenance, split_claims
from evmap.core.config import load_settings
from evmap.core.pipeline import check
from gitrepo import DAY, T0, Repo, git_env, init_repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("git_env")

CORE = "content/claims/core.yml"
ANA = ("Ana Li", "ana@lab.org")
BEN = ("Ben Ode", "ben@lab.org")
ORCID = "0000-0002-1825-0097"
CURATORS = f"""\
      curators:
        - {{name: Ana Li, orcid: {ORCID}, emails: [ana@lab.org]}}
"""
NEW_ITEM = """\
    - stance: supports
      finding: A second TrkB antagonist blocked it too.
      model: {species: rat, paradigm: CSDS}
      type: in-vivo
      citations: [berman2000]
      pathways: [bdnf-trkb]
"""


def edit(project: Project, path: str, old: str, new: str) -> None:
    text = project.read(path)
    assert old in text, old
    project.write(path, text.replace(old, new, 1))


@pytest.fixture
def curated(tmp_path: Path) -> tuple[Project, Repo]:
    """The tiny map by Ana on 2024-03-01, then Ben rewords a statement (03-03), Ana adds an
    item (03-06), Ben renames a claim keeping its old id (03-08)."""
    project = write_project(tmp_path / "tiny")
    project.write("mkdocs.yml", project.read("mkdocs.yml") + CURATORS)
    repo = init_repo(project.root)
    repo.commit("Tiny map", when=T0, author=ANA)
    edit(project, CORE, "is the main route of", "is one route of")
    repo.commit("nmdar-main-route: one route among others", when=T0 + 2 * DAY, author=BEN)
    project.write(CORE, project.read(CORE) + NEW_ITEM)
    repo.commit("trkb-needed: a second antagonist", when=T0 + 5 * DAY, author=ANA)
    edit(project, CORE, "- id: trkb-needed\n", "- id: trkb-required\n  former_ids: [trkb-needed]\n")
    repo.commit("Rename trkb-needed", when=T0 + 7 * DAY, author=BEN)
    return project, repo


def lines(site: Path, page: str) -> dict[str, str]:
    """The provenance line of each claim on a page, by claim id, as read."""
    found = {}
    for section in soup(site / page).select("section.claim"):
        line = section.select_one("p.prov")
        if line is not None:
            found[str(section["id"])] = " ".join(line.get_text().split())
    return found


def test_provenance_on_claims_history_pages_and_downloads(curated: tuple[Project, Repo]) -> None:
    project, _ = curated
    site = project.build()
    # On its home page (the first pathway) each claim says who added and changed it.
    assert lines(site, "pathways/nmdar-inhibition/index.html") == {
        "claim-nmdar-main-route": "Added 2024-03-01 by Ana Li · changed 2024-03-03 by Ben Ode "
        "· History",
    }
    assert lines(site, "pathways/bdnf-trkb/index.html") == {
        "claim-trkb-required": "Added 2024-03-01 by Ana Li · changed 2024-03-08 by Ben Ode "
        "· History",
    }
    assert lines(site, "compounds/arketamine/index.html") == {}  # not its home page
    page = soup(site / "pathways/bdnf-trkb/index.html")
    line = page.select_one("#claim-trkb-required p.prov")
    assert line is not None
    assert [(a.get_text(), a["href"]) for a in line.select("a")] == [
        ("Ana Li", f"https://orcid.org/{ORCID}"),  # the curators option names the e-mail
        ("History", "../../history/core/#claim-trkb-required"),
    ]
    history = soup(site / "history/core/index.html")
    claims = history.select(".evmap-history > section")
    assert [c["id"] for c in claims] == ["claim-nmdar-main-route", "claim-trkb-required"]
    entries = [
        [" ".join(li.get_text(" ").split()) for li in claim.select("ol > li")] for claim in claims
    ]
    assert [[" ".join(e.split(" · ")[:2]) for e in claim] for claim in entries] == [
        ["2024-03-03 Ben Ode", "2024-03-01 Ana Li"],
        ["2024-03-08 Ben Ode", "2024-03-06 Ana Li", "2024-03-01 Ana Li"],
    ]
    changes = [[li.get_text() for li in claim.select("ol > li li")] for claim in claims]
    assert changes == [
        [
            "statement changed: NMDA receptor block is the main one route of ketamine's "
            "antidepressant effect.",
            "claim added",
        ],
        [
            "renamed: trkb-needed \u2192 trkb-required",
            "evidence item 2 (berman2000): evidence item added: supports: A second TrkB "
            "antagonist blocked it too.",
            "claim added",
        ],
    ]
    marked = claims[0].select_one("ol > li li")
    assert marked is not None
    assert [(m.name, m.get_text()) for m in marked.select("del, ins")] == [
        ("del", "the main"),
        ("ins", "one"),
    ]
    subjects = [claim.select("ol > li > p")[0].get_text() for claim in claims]
    assert subjects[1].endswith("· Rename trkb-needed")
    # Downloads: the claim's and each item's, added and last changed.
    data = json.loads((site / "downloads/evidence-map.json").read_text("utf-8"))
    known = data["derived"]["claims"]["trkb-required"]["provenance"]
    commits = data["derived"]["commits"]  # each commit once, claims name it by a short id
    assert sorted((c["date"], c["by"], c["subject"]) for c in commits.values()) == [
        ("2024-03-01", "Ana Li", "Tiny map"),
        ("2024-03-03", "Ben Ode", "nmdar-main-route: one route among others"),
        ("2024-03-06", "Ana Li", "trkb-needed: a second antagonist"),
        ("2024-03-08", "Ben Ode", "Rename trkb-needed"),
    ]
    assert all(len(ref) == 12 and commits[ref]["commit"].startswith(ref) for ref in commits)

    def said(ref: str | None) -> str:
        return f"{commits[ref]['date']} {commits[ref]['by']}" if ref else "(none)"

    assert {
        "added": said(known["added"]),
        "changed": said(known["changed"]),
        "uncommitted": known["uncommitted"],
        "items": [[said(ref) for ref in item] for item in known["items"]],
    } == {
        "added": "2024-03-01 Ana Li",
        "changed": "2024-03-08 Ben Ode",
        "uncommitted": False,
        "items": [
            ["2024-03-01 Ana Li", "2024-03-01 Ana Li"],
            ["2024-03-06 Ana Li", "2024-03-06 Ana Li"],
        ],
    }
    assert commits[known["added"]]["orcid"] == ORCID
    rows = list(csv.DictReader(io.StringIO((site / "downloads/evidence-map.csv").read_text())))
    columns = ("claim_added", "claim_added_by", "claim_changed_by", "item_added", "item_added_by")
    assert [
        tuple(row[c] for c in columns) for row in rows if row["claim_id"] == "trkb-required"
    ] == [
        ("2024-03-01", "Ana Li", "Ben Ode", "2024-03-01", "Ana Li"),
        ("2024-03-01", "Ana Li", "Ben Ode", "2024-03-06", "Ana Li"),
    ]


def test_provenance_says_what_is_not_committed(curated: tuple[Project, Repo]) -> None:
    project, _ = curated
    edit(project, CORE, "A TrkB antagonist blocked", "A TrkB blocker blocked")
    project.write(
        "content/claims/new.yml",
        NEW_ITEM.replace(
            "    - stance",
            "- id: fresh\n  statement: A fresh claim.\n  pathways: [bdnf-trkb]\n  evidence:\n    - stance",
            1,
        ),
    )
    site = project.build()
    assert lines(site, "pathways/bdnf-trkb/index.html") == {
        "claim-trkb-required": "Added 2024-03-01 by Ana Li · changed 2024-03-08 by Ben Ode "
        "· changed since the last commit · History",
        "claim-fresh": "Not committed yet · History",
    }
    settings = load_settings(project.config)
    evidence_map = check(settings).map
    known = read_provenance(settings.root, evidence_map, "content/claims", settings.author)
    items = known.claims["trkb-required"].items
    assert [(i.added is not None, i.changed is not None) for i in items] == [
        (True, False),  # changed since the last commit: when it was added is known
        (True, True),
    ]


@pytest.mark.parametrize("how", ["shallow clone", "not a git repository"])
def test_provenance_unavailable_still_builds_and_says_why(
    curated: tuple[Project, Repo],
    tmp_path: Path,
    how: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, repo = curated
    if how == "shallow clone":
        root = tmp_path / "clone"
        repo.git("clone", "-q", "--depth", "1", f"file://{project.root}", str(root))
    else:
        root = tmp_path / "copy"
        repo.git("archive", "--format=tar", "-o", str(tmp_path / "copy.tar"), "HEAD")
        with tarfile.open(tmp_path / "copy.tar") as tar:
            tar.extractall(root, filter="data")
        # Whatever folder the tests run in, git looks for no repository above this one.
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    copy = Project(root)
    with caplog.at_level(logging.DEBUG, logger=builder.NAME):
        site = copy.build()
    message = f"history unavailable ({how})"
    logged = [r for r in caplog.records if f"evmap: {message}: claims show" in r.getMessage()]
    # A shallow clone (a CI checkout without fetch-depth: 0) is said in the build's output;
    # outside git, only when asked for (--verbose): every such build would say it.
    assert [r.levelno for r in logged] == [
        logging.INFO if how == "shallow clone" else logging.DEBUG
    ]
    note = soup(site / "index.html").select_one("p.evmap-note:-soup-contains('not shown')")
    assert note is not None
    assert note.get_text() == f"Who added and changed each claim is not shown: {message}."
    assert lines(site, "pathways/nmdar-inhibition/index.html") == {}
    assert not (site / "history").exists()
    settings = load_settings(copy.config)
    known = read_provenance(settings.root, check(settings).map, "content/claims")
    assert (known.message(), known.claims) == (message, {})


def test_provenance_split_claims_cuts_at_top_level_items() -> None:
    text = (
        b"# yaml-language-server: $schema=x\n"
        b"- id: a\n  statement: A.\n\n# a comment about b\n"
        b'- "id": b\n  statement: B.\n'
        b"-   id: 'c'\n  statement: C.\n"
    )
    assert split_claims(text) == [
        ("a", b"- id: a\n  statement: A."),
        (None, b'- "id": b\n  statement: B.'),  # no id: line: the caller parses it
        ("c", b"-   id: 'c'\n  statement: C."),
    ]
    assert split_claims(b"id: one\nstatement: One.\n") == [("one", b"id: one\nstatement: One.")]


def _stamps(site: Path) -> dict[str, tuple[str, int, int]]:
    """Each file's digest, modification time and inode: a rewrite changes the last two."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(site).as_posix()] = (digest, st.st_mtime_ns, st.st_ino)
    return found


def test_provenance_serving_matches_a_clean_build_and_rewrites_only_what_changed(
    curated: tuple[Project, Repo], tmp_path: Path
) -> None:
    """`evmap serve` (dirty rebuilds): between commits the walk through the history is kept,
    an edit shows on its claim and history page at once, a page that reads the same is not
    written again, and every file is what a clean build writes."""
    project, _ = curated
    served = tmp_path / "served"
    page = "history/core/index.html"
    with serving(project.config, served, dirty=True) as rebuild:
        rebuild()
        before = _stamps(served)
        rebuild()  # nothing changed
        assert _stamps(served)[page] == before[page]
        edit(project, CORE, "A TrkB antagonist blocked", "A TrkB blocker blocked")
        plugin = rebuild()
        after = _stamps(served)
        assert after[page][0] != before[page][0]  # it says the claim changed since the commit
        assert lines(served, "pathways/bdnf-trkb/index.html")["claim-trkb-required"].endswith(
            "· changed since the last commit · History"
        )
        assert plugin.site_history is not None
        clean = run_mkdocs(project.config, tmp_path / "clean", strict=False)
        del clean
    served_files = {k: v[0] for k, v in _stamps(served).items()}
    clean_files = {k: v[0] for k, v in _stamps(tmp_path / "clean").items()}
    assert sorted(k for k in clean_files if served_files.get(k) != clean_files[k]) == []
