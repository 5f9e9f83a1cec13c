"""Inputs shaped to exhaust the machine end in a correct build or a clear error.

Each case runs `evmap` in a child process under a memory limit (2 GiB of address
space) and a time limit (60 s): both are bounds that a correct evmap stays far below,
not measurements (benchmarks in bench/ measure).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY, Project, write_project
from evmap.core.citations import find_citations
from evmap.site.search import MAX_KEY_CHARS, split_index

LIMIT_BYTES = 2 * 1024**3
LIMIT_SECONDS = 60

_BOUNDED = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from evmap.adapters.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """``evmap args`` in a child process held to the limits above."""
    return subprocess.run(
        [sys.executable, "-c", _BOUNDED.format(limit=LIMIT_BYTES), *args],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
        check=False,
    )


@pytest.fixture
def lab(tmp_path: Path) -> Project:
    return write_project(tmp_path / "lab", TINY)


def test_bounded_a_line_of_backticks_in_a_page(lab: Project) -> None:
    lab.write("docs/about.md", "# About\n\nText " + "`" * 20_000 + " and [@berman2000].\n")
    done = run_bounded("check", "-f", str(lab.config), "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_bounded("build", "-f", str(lab.config), "--strict")
    assert done.returncode == 0, done.stdout + done.stderr


def test_bounded_a_very_long_word_in_a_cited_title(lab: Project) -> None:
    word = "pneumono" * 7_500  # 60,000 characters, one word
    bib = lab.read("references.bib").replace(
        "title = {Antidepressant effects of ketamine in depressed patients}",
        f"title = {{Antidepressant effects of {word} in depressed patients}}",
    )
    assert word in bib
    lab.write("references.bib", bib)
    done = run_bounded("build", "-f", str(lab.config), "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    shards = list((lab.root / "site" / "search" / "evmap" / "t").iterdir())
    assert shards and max(len(p.name) for p in shards) < 100


def test_bounded_search_shards_split_without_recursion() -> None:
    """Many long words sharing a long prefix: keys stop at MAX_KEY_CHARS letters."""
    stem = "x" * 50_000
    docs = [{"location": f"p{i}/", "title": "", "text": f"{stem}{i:05d} " * 3} for i in range(400)]
    files = split_index({"config": {}, "docs": docs})
    terms = files.manifest["config"]["evmap"]["terms"]
    assert max(len(key) for key in terms) <= MAX_KEY_CHARS
    assert len({t for t in terms if t.startswith("x")}) == 1


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("`" * 20_000 + "\n", []),
        ("`a` " * 20_000 + "[@k]", ["k"]),
        ("[" + "@" * 20_000 + "\n[@k]", ["k"]),
        ("[" * 20_000 + "@a]", ["a"]),
        ("[ " + " " * 20_000 + "x@k]", []),
        ("[" + "@a; " * 5_000 + "]\n[@k]", ["k"]),
    ],
    ids=["backtick-run", "many-spans", "at-run", "open-brackets", "spaces", "long-group"],
)
def test_bounded_citation_scanner_reads_each_shape_in_linear_time(
    text: str, keys: list[str]
) -> None:
    """No pattern backtracks on these: each is read in one pass, well within the alarm
    (the scanner that matched code spans with a backtracking pattern took 56 s on a line
    of 20,000 backticks)."""

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("the citation scanner did not finish within 20 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        found = find_citations(text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert [item.key for citation in found for item in citation.items] == keys
