"""DOIs, PubMed ids, arXiv ids and URLs: checked when read, percent-encoded when linked.

A PubMed id is a ``pmid`` field, or an ``eprint`` whose ``eprinttype`` is ``pubmed``
(biblatex's way); an arXiv id an ``eprint`` whose type (or ``archiveprefix``) is arXiv.

A field that is not well formed is an error at its line, and only its link is
dropped: the entry stays in the library, so claims citing it get no second,
misleading "not in the library" error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from evmap.core.problems import Check, Problem

__all__ = [
    "ARXIV_PATTERN",
    "DOI_PATTERN",
    "PMID_PATTERN",
    "URL_PATTERN",
    "arxiv_href",
    "check_links",
    "doi_expected",
    "doi_href",
    "pmid_href",
    "url_href",
]

# "10.<registrant>/<suffix>": any registered DOI, SICI ones with <>;() included.
DOI_PATTERN = re.compile(r"^10\.\d+(?:\.\d+)*/\S+$")
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,9}$")
URL_PATTERN = re.compile(r"^https?://[^\s\"<>{}\\^`|]+$")
# New-style arXiv ids (2001.01234v2) and old-style ones (hep-th/9901001, math.GT/0309136).
ARXIV_PATTERN = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z-]+)?/\d{7})(?:v\d+)?$")
_DOI_PREFIX = re.compile(r"^(?:https?://[^/\s]*doi[^/\s]*/(?=10\.)|doi:\s*)", re.IGNORECASE)
# Characters left as they are in a link; everything else is percent-encoded.
_DOI_SAFE = "/:;()[]._-~!$&'*+,=@"
_URL_SAFE = "/:;()[]._-~!$&'*+,=@?#%"


def doi_href(doi: str) -> str:
    """The resolver link of ``doi``, percent-encoded (``#``, ``<``, ``>``, ``%``, ``?``...)."""
    return "https://doi.org/" + quote(doi, safe=_DOI_SAFE)


def url_href(url: str) -> str:
    """``url`` with the characters a link cannot hold percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def pmid_href(pmid: str) -> str:
    """The PubMed page of ``pmid``."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def arxiv_href(arxiv: str) -> str:
    """The arXiv page of ``arxiv``."""
    return "https://arxiv.org/abs/" + quote(arxiv, safe="/.")


def _eprint_type(fields: Mapping[str, str]) -> str:
    return (fields.get("eprinttype") or fields.get("archiveprefix") or "").strip().lower()


def check_links(
    key: str, fields: Mapping[str, str], lines: Mapping[str, int], path: str, line: int
) -> tuple[dict[str, str], list[Problem]]:
    """The well-formed link fields of one entry (doi, pmid, url, arxiv) and problems.

    ``fields`` are the entry's own (links are never inherited); each problem is
    at the field's line.
    """
    links: dict[str, str] = {}
    problems: list[Problem] = []
    checks = (
        ("doi", DOI_PATTERN, "a DOI such as 10.1038/mp.2015.176 (10.<registrant>/<suffix>)"),
        ("pmid", PMID_PATTERN, "a PubMed id made of digits"),
        ("url", URL_PATTERN, "an http:// or https:// address without spaces"),
    )
    for name, pattern, expected in checks:
        value = fields.get(name)
        if value is None:
            continue
        value = " ".join(value.split())
        if name == "doi":
            value = _DOI_PREFIX.sub("", value)
        elif name == "url":
            value = value.replace("\\_", "_").replace("\\%", "%").replace("\\&", "&")
        if pattern.match(value):
            links[name] = value
        else:
            problems.append(_problem(key, name, value, expected, path, lines.get(name, line)))
    eprint = _eprint_link(fields)
    if eprint is not None:
        name, value, pattern, expected = eprint
        if pattern.match(value):
            links[name] = value
        else:
            where = lines.get("eprint", line)
            problems.append(_problem(key, "eprint", value, expected, path, where))
    return links, problems


def _eprint_link(fields: Mapping[str, str]) -> tuple[str, str, re.Pattern[str], str] | None:
    """What an ``eprint`` field links to: (link, value, its pattern, what is expected).

    biblatex's ``eprinttype = {pubmed}`` makes it a PMID (unless ``pmid`` is given
    too), ``eprinttype = {arxiv}`` (or ``archiveprefix``) an arXiv id.
    """
    eprint = fields.get("eprint")
    if eprint is None:
        return None
    kind = _eprint_type(fields)
    if kind in ("pubmed", "pmid") and "pmid" not in fields:
        expected = "a PubMed id made of digits (its eprinttype is pubmed)"
        return "pmid", " ".join(eprint.split()), PMID_PATTERN, expected
    if kind == "arxiv":
        value = eprint.strip().removeprefix("arXiv:").removeprefix("arxiv:")
        return "arxiv", value, ARXIV_PATTERN, "an arXiv id such as 2001.01234 or hep-th/9901001"
    return None


def _problem(key: str, name: str, value: str, expected: str, path: str, line: int) -> Problem:
    shown = value if len(value) <= 100 else value[:97] + "..."
    return Problem(
        path,
        line,
        f"reference '{key}': field '{name}' is {shown!r}; expected {expected}; "
        "the entry is kept without this link",
        Check.BIBTEX_FIELD,
    )


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def doi_expected(entry_type: str, fields: Mapping[str, str], since: int) -> bool:
    """Whether an entry should have a DOI: a journal article from ``since`` on.

    Conference papers, books, chapters, theses, reports and old articles often have
    none; journals have registered DOIs for their articles since about 2000 (Crossref
    began then). Magazine and newspaper articles (biblatex's ``entrysubtype``) are
    not expected to have one; nor is an entry whose year is unknown.
    """
    if entry_type != "article" or fields.get("entrysubtype", "").strip().lower() in (
        "magazine",
        "newspaper",
    ):
        return False
    found = _YEAR.search(fields.get("year") or fields.get("date") or "")
    return found is not None and int(found.group(1)) >= since
