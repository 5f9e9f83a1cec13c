"""A citable release of the map: its release notes and its ``CITATION.cff``.

Release notes say what a release changes in the map since the last one, from the same
diff as ``evmap diff`` (claims added, removed and changed, grades that moved, claims and
compound-pathway pairs that became or stopped being contested); ``CITATION.cff`` says
how to cite the map (Citation File Format 1.2.0, which GitHub and Zenodo read), with the
curators as authors and the DOI of its archived release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import yaml

from evmap.analysis.changes import Change, ChangeKind, Entity
from evmap.core.config import Curator, Settings
from evmap.core.model import EvidenceMap
from evmap.site.diff.markdown import escape_markdown
from evmap.site.diff.report import MapDiff

__all__ = [
    "CFF_VERSION",
    "VOLATILE_CFF_FIELDS",
    "citation_cff",
    "first_release_notes",
    "release_notes",
    "without_volatile",
]

CFF_VERSION = "1.2.0"
VOLATILE_CFF_FIELDS = ("version", "date-released")
"""Fields of CITATION.cff that change with every release (``evmap citation --check`` leaves
them out of the comparison)."""


def _claim(change: Change) -> str:
    return f"{escape_markdown(change.title or change.new or change.old)} (`{change.id}`)"


def _list(title: str, lines: Iterable[str]) -> list[str]:
    shown = list(lines)
    return ["", f"### {title}", "", *shown] if shown else []


def _site_name(settings: Settings) -> str:
    return settings.site.get("site_name", "Evidence map")


def release_notes(
    diff: MapDiff,
    settings: Settings,
    version: str,
    previous: str,
    date: str = "",
    previous_date: str = "",
) -> str:
    """The notes of release ``version``: what it changes since release ``previous``.

    Text from the content is escaped Markdown (a GitHub release renders it), ``@`` mentions
    broken as in pull-request comments.
    """
    since = f"{previous} ({previous_date})" if previous_date else previous
    released = f"Released {date}. " if date else ""
    summary = diff.summary() or "no change to the evidence map"
    lines = [
        f"## {escape_markdown(_site_name(settings))} {escape_markdown(version)}",
        "",
        f"{released}Changes since {escape_markdown(since)}: {summary}.",
    ]
    by_claim: dict[str, list[Change]] = {}
    for change in diff.changes:
        if change.entity is Entity.CLAIM:
            by_claim.setdefault(change.id, []).append(change)
    added = [c for c in diff.changes if c.kind is ChangeKind.CLAIM_ADDED]
    grades = {c.id: c for c in diff.derived if c.kind is ChangeKind.GRADE_CHANGED}
    lines += _list(
        "Claims added",
        (
            f"- {_claim(c)}"
            + next((f": {d.parts[0][1]}" for d in c.details if d.label == "certainty grade"), "")
            for c in added
        ),
    )
    lines += _list(
        "Claims removed",
        (f"- {_claim(c)}" for c in diff.changes if c.kind is ChangeKind.CLAIM_REMOVED),
    )
    changed = []
    for changes in by_claim.values():
        if changes[0].kind in (ChangeKind.CLAIM_ADDED, ChangeKind.CLAIM_REMOVED):
            continue
        what = ", ".join(dict.fromkeys(change.what for change in changes))
        changed.append(f"- {_claim(changes[0])}: {escape_markdown(what)}")
    lines += _list("Claims changed", changed)
    lines += _list(
        "Grades moved",
        (f"- {_claim(c)}: {c.old} \u2192 {c.new}" for c in sorted(grades.values(), key=_by_id)),
    )
    contested = [
        f"- {'now contested' if c.kind is ChangeKind.NOW_CONTESTED else 'no longer contested'}: "
        + (_claim(c) if c.entity is Entity.CLAIM else f"{escape_markdown(c.title)} (pair)")
        for c in diff.derived
        if c.kind in (ChangeKind.NOW_CONTESTED, ChangeKind.NO_LONGER_CONTESTED)
    ]
    lines += _list("Contested gained and lost", contested)
    return "\n".join(lines) + "\n"


def _by_id(change: Change) -> str:
    return change.id


def first_release_notes(
    evidence_map: EvidenceMap, settings: Settings, version: str, date: str = ""
) -> str:
    """The notes of a first release: what the map holds."""
    m = evidence_map
    items = sum(len(claim.evidence) for claim in m.claims.values())
    released = f"Released {date}. " if date else ""
    return (
        f"## {escape_markdown(_site_name(settings))} {escape_markdown(version)}\n\n"
        f"{released}The first release: {len(m.claims)} claims resting on {items} evidence "
        f"items from {len(m.references)} references, about {len(m.compounds)} compounds and "
        f"{len(m.pathways)} pathways.\n"
    )


def _author(curator: Curator) -> dict[str, str]:
    """A person as CFF names one: given and family names (split at the last blank)."""
    given, _, family = curator.name.rpartition(" ")
    person = {"family-names": family, **({"given-names": given} if given else {})}
    if curator.orcid:
        person["orcid"] = curator.orcid_url
    if curator.affiliation:
        person["affiliation"] = curator.affiliation
    return person


def citation_cff(settings: Settings, version: str = "", date: str = "") -> str:
    """``CITATION.cff`` of the map: its title and address from mkdocs.yml, the curators
    (the ``curators`` option, each person once) as authors, the release's version and date,
    and the DOI of the archived release (the ``doi`` option)."""
    site: Mapping[str, str] = settings.site
    people = settings.curators
    authors = [_author(c) for c in people] or [{"name": f"{_site_name(settings)} curators"}]
    data: dict[str, object] = {
        "cff-version": CFF_VERSION,
        "message": "If you use this evidence map, please cite it as below.",
        "type": "dataset",
        "title": _site_name(settings),
        "authors": authors,
    }
    if site.get("site_description"):
        data["abstract"] = site["site_description"]
    if version:
        data["version"] = version
    if date:
        data["date-released"] = date
    if settings.doi:
        data["doi"] = settings.doi
    if site.get("site_url"):
        data["url"] = site["site_url"]
    if site.get("repo_url"):
        data["repository-code"] = site["repo_url"]
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return "# Generated by evmap citation from mkdocs.yml: edit it there, not here.\n" + text


def without_volatile(cff: str) -> str:
    """``cff`` without the fields that change with every release (for comparing)."""
    volatile = tuple(f"{name}:" for name in VOLATILE_CFF_FIELDS)
    return "\n".join(line for line in cff.splitlines() if not line.startswith(volatile))
