"""Comparing two versions of the map, or of one claim: the change records between them.

Two maps are compared entry by entry (not as text): claims added, removed, renamed
(an added claim listing a removed one's id under ``former_ids``) or moved to another
file, and for claims every field that changed, down to the stance and the citations
of each evidence item. Evidence items have no ids, so those of one claim are paired
before being compared (:func:`pair_evidence`). Item fields are compared as the model
declares them (:func:`evmap.core.model.yaml_fields`), so a new field is compared
without a change here.

How a claim's fields and items are compared is :mod:`evmap.analysis.claimdiff`'s.
Besides what curators changed, a comparison says what the change does to the map
(:attr:`Comparison.derived`), from the same analysis the pages use
(:func:`evmap.analysis.analyse_map`): certainty grades that change, claims and
compound-pathway pairs that become or stop being contested, claims that come to rest
on one source, and matrix cells whose balance changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.changes import Change, ChangeKind, Entity
from evmap.analysis.claimdiff import (
    claim_changes,
    claim_details,
    grade_text,
    is_prose,
    rule_text,
)
from evmap.analysis.matrix import NO_COMPOUND, Cell, cell_anchor
from evmap.core.model import Compound, EvidenceMap, Pathway, Reference
from evmap.core.vocab import GRADES, OTHER_GLYPH, STANCE_GLYPHS

__all__ = ["Comparison", "Entry", "compare_maps"]

Entry = Compound | Pathway | Reference


@dataclass(frozen=True)
class Comparison:
    """Every change between two maps, sorted.

    Attributes:
        changes: What the curators changed, entry by entry and field by field.
        derived: What that does to the map (grades, contested claims and pairs,
            claims resting on one source, matrix cells).
        renames: The old id of each renamed claim, by its new id.
    """

    changes: tuple[Change, ...]
    derived: tuple[Change, ...] = ()
    renames: Mapping[str, str] = dataclasses.field(default_factory=dict)


def _compound_fields(c: Entry) -> dict[str, str]:
    assert isinstance(c, Compound)
    return {
        "name": c.name,
        "kind": c.kind,
        "parent": c.parent or "",
        "synonyms": ", ".join(c.synonyms),
        "identifiers": ", ".join(f"{k}: {v}" for k, v in sorted(c.identifiers.items())),
        "summary": c.summary,
    }


def _pathway_fields(p: Entry) -> dict[str, str]:
    assert isinstance(p, Pathway)
    return {
        "name": p.name,
        "category": p.category,
        "related": ", ".join(p.related),
        "summary": p.summary,
    }


def _reference_fields(r: Entry) -> dict[str, str]:
    assert isinstance(r, Reference)
    return {"entry type": r.entry_type, **{k: v for k, v in sorted(r.fields.items())}}


_ADD_REMOVE = {
    Entity.COMPOUND: (ChangeKind.COMPOUND_ADDED, ChangeKind.COMPOUND_REMOVED, _compound_fields),
    Entity.PATHWAY: (ChangeKind.PATHWAY_ADDED, ChangeKind.PATHWAY_REMOVED, _pathway_fields),
    Entity.REFERENCE: (ChangeKind.REFERENCE_ADDED, ChangeKind.REFERENCE_REMOVED, _reference_fields),
}


def _title(entry: Entry) -> str:
    return entry.label if isinstance(entry, Reference) else entry.name


def _diff_entries(
    entity: Entity, olds: Mapping[str, Entry], news: Mapping[str, Entry]
) -> Iterator[Change]:
    added_kind, removed_kind, fields = _ADD_REMOVE[entity]
    for id_ in sorted(olds.keys() | news.keys()):
        before, after = olds.get(id_), news.get(id_)
        if before is None and after is not None:
            yield Change(
                added_kind, entity, id_, after.source.path, after.source.line, new=_title(after)
            )
        elif after is None and before is not None:
            yield Change(
                removed_kind,
                entity,
                id_,
                before.source.path,
                before.source.line,
                old=_title(before),
            )
        elif before is not None and after is not None:
            a, b = fields(before), fields(after)
            for name in [*a, *(k for k in b if k not in a)]:
                old, new = a.get(name, ""), b.get(name, "")
                if old != new:
                    yield Change(
                        ChangeKind.FIELD_CHANGED,
                        entity,
                        id_,
                        after.source.path,
                        after.source.line,
                        old=old,
                        new=new,
                        field=name,
                        label=name,
                        prose=is_prose(old, new),
                    )


def _renames(old: EvidenceMap, new: EvidenceMap) -> dict[str, str]:
    """The old id of each claim that took over a removed one (listed in its former ids)."""
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for cid, claim in new.claims.items():
        if cid in old.claims:
            continue
        for former in claim.former_ids:
            if former in old.claims and former not in new.claims and former not in taken:
                renames[cid] = former
                taken.add(former)
                break
    return renames


def _diff_claims(
    old: EvidenceMap,
    new: EvidenceMap,
    renames: Mapping[str, str],
    analysed: MapAnalysis,
    after: MapAnalysis,
) -> Iterator[Change]:
    """Claims added and removed (shown whole, with their grade), renamed, moved, changed."""
    renamed_from = set(renames.values())
    for cid in sorted(old.claims.keys() | new.claims.keys()):
        if cid in renamed_from and cid not in new.claims:
            continue  # reported under its new id
        previous = renames.get(cid, cid)
        before, now = old.claims.get(previous), new.claims.get(cid)
        if before is None and now is not None:
            yield Change(
                ChangeKind.CLAIM_ADDED,
                Entity.CLAIM,
                cid,
                now.source.path,
                now.source.line,
                new=now.statement,
                title=now.statement,
                details=claim_details(now, after.certainty.get(cid)),
            )
        elif now is None and before is not None:
            yield Change(
                ChangeKind.CLAIM_REMOVED,
                Entity.CLAIM,
                cid,
                before.source.path,
                before.source.line,
                old=before.statement,
                title=before.statement,
                details=claim_details(before, analysed.certainty.get(previous)),
            )
        elif before is not None and now is not None:
            where = (now.source.path, now.source.line)
            if previous != cid:
                yield Change(
                    ChangeKind.CLAIM_RENAMED,
                    Entity.CLAIM,
                    cid,
                    *where,
                    old=previous,
                    new=cid,
                    title=now.statement,
                )
            if before.source.path != now.source.path:
                yield Change(
                    ChangeKind.CLAIM_MOVED,
                    Entity.CLAIM,
                    cid,
                    *where,
                    old=before.source.path,
                    new=now.source.path,
                    title=now.statement,
                    field="path",
                )
            for change in claim_changes(before, now, renamed=previous != cid):
                yield dataclasses.replace(change, title=now.statement)


def _cell_counts(cell: Cell | None) -> str:
    """A cell's items as glyph counts on its pair's question, ``▲2 ▼1`` (``○1``: items of
    claims asking another question of the pair; ``empty`` for no cell)."""
    if cell is None:
        return "empty"
    counts = [
        f"{glyph}{cell.count(stance)}"
        for stance, glyph in STANCE_GLYPHS.items()
        if cell.count(stance)
    ]
    if cell.other:
        counts.append(f"{OTHER_GLYPH}{len(cell.other)}")
    return " ".join(counts)


def _derived_claims(
    old: EvidenceMap,
    new: EvidenceMap,
    before: MapAnalysis,
    after: MapAnalysis,
    renames: Mapping[str, str],
) -> Iterator[Change]:
    renamed_from = set(renames.values())
    for cid in sorted(old.claims.keys() | new.claims.keys()):
        if cid in renamed_from and cid not in new.claims:
            continue
        previous = renames.get(cid, cid)
        claim = new.claims.get(cid) or old.claims[previous]
        where = (claim.source.path, claim.source.line)
        base = Change(ChangeKind.GRADE_CHANGED, Entity.CLAIM, cid, *where, title=claim.statement)
        was, now = before.certainty.get(previous), after.certainty.get(cid)
        if was is not None and now is not None and was.grade != now.grade:
            yield dataclasses.replace(
                base,
                old=grade_text(was),
                new=grade_text(now),
                field="grade",
                reason=rule_text(now),
                steps=GRADES.index(was.grade) - GRADES.index(now.grade),
            )
        flag_before, flag_after = before.contradictions.get(previous), after.contradictions.get(cid)
        if (flag_before is None) != (flag_after is None):
            flag = flag_after or flag_before
            assert flag is not None
            kind = ChangeKind.NOW_CONTESTED if flag_after else ChangeKind.NO_LONGER_CONTESTED
            yield dataclasses.replace(base, kind=kind, new=flag.describe())
        source = after.sole_source.get(cid)
        if source is not None and (
            previous not in old.claims or previous not in before.sole_source
        ):
            yield dataclasses.replace(base, kind=ChangeKind.NOW_ONE_SOURCE, new=source)


def _derived_cells(
    old: EvidenceMap, new: EvidenceMap, before: MapAnalysis, after: MapAnalysis
) -> Iterator[Change]:
    for key in sorted(before.cells.keys() | after.cells.keys()):
        cell_before, cell_after = before.cells.get(key), after.cells.get(key)
        compound, pathway = key
        names = (
            (new.compounds.get(compound) or old.compounds[compound]).name
            if compound != NO_COMPOUND
            else "No compound named",
            (new.pathways.get(pathway) or old.pathways[pathway]).name,
        )
        base = Change(
            ChangeKind.BALANCE_CHANGED,
            Entity.CELL,
            f"{compound or 'none'} x {pathway}",
            "",
            0,
            title=f"{names[0]} \u00d7 {names[1]}",
            anchor=cell_anchor(compound, pathway),
        )
        counts = (_cell_counts(cell_before), _cell_counts(cell_after))
        if counts[0] != counts[1]:
            yield dataclasses.replace(base, old=counts[0], new=counts[1])
        flagged = [c is not None and c.contradiction is not None for c in (cell_before, cell_after)]
        if flagged[0] != flagged[1]:
            side = cell_after if flagged[1] else cell_before
            assert side is not None and side.contradiction is not None
            kind = ChangeKind.NOW_CONTESTED if flagged[1] else ChangeKind.NO_LONGER_CONTESTED
            yield dataclasses.replace(base, kind=kind, new=side.contradiction.describe())


def compare_maps(
    old: EvidenceMap,
    new: EvidenceMap,
    before: MapAnalysis | None = None,
    after: MapAnalysis | None = None,
) -> Comparison:
    """Compare two maps entry by entry and field by field, and what that does to the map.

    Args:
        old: The base map.
        new: The head map.
        before: ``old``'s analysis, when already made.
        after: ``new``'s analysis, when already made.
    """
    before = before or analyse_map(old)
    after = after or analyse_map(new)
    renames = _renames(old, new)
    changes = [
        *_diff_claims(old, new, renames, before, after),
        *_diff_entries(Entity.COMPOUND, old.compounds, new.compounds),
        *_diff_entries(Entity.PATHWAY, old.pathways, new.pathways),
        *_diff_entries(Entity.REFERENCE, old.references, new.references),
    ]
    derived = [
        *_derived_claims(old, new, before, after, renames),
        *_derived_cells(old, new, before, after),
    ]
    return Comparison(
        tuple(sorted(changes, key=Change.sort_key)),
        tuple(sorted(derived, key=Change.sort_key)),
        renames,
    )
