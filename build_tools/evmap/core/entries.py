"""One entry's YAML, checked against its schema, made into the model's objects
(:mod:`evmap.core.load` reads the files and re-exports :func:`read_claims`)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import replace
from typing import Any

from evmap.core.identifiers import (
    COMPOUND_SCHEMES,
    NCBI_TAXON,
    PATHWAY_SCHEMES,
    identifier_problems,
)
from evmap.core.model import (
    Assertion,
    CertaintyOverride,
    Claim,
    Compound,
    Evidence,
    Grade,
    NoteType,
    Pathway,
    ReferenceInfo,
    ReferenceKind,
    ReferenceNote,
    ResearchGroup,
    Review,
    Source,
    yaml_fields,
)
from evmap.core.problems import Problem
from evmap.core.yamlio import (
    LineDict,
    LineList,
    YamlError,
    load_yaml,
)

__all__ = [
    "ENTRY_READERS",
    "date_as_text",
    "entry_id_problems",
    "read_claims",
]


def _lines(data: LineList | LineDict, key: str) -> tuple[int, ...]:
    value = data.get(key) if isinstance(data, LineDict) else None
    return tuple(value.item_lines) if isinstance(value, LineList) else ()


def _compound(data: LineDict, source: Source) -> Compound:
    return Compound(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        source=source,
        synonyms=tuple(data.get("synonyms", ())),
        parent=data.get("parent"),
        identifiers=dict(data.get("identifiers", {})),
        summary=data.get("summary", ""),
        parent_line=data.line_of("parent"),
        identifier_lines=_key_lines(data, "identifiers"),
    )


def _pathway(data: LineDict, source: Source) -> Pathway:
    return Pathway(
        id=data["id"],
        name=data["name"],
        category=data["category"],
        source=source,
        related=tuple(data.get("related", ())),
        summary=data.get("summary", ""),
        related_lines=_lines(data, "related"),
        identifiers=dict(data.get("identifiers", {})),
        identifier_lines=_key_lines(data, "identifiers"),
    )


def _key_lines(data: LineDict, key: str) -> dict[str, int]:
    """The line of each key of the mapping under ``key`` (empty when there is none)."""
    value = data.get(key)
    return dict(value.key_lines) if isinstance(value, LineDict) else {}


def entry_id_problems(kind: str, item: LineDict, path: str) -> list[Problem]:
    """Malformed ids of one entry that passed its schema (see :mod:`evmap.core.identifiers`)."""
    if kind == "claim":
        problems = []
        for evidence in item["evidence"]:
            model = evidence["model"]
            if "taxon" in model:
                problems += identifier_problems(
                    "claim",
                    item["id"],
                    {"ncbitaxon": model["taxon"]},
                    {"ncbitaxon": model.line_of("taxon")},
                    (NCBI_TAXON,),
                    path,
                )
        return [
            replace(p, message=p.message.replace("identifiers: ncbitaxon", "model: taxon"))
            for p in problems
        ]
    written = item.get("identifiers")
    if not written:
        return []
    schemes = COMPOUND_SCHEMES if kind == "compound" else PATHWAY_SCHEMES
    return identifier_problems(
        kind, item["id"], written, _key_lines(item, "identifiers"), schemes, path
    )


@functools.cache
def _item_readers() -> tuple[tuple[str, str, Any, Any, str], ...]:
    """(field, YAML key, reader, value when missing, lines field) of each evidence field."""
    return tuple(
        (f.name, f.metadata["yaml"], f.metadata["read"], f.metadata["missing"], f.metadata["lines"])
        for f in yaml_fields(Evidence)
    )


def _evidence(data: LineDict, path: str) -> Evidence:
    """An evidence item from its YAML, field by field as the model declares them."""
    values: dict[str, Any] = {"source": Source(path, data.line)}
    for name, key, read, missing, lines in _item_readers():
        values[name] = read(data[key]) if key in data else missing
        if lines:
            values[lines] = _lines(data, key)
    return Evidence(**values)


def _claim(data: LineDict, source: Source) -> Claim:
    certainty = data.get("certainty")
    return Claim(
        id=data["id"],
        statement=data["statement"],
        compounds=tuple(data.get("compounds", ())),
        pathways=tuple(data["pathways"]),
        evidence=tuple(_evidence(item, source.path) for item in data["evidence"]),
        source=source,
        certainty=(
            CertaintyOverride(Grade(certainty["grade"]), certainty["reason"]) if certainty else None
        ),
        compound_lines=_lines(data, "compounds"),
        pathway_lines=_lines(data, "pathways"),
        asserts=Assertion.from_yaml(data["asserts"]) if "asserts" in data else (),
        former_ids=tuple(data.get("former_ids", ())),
        former_id_lines=_lines(data, "former_ids"),
        review=(
            Review.from_yaml(review, data.line_of("review"))
            if (review := data.get("review"))
            else None
        ),
    )


def read_claims(data: bytes, path: str) -> list[Claim]:
    """The claims of a claims file's text, built without checking them against the schema
    (for versions of files from the history, which their own time checked); a claim that
    cannot be built is left out, and text that is not YAML gives none."""
    try:
        document = load_yaml(data)
    except YamlError:
        return []
    items = document if isinstance(document, LineList) else [document]
    lines = getattr(document, "item_lines", [getattr(document, "line", 1)])
    claims = []
    for item, line in zip(items, lines, strict=False):
        if not isinstance(item, LineDict):
            continue
        date_as_text(item)
        try:
            claims.append(_claim(item, Source(path, line)))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return claims


def _reference_info(data: LineDict, source: Source) -> ReferenceInfo:
    kind = data.get("kind")
    return ReferenceInfo(
        key=data["key"],
        source=source,
        kind=ReferenceKind(kind) if kind is not None else None,
        notes=tuple(
            ReferenceNote(NoteType(note["type"]), note["text"]) for note in data.get("notes", ())
        ),
        record=data.get("record", ""),
        not_seen=tuple(data.get("not_seen", ())),
        group=ResearchGroup(group["id"], group["reason"]) if (group := data.get("group")) else None,
    )


ENTRY_READERS: dict[str, Any] = {
    "compound": _compound,
    "pathway": _pathway,
    "claim": _claim,
    "reference": _reference_info,
}


def date_as_text(claim: Any) -> None:
    """A review date as text: YAML reads an unquoted ``2026-11-02`` as a date, the
    schema (and every output) wants the text a curator wrote."""
    review = claim.get("review") if isinstance(claim, dict) else None
    if isinstance(review, dict) and isinstance(review.get("date"), datetime.date):
        review["date"] = review["date"].isoformat()
