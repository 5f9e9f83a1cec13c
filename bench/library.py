"""Benchmark: a lab's large BibTeX/biblatex library.

Generates (deterministically) or takes a library, then times, each as a separate
process with the persistent cache off (cold):

* ``check``: ``evmap check`` of a small project (the shipped content, its keys
  mapped onto the library) whose library is the large one: the library is
  the bulk of the work;
* ``build``: ``evmap build`` of the L corpus (``bench/corpus.py``: 10,000
  claims) whose 2,000 cited keys are mapped onto entries of the large library.

The generated library has the shape of a real research group's: 3,305 entries,
1,716 @string macros, 847 entries with a crossref parent (papers in proceedings),
keys with ``:``, ``/``, ``.`` and ``+``, biblatex dates, LaTeX accents and markup,
SICI DOIs. Third-party libraries are never committed: pass one with ``--bib``.

    .venv/bin/python bench/library.py check [--bib PATH] [--repeat 5]
    .venv/bin/python bench/library.py build [--bib PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out" / "library"

FAMILIES = [
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Fran{\\c{c}}ois",
    "{\\O}stergaard",
    "Smith",
    "Wang",
    "Zhang",
    "Li",
    "Kim",
    "van der Berg",
    "de la Cruz",
    "Nguyen",
    "O'Brien",
    "Dvo{\\v{r}}{\\'a}k",
    "Hashimoto",
    "Chen",
    "Rossi",
    "Kowalski",
    "Silva",
    "Johnson",
]
GIVEN = ["Anna", 'J{\\"o}rg', "Ren{\\'e}e", "Hans", "Mei", "Carlos", "Ji-Woo", "Ida", "Tom", "Lea"]
WORDS = [
    "secure",
    "efficient",
    "protocol",
    "lattice",
    "signature",
    "ketamine",
    "receptor",
    "plasticity",
    "model",
    "analysis",
    "threshold",
    "encryption",
    "zero",
    "knowledge",
    "proof",
    "circuit",
    "synaptic",
    "depression",
    "rapid",
    "antidepressant",
]


def generate_library(
    entries: int = 3305, strings: int = 1716, crossref: int = 847, seed: int = 0
) -> str:
    """A synthetic library with the shape of a large real one (deterministic)."""
    rng = random.Random(seed)
    parts = ["% Synthetic library for bench/library.py (evmap); generated, not curated.\n"]
    macros = [f"conf{i}" for i in range(strings)]
    for i, name in enumerate(macros):
        parts.append(f'@string{{{name} = "Proceedings of Conference " # "{i}"}}\n')
    parents = []
    for i in range(max(1, crossref // 6)):
        key = f"PROC:{2000 + i % 25}:{i}"
        parents.append(key)
        parts.append(
            f"@proceedings{{{key},\n  title = {macros[i % strings]},\n"
            f"  editor = {{{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}}},\n"
            f"  publisher = {{Springer}},\n  address = {{Berlin}},\n  year = {2000 + i % 25},\n}}\n"
        )
    made = len(parents)
    n = 0
    while made < entries:
        n += 1
        authors = " and ".join(
            f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 6))
        )
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        if n % 7 == 0:
            title += " with $\\alpha$-\\emph{stable} {NMDA} bounds"
        year = 1990 + n % 35
        if made < len(parents) + crossref:
            key = f"conf/{year}/{n}"
            parent = parents[n % len(parents)]
            parts.append(
                f"@inproceedings{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  pages = {{{n % 300}--{n % 300 + 12}}},\n  crossref = {{{parent}}},\n}}\n"
            )
        elif n % 5 == 0:
            key = f"{rng.choice(['smith', 'wang', 'li'])}.{year}+{n}"
            parts.append(
                f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  journaltitle = {{Journal of {rng.choice(WORDS).capitalize()}}},\n"
                f"  date = {{{year}-{1 + n % 12:02d}}},\n"
                f"  doi = {{10.{1000 + n % 9000}/x.{n}}},\n}}\n"
            )
        elif n % 11 == 0:
            key = f"sici:{n}"
            parts.append(
                f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  journal = {{Journal of Chemistry}},\n  year = {{{year}}},\n  month = may,\n"
                f"  doi = {{10.1002/(SICI)1096-987X({year}04)18:5<{n}::AID-JCC7>3.0.CO;2-#}},\n}}\n"
            )
        else:
            key = f"key:{year}:{n}"
            parts.append(
                f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  journal = {{Journal of {rng.choice(WORDS).capitalize()}}},\n"
                f"  year = {{{year}}},\n  volume = {{{n % 80}}},\n"
                f"  doi = {{10.{1000 + n % 9000}/y.{n}}},\n}}\n"
            )
        made += 1
    return "\n".join(parts)


def citable_keys(bib: str) -> list[str]:
    """Keys of the entries a claim may cite (not @string, @xdata, proceedings volumes)."""
    return [
        m.group(2)
        for m in re.finditer(r"^@(\w+)\{([^,\s]+),", bib, re.M)
        if m.group(1).lower()
        not in ("string", "xdata", "set", "comment", "preamble", "proceedings")
    ]


def _repoint(files: Sequence[Path], old: Sequence[str], new: Sequence[str]) -> None:
    mapping = dict(zip(old, new, strict=False))
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, old)) + r")(?![\w-])")
    for path in files:
        path.write_text(pattern.sub(lambda m: mapping[m.group(1)], path.read_text("utf-8")))


def check_project(dest: Path, bib: str) -> Path:
    """The shipped content, citing the large library (a small map, a big library)."""
    shutil.rmtree(dest, ignore_errors=True)
    for folder in ("content", "docs"):
        shutil.copytree(REPO / folder, dest / folder)
    shutil.rmtree(dest / "content" / "references")
    (dest / "library.bib").write_text(bib, "utf-8")
    old = sorted(set(citable_keys((REPO / "references.bib").read_text("utf-8"))))
    new = citable_keys(bib)[:: max(1, len(citable_keys(bib)) // len(old))]
    _repoint([*dest.glob("content/claims/*.yml"), *dest.glob("docs/*.md")], old, new)
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    config = config.replace("bibtex_file: references.bib", "bibtex_file: library.bib")
    (dest / "mkdocs.yml").write_text(config, "utf-8")
    return dest / "mkdocs.yml"


def build_project(dest: Path, bib: str) -> Path:
    """The L corpus, its 2,000 cited keys mapped onto entries of the large library."""
    from bench.corpus import write_corpus

    shutil.rmtree(dest, ignore_errors=True)
    stats = write_corpus(dest, "L", seed=0)
    old = list(stats.reference_keys)
    new = citable_keys(bib)
    assert len(new) >= len(old), "the library has fewer citable entries than the corpus cites"
    step = len(new) / len(old)
    chosen = [new[int(i * step)] for i in range(len(old))]
    _repoint(
        [*dest.glob("content/claims/*.yml"), *dest.glob("content/references/*.yml")], old, chosen
    )
    (dest / "references.bib").write_text(bib, "utf-8")
    return dest / "mkdocs.yml"


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time and exit code of one cold run (persistent cache off)."""
    env = {**os.environ, "EVMAP_NO_CACHE": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return wall, done.returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("check", "build", "library"))
    parser.add_argument("--bib", type=Path, help="a library to use instead of a generated one")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--evmap", default=str(REPO / ".venv" / "bin" / "evmap"))
    args = parser.parse_args(argv)
    bib = args.bib.read_text("utf-8-sig") if args.bib else generate_library()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "library":
        (OUT / "library.bib").write_text(bib, "utf-8")
        print(OUT / "library.bib")
        return 0
    if args.what == "check":
        config = check_project(OUT / "check", bib)
        command = [args.evmap, "check", "-f", str(config)]
    else:
        config = build_project(OUT / "build", bib)
        command = [args.evmap, "build", "-f", str(config), "-d", str(OUT / "build" / "site")]
    walls = []
    for _ in range(args.repeat):
        wall, code = timed(command)
        walls.append(wall)
        print(f"{args.what}: {wall:.2f} s (exit {code})", flush=True)
    print(f"{args.what}: median {statistics.median(walls):.2f} s over {len(walls)} cold runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
