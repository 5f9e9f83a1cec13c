"""Making a diff: two maps compared, pages attached; or two folders or revisions loaded first."""

from __future__ import annotations

import tempfile
from pathlib import Path

from evmap.analysis.changes import ADDED, Entity
from evmap.analysis.compare import compare_maps
from evmap.analysis.provenance import ClaimProvenance, read_provenance
from evmap.core.gitinfo import source_date_epoch
from evmap.core.load import FOLDERS
from evmap.core.model import EvidenceMap
from evmap.core.revisions import Side, changed_code, load_side
from evmap.site.diff.pages import attach_pages
from evmap.site.diff.report import MapDiff

__all__ = ["diff_maps", "diff_projects", "history_line"]


def diff_maps(old: EvidenceMap, new: EvidenceMap, directory_urls: bool = True) -> MapDiff:
    """Compare two maps entry by entry and field by field (see :mod:`evmap.analysis.compare`).

    Args:
        old: The base map.
        new: The head map; pages and links refer to its site.
        directory_urls: Whether page URLs are ``x/`` (MkDocs' default) or ``x.html``.
    """
    found = compare_maps(old, new)
    return MapDiff(
        attach_pages(found.changes, old, new, found.renames, directory_urls),
        attach_pages(found.derived, old, new, found.renames, directory_urls, derived=True),
        renames=found.renames,
    )


def history_line(known: ClaimProvenance, epoch: int | None = None) -> str:
    """Who added and last changed a claim, and when: ``added 2024-03-01 by Ana Li; last
    changed 2024-03-11 by Ben Ode`` ("" when it was never committed)."""
    if known.added is None:
        return ""
    line = f"added {known.added.date(epoch)} by {known.added.author}"
    changed = known.changed
    if changed is not None and changed != known.added:
        line += f"; last changed {changed.date(epoch)} by {changed.author}"
    return line


def _histories(base: Side, project: Path, diff: MapDiff) -> dict[str, str]:
    """For each claim the diff changes or removes, who added and last changed it before."""
    if not base.revision:
        return {}
    wanted = {
        change.id: diff.renames.get(change.id, change.id)
        for change in diff.changes
        if change.entity is Entity.CLAIM and change.kind not in ADDED
    }
    if not wanted:
        return {}
    settings = base.settings
    claims_dir = settings.relative(settings.content_dir / FOLDERS["claim"])
    provenance = read_provenance(
        project, base.map, claims_dir, settings.author, base.revision, working_tree=False
    )
    epoch = source_date_epoch()
    lines = {
        cid: history_line(provenance.claims[old], epoch)
        for cid, old in sorted(wanted.items())
        if old in provenance.claims
    }
    return {cid: line for cid, line in lines.items() if line}


def diff_projects(
    base: str, head: str, config_file: Path = Path("mkdocs.yml"), directory_urls: bool = True
) -> MapDiff:
    """Compare the evidence maps of two folders or git revisions of a project.

    Args:
        base: The folder or revision to compare from (e.g. ``origin/main``).
        head: The folder or revision to compare to (e.g. ``HEAD`` or ``.``).
        config_file: The project's ``mkdocs.yml`` in the working checkout; for
            folders, the name of the file to read in each.
        directory_urls: As MkDocs' ``use_directory_urls``, for page URLs.

    Raises:
        DiffInputError: when a side cannot be read or has content errors.
    """
    with tempfile.TemporaryDirectory(prefix="evmap-diff-") as tmp:
        old = load_side(base, config_file, Path(tmp) / "base")
        new = load_side(head, config_file, Path(tmp) / "head")
    found = diff_maps(old.map, new.map, directory_urls)
    history = _histories(old, config_file.resolve().parent, found)
    return MapDiff(
        found.changes,
        found.derived,
        changed_code(config_file, base, head),
        history,
        found.renames,
    )
