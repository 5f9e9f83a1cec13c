"""`mkdocs serve` rebuilds re-render only the pages an edit can change.

The rule (evmap.site.incremental) is checked two ways: which pages a given edit marks
stale, on the tiny project; and, on a copy of the shipped site, a series of
edits each rebuilt the way `mkdocs serve` does (one plugin instance, pages of
the previous build reused) and compared file by file with a clean build.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Project, serving
from conftest import TEMPLATES as PACKAGE_TEMPLATES
from evmap.adapters.build import run_mkdocs
from evmap.core import cache
from evmap.core.config import load_settings
from evmap.core.memo import Memo
from evmap.core.model import EvidenceMap
from evmap.core.pipeline import check, format_map_references
from evmap.site.export import ExportCache, download_files
from evmap.site.incremental import stale_subjects


def _map(project: Project) -> EvidenceMap:
    settings = load_settings(project.config)
    result = check(settings)
    assert not result.errors(strict=False), result.problems
    format_map_references(settings, result.map)
    return result.map


def _edit(project: Project, rel: str, old: str, new: str) -> None:
    text = project.read(rel)
    assert old in text, f"{old!r} not in {rel}"
    (project.root / rel).write_text(text.replace(old, new, 1), "utf-8")


NMDAR_CLAIM_PAGES = {
    ("pathway", "nmdar-inhibition"),
    ("compound", "ketamine"),
    ("compound", "arketamine"),
    ("reference", "berman2000"),
    ("reference", "wei2021"),
}

STALE_CASES: list[tuple[str, str, str, str, set[tuple[str, str]] | None]] = [
    # (case, file, old text, new text, stale pages; None = every page)
    (
        "statement",
        "content/claims/core.yml",
        "is the main route",
        "is one route",
        NMDAR_CLAIM_PAGES,
    ),
    (
        "claim moved to another pathway: old and new pages",
        "content/claims/core.yml",
        "pathways: [nmdar-inhibition]\n",
        "pathways: [bdnf-trkb]\n",
        NMDAR_CLAIM_PAGES | {("pathway", "bdnf-trkb")},
    ),
    (
        "citation dropped: the reference page too",
        "content/claims/core.yml",
        "citations: [wei2021, berman2000]",
        "citations: [wei2021]",
        {
            ("pathway", "bdnf-trkb"),
            ("pathway", "nmdar-inhibition"),
            ("compound", "arketamine"),
            ("reference", "wei2021"),
            ("reference", "berman2000"),
        },
    ),
    ("compound renamed", "content/compounds/arketamine.yml", "Arketamine", "R-ketamine", None),
    (
        "pathway summary",
        "content/pathways/bdnf-trkb.yml",
        "category:",
        "summary: New.\ncategory:",
        None,
    ),
    ("reference title", "references.bib", "Antidepressant effects", "Antidepressant actions", None),
    ("nothing", "references.bib", "", "", set()),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [case[1:] for case in STALE_CASES],
    ids=[case[0] for case in STALE_CASES],
)
def test_stale_subjects_of_one_edit(
    project: Project, rel: str, old: str, new: str, expected: set[tuple[str, str]] | None
) -> None:
    before = _map(project)
    _edit(project, rel, old, new)
    after = _map(project)
    stale = stale_subjects(before, after)
    assert stale == (None if expected is None else frozenset(expected))


def _digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _load(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, list)
    return data


def _dump(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


# Written by every build whatever changed: the theme's sitemap and 404 page, and the
# search index with its worker (rewritten after the search plugin's).
def _always_written(rel: str) -> bool:
    return (
        rel in {"sitemap.xml", "sitemap.xml.gz", "404.html"}
        or rel.startswith("search/")
        or rel.startswith("assets/javascripts/workers/search.")
    )


def _stamps(site: Path) -> dict[str, tuple[str, int, int]]:
    """Each file's digest, modification time and inode: a rewrite changes the last two."""
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(site).as_posix()] = (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                st.st_mtime_ns,
                st.st_ino,
            )
    return out


EDIT_CHAINS = {
    "entries": ("statement", "stance", "move", "add", "remove", "facet_shift", "rename_compound"),
    "site": (
        "template",
        "nothing",
        "docs_page",
        "nav_title",
        "library",
        "add_pathway",
        "remove_pathway",
    ),
}
"""The edits, in two chains that run apart (each from a fresh copy of the project)."""


