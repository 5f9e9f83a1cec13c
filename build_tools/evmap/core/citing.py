"""How the map is cited: the ``doi`` option, the DOI of an archived release.

Read here, once, for :mod:`evmap.core.config` (which reports a ``ValueError`` as a
configuration error).
"""

from __future__ import annotations

from evmap.core.library.links import DOI_PATTERN

__all__ = ["parse_doi"]


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
