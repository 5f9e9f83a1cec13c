"""Comparing two versions of the map, or of one claim: the change records between them.

Two maps are compared entry by entry (not as text): claims added, removed, renamed
(an added claim listing a removed one's id under ``former_ids``) or moved to another
file, and for claims every field that changed, down to the stance and the citations
of each evidence item. Evidence items have no ids, so those of one claim are paired
before being compared (:func:`pair_evidence`). Item fields are compared as the model
declares them (:func:`evmap.core.model.yaml_fields`), so a new field is compared
without a change here.

Besides what curators changed, a comparison says what the change does to the map
(:attr:`Comparison.derived`), from the same analysis the pages use
(:func:`evmap.analysis.analyse_map`): certainty grades that change, claims and
compound-pathway pairs that become or stop being contested, claims that come to rest
on one source, and matrix cells whose balance changes.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.certainty import Certainty
from evmap.analysis.changes import Change, ChangeKind, Detail, Entity
from evmap.analysis.matrix import NO_COMPOUND, Cell, cell_anchor
from evmap.core.model import (
    Assertion,
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    Pathway,
    Reference,
    Relation,
    yaml_fields,
)
from evmap.core.vocab import GRADE_LABELS, GRADES, STANCE_GLYPHS, TYPE_LABELS

__all__ = [
    "Comparison",
    "Entry",
    "claim_changes",
    "claim_details",
    "compare_maps",
    "grade_text",
    "item_name",
    "pair_evidence",
    "review_text",
    "value_text",
]

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


def value_text(value: Any) -> str:
    """A field's value as outputs show it: lists joined with commas, ``yes``/``no``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    describe = getattr(value, "describe", None)
    if callable(describe):
        return str(describe())
    return str(value)


def item_name(index: int, ev: Evidence) -> str:
    """An evidence item as a change names it: ``evidence item 2 (wei2021)``, or by the
    review it was read through when its study is not identified."""
    if ev.citations:
        return f"evidence item {index + 1} ({', '.join(ev.citations)})"
    if ev.via:
        return f"evidence item {index + 1} (read in {', '.join(ev.via)})"
    return f"evidence item {index + 1}"


def review_text(claim: Claim) -> str:
    """The claim's review status as a phrase ("" when it states none)."""
    return claim.review.describe() if claim.review is not None else ""


def grade_text(certainty: Certainty) -> str:
    """A grade as changes name it: ``moderate``, ``very low``."""
    return GRADE_LABELS[certainty.grade].lower()


def _rule(certainty: Certainty) -> str:
    if certainty.overridden:
        return f"set by the curators: {certainty.reason}"
    return "; ".join(certainty.steps)


def _item_parts(ev: Evidence) -> tuple[tuple[str, str], ...]:
    """Every field of an item that is set, labelled as readers name it."""
    parts: list[tuple[str, str]] = []
    for spec in yaml_fields(Evidence):
        value = getattr(ev, spec.name)
        if value == spec.metadata["missing"] and spec.default is not dataclasses.MISSING:
            continue
        if spec.name == "type":
            parts.append((spec.metadata["label"], TYPE_LABELS[ev.type]))
        elif value not in ((), "", None):
            parts.append((spec.metadata["label"], value_text(value)))
    return tuple(parts)


def claim_details(claim: Claim, certainty: Certainty | None = None) -> tuple[Detail, ...]:
    """What a claim holds, line by line: what it is about, each item, its grade and status."""
    details = [
        Detail("compounds", (("", ", ".join(claim.compounds) or "(none)"),)),
        Detail("pathways", (("", ", ".join(claim.pathways)),)),
        *(Detail(item_name(i, ev), _item_parts(ev)) for i, ev in enumerate(claim.evidence)),
    ]
    if certainty is not None:
        details.append(Detail("certainty grade", (("", grade_text(certainty)),), _rule(certainty)))
    if claim.asserts:
        details.append(Detail("asserts", (("", _asserts(claim)),)))
    if claim.review is not None:
        details.append(Detail("review status", (("", review_text(claim)),)))
    if claim.former_ids:
        details.append(Detail("former ids", (("", ", ".join(claim.former_ids)),)))
    return tuple(details)


