"""The benchmark's own logic: the XL corpus's shape, the targets table, per-claim growth."""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench import corpus
from bench.run import Run, _edit_each_time, growth_table, targets_table


def test_bench_xl_has_its_distinct_pathways_and_smaller_sizes_keep_theirs() -> None:
    xl = corpus.SIZES["XL"]
    assert (xl.claims, xl.refs, xl.pathways, xl.compounds) == (100_000, 20_000, 2_000, 5_000)
    pathways = corpus._make_pathways(random.Random(0), xl.pathways)
    assert len({p["id"] for p in pathways}) == xl.pathways
    # L draws from the target x qualifier combinations alone, as before XL existed.
    large = corpus._make_pathways(random.Random(0), corpus.SIZES["L"].pathways)
    assert not any(cell.strip() in p["name"] for p in large for cell in corpus.PATHWAY_CELLS)


def _run(name: str, **figures: float) -> Run:
    return Run(name=name, cmd=[], ok=True, **figures)  # type: ignore[arg-type]


def test_bench_targets_say_which_are_met() -> None:
    runs = {
        "ours": _run("ours", wall_s=150.0, tree_pss_mib=1700.0, output_bytes=1024 * 2**20),
        "check": _run("check", wall_s=25.0),
        "check-warm": _run("check-warm", wall_s=1.5),
    }
    table = targets_table("XL", runs, {})
    assert "| cold `evmap build` | 150.00 s | 180 s | yes |" in table
    assert "| peak memory of the build's process tree | 1700 MiB | 1536 MiB | **no** |" in table
    assert "| output | 1024 MiB | 1536 MiB | yes |" in table
    assert "| cold `evmap check` | 25.00 s | 10 s | **no** |" in table
    assert "| warm `evmap check`, nothing changed | 1.50 s | 3 s | yes |" in table
    assert "| warm `evmap check`, one claims file edited | n/a s | 3 s | n/a (not run) |" in table
    lsize = targets_table("L", {}, {"ours/floor time": 1.2, "ours/peer time": 0.1})
    assert "| cold build / floor | 1.20 x | 1.5 x | yes |" in lsize
    assert "| cold build / plain peer | 0.10 x | 0.08 x | **no** |" in lsize
    assert targets_table("S", runs, {}) == ""


def test_bench_growth_prints_per_claim_figures(tmp_path: Path) -> None:
    for size, claims, wall in (("M", 1000, 2.0), ("L", 10_000, 20.0)):
        (tmp_path / size).mkdir()
        results = {
            "when": "2026-11-29T03:00:00+0000",
            "corpus": {"claims": claims},
            "runs": {"ours": {"ok": True, "wall_s": wall, "cpu_s": wall, "tree_pss_mib": 100.0}},
        }
        (tmp_path / size / "results.json").write_text(json.dumps(results))
    table = growth_table(tmp_path).splitlines()
    assert [line.split("|")[1].strip() for line in table[2:]] == ["M", "L"]
    assert all(line.split("|")[3].strip() == "2.000" for line in table[2:])  # ms a claim
    assert table[2].split("|")[5].strip() == "102.400"  # KiB a claim at M


def test_bench_edited_check_meets_a_new_edit_each_run(tmp_path: Path) -> None:
    path = tmp_path / "claims-001.yml"
    path.write_bytes(b"- id: a\n")
    prepare = _edit_each_time(path, b"- id: a\n")
    assert prepare is not None
    prepare(0)
    first = path.read_bytes()
    prepare(1)
    assert first != path.read_bytes() and first.startswith(b"- id: a\n#")
    assert _edit_each_time(path, None) is None
