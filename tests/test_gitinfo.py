"""Edit links and last-changed dates of pages, from real git histories."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CLAIM, Project, serving, soup, write_project
from evmap.core import gitinfo
from evmap.core.gitinfo import format_date, join_edit_url, read_commit_times, repository_edit_uri
from gitrepo import DAY, T0, Repo, git_env, init_repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("git_env")


def last_changed(site: Path, page: str) -> str | None:
    aside = soup(site / page).select_one("aside.md-source-file")
    return aside.get_text(" ", strip=True) if aside is not None else None


def edit_link(site: Path, page: str) -> str | None:
    link = soup(site / page).select_one("a.md-content__button[rel=edit]")
    return str(link["href"]) if link is not None else None


@pytest.fixture
def history(tmp_path: Path) -> Project:
    """The tiny project in git: everything on 2024-03-01, one pathway edited on 2024-03-11."""
    project = write_project(tmp_path / "tiny")
    repo = init_repo(project.root)
    repo.commit("tiny map", when=T0)
    project.write(
        "content/pathways/bdnf-trkb.yml",
        project.read("content/pathways/bdnf-trkb.yml") + "summary: Neurotrophin signalling.\n",
    )
    repo.commit("bdnf-trkb: summary", when=T0 + 10 * DAY)
    return project


def test_gitinfo_page_date_is_newest_commit_of_its_files(history: Project) -> None:
    site = history.build()
    assert {
        page: last_changed(site, f"{page}/index.html")
        for page in (
            "pathways/bdnf-trkb",
            "pathways/nmdar-inhibition",
            "compounds/ketamine",
            "about",
        )
    } == {
        "pathways/bdnf-trkb": "2024-03-11",
        "pathways/nmdar-inhibition": "2024-03-01",
        "compounds/ketamine": "2024-03-01",
        "about": "2024-03-01",
    }
    # Home and indexes show the whole map: the newest change anywhere.
    assert last_changed(site, "index.html") == "2024-03-11"


def test_gitinfo_claim_edit_dates_every_page_listing_the_claim(history: Project) -> None:
    repo = init_repo(history.root)  # the same repository, reopened
    history.write(
        "content/claims/core.yml",
        history.read("content/claims/core.yml").replace(
            "TrkB signalling is needed", "TrkB signalling is required"
        ),
    )
    repo.commit("trkb-needed: wording", when=T0 + 20 * DAY)
    site = history.build()
    # core.yml holds both claims, so every page listing either of them changed.
    assert last_changed(site, "pathways/nmdar-inhibition/index.html") == "2024-03-21"
    assert last_changed(site, "references/wei2021/index.html") == "2024-03-21"
    assert last_changed(site, "about/index.html") == "2024-03-01"


def test_gitinfo_dates_never_later_than_source_date_epoch(
    history: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 5 * DAY))
    site = history.build()
    assert last_changed(site, "pathways/bdnf-trkb/index.html") == "2024-03-06"
    assert last_changed(site, "compounds/ketamine/index.html") == "2024-03-01"


def test_gitinfo_outside_git_pages_have_no_date(tiny_site: Path) -> None:
    assert last_changed(tiny_site, "pathways/bdnf-trkb/index.html") is None
    assert last_changed(tiny_site, "about/index.html") is None


def test_gitinfo_uncommitted_file_has_no_date(history: Project) -> None:
    history.write("docs/draft.md", "# Draft\n")
    site = history.build()
    assert last_changed(site, "draft/index.html") is None


def test_gitinfo_git_processes_per_build_do_not_grow_with_pages(
    history: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(args: list[str], **kwargs: Any) -> Any:
        if args[0] == "git":  # the library's formatter (pandoc) runs too
            started.append(args)
        return real_popen(args, **kwargs)

    monkeypatch.setattr(gitinfo.subprocess, "Popen", counting_popen)
    history.build()
    # A fixed set whatever the number of pages: the dates of every page in one `git log`
    # pass; the provenance of every claim in one walk and one read of the file versions;
    # the version and date of the content for the footers.
    assert [args[1:4] for args in started] == [
        ["rev-parse", "--is-shallow-repository", "--verify"],
        ["-c", "core.quotepath=off", "log"],
        ["cat-file", "--batch"],
        ["describe", "--tags", "--exact-match"],
        ["log", "-1", "--format=%cs-%h"],
        ["status", "--porcelain", "--untracked-files=no"],
        ["log", "-1", "--format=%ct"],
        ["-c", "core.quotepath=off", "log"],
    ]
    assert "--raw" in started[1] and "--name-only" in started[-1]


def test_gitinfo_read_commit_times_stops_when_all_files_seen(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    for day in range(30):
        (tmp_path / f"f{day}.yml").write_text(f"day: {day}\n")
        repo.commit(f"day {day}", when=T0 + day * DAY)
    assert read_commit_times(tmp_path, {"f29.yml", "f3.yml", "nope.yml"}) == {
        "f29.yml": T0 + 29 * DAY,
        "f3.yml": T0 + 3 * DAY,
    }
    assert read_commit_times(tmp_path / "missing", {"f1.yml"}) == {}


def test_gitinfo_edit_links_point_at_the_yaml_of_each_page(tmp_path: Path) -> None:
    project = write_project(tmp_path / "tiny")
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml")
        .replace(
            "site_url: https://example.org/tiny/\n",
            "site_url: https://example.org/tiny/\n"
            "repo_url: https://github.com/lab/map\nedit_uri: edit/main/site/docs/\n",
        )
        .replace("features: [navigation.prune", "features: [content.action.edit, navigation.prune"),
    )
    site = project.build()
    assert {
        page: edit_link(site, f"{page}index.html")
        for page in (
            "pathways/bdnf-trkb/",
            "compounds/arketamine/",
            "references/wei2021/",
            "about/",
            "",
        )
    } == {
        "pathways/bdnf-trkb/": "https://github.com/lab/map/edit/main/site/content/pathways/bdnf-trkb.yml",
        "compounds/arketamine/": "https://github.com/lab/map/edit/main/site/content/compounds/arketamine.yml",
        "references/wei2021/": "https://github.com/lab/map/edit/main/site/references.bib",
        "about/": "https://github.com/lab/map/edit/main/site/docs/about.md",
        "": None,  # the home page is made from everything: no one file to edit
    }


def test_gitinfo_edit_uri_option_overrides_the_derived_one(tmp_path: Path) -> None:
    project = write_project(tmp_path / "tiny")
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml")
        .replace("site_url:", "repo_url: https://git.ketamine-lab.org/lab/map/\nsite_url:")
        .replace("features: [navigation.prune", "features: [content.action.edit, navigation.prune")
        .replace("  - evmap:\n", "  - evmap:\n      edit_uri: -/edit/trunk/\n"),
    )
    site = project.build()
    assert (
        edit_link(site, "pathways/bdnf-trkb/index.html")
        == "https://git.ketamine-lab.org/lab/map/-/edit/trunk/content/pathways/bdnf-trkb.yml"
    )


@pytest.mark.parametrize(
    ("docs_edit_uri", "docs_dir", "expected"),
    [
        ("edit/main/docs/", "docs", "edit/main/"),
        ("edit/main/docs", "docs", "edit/main/"),
        ("blob/main/site/docs/", "docs", "blob/main/site/"),
        ("docs/", "docs", ""),
        ("edit/main/documentation/", "docs", None),
        ("?path=docs/", "docs", None),
        (None, "docs", None),
        ("", "docs", None),
    ],
)
def test_gitinfo_repository_edit_uri_drops_the_docs_folder(
    docs_edit_uri: str | None, docs_dir: str, expected: str | None
) -> None:
    assert repository_edit_uri(docs_edit_uri, docs_dir) == expected


def test_gitinfo_join_and_format() -> None:
    assert join_edit_url("https://h/r/", "/edit/main/", "content/a.yml") == (
        "https://h/r/edit/main/content/a.yml"
    )
    assert join_edit_url("https://h/r", "", "references.bib") == "https://h/r/references.bib"
    assert format_date(T0) == "2024-03-01"
    assert format_date(T0 + 3 * DAY, epoch=T0) == "2024-03-01"


def test_gitinfo_serving_reads_the_history_again_only_when_head_moves(
    history: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dates of pages (one `git log --name-only`) and the provenance of claims (one walk,
    `git log --raw`) are read again only when a commit moves HEAD, or for dates, when a
    new file needs one."""
    logs: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(args: list[str], **kwargs: Any) -> Any:
        if "log" in args:
            logs.append(args)
        return real_popen(args, **kwargs)

    def reads() -> tuple[int, int]:
        return sum("--name-only" in a for a in logs), sum("--raw" in a for a in logs)

    monkeypatch.setattr(gitinfo.subprocess, "Popen", counting_popen)
    site = tmp_path / "served"
    page = "pathways/bdnf-trkb/index.html"
    with serving(history.config, site) as rebuild:
        rebuild()
        assert reads() == (1, 1) and last_changed(site, page) == "2024-03-11"
        history.write("content/claims/new.yml", CLAIM)  # not committed: no date, no new walk
        rebuild()
        assert reads() == (2, 1)  # a new file to date: read again
        rebuild()
        assert reads() == (2, 1)  # same HEAD, same files: the times are reused
        Repo(history.root).commit("c1", when=T0 + 20 * DAY)
        rebuild()
        assert reads() == (3, 2) and last_changed(site, page) == "2024-03-21"
