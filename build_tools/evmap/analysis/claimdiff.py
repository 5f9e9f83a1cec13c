"""Comparing two versions of one claim: its change records, field by field.

A claim's fields are compared one by one; its evidence items, which have no ids, are
paired first (:func:`pair_evidence`) and then compared as the model declares their
fields (:func:`evmap.core.model.yaml_fields`), so a new field is compared without a
change here. Used by the comparison of two maps (:mod:`evmap.analysis.compare`) and by
the history of each claim (:mod:`evmap.analysis.provenance`).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from evmap.analysis.certainty import Certainty
from evmap.analysis.changes import Change, ChangeKind, Detail, Entity
from evmap.core.model import Assertion, Claim, Evidence, Relation, yaml_fields
from evmap.core.vocab import GRADE_LABELS, TYPE_LABELS

__all__ = [
    "claim_changes",
    "claim_details",
    "grade_text",
    "is_prose",
    "item_name",
    "pair_evidence",
    "review_text",
    "rule_text",
    "value_text",
]


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


def rule_text(certainty: Certainty) -> str:
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
        details.append(
            Detail("certainty grade", (("", grade_text(certainty)),), rule_text(certainty))
        )
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


def is_prose(old: str, new: str) -> bool:
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
                prose=is_prose(*shown),
            )
