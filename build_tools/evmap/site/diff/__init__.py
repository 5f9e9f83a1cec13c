"""What changed between two evidence maps, claim by claim and field by field: ``evmap diff``.

The package is split by job: the records and the comparing are the analysis layer's
(:mod:`evmap.analysis.changes`, :mod:`evmap.analysis.claimdiff`,
:mod:`evmap.analysis.compare`), loading a side is the
core's (:mod:`evmap.core.revisions`); here the pages each change touches are attached
(:mod:`.pages`), changed words are marked (:mod:`.words`), and the diff is rendered as
text (:mod:`.text`), a pull-request comment (:mod:`.markdown`) or GitHub annotations
(:mod:`.github`), what moves conclusions first (:class:`.report.MapDiff`).
"""

from evmap.analysis.changes import (
    ADDED,
    REMOVED,
    TWO_SIDED,
    Change,
    ChangeKind,
    Detail,
    Entity,
    SitePage,
)
from evmap.analysis.claimdiff import pair_evidence
from evmap.core.revisions import CODE_FILES, DiffInputError, load_side
from evmap.site.diff.diffing import diff_maps, diff_projects
from evmap.site.diff.listing import GROUP_MIN, TITLE_CHARS, Listed, group_changes
from evmap.site.diff.report import DiffFormat, MapDiff

__all__ = [
    "ADDED",
    "CODE_FILES",
    "GROUP_MIN",
    "REMOVED",
    "TITLE_CHARS",
    "TWO_SIDED",
    "Change",
    "ChangeKind",
    "Detail",
    "DiffFormat",
    "DiffInputError",
    "Entity",
    "Listed",
    "MapDiff",
    "SitePage",
    "diff_maps",
    "diff_projects",
    "group_changes",
    "load_side",
    "pair_evidence",
]