@pytest.mark.parametrize("chain", sorted(EDIT_CHAINS))
@pytest.mark.parametrize(
    "dirty",
    [pytest.param(False, marks=pytest.mark.slow, id="clean"), pytest.param(True, id="dirty")],
)
def test_serve_rebuilds_match_clean_builds_edit_after_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dirty: bool, chain: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path / "site-src"
    root.mkdir()
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, root / name)
    # The project's own templates (overriding evmap's), for the template edit below.
    shutil.copytree(PACKAGE_TEMPLATES, root / "templates")
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy2(REPO / name, root / name)
    config_file = root / "mkdocs.yml"
    claims_files = sorted((root / "content" / "claims").glob("*.yml"))
    first, second = claims_files[0], claims_files[1]
    pathways = sorted(p.stem for p in (root / "content" / "pathways").glob("*.yml"))

    def statement() -> None:
        claims = _load(first)
        claims[0]["statement"] = "A statement rewritten <em>by hand</em> for this test."
        _dump(first, claims)

    def stance() -> None:
        claims = _load(second)
        evidence = claims[0]["evidence"]
        assert isinstance(evidence, list)
        evidence[0]["stance"] = "contradicts" if evidence[0]["stance"] == "supports" else "supports"
        _dump(second, claims)

    def move() -> None:
        claims = _load(first)
        current = claims[1]["pathways"]
        assert isinstance(current, list)
        claims[1]["pathways"] = [next(p for p in pathways if p not in current), *current]
        _dump(first, claims)

    def add() -> None:
        claims = _load(second)
        new = copy.deepcopy(claims[0])
        new.update(id="incremental-test-claim", statement="A new claim.")
        claims.append(new)
        _dump(second, claims)

    def remove() -> None:
        claims = _load(first)
        del claims[2]
        _dump(first, claims)

    def facet_shift() -> None:
        # A new claim sorting first, with a paradigm that differs from an existing one
        # only in case: the two share a slug, and the new one takes the plain anchor.
        claims = _load(second)
        new = copy.deepcopy(claims[0])
        model = new["evidence"][0]["model"]
        model["paradigm"] = str(model.get("paradigm") or "CSDS").swapcase()
        new.update(id="aaa-incremental-facet", statement="A claim first in order.")
        claims.append(new)
        _dump(second, claims)

    def rename_compound() -> None:
        path = root / "content" / "compounds" / "arketamine.yml"
        path.write_text(
            re.sub(
                r"^name: .*$",
                "name: R-ketamine (renamed)",
                path.read_text("utf-8"),
                count=1,
                flags=re.M,
            ),
            "utf-8",
        )

    def template() -> None:
        path = root / "templates" / "partials" / "claim.html"
        path.write_text(path.read_text("utf-8") + "<!-- edited -->\n", "utf-8")

    def docs_page() -> None:
        path = root / "docs" / "overview.md"
        path.write_text(path.read_text("utf-8") + "\nA sentence added by hand.\n", "utf-8")

    def nav_title() -> None:
        config_file.write_text(
            config_file.read_text("utf-8").replace(
                "  - Overview: overview.md", "  - Overview of the map: overview.md"
            ),
            "utf-8",
        )

    def library() -> None:
        path = root / "references.bib"
        path.write_text(
            path.read_text("utf-8").replace("Antidepressant effects", "Antidepressant actions", 1),
            "utf-8",
        )

    new_pathway = root / "content" / "pathways" / "erk-copy.yml"

    def add_pathway() -> None:
        text = (root / "content" / "pathways" / "erk.yml").read_text("utf-8")
        new_pathway.write_text(
            text.replace("id: erk", "id: erk-copy").replace("name: ERK", "name: Copied ERK"),
            "utf-8",
        )

    def remove_pathway() -> None:
        new_pathway.unlink()

    def nothing() -> None:
        pass

    # Each edit, and whether the rebuild reuses entity pages of the one before.
    reuse: dict[Callable[[], None], bool] = {
        statement: True,
        stance: True,
        move: True,
        add: True,
        remove: True,
        facet_shift: False,
        rename_compound: False,
        template: False,
        nothing: True,
        docs_page: True,
        nav_title: True,
        library: False,
        add_pathway: False,
        remove_pathway: False,
    }
    by_name = {edit.__name__: edit for edit in reuse}
    assert sorted(by_name) == sorted(name for names in EDIT_CHAINS.values() for name in names)
    edits = [(by_name[name], reuse[by_name[name]]) for name in EDIT_CHAINS[chain]]
    served = tmp_path / "served"
    rewritten: dict[str, list[str]] = {}
    with serving(config_file, served, dirty) as rebuild:
        plugin = rebuild()
        assert plugin.renderer is not None and plugin.renderer.adopted == 0
        assert plugin.settings is not None
        parsed = cache.entry_ids(plugin.settings.root, "parsed")  # the first build, as a check
        assert len(parsed) == len(list((root / "content").rglob("*.yml")))
        for n, (edit, reuses) in enumerate(edits):
            name = edit.__name__
            before = _stamps(served)
            edit()
            plugin = rebuild()
            assert plugin.renderer is not None
            assert (plugin.renderer.adopted > 0) == reuses, edit
            clean = tmp_path / f"clean-{n}"
            run_mkdocs(config_file, clean, strict=False)
            served_files, clean_files = _digests(served), _digests(clean)
            assert served_files.keys() == clean_files.keys(), f"after {name}"
            differ = sorted(k for k in clean_files if served_files[k] != clean_files[k])
            assert differ == [], f"after {name}: {differ[:5]}"
            shutil.rmtree(clean)
            if dirty:
                after = _stamps(served)
                same = [k for k in before.keys() & after.keys() if before[k][0] == after[k][0]]
                again = sorted(k for k in same if before[k][1:] != after[k][1:])
                assert [k for k in again if not _always_written(k)] == [], f"after {name}"
                rewritten[name] = sorted(
                    k for k in after if k not in before or before[k][1:] != after[k][1:]
                )
    if not dirty:
        return
    pages = [k for k in served_files if k.endswith(".html") and not _always_written(k)]
    if chain == "entries":
        # A claim's statement: its pathway, compound and reference pages and the views.
        changed = [k for k in rewritten["statement"] if k in pages]
        assert 5 <= len(changed) < len(pages) // 4, changed
    else:
        assert "pathways/nmdar-inhibition/index.html" not in rewritten["docs_page"]
        assert "overview/index.html" in rewritten["docs_page"]
        assert [k for k in rewritten["docs_page"] if k in pages] == ["overview/index.html"]
        # A title in the navigation: every page shows it.
        assert sorted(k for k in rewritten["nav_title"] if k in pages) == sorted(pages)
        assert "pathways/erk-copy/index.html" in rewritten["add_pathway"]
        assert "pathways/erk-copy/index.html" not in served_files  # removed with its source


