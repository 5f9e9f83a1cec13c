"""The bundle as an RO-Crate: ``ro-crate-metadata.json`` describing the map and its files.

RO-Crate 1.1 (https://w3id.org/ro/crate/1.1) is how research repositories (Zenodo,
WorkflowHub, institutional archives) read a packaged dataset: one JSON-LD file at the
root of the folder naming the dataset (the map: its name, version, licence, date,
curators, publisher) and each file in it (the downloads, with their media types and
what they hold, and the pages). The bundle still opens by double-clicking
``index.html``; the crate only describes it.

The document is written here, as plain JSON in RO-Crate's flattened form (a library
for it would pull a dozen packages into the build for one small file);
``tests/test_crate.py`` validates it with roc-validator against the RO-Crate 1.1
profile, with the RO-Crate context from the rocrate package and no network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from evmap.site.export import Download
from evmap.site.linked_data import MapInfo

__all__ = ["CRATE_CONTEXT", "CRATE_FILE", "CRATE_PROFILE", "NO_LICENSE", "crate_metadata"]

CRATE_FILE = "ro-crate-metadata.json"
CRATE_CONTEXT = "https://w3id.org/ro/crate/1.1/context"
CRATE_PROFILE = "https://w3id.org/ro/crate/1.1"
NO_LICENSE = (
    "No licence is stated for this map's data (the evmap plugin's license option is not "
    "set): ask its curators before reusing it."
)

_MEDIA = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".xml": "application/xml",
}


def _media_type(path: str) -> str:
    return _MEDIA.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def crate_metadata(
    info: MapInfo,
    files: Iterable[str],
    downloads: Sequence[Download],
    date: str,
) -> str:
    """``ro-crate-metadata.json`` for a bundle holding ``files`` (folder-relative paths).

    ``downloads`` are described with what they hold and who reads them; every other
    HTML page is listed as a page of the map; scripts, styles and fonts are left to
    the folder (the crate names what a reader of the data looks for). ``date`` is the
    date of the content (``YYYY-MM-DD``), the crate's ``datePublished``.
    """
    present = sorted(set(files) - {CRATE_FILE})
    by_path = {d.path: d for d in downloads}
    parts: list[dict[str, Any]] = []
    for path in present:
        download = by_path.get(path)
        if download is not None:
            parts.append(
                {
                    "@id": path,
                    "@type": "File",
                    "name": download.label,
                    "description": f"{download.description}. {download.readers}",
                    "encodingFormat": download.media_type,
                    **({"license": {"@id": info.license.url}} if info.license else {}),
                }
            )
        elif path.endswith(".html") or path == "README.txt":
            parts.append(
                {
                    "@id": path,
                    "@type": "File",
                    "name": "How to open the bundle" if path == "README.txt" else path,
                    "encodingFormat": _media_type(path),
                }
            )
    publisher = {
        "@id": info.base,
        "@type": "Organization",
        "name": info.name,
        "url": info.base,
    }
    root: dict[str, Any] = {
        "@id": "./",
        "@type": "Dataset",
        "name": info.name,
        "description": info.description or f"The evidence map {info.name}, offline.",
        "datePublished": date,
        "publisher": {"@id": publisher["@id"]},
        "url": info.base,
        "mainEntityOfPage": {"@id": "index.html"} if "index.html" in present else None,
        "hasPart": [{"@id": p["@id"]} for p in parts],
    }
    if info.version:
        root["version"] = info.version
    # RO-Crate requires a licence; without one configured, the crate says so in words.
    root["license"] = {"@id": info.license.url} if info.license is not None else NO_LICENSE
    people: list[dict[str, Any]] = []
    places: dict[str, dict[str, Any]] = {}
    for n, curator in enumerate(info.curators, start=1):
        person: dict[str, Any] = {
            "@id": f"https://orcid.org/{curator.orcid}" if curator.orcid else f"#curator-{n}",
            "@type": "Person",
            "name": curator.name,
        }
        if curator.affiliation:
            place = places.setdefault(
                curator.affiliation,
                {
                    "@id": f"#organization-{len(places) + 1}",
                    "@type": "Organization",
                    "name": curator.affiliation,
                },
            )
            person["affiliation"] = {"@id": place["@id"]}
        people.append(person)
    if people:
        root["author"] = [{"@id": p["@id"]} for p in people]
        root["creator"] = [{"@id": p["@id"]} for p in people]
    root = {k: v for k, v in root.items() if v is not None}
    graph: list[dict[str, Any]] = [
        {
            "@id": CRATE_FILE,
            "@type": "CreativeWork",
            "conformsTo": {"@id": CRATE_PROFILE},
            "about": {"@id": "./"},
        },
        root,
        publisher,
        *people,
        *places.values(),
        *parts,
    ]
    if info.license is not None:
        graph.append(
            {
                "@id": info.license.url,
                "@type": "CreativeWork",
                "name": info.license.name,
                "identifier": info.license.spdx,
            }
        )
    document = {"@context": CRATE_CONTEXT, "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
