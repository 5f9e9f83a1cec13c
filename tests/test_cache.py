"""The persistent cache: a second run reuses parsed files and formatted references."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CLAIM, write_project
from evmap.core import cache, load, pipeline
from evmap.core.config import load_settings
from evmap.core.library import formatting
from evmap.core.memo import Memo
from evmap.core.pipeline import check, format_map_references

# Each check below gets a fresh Memo, as a new process would: what it finds again
# comes from the persistent cache on disk.


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("parsed again although cached")


def _stored_files(tmp_path: Path) -> list[Path]:
    """The parsed files kept in the persistent cache under ``tmp_path / "cache"``."""
    return sorted((tmp_path / "cache").glob("*/parsed-*/*.pickle"))


def test_cache_second_check_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    first = check(settings)
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    second = check(settings)
    assert second.map.claims == first.map.claims
    assert second.problems == first.problems
    assert list(second.map.references) == list(first.map.references)


def test_cache_reparses_only_changed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    settings = load_settings(project.config)
    check(settings)
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace("main route", "chief route"),
    )
    parsed: list[str] = []
    real = load._parse_file

    def spy(kind: str, data: bytes, path: str) -> object:
        parsed.append(path)
        return real(kind, data, path)

    monkeypatch.setattr(load, "_parse_file", spy)
    result = check(settings)
    assert parsed == ["content/claims/core.yml"]
    assert "chief route" in result.map.claims["nmdar-main-route"].statement


def test_cache_keeps_formatted_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    result = check(settings)
    format_map_references(settings, result.map)
    label = result.map.references["berman2000"].label
    monkeypatch.setattr(formatting, "_run_all", _refuse)
    again = check(settings)
    format_map_references(settings, again.map)
    assert again.map.references["berman2000"].label == label == "Berman et al., 2000"


def test_cache_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")
    check(load_settings(write_project(tmp_path / "p").config))
    assert cache.cache_dir() is None
    assert not (tmp_path / "cache").exists()


def test_cache_survives_a_corrupt_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    check(settings)
    for stored in (tmp_path / "cache").rglob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert check(settings).map.claims


def test_cache_serve_rebuilds_write_it_once_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    settings = load_settings(project.config)
    serving = Memo()
    check(settings, persist=False, memo=serving)  # a rebuild under `mkdocs serve`
    assert _stored_files(tmp_path) == [] and cache.read(settings.root, "library") == {}
    load.save_cache(settings, serving)  # the server stops
    assert len(_stored_files(tmp_path)) == 5
    assert len(cache.read(settings.root, "library")) == 1
    load.save_cache(settings, serving)  # nothing left to write
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    assert check(settings).map.claims


def test_cache_a_memo_reparses_nothing_it_has_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The in-memory half, with the persistent cache off: one owner's memo.
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")
    settings = load_settings(write_project(tmp_path / "p").config)
    memo = Memo()
    first = check(settings, memo=memo)
    format_map_references(settings, first.map)
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    monkeypatch.setattr(formatting, "_run_all", _refuse)
    again = check(settings, memo=memo)
    format_map_references(settings, again.map)
    assert again.map.references["berman2000"].label == "Berman et al., 2000"
    # A memo of another owner knows nothing of it (nothing is shared behind the scenes).
    monkeypatch.undo()
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")
    parsed: list[str] = []
    real = load._parse_file
    monkeypatch.setattr(
        load, "_parse_file", lambda kind, data, path: parsed.append(path) or real(kind, data, path)
    )
    check(settings, memo=Memo())
    assert len(parsed) == 5


def test_cache_references_restored_from_disk_read_the_memos_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A parsed library comes back from disk without texts; the memo binds it to its own.
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    check(settings, memo=Memo())
    memo = Memo()
    result = check(settings, memo=memo)
    format_map_references(settings, result.map)
    assert memo.texts.done  # formatted into this memo's store
    reference = result.map.references["berman2000"]
    assert reference.formatter.args[2] is memo.texts  # type: ignore[attr-defined]


# -- the stored verdict of `evmap check` -----------------------------------------


def test_cache_verdict_replayed_when_no_input_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    project.write("docs/more.md", "# More\n\nCites [@nobody2020].\n")  # one error to replay
    first = pipeline.check_verdict(load_settings(project.config))
    assert not first.reused and first.errors()
    monkeypatch.setattr(pipeline, "check", _refuse)
    second = pipeline.check_verdict(load_settings(project.config))
    assert second.reused
    assert (second.problems, second.counts) == (first.problems, first.counts)
    assert second.counts == (2, 2, 2, 2)


# Each edit changes what a check finds; the stored verdict must never hide it.
EDITS = {
    "claim edited": ("content/claims/core.yml", "main route", "main  route"),
    "compound edited": (
        "content/compounds/arketamine.yml",
        "parent: ketamine",
        "parent: nothing",
    ),
    "pathway removed": ("content/pathways/bdnf-trkb.yml", None, None),
    "claims file added": ("content/claims/more.yml", None, "CLAIM"),
    "reference notes added": (
        "content/references/notes.yml",
        None,
        "- key: nobody\n  kind: review\n",
    ),
    "library edited": ("references.bib", "doi = {10.1038/s41380-021-01121-1},", ""),
    "page edited": ("docs/about.md", "[@berman2000]", "[@nobody2020]"),
    "page added": ("docs/new.md", None, "# New\n\n[@nobody2020]\n"),
    "settings changed": (
        "mkdocs.yml",
        "  - evmap:\n",
        "  - evmap:\n      content_dir: elsewhere\n",
    ),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_cache_verdict_never_replayed_after_an_input_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    rel, old, new = EDITS[edit]
    before = pipeline.check_verdict(load_settings(project.config))
    assert pipeline.check_verdict(load_settings(project.config)).reused
    path = project.root / rel
    if old is None and new is None:
        path.unlink()
    elif old is None:
        project.write(rel, CLAIM if new == "CLAIM" else new)
    else:
        text = project.read(rel)
        assert old in text
        project.write(rel, text.replace(old, new))
    after = pipeline.check_verdict(load_settings(project.config))
    assert not after.reused
    fresh = check(load_settings(project.config))
    assert after.problems == tuple(fresh.problems)
    assert (after.problems, after.counts) != (
        before.problems,
        before.counts,
    ) or edit == "claim edited"


def test_cache_verdict_not_kept_for_a_project_with_a_link_leading_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    outside = tmp_path / "outside.yml"
    outside.write_text(CLAIM, encoding="utf-8")
    (project.root / "content/claims/linked.yml").symlink_to(outside)
    first = pipeline.check_verdict(load_settings(project.config))
    assert any("outside the project" in p.message for p in first.problems)
    assert load.input_digest(load_settings(project.config)) is None
    outside.write_text("not read", encoding="utf-8")
    assert not pipeline.check_verdict(load_settings(project.config)).reused


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "parallel"])
def test_cache_an_edit_writes_only_the_file_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    if parallel:  # as a large project is read: files and library parsed on two processes
        monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 1)
    project = write_project(tmp_path / "p")
    settings = load_settings(project.config)
    check(settings)
    before = {p.name: p.stat().st_mtime_ns for p in _stored_files(tmp_path)}
    library = next((tmp_path / "cache").glob("*/library-*.pickle"))
    library_written = library.stat().st_mtime_ns
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace("main route", "chief route"),
    )
    check(settings)
    after = {p.name: p.stat().st_mtime_ns for p in _stored_files(tmp_path)}
    assert len(after) == len(before) == 5
    assert len(after.keys() - before.keys()) == 1  # the edited file's new entry; the old one gone
    assert all(after[name] == before[name] for name in after.keys() & before.keys())
    assert library.stat().st_mtime_ns == library_written
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    assert "chief route" in check(settings).map.claims["nmdar-main-route"].statement


def test_cache_off_digests_nothing_for_a_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")
    monkeypatch.setattr(pipeline, "input_digest", _refuse)
    verdict = pipeline.check_verdict(load_settings(write_project(tmp_path / "p").config))
    assert verdict.counts == (2, 2, 2, 2) and not verdict.reused
