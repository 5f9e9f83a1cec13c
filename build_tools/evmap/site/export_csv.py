"""The CSV download: one row per evidence item, the claim's fields repeated, every cell
safe to open in a spreadsheet (:mod:`evmap.site.export` writes the other downloads)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.matrix import item_pairs, pair_stance
from evmap.analysis.provenance import ClaimProvenance, ItemProvenance, Provenance, Stamp
from evmap.core.gitinfo import source_date_epoch
from evmap.core.model import (
    Claim,
    Evidence,
    EvidenceMap,
    Relation,
    yaml_fields,
)
from evmap.core.vocab import PAIR_STANCE_LABELS

if TYPE_CHECKING:  # the cache is handed in by evmap.site.export, which imports this module
    from evmap.site.export import ExportCache

__all__ = [
    "CSV_COLUMNS",
    "FORMULA_STARTS",
    "LIST_SEPARATOR",
    "OTHER_ANSWER",
    "PAIR_SEPARATOR",
    "csv_cell",
    "item_pair_stances",
    "map_to_csv",
]


LIST_SEPARATOR = "; "


# Item fields that YAML writes as a mapping are spread over several columns.
_SPREAD = {"model": ("species", "paradigm")}


def _item_columns() -> tuple[str, ...]:
    names: list[str] = []
    for spec in yaml_fields(Evidence):
        key = spec.metadata["yaml"]
        names.extend(_SPREAD.get(key, (key,)))
    return tuple(names)


CSV_COLUMNS = (
    "claim_id",
    "statement",
    "claim_compounds",
    "claim_pathways",
    *_item_columns(),
    "tested_compounds",
    "tested_pathways",
    "pair_stances",
    "second_hand",
    "certainty",
    "review_status",
    "claim_added",
    "claim_added_by",
    "claim_changed",
    "claim_changed_by",
    "item_added",
    "item_added_by",
    "item_changed",
    "item_changed_by",
)
"""One row per evidence item: the claim, every field of the item as written (empty
``compounds``/``pathways``: all the claim's), then derived values: what the item
tested, how it answers each of its compound-pathway pairs' question
(:func:`item_pair_stances`), whether it was read second-hand, the claim's certainty
grade and review status, and when the claim and the item were added and last changed,
and by whom (from git; empty without the history, or for what is not committed yet)."""


PAIR_SEPARATOR = " x "
"""Joins a pair's compound and pathway ids in the CSV (``ketamine x nmdar-inhibition``)."""


OTHER_ANSWER = "other"
"""What the CSV and JSON say of an item of a claim asking another question of a pair."""


FORMULA_STARTS = frozenset("=+-@\t\r")
"""Cells starting with these are formulas to a spreadsheet (OWASP, CSV injection)."""


def csv_cell(value: str) -> str:
    """``value`` made safe for spreadsheets: a leading formula character gets a ``'``.

    Text from content may start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return; Excel, LibreOffice and Google Sheets would run it as a formula. As
    OWASP advises, such a cell is prefixed with a single quote, which spreadsheets
    show as text and do not display.
    """
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _item_cells(evidence: Evidence) -> list[str]:
    cells: list[str] = []
    for spec in yaml_fields(Evidence):
        key = spec.metadata["yaml"]
        value = getattr(evidence, spec.name)
        if value is None:  # an optional field left out
            cells.append("")
            continue
        written = spec.metadata["write"](value)
        if key in _SPREAD:
            cells.extend(str(written.get(part, "")) for part in _SPREAD[key])
        elif isinstance(written, list):
            cells.append(LIST_SEPARATOR.join(written))
        else:
            cells.append(str(written))
    return cells


def map_to_csv(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis | None = None,
    cache: ExportCache | None = None,
    provenance: Provenance | None = None,
) -> str:
    """One row per evidence item (:data:`CSV_COLUMNS`); lists joined with ``"; "``.

    Every cell goes through :func:`csv_cell`, so no text from the content is a formula.
    """
    analysis = analysis or analyse_map(evidence_map)
    entities = (evidence_map.compounds, evidence_map.pathways)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(CSV_COLUMNS)
    dated = provenance.claims if provenance is not None else {}
    epoch = source_date_epoch()
    for cid, claim in evidence_map.claims.items():
        derived = (
            analysis.certainty[cid].grade.value,
            _provenance_cells(dated.get(cid), len(claim.evidence), epoch),
            *(bool(analysis.second_hand.get((cid, i))) for i in range(len(claim.evidence))),
        )
        known = cache.csv.get(id(claim)) if cache is not None else None
        if known is None or known[0] is not claim or known[1] != derived:
            known = (claim, derived, _claim_rows(cid, claim, derived, entities))
            if cache is not None:
                cache.csv[id(claim)] = known
        out.write(known[2])
    return out.getvalue()


def _dated(stamp: Stamp | None, epoch: int | None) -> tuple[str, str]:
    return (stamp.date(epoch), stamp.author) if stamp is not None else ("", "")


def _provenance_cells(
    known: ClaimProvenance | None, items: int, epoch: int | None
) -> tuple[tuple[str, ...], ...]:
    """The claim's added and changed cells, then each item's (empty when unknown)."""
    if known is None:
        return (("",) * 4,) * (items + 1)
    rows = [(*_dated(known.added, epoch), *_dated(known.changed, epoch))]
    for item in known.items or (ItemProvenance(None, None),) * items:
        rows.append((*_dated(item.added, epoch), *_dated(item.changed, epoch)))
    return tuple(rows)


def item_pair_stances(
    claim: Claim, evidence: Evidence, known: tuple[Mapping[str, object], Mapping[str, object]]
) -> list[tuple[tuple[str, str], str]]:
    """How an item of ``claim`` answers the question of each pair it bears on: ``for``,
    ``against``, ``mixed`` (:func:`evmap.analysis.matrix.pair_stance`), or ``other`` when
    its claim asks another question of the pair. ``known`` holds the map's compounds and
    pathways (only pairs of known ids are listed, as in the matrix)."""
    if not claim.asserts:  # every pair "through": the item's own stance, named for pairs
        same = PAIR_STANCE_LABELS[evidence.stance]
        return [(pair, same) for pair in item_pairs(claim, evidence, *known)]
    answers = []
    for pair in item_pairs(claim, evidence, *known):
        relation = claim.relation(*pair)
        answer = (
            OTHER_ANSWER
            if relation is Relation.OTHER
            else PAIR_STANCE_LABELS[pair_stance(evidence.stance, relation)]
        )
        answers.append((pair, answer))
    return answers


def _claim_rows(
    cid: str,
    claim: Claim,
    derived: tuple[Any, ...],
    known: tuple[Mapping[str, object], Mapping[str, object]],
) -> str:
    """A claim's CSV rows: ``derived`` is its grade, its provenance cells (the claim's,
    then each item's), then whether each item is second-hand; ``known`` the map's
    compounds and pathways."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    review = claim.review.status.value if claim.review is not None else ""
    cells = derived[1]
    for index, ev in enumerate(claim.evidence):
        row = [
            cid,
            claim.statement,
            LIST_SEPARATOR.join(claim.compounds),
            LIST_SEPARATOR.join(claim.pathways),
            *_item_cells(ev),
            LIST_SEPARATOR.join(claim.item_compounds(ev)),
            LIST_SEPARATOR.join(claim.item_pathways(ev)),
            LIST_SEPARATOR.join(
                f"{compound or 'none'}{PAIR_SEPARATOR}{pathway}: {answer}"
                for (compound, pathway), answer in item_pair_stances(claim, ev, known)
            ),
            "yes" if derived[index + 2] else "no",
            derived[0],
            review,
            *cells[0],
            *(cells[index + 1] if index + 1 < len(cells) else ("",) * 4),
        ]
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return out.getvalue()
