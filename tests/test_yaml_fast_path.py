"""libyaml-composed (fast) and Python-composed (careful) loading give the same answer.

Files without anchors or deep nesting take the fast path; every answer, value,
line numbers or error, must be the one the careful path gives.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import REPO, TINY
from evmap.core import yamlio


def _load(loader_class: type, text: str) -> Any:
    loader = loader_class(text)
    try:
        return ("ok", _shape(loader.get_single_data()))
    except Exception as exc:  # compare errors by what a curator would read
        try:
            raise yamlio.YamlError(*yamlio._explain(exc, text)) from None  # type: ignore[arg-type]
        except Exception as err:
            return ("error", getattr(err, "line", None), str(err))
    finally:
        loader.dispose()


def _shape(value: Any) -> Any:
    """The value with every line number attached, for exact comparison."""
    if isinstance(value, yamlio.LineDict):
        return (
            "map",
            value.line,
            sorted(value.key_lines.items()),
            {k: _shape(v) for k, v in value.items()},
        )
    if isinstance(value, yamlio.LineList):
        return ("seq", value.line, list(value.item_lines), [_shape(v) for v in value])
    return value


def _texts() -> list[tuple[str, str]]:
    texts = [(name, text) for name, text in TINY.items() if name.endswith(".yml")]
    texts += [
        (str(p.relative_to(REPO)), p.read_text("utf-8"))
        for p in sorted((REPO / "content").rglob("*.yml"))
    ]
    rng = random.Random(7)
    mutants = []
    for name, text in texts[:12]:
        for n in range(25):
            chars = list(text)
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(len(chars) or 1)
                chars.insert(
                    pos, rng.choice([":", "-", " ", "\n", "[", "]", "'", '"', "#", "x", "  "])
                )
            mutants.append((f"{name}~{n}", "".join(chars)))
    nested = [
        ("nested-33", "".join(f"{'  ' * i}k{i}:\n" for i in range(33)) + "  " * 33 + "v: 1\n")
    ]
    nested += [
        ("flow-33", "a: " + "[" * 33 + "]" * 33 + "\n"),
        ("flow-31", "a: " + "[" * 31 + "]" * 31 + "\n"),
        ("flow-32", "a: " + "[" * 32 + "]" * 32 + "\n"),
    ]
    # Every kind of node the fast path builds itself or hands to the constructors.
    nodes = {
        "set": "a: !!set {x, y}\n",
        "omap": "a: !!omap [x: 1]\n",
        "merge": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
        "int-key": "1: x\n",
        "list-key": "? [1]\n: x\n",
        "duplicate": "a: 1\nb: 2\na: 3\n",
        "control": 'a: "x\\0y"\n',
        "control-key": '"k\\x07": 1\n',
        "python-tag": "a: !!python/object:os.system x\n",
        "local-tag": "a: !thing {x: 1}\n",
        "scalars": "a: yes\nb: ~\nc: 1.5\nd: 2020-01-01\ne: '12'\nf: !!str 12\n",
        "bad-date": "a: 2020-02-30\n",
        "big-int": "a: 1" + "0" * 30 + "\n",
        "map-tag-on-text": "a: !!map x\n",
        "seq-tag-on-map": "a: !!seq {x: 1}\n",
        "empty-values": "a:\nb: []\nc: {}\nd: ''\n",
    }
    nested += [(f"node-{name}", text) for name, text in nodes.items()]
    return texts + mutants + nested


CASES = [t for t in _texts() if yamlio._fast_path_safe(t[1])]


def test_yaml_fast_path_is_taken_for_real_content() -> None:
    shipped = [t for t in _texts() if t[0].startswith("content/")]
    assert shipped and sum(yamlio._fast_path_safe(text) for _, text in shipped) >= len(shipped) // 2


@pytest.mark.parametrize(("name", "text"), CASES, ids=[c[0] for c in CASES])
def test_yaml_fast_path_matches_careful_path(name: str, text: str) -> None:
    assert _load(yamlio._FastLoader, text) == _load(yamlio._LineLoader, text)
