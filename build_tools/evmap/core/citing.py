"""Who curates the map and how it is cited: the ``curators`` and ``doi`` options.

Commit e-mails name the curators whose changes provenance shows and who author the
map's ``CITATION.cff``; the DOI is that of an archived release. Both are read here,
once, for :mod:`evmap.core.config` (which reports a ``ValueError`` as a configuration
error).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evmap.core.library.links import DOI_PATTERN

__all__ = ["Curator", "parse_curators", "parse_doi"]


@dataclass(frozen=True, slots=True)
class Curator:
    """A person of the ``curators`` option: the name commits by their e-mail show.

    Attributes:
        name: The name pages, downloads and CITATION.cff give.
        orcid: Their ORCID iD (``0000-0002-1825-0097``), or "".
    """

    name: str
    orcid: str = ""

    @property
    def orcid_url(self) -> str:
        """The ORCID record's address, or ""."""
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


_ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


def _orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2: the check character ORCID puts last."""
    total = 0
    for digit in orcid.replace("-", "")[:-1]:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return orcid[-1] == ("X" if result == 10 else str(result))


def parse_curators(raw: Any) -> dict[str, Curator]:
    """The ``curators`` option: commit e-mails (lower case) to curators.

    Each e-mail maps to a name, or to ``{name: ..., orcid: ...}``.

    Raises:
        ValueError: for an entry that is not an e-mail, a name, or a well-formed ORCID iD.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValueError(
            "evmap option 'curators' must map commit e-mails to names, e.g. "
            f"{{ana@lab.org: {{name: Ana Li, orcid: 0000-0002-1825-0097}}}}, got {raw!r}"
        )
    curators: dict[str, Curator] = {}
    for email, entry in raw.items():
        if not isinstance(email, str) or "@" not in email:
            raise ValueError(
                f"evmap option 'curators': {email!r} is not an e-mail; the keys are the "
                "e-mails of commits (git log --format=%ae)"
            )
        value = {"name": entry} if isinstance(entry, str) else entry
        if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
            raise ValueError(
                f"evmap option 'curators': {email} must give a name, or {{name: ..., "
                f"orcid: ...}}, got {entry!r}"
            )
        unknown = sorted(str(k) for k in value if k not in ("name", "orcid"))
        if unknown:
            raise ValueError(
                f"evmap option 'curators': {email}: unknown field '{unknown[0]}'; "
                "expected name and orcid"
            )
        orcid = str(value.get("orcid") or "")
        if orcid:
            match = _ORCID.match(orcid)
            if match is None or not _orcid_checksum_ok(match.group(1)):
                raise ValueError(
                    f"evmap option 'curators': {email}: {orcid!r} is not an ORCID iD; write "
                    "it as 0000-0002-1825-0097 (its last character is a check digit)"
                )
            orcid = match.group(1)
        curators[email.strip().lower()] = Curator(" ".join(value["name"].split()), orcid)
    return dict(sorted(curators.items()))


def parse_doi(raw: str | None) -> str | None:
    """The ``doi`` option without a resolver prefix, or None when not set.

    Raises:
        ValueError: when it is not a DOI.
    """
    if raw is None:
        return None
    doi = raw.strip().removeprefix("https://doi.org/").removeprefix("doi:").strip()
    if not DOI_PATTERN.match(doi):
        raise ValueError(
            f"evmap option 'doi': {raw!r} is not a DOI; write it as "
            "10.<registrant>/<suffix>, e.g. 10.5281/zenodo.1234567"
        )
    return doi