def _asserts(claim: Claim) -> str:
    """What the claim asserts about its pairs, as one line (``through`` when unsaid)."""
    if not claim.asserts:
        return Relation.THROUGH.value

    def scope(rule: Assertion) -> str:
        named = [*rule.compounds, *rule.pathways]
        return f" ({', '.join(named)})" if named else ""

    return "; ".join(f"{rule.relation.value}{scope(rule)}" for rule in claim.asserts)


def _certainty(claim: Claim) -> str:
    """The curators' grade and reason ("" when the derived grade applies)."""
    if claim.certainty is None:
        return ""
    return f"{GRADE_LABELS[claim.certainty.grade].lower()} ({claim.certainty.reason})"


def _at(lines: Sequence[int], index: int, fallback: int) -> int:
    return lines[index] if index < len(lines) else fallback


def _is_prose(old: str, new: str) -> bool:
    """Whether two values read as sentences (marked word by word, not printed whole)."""
    return len(old.split()) >= 4 and len(new.split()) >= 4


def claim_changes(before: Claim, after: Claim, renamed: bool = False) -> Iterator[Change]:
    """The changes between two versions of one claim, field by field (no pages yet).

    ``renamed``: ``after`` took over ``before`` under a new id, so the one new entry of
    ``former_ids`` (``before``'s id) is the rename itself, not a change of its own.
    """

    def change(
        kind: ChangeKind, line: int, old: str = "", new: str = "", where: str = "", **extra: Any
    ) -> Change:
        return Change(
            kind, Entity.CLAIM, after.id, after.source.path, line, where, old, new, **extra
        )

    line = after.source.line
    if before.statement != after.statement:
        yield change(ChangeKind.STATEMENT_CHANGED, line, before.statement, after.statement)
    if before.pathways and after.pathways and before.home_pathway != after.home_pathway:
        yield change(ChangeKind.HOME_PATHWAY_CHANGED, line, before.home_pathway, after.home_pathway)
    for kind_on, kind_off, olds, news, lines in (
        (
            ChangeKind.PATHWAY_LINKED,
            ChangeKind.PATHWAY_UNLINKED,
            before.pathways,
            after.pathways,
            after.pathway_lines,
        ),
        (
            ChangeKind.COMPOUND_LINKED,
            ChangeKind.COMPOUND_UNLINKED,
            before.compounds,
            after.compounds,
            after.compound_lines,
        ),
    ):
        for i, item in enumerate(news):
            if item not in olds:
                yield change(kind_on, _at(lines, i, line), new=item)
        for item in olds:
            if item not in news:
                yield change(kind_off, line, old=item)
    if before.certainty != after.certainty:
        yield change(ChangeKind.CERTAINTY_CHANGED, line, _certainty(before), _certainty(after))
    if before.review != after.review:
        review_line = after.review.line if after.review is not None and after.review.line else line
        yield change(
            ChangeKind.REVIEW_CHANGED, review_line, review_text(before), review_text(after)
        )
    if before.asserts != after.asserts:
        yield change(
            ChangeKind.FIELD_CHANGED,
            line,
            _asserts(before),
            _asserts(after),
            field="asserts",
            label="what it asserts",
        )
    olds_ids = before.former_ids + ((before.id,) if renamed else ())
    if set(olds_ids) != set(after.former_ids):
        yield change(
            ChangeKind.FIELD_CHANGED,
            line,
            ", ".join(before.former_ids),
            ", ".join(after.former_ids),
            field="former_ids",
            label="former ids",
        )
    yield from _evidence_changes(before, after, change)


def _evidence_key(ev: Evidence) -> tuple[object, ...]:
    return tuple(getattr(ev, spec.name) for spec in yaml_fields(Evidence))


