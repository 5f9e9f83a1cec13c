"""Making a diff: two maps compared, pages attached; or two folders or revisions loaded first."""

from __future__ import annotations

import tempfile
from pathlib import Path

from evmap.analysis.compare import compare_maps
from evmap.core.model import EvidenceMap
from evmap.core.revisions import changed_code, load_side
from evmap.site.diff.pages import attach_pages
from evmap.site.diff.report import MapDiff

__all__ = ["diff_maps", "diff_projects"]


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
    )


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
    found = diff_maps(old, new, directory_urls)
    return MapDiff(found.changes, found.derived, changed_code(config_file, base, head))
