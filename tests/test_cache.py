"""The persistent cache: a second run reuses parsed files and formatted references."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project
from evmap.core import cache, load
from evmap.core.config import load_settings
from evmap.core.library import formatting
from evmap.core.memo import Memo
from evmap.core.pipeline import check, format_map_references

# Each check below gets a fresh Memo, as a new process would: what it finds again
# comes from the persistent cache on disk.


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("parsed again although cached")


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
    assert cache.read(settings.root, "parsed") == {}
    load.save_cache(settings, serving)  # the server stops
    stored = cache.read(settings.root, "parsed")
    assert len(stored["files"]) == 5 and len(stored["library"]) == 1
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