def pair_evidence(
    olds: Sequence[Evidence], news: Sequence[Evidence]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the evidence items of two versions of a claim.

    Identical items first, then items with the same finding, then with the same
    citations, then findings that read alike; what is left was added or removed.

    Returns:
        ``(pairs, removed, added)``: index pairs (old, new), unpaired old
        indexes and unpaired new indexes, each sorted.
    """
    free_old, free_new = list(range(len(olds))), list(range(len(news)))
    pairs: list[tuple[int, int]] = []
    tests: list[Callable[[Evidence, Evidence], bool]] = [
        lambda a, b: _evidence_key(a) == _evidence_key(b),
        lambda a, b: a.finding == b.finding,
        lambda a, b: set(a.citations) == set(b.citations),
        lambda a, b: difflib.SequenceMatcher(None, a.finding, b.finding).ratio() >= 0.6,
    ]
    for same in tests:
        for j in list(free_new):
            match = next((i for i in free_old if same(olds[i], news[j])), None)
            if match is not None:
                pairs.append((match, j))
                free_old.remove(match)
                free_new.remove(j)
    return sorted(pairs, key=lambda p: p[1]), free_old, free_new


def _evidence_changes(
    before: Claim, after: Claim, change: Callable[..., Change]
) -> Iterator[Change]:
    pairs, removed, added = pair_evidence(before.evidence, after.evidence)
    for i in removed:
        ev = before.evidence[i]
        yield change(
            ChangeKind.EVIDENCE_REMOVED,
            after.source.line,
            old=f"{ev.stance}: {ev.finding}",
            where=item_name(i, ev),
            details=(Detail(item_name(i, ev), _item_parts(ev)),),
        )
    for j in added:
        ev = after.evidence[j]
        yield change(
            ChangeKind.EVIDENCE_ADDED,
            ev.source.line,
            new=f"{ev.stance}: {ev.finding}",
            where=item_name(j, ev),
            details=(Detail(item_name(j, ev), _item_parts(ev)),),
        )
    for i, j in pairs:
        yield from _item_changes(
            before.evidence[i], after.evidence[j], item_name(j, after.evidence[j]), change
        )


# Item fields with a kind of change of their own; every other field (including any
# new one) is reported as FIELD_CHANGED under its label.
_ITEM_KINDS = {
    "stance": ChangeKind.STANCE_FLIPPED,
    "finding": ChangeKind.FINDING_CHANGED,
    "type": ChangeKind.STUDY_TYPE_CHANGED,
    "locator": ChangeKind.LOCATOR_CHANGED,
}
_MODEL_KINDS = {"species": ChangeKind.SPECIES_CHANGED, "paradigm": ChangeKind.PARADIGM_CHANGED}


def _item_changes(
    a: Evidence, b: Evidence, where: str, change: Callable[..., Change]
) -> Iterator[Change]:
    """Changes between two versions of one item, field by field as the model declares them."""
    line = b.source.line
    for spec in yaml_fields(Evidence):
        key = spec.metadata["yaml"]
        old, new = getattr(a, spec.name), getattr(b, spec.name)
        if old == new:
            continue
        if key == "model":
            for part, kind in _MODEL_KINDS.items():
                if getattr(old, part) != getattr(new, part):
                    yield change(
                        kind, line, getattr(old, part), getattr(new, part), where, field=part
                    )
        elif key == "citations":
            for k, cite in enumerate(b.citations):
                if cite not in a.citations:
                    yield change(
                        ChangeKind.CITATION_ADDED, _at(b.citation_lines, k, line), "", cite, where
                    )
            for cite in a.citations:
                if cite not in b.citations:
                    yield change(ChangeKind.CITATION_REMOVED, line, cite, "", where)
        elif key in _ITEM_KINDS:
            yield change(_ITEM_KINDS[key], line, str(old), str(new), where, field=key)
        else:
            shown = value_text(old), value_text(new)
            yield change(
                ChangeKind.FIELD_CHANGED,
                line,
                *shown,
                where,
                field=key,
                label=spec.metadata["label"],
                prose=_is_prose(*shown),
            )


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
                        prose=_is_prose(old, new),
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
    old: EvidenceMap, new: EvidenceMap, renames: Mapping[str, str], after: MapAnalysis
) -> Iterator[Change]:
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
                details=claim_details(before),
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
    """A cell's items as glyph counts, ``▲2 ▼1`` (``empty`` for no cell)."""
    if cell is None:
        return "empty"
    return " ".join(
        f"{glyph}{cell.count(stance)}"
        for stance, glyph in STANCE_GLYPHS.items()
        if cell.count(stance)
    )


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
                reason=_rule(now),
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
        *_diff_claims(old, new, renames, after),
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
