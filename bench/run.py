"""Benchmark: our evmap build vs. the plain-MkDocs peer vs. the bare-Jinja floor.

``python bench/run.py --size S|M|L [--seed N] [--only ours,peer,floor] [--repeat N]``

1. Writes a seeded synthetic corpus into ``bench/out/<size>/corpus/`` (see corpus.py) and the
   peer project into ``bench/out/<size>/peer/`` (see peer.py).  Neither step is timed.
2. Builds, each in its own subprocess, measured from a fresh wrapper process:

   * ``ours``  -- ``evmap build -f corpus/mkdocs.yml -d site-ours`` and, separately,
     ``evmap check -f corpus/mkdocs.yml``;
   * ``peer``  -- ``mkdocs build -f peer/mkdocs.yml -d site-peer``;
   * ``floor`` -- ``python bench/floor.py corpus site-floor``.

3. Prints a Markdown table (wall s, peak MiB, output MiB) and our ratios to peer and floor,
   and writes everything to ``bench/out/<size>/results.json``.

A build that fails (e.g. the evmap CLI is missing) is reported with its error line; the
others still run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script (make bench): make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import REPO, SIZES, write_corpus
from bench.history import write_history
from bench.peer import write_peer

VENV_BIN = Path(sys.executable).parent
"""The bin/ directory of the interpreter running us (normally /work/main/.venv/bin)."""

# Runs ``argv[2:]`` as a child and writes wall time and memory figures to argv[1].
# A fresh wrapper per measurement means RUSAGE_CHILDREN covers exactly one build: its
# ru_maxrss is the largest resident set of any single waited-for descendant (KiB on Linux)
# and its CPU times add up the whole tree.  On Linux the wrapper also samples the tree
# every SAMPLE_S seconds and keeps the largest sum of PSS (proportional set size, so pages
# shared between forked workers are not counted twice): the peak of the whole tree.
WRAPPER = r"""
import json, os, resource, subprocess, sys, time
SAMPLE_S = 0.1
out, cmd = sys.argv[1], sys.argv[2:]

def tree_pss_kib(root):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    stat = fh.read()
                ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total

error, tree_peak = None, None
sample = os.path.exists("/proc/self/smaps_rollup")
t0 = time.perf_counter()
try:
    proc = subprocess.Popen(cmd)
    while True:
        try:
            rc = proc.wait(timeout=SAMPLE_S)
            break
        except subprocess.TimeoutExpired:
            if sample:
                tree_peak = max(tree_peak or 0, tree_pss_kib(proc.pid))
