"""The bundle as an RO-Crate: ``ro-crate-metadata.json`` at the root of the zip's folder,
valid under the RO-Crate 1.1 profile as roc-validator checks it, offline.

roc-validator fetches the RO-Crate JSON-LD context over the network; here it gets the
copy the rocrate package ships, and any other network access fails the test.
"""

# ruff: noqa: F811  (pytest fixtures imported from bundling.py are redefined as arguments)

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import requests
from bundling import (  # noqa: F401  (fixtures)
    iframe_worker,
    shipped_bundle,
    shipped_bundle_dir,
    tiny_bundle,
    tiny_bundle_dir,
)
from evmap.core.config import Curator
from evmap.core.licenses import LICENSES
from evmap.site.crate import CRATE_CONTEXT, CRATE_FILE, crate_metadata
from evmap.site.export import DOWNLOADS
from evmap.site.linked_data import MapInfo

# roc-validator's own dependencies warn about their internals.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning"),
]

CONTEXT = resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_bytes()


@pytest.fixture
def offline_validator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """roc-validator with the RO-Crate context served from the rocrate package and the
    network refused."""

    def refuse(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and str(address[0]) in ("127.0.0.1", "::1"):
            return real_connect(self, address)
        raise AssertionError(f"network access attempted: {address!r}")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    from rocrate_validator import services
    from rocrate_validator.utils import document_loader
    from rocrate_validator.utils.http import HttpRequester

    def fetch_json(url: str) -> Any:
        if url.rstrip("/") != CRATE_CONTEXT:
            raise OSError(f"refused to fetch {url}")
        return json.loads(CONTEXT)

    def get(self: Any, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if url.rstrip("/") != CRATE_CONTEXT:
            raise requests.ConnectionError(f"refused to fetch {url}")
        response = requests.Response()
        response.status_code = 200
        response._content = CONTEXT
        response.url = url
        response.encoding = "utf-8"
        response.headers["Content-Type"] = "application/ld+json"
        return response

    monkeypatch.setattr(document_loader, "_fetch_json_ld", fetch_json)
    monkeypatch.setattr(HttpRequester, "get", get, raising=False)
    yield services


def _validate(services: Any, folder: Path, level: str) -> list[str]:
    from rocrate_validator import models

    settings = services.ValidationSettings(
        rocrate_uri=str(folder),
        profile_identifier="ro-crate-1.1",
        requirement_severity=getattr(models.Severity, level),
    )
    result = services.validate(settings)
    return [f"{issue.severity.name}: {issue.message}" for issue in result.get_issues()]


def test_bundle_crate_sits_at_the_root_and_names_the_map(tiny_bundle_dir: Path) -> None:
    crate = json.loads((tiny_bundle_dir / CRATE_FILE).read_text("utf-8"))
    assert crate["@context"] == CRATE_CONTEXT
    graph = {node["@id"]: node for node in crate["@graph"]}
    root = graph["./"]
    assert root["@type"] == "Dataset"
    assert root["name"] == "Tiny map"
    assert root["mainEntityOfPage"] == {"@id": "index.html"}
    parts = {p["@id"] for p in root["hasPart"]}
    assert {"index.html", "downloads/nanopubs.trig", "downloads/kgx/edges.tsv"} <= parts
    assert all((tiny_bundle_dir / p).is_file() for p in parts)
    assert graph["downloads/references.csl.json"]["encodingFormat"] == (
        "application/vnd.citationstyles.csl+json"
    )
    assert (tiny_bundle_dir / "index.html").is_file()  # still opens by double-clicking


def test_bundle_crate_is_valid_ro_crate_1_1(tiny_bundle_dir: Path, offline_validator: Any) -> None:
    assert _validate(offline_validator, tiny_bundle_dir, "REQUIRED") == []


def test_crate_with_licence_and_curators_meets_the_recommendations_but_one(
    tmp_path: Path, offline_validator: Any
) -> None:
    info = MapInfo(
        "Tiny map",
        "A tiny evidence map.",
        "https://example.org/tiny/",
        "v1.0",
        LICENSES["CC-BY-4.0"],
        (
            Curator("Ada Curator", "0000-0002-1825-0097", "A University"),
            Curator("Bo Reader", "", "A University"),
        ),
    )
    files = ["index.html", "README.txt", *(d.path for d in DOWNLOADS)]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")
    (tmp_path / CRATE_FILE).write_text(
        crate_metadata(info, files, DOWNLOADS, "2026-01-02"), "utf-8"
    )
    # Only the curators' organisations lack what the crate cannot know: their web address.
    assert _validate(offline_validator, tmp_path, "RECOMMENDED") == [
        "RECOMMENDED: The organization SHOULD have a URL."
    ]
    crate = json.loads((tmp_path / CRATE_FILE).read_text("utf-8"))
    root = next(n for n in crate["@graph"] if n["@id"] == "./")
    assert root["license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert root["version"] == "v1.0"
    assert root["author"] == [
        {"@id": "https://orcid.org/0000-0002-1825-0097"},
        {"@id": "#curator-2"},
    ]
    assert root["datePublished"] == "2026-01-02"


def test_shipped_bundle_crate_states_the_licence(shipped_bundle_dir: Path) -> None:
    crate = json.loads((shipped_bundle_dir / CRATE_FILE).read_text("utf-8"))
    root = next(n for n in crate["@graph"] if n["@id"] == "./")
    assert root["license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