def test_export_cache_gives_the_downloads_of_a_fresh_export(project: Project) -> None:
    # One claim per file: a claim whose file did not change is the same object again.
    core = project.read("content/claims/core.yml")
    second = core.index("- id: trkb-needed")
    project.write("content/claims/core.yml", core[:second])
    project.write("content/claims/second.yml", core[second:])
    memo = Memo()
    settings = load_settings(project.config)
    cache = ExportCache()

    def downloads(cached: bool) -> dict[str, str]:
        result = check(settings, memo=memo)
        format_map_references(settings, result.map)
        return download_files(result.map, "", "references.bib", None, cache if cached else None)

    assert downloads(True) == downloads(False)
    assert len(cache.csv) == len(cache.json) == 2
    kept = dict(cache.json)
    # A stance flips: that claim's rows and grade change, the other claim's entry is reused.
    _edit(project, "content/claims/core.yml", "- stance: contradicts", "- stance: supports")
    _edit(project, "content/claims/core.yml", "fMRI", "PET")
    after = downloads(True)
    assert after == downloads(False)
    assert "PET" in after["downloads/evidence-map.csv"]
    assert sum(cache.json[k] is kept.get(k) for k in cache.json) == 1
    # A claim removed: its entries go.
    (project.root / "content/claims/second.yml").unlink()
    assert downloads(True) == downloads(False)
    assert len(cache.csv) == len(cache.json) == 1