except OSError as exc:
    rc, error = 127, f"{type(exc).__name__}: {exc}"
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as fh:
    json.dump({"rc": rc, "wall_s": wall, "maxrss_kib": ru.ru_maxrss, "tree_pss_kib": tree_peak,
               "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "error": error}, fh)
"""

NAMES = ("ours", "peer", "floor")
HISTORY_COMMITS = 200
"""Edits in the corpus's git history by default (see bench/history.py)."""

PEER_PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-bibtex==4.4.0")
"""The plain way's builder: MkDocs and Material at evmap's locked versions, and
mkdocs-bibtex (no longer an evmap dependency), in a virtual environment of its own."""

PEER_SKIPPED = {"XL"}
"""Sizes where the peer is skipped unless asked for by --only: mkdocs-bibtex formats
every citation of every page again (L: about 5-6 min, growing faster than the pages),
so XL would take hours. The L row is the peer comparison."""

WARM_BUILD_SKIPPED = {"XL"}
"""Sizes without the warm-build row (two more builds of several minutes each); the warm
check, a target, is still measured."""

GiB = 1024.0  # MiB


@dataclass(frozen=True)
class Target:
    """One figure of the project's targets: a run's measure against a limit."""

    size: str
    label: str
    limit: float
    unit: str
    measure: Any  # (runs, ratios) -> float | None


TARGETS = (
    Target("XL", "cold `evmap build`", 180.0, "s", lambda r, q: _get(r, "ours", "wall_s")),
    Target(
        "XL",
        "peak memory of the build's process tree",
        1.5 * GiB,
        "MiB",
        lambda r, q: _get(r, "ours", "tree_pss_mib") or _get(r, "ours", "peak_rss_mib"),
    ),
    Target(
        "XL",
        "output",
        1.5 * GiB,
        "MiB",
        lambda r, q: (_get(r, "ours", "output_bytes") or 0) / 2**20 or None,
    ),
    Target("XL", "cold `evmap check`", 10.0, "s", lambda r, q: _get(r, "check", "wall_s")),
    Target(
        "XL",
        "warm `evmap check`, nothing changed",
        3.0,
        "s",
        lambda r, q: _get(r, "check-warm", "wall_s"),
    ),
    Target(
        "XL",
        "warm `evmap check`, one claims file edited",
        3.0,
        "s",
        lambda r, q: _get(r, "check-edited", "wall_s"),
    ),
    Target("L", "cold build / floor", 1.5, "x", lambda r, q: q.get("ours/floor time")),
    Target("L", "cold build / plain peer", 0.08, "x", lambda r, q: q.get("ours/peer time")),
)


def _get(runs: dict[str, Run], name: str, attr: str) -> Any:
    r = runs.get(name)
    return getattr(r, attr) if r is not None and r.ok else None


def peer_bin(base: Path) -> Path:
    """The bin/ folder of the peer's environment (made on first use from PyPI)."""
    if importlib.util.find_spec("mkdocs_bibtex") is not None:
        return VENV_BIN
    venv = base / "peer-venv"
    bin_dir = venv / "bin"
    if not (bin_dir / "mkdocs").exists():
        print(f"making the peer's environment in {venv} ({', '.join(PEER_PACKAGES)})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "-q", "-c", str(REPO / "requirements.lock"),
             *PEER_PACKAGES],
            check=True,
        )  # fmt: skip
    return bin_dir


def targets_table(size: str, runs: dict[str, Run], ratios: dict[str, float | None]) -> str:
    """The project's targets for this size: measured, limit, met or not."""
    rows = [t for t in TARGETS if t.size == size]
    if not rows:
        return ""
    out = [f"| target ({size}) | measured | limit | met |", "|---|---:|---:|---|"]
    for t in rows:
        value = t.measure(runs, ratios)
        met = "n/a (not run)" if value is None else ("yes" if value < t.limit else "**no**")
        shown = _f(value, "{:.0f}" if t.unit == "MiB" else "{:.2f}")
        out.append(f"| {t.label} | {shown} {t.unit} | {t.limit:g} {t.unit} | {met} |")
    return "\n".join(out)


def growth_table(root: Path) -> str:
    """Per-claim figures of every size measured under ``root`` (latest results of each)."""
    rows = []
    for size in SIZES:
        path = root / size / "results.json"
        if not path.is_file():
            continue
        data = json.loads(path.read_text("utf-8"))
        claims = data["corpus"]["claims"]
        runs = data["runs"]

        def per(
            name: str, attr: str, scale: float, data_runs: dict[str, Any] = runs, n: int = claims
        ) -> str:
            r = data_runs.get(name)
            v = r.get(attr) if r and r.get("ok") else None
            return "n/a" if v is None else f"{v * scale / n:.3f}"

        rows.append(
            f"| {size} | {claims} | {per('ours', 'wall_s', 1000)} | {per('ours', 'cpu_s', 1000)} "
            f"| {per('ours', 'tree_pss_mib', 1024)} | {per('ours', 'output_bytes', 1 / 1024)} "
            f"| {per('check', 'wall_s', 1000)} | {per('check-warm', 'wall_s', 1000)} "
            f"| {per('check-edited', 'wall_s', 1000)} | {data['when'][:16]} |"
        )
    if not rows:
        return ""
    head = [
        "| size | claims | build ms/claim | build CPU ms/claim | tree KiB/claim "
        "| output KiB/claim | check ms/claim | warm check ms/claim "
        "| check after an edit ms/claim | measured |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    return "\n".join(head + rows)


@dataclass
class Run:
    """One measured subprocess (the median of ``repeat`` runs for wall time)."""

    name: str
    cmd: list[str]
    rc: int = 0
    ok: bool = False
    wall_s: float | None = None
    wall_all_s: list[float] = field(default_factory=list)
    cpu_s: float | None = None
    peak_rss_mib: float | None = None
    tree_pss_mib: float | None = None
    output_bytes: int | None = None
    output_files: int | None = None
    error: str | None = None
    log: str | None = None


def dir_size(path: Path) -> tuple[int, int]:
    """Total bytes (apparent size) and number of regular files under ``path``."""
    total = files = 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            p = Path(root, n)
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
                files += 1
    return total, files


def _error_line(text: str) -> str:
    """The most telling line of a failed build's output."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "error" in ln or ln.startswith(("ERROR", "Aborted")):
            return ln[:400]
    return lines[-1][:400] if lines else "(no output)"


def measure(
    name: str,
    cmd: list[str],
    logs: Path,
    output: Path | None,
    cwd: Path,
    repeat: int = 1,
    extra_env: dict[str, str] | None = None,
    prepare: Callable[[int], None] | None = None,
) -> Run:
    """Run ``cmd`` ``repeat`` times under the wrapper; keep median wall and max peak RSS.

    ``prepare(i)``, when given, runs before the ``i``-th run (untimed).
    """
    run = Run(name=name, cmd=cmd)
    env = dict(
        os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", **(extra_env or {})
    )
    rss: list[int] = []
    tree: list[int] = []
    cpu: list[float] = []
    log = logs / f"{name}.log"
    run.log = str(log)
    for i in range(repeat):
        if prepare is not None:
            prepare(i)
        result = logs / f"{name}.json"
        with log.open("w") as fh:
            subprocess.run(
                [sys.executable, "-c", WRAPPER, str(result), *cmd],
                stdout=fh,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=env,
                check=False,
            )
        data = json.loads(result.read_text())
        run.rc = data["rc"]
        if data["rc"] != 0:
            run.error = data["error"] or _error_line(log.read_text(errors="replace"))
            return run
        run.wall_all_s.append(data["wall_s"])
        rss.append(data["maxrss_kib"])
        if data["tree_pss_kib"] is not None:
            tree.append(data["tree_pss_kib"])
        cpu.append(data["user_s"] + data["sys_s"])
    run.ok = True
    run.wall_s = statistics.median(run.wall_all_s)
    run.cpu_s = statistics.median(cpu)
    run.peak_rss_mib = max(rss) / 1024
    run.tree_pss_mib = max(tree) / 1024 if tree else None
    if output is not None and output.exists():
        run.output_bytes, run.output_files = dir_size(output)
    return run


def _edit_each_time(path: Path, original: bytes | None) -> Callable[[int], None] | None:
    """Before run ``i``: ``path`` as ``original`` plus a comment naming ``i``, so each run
    meets a file it has not seen (never a stored verdict)."""
    if original is None:
        return None

    def prepare(run: int) -> None:
        path.write_bytes(original + f"# edited by bench/run.py ({run})\n".encode())

    return prepare


def git_state() -> dict[str, Any]:
    """HEAD commit and whether evmap's code/templates differ from it (numbers depend on it)."""

    def git(*args: str) -> str:
        res = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return res.stdout.strip() if res.returncode == 0 else ""

    status = git("status", "--porcelain", "--", "build_tools", "pyproject.toml")
    return {"head": git("rev-parse", "--short", "HEAD") or None, "evmap_dirty": bool(status)}


def _ratio(a: float | int | None, b: float | int | None) -> float | None:
    return a / b if a is not None and b else None


def _f(x: float | None, fmt: str = "{:.2f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def table(runs: dict[str, Run], ratios: dict[str, float | None]) -> str:
    """The results as Markdown."""
    out = [
        "| build | wall s | CPU s | peak MiB | tree MiB | output MiB | files | status |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    labels = {
        "ours": "ours: `evmap build` (cold)",
        "check": "ours: `evmap check` (cold)",
        "ours-warm": "ours: `evmap build` (warm cache)",
        "check-warm": "ours: `evmap check` (warm cache, nothing changed)",
        "check-edited": "ours: `evmap check` (warm cache, one claims file edited)",
        "peer": "peer: `mkdocs build`",
        "floor": "floor: bare Jinja",
    }
    for key, label in labels.items():
        if key not in runs:
            continue
        r = runs[key]
        mib = None if r.output_bytes is None else r.output_bytes / 2**20
        status = "ok" if r.ok else f"FAILED (rc {r.rc}): {r.error}"
        files = "" if r.output_files is None else str(r.output_files)
        out.append(
            f"| {label} | {_f(r.wall_s)} | {_f(r.cpu_s)} | {_f(r.peak_rss_mib, '{:.0f}')} "
            f"| {_f(r.tree_pss_mib, '{:.0f}')} | {_f(mib)} "
            f"| {files} | {status} |"
        )
    out += ["", "| ratio | value |", "|---|---:|"]
    out += [f"| {k} | {_f(v)} |" for k, v in ratios.items()]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the corpus, run the builds, print and save the results."""
    ap = argparse.ArgumentParser(description="evmap scale benchmark")
    ap.add_argument("--size", choices=sorted(SIZES), default="S")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--only",
        default=None,
        help="comma-separated subset of ours,peer,floor (default: all; at XL ours,floor)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs per build (median wall time)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="output root")
    ap.add_argument(
        "--history",
        type=int,
        default=HISTORY_COMMITS,
        help="edit commits after the first in the corpus's own git history, whose "
        f"provenance the build reads (default {HISTORY_COMMITS}; 0: the corpus is not a "
        "git repository)",
    )
    args = ap.parse_args(argv)
    only = [n.strip() for n in (args.only or ",".join(NAMES)).split(",") if n.strip()]
    skipped_peer = args.only is None and args.size in PEER_SKIPPED
    if skipped_peer:
        only.remove("peer")
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        ap.error(f"--only: unknown {', '.join(unknown)} (choose from {', '.join(NAMES)})")

    base: Path = args.out.resolve() / args.size
    corpus_dir, peer_dir, logs = base / "corpus", base / "peer", base / "logs"
    for d in (base, peer_dir, logs):
        d.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    stats = write_corpus(corpus_dir, args.size, args.seed)
    corpus_s = time.perf_counter() - t0
    print(
        f"corpus {args.size} (seed {args.seed}): {stats.claims} claims, {stats.references} "
        f"refs, {stats.pathways} pathways, {stats.compounds} compounds, {stats.evidence} "
        f"evidence items, {stats.citations} citations; {stats.bytes / 2**20:.2f} MiB "
        f"in {corpus_s:.1f} s -> {corpus_dir}",
        flush=True,
    )
    if args.history:
        t0 = time.perf_counter()
        made = write_history(corpus_dir, args.history, args.seed)
        print(
            f"git history: {made} commits by two curators in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    else:
        shutil.rmtree(corpus_dir / ".git", ignore_errors=True)
    peer_s = None
    if "peer" in only:
        t0 = time.perf_counter()
        pstats = write_peer(corpus_dir, peer_dir, f"Peer {args.size}")
        peer_s = time.perf_counter() - t0
        print(f"peer project: {pstats.pages} pages, {pstats.bytes / 2**20:.2f} MiB of Markdown")

    evmap = str(VENV_BIN / "evmap")
    site = {n: base / f"site-{n}" for n in NAMES}
    jobs: list[tuple[str, list[str], Path | None, dict[str, str]]] = []
    # The warm check replays the stored verdict when nothing changed; a curator's
    # next check usually follows an edit, so one more row edits one claims file
    # first (a comment appended: the file is parsed again, the verdict made anew).
    edited = corpus_dir / "content" / "claims" / "claims-001.yml"
    original = edited.read_bytes() if edited.is_file() else None
    # Cold rows run with evmap's persistent cache off: nothing from an earlier run
    # helps. Warm rows reuse the cache a first (unmeasured) check filled, as a
    # curator's second `evmap check` or `mkdocs serve` rebuild would.
    cold = {"EVMAP_NO_CACHE": "1"}
    cache_dir = base / "evmap-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    warm = {"EVMAP_CACHE_DIR": str(cache_dir)}
    if "ours" in only:
        cfg = str(corpus_dir / "mkdocs.yml")
        build = [evmap, "build", "-f", cfg, "-d", str(site["ours"])]
        jobs.append(("ours", build, site["ours"], cold))
        jobs.append(("check", [evmap, "check", "-f", cfg], None, cold))
        if args.size in WARM_BUILD_SKIPPED:
            # The warm check needs only the parsed files: a check fills the cache.
            jobs.append(("prime", [evmap, "check", "-f", cfg], None, warm))
            jobs.append(("check-warm", [evmap, "check", "-f", cfg], None, warm))
        else:
            prime = [evmap, "build", "-f", cfg, "-d", str(base / "site-prime")]
            jobs.append(("prime", prime, None, warm))
            jobs.append(("check-warm", [evmap, "check", "-f", cfg], None, warm))
            jobs.append(("ours-warm", build, site["ours"], warm))
        if original is not None:
            jobs.append(("check-edited", [evmap, "check", "-f", cfg], None, warm))
    if "peer" in only:
        mkdocs = str(peer_bin(args.out.resolve()) / "mkdocs")
        cmd = [mkdocs, "build", "-f", str(peer_dir / "mkdocs.yml"), "-d", str(site["peer"])]
        jobs.append(("peer", cmd, site["peer"], {}))
    if "floor" in only:
        floor = str(REPO / "bench" / "floor.py")
        cmd = [sys.executable, floor, str(corpus_dir), str(site["floor"])]
        jobs.append(("floor", cmd, site["floor"], {}))

    load_before = os.getloadavg()
    runs: dict[str, Run] = {}
    for name, cmd, output, extra_env in jobs:
        print(f"running {name}: {' '.join(cmd)}", flush=True)
        prepare = _edit_each_time(edited, original) if name == "check-edited" else None
        try:
            r = measure(
                name, cmd, logs, output, base, args.repeat, extra_env=extra_env, prepare=prepare
            )
        finally:
            if original is not None:
                edited.write_bytes(original)
        runs[name] = r
        if r.ok:
            print(f"  {r.wall_s:.2f} s, {r.peak_rss_mib:.0f} MiB peak", flush=True)
        else:
            print(f"  FAILED (rc {r.rc}): {r.error}  [log: {r.log}]", flush=True)

    def get(name: str, attr: str) -> Any:
        return _get(runs, name, attr)

    ratios = {
        "ours/peer time": _ratio(get("ours", "wall_s"), get("peer", "wall_s")),
        "ours/floor time": _ratio(get("ours", "wall_s"), get("floor", "wall_s")),
        "ours/peer CPU": _ratio(get("ours", "cpu_s"), get("peer", "cpu_s")),
        "ours/floor CPU": _ratio(get("ours", "cpu_s"), get("floor", "cpu_s")),
        "ours/peer RSS": _ratio(get("ours", "peak_rss_mib"), get("peer", "peak_rss_mib")),
        "ours/peer tree memory": _ratio(get("ours", "tree_pss_mib"), get("peer", "tree_pss_mib")),
        "ours/peer size": _ratio(get("ours", "output_bytes"), get("peer", "output_bytes")),
        "check/build time": _ratio(get("check", "wall_s"), get("ours", "wall_s")),
        "ours warm/peer time": _ratio(get("ours-warm", "wall_s"), get("peer", "wall_s")),
    }
    load_after = os.getloadavg()
    title = (
        f"## Bench {args.size} (seed {args.seed}): {stats.claims} claims, "
        f"{stats.references} refs, {stats.pathways} pathways, {stats.compounds} compounds"
    )
    print()
    print(title)
    print()
    print(table(runs, ratios))
    print(
        f"\nload average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
        f"on {os.cpu_count()} CPUs (wall times are only comparable on an idle machine; "
        "CPU s is less sensitive to contention)"
    )
    if skipped_peer:
        print(
            f"\npeer skipped at {args.size}: the plain MkDocs + mkdocs-bibtex build would take "
            "hours; its comparison is the L row (run it here with --only ours,peer,floor)"
        )
    targets = targets_table(args.size, runs, ratios)
    if targets:
        print()
        print(targets)
    gs = git_state()
    print(f"evmap at {gs['head']}{' + uncommitted changes' if gs['evmap_dirty'] else ''}")

    results = {
        "size": args.size,
        "seed": args.seed,
        "repeat": args.repeat,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": load_after,
        },
        "git": gs,
        "corpus": stats.summary(),
        "history_commits": args.history,
        "corpus_gen_s": corpus_s,
        "peer_gen_s": peer_s,
        "runs": {k: asdict(v) for k, v in runs.items()},
        "ratios": ratios,
    }
    (base / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {base / 'results.json'}")
    growth = growth_table(args.out.resolve())
    if growth:
        print("\nPer claim, every size measured so far (linear growth keeps each column flat):\n")
        print(growth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
