"""Licences a lab can publish its map's data under, by SPDX identifier.

The ``license`` option of the plugin names one; pages, downloads and the bundle's
RO-Crate state it with its name and canonical URL (schema.org and RO-Crate expect
a URL). The table holds the licences made for data and open content; a lab that
needs another one adds it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LICENSES", "License"]


@dataclass(frozen=True, slots=True)
class License:
    """A licence: SPDX identifier, name and the URL of its text."""

    spdx: str
    name: str
    url: str


LICENSES: Mapping[str, License] = {
    lic.spdx: lic
    for lic in (
        License(
            "CC0-1.0", "CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"
        ),
        License(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        License(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        License(
            "CC-BY-NC-4.0",
            "Creative Commons Attribution-NonCommercial 4.0 International",
            "https://creativecommons.org/licenses/by-nc/4.0/",
        ),
        License(
            "ODC-By-1.0",
            "Open Data Commons Attribution License v1.0",
            "https://opendatacommons.org/licenses/by/1-0/",
        ),
        License(
            "ODbL-1.0",
            "Open Data Commons Open Database License v1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
        ),
        License(
            "PDDL-1.0",
            "Open Data Commons Public Domain Dedication & License 1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/",
        ),
    )
}
"""Known licences by SPDX identifier."""
