"""The persistent cache: a second run reuses parsed files and formatted references."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project
from evmap.core import cache, load
from evmap.core.config import load_settings
from evmap.core.library import formatting
from evmap.core.pipeline import format_map_references
from evmap.core.validate import check_project


def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process, as far as in-memory caches go."""
    monkeypatch.setattr(load, "_FILE_CACHE", {})
    monkeypatch.setattr(load, "_LIBRARY_CACHE", {})
    monkeypatch.setattr(load, "_RESTORED", set())
    monkeypatch.setattr(formatting, "_DONE", {})
    monkeypatch.setattr(formatting, "_LATEST", {})


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("parsed again although cached")


def test_cache_second_check_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    _forget(monkeypatch)
    first = check_project(settings)
    _forget(monkeypatch)
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    second = check_project(settings)
    assert second.map.claims == first.map.claims
    assert second.problems == first.problems
    assert list(second.map.references) == list(first.map.references)


def test_cache_reparses_only_changed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    settings = load_settings(project.config)
    _forget(monkeypatch)
    check_project(settings)
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace("main route", "chief route"),
    )
    _forget(monkeypatch)
    parsed: list[str] = []
    real = load._parse_file

    def spy(kind: str, data: bytes, path: str) -> object:
        parsed.append(path)
        return real(kind, data, path)

    monkeypatch.setattr(load, "_parse_file", spy)
    result = check_project(settings)
    assert parsed == ["content/claims/core.yml"]
    assert "chief route" in result.map.claims["nmdar-main-route"].statement


def test_cache_keeps_formatted_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    _forget(monkeypatch)
    result = check_project(settings)
    format_map_references(settings, result.map)
    label = result.map.references["berman2000"].label
    _forget(monkeypatch)
    monkeypatch.setattr(formatting, "_run_all", _refuse)
    again = check_project(settings)
    format_map_references(settings, again.map)
    assert again.map.references["berman2000"].label == label == "Berman et al., 2000"


def test_cache_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")
    _forget(monkeypatch)
    check_project(load_settings(write_project(tmp_path / "p").config))
    assert cache.cache_dir() is None
    assert not (tmp_path / "cache").exists()


def test_cache_survives_a_corrupt_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    settings = load_settings(write_project(tmp_path / "p").config)
    _forget(monkeypatch)
    check_project(settings)
    for stored in (tmp_path / "cache").rglob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    _forget(monkeypatch)
    assert check_project(settings).map.claims


def test_cache_serve_rebuilds_write_it_once_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVMAP_CACHE_DIR", str(tmp_path / "cache"))
    project = write_project(tmp_path / "p")
    settings = load_settings(project.config)
    _forget(monkeypatch)
    monkeypatch.setattr(load, "_UNSAVED", {})
    check_project(settings, persist=False)  # a rebuild under `mkdocs serve`
    assert cache.read(settings.root, "parsed") == {}
    load.save_cache(settings)  # the server stops
    stored = cache.read(settings.root, "parsed")
    assert len(stored["files"]) == 5 and len(stored["library"]) == 1
    load.save_cache(settings)  # nothing left to write
    _forget(monkeypatch)
    monkeypatch.setattr(load, "_parse_file", _refuse)
    monkeypatch.setattr(load, "load_library_files", _refuse)
    assert check_project(settings).map.claims
