"""The compiled fast validator and jsonschema agree on what is valid.

Checking uses fastjsonschema for the yes/no answer and jsonschema only for the
messages of invalid entries: if the two ever disagreed, a bad entry could pass.
"""

from __future__ import annotations

from typing import Any

import pytest
from evmap.core.schema import entry_validator, is_valid_entry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VALID: dict[str, dict[str, Any]] = {
    "claim": {
        "id": "nmdar-main-route",
        "statement": "NMDA receptor block is the main route.",
        "compounds": ["ketamine"],
        "pathways": ["nmdar-inhibition"],
        "evidence": [
            {
                "stance": "supports",
                "finding": "Something was found.",
                "model": {"species": "mouse", "paradigm": "CSDS"},
                "type": "in-vivo",
                "locator": "Fig. 1",
                "citations": ["berman2000"],
            }
        ],
        "certainty": {"grade": "low", "reason": "One small study."},
    },
    "compound": {
        "id": "arketamine",
        "name": "Arketamine",
        "kind": "enantiomer",
        "parent": "ketamine",
        "synonyms": ["(R)-ketamine"],
        "identifiers": {"pubchem_cid": 5, "chebi": "CHEBI:6121"},
        "summary": "The R-enantiomer.",
    },
    "pathway": {
        "id": "bdnf-trkb",
        "name": "BDNF-TrkB",
        "category": "neurotrophic",
        "related": ["mtorc1"],
        "summary": "Neurotrophic signalling.",
    },
}

# Values that sit on the edges of the schema's keywords.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "A B", "a--b", "-a", "supports", "in vivo", "CHEBI:1", "a" * 2001]),
    st.text(max_size=5),
    st.lists(st.sampled_from(["a", "a", "b", 1, True, None]), max_size=3),
    st.dictionaries(
        st.sampled_from(["species", "grade", "x"]), st.sampled_from(["mouse", 1]), max_size=2
    ),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _slow_valid(kind: str, data: Any) -> bool:
    return not any(True for _ in entry_validator(kind).iter_errors(data))


@pytest.mark.parametrize("kind", sorted(VALID))
def test_schema_fast_path_accepts_the_valid_entry(kind: str) -> None:
    assert is_valid_entry(kind, VALID[kind]) and _slow_valid(kind, VALID[kind])


@pytest.mark.parametrize("kind", sorted(VALID))
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_schema_fast_path_agrees_with_jsonschema(kind: str, data: st.DataObject) -> None:
    entry = VALID[kind]
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(entry)
        path = data.draw(st.sampled_from(paths))
        if data.draw(st.booleans()) and isinstance(path[-1], str) and len(path) > 0:
            parent = path[:-1]
            holder = entry
            for step in parent:
                holder = holder[step]
            trimmed = {k: v for k, v in holder.items() if k != path[-1]}
            entry = _replace(entry, parent, trimmed) if parent else trimmed
        else:
            entry = _replace(entry, path, data.draw(ODD_VALUES))
    if data.draw(st.booleans()):
        entry = {**entry, data.draw(st.sampled_from(["citaton", "notes", "id2"])): "x"}
    assert is_valid_entry(kind, entry) == _slow_valid(kind, entry), entry
