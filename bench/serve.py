"""How long the live preview takes to show an edited claim (the target: < 0.5 s at M, < 1 s at L).

Starts ``evmap serve`` (or ``--command mkdocs``: ``mkdocs serve``, or
``mkdocs-dirty``: ``mkdocs serve --dirty``) on the corpus of a size (loopback
only), waits for the first build, then seven times changes one claim's statement
in its YAML file and polls the claim's home page until the new statement is
served. Prints the seconds from each edit to the page being back and their
median, and, from the served folder before and after each edit, how many files
the rebuild wrote again and how many of those kept the same bytes. Restores the
file and stops the server at the end.

    .venv/bin/python bench/serve.py --size M
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import write_corpus  # noqa: E402

TIMEOUT_S = 300.0


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    """The page at ``url``, or None while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, text: str, deadline: float) -> float:
    """Poll ``url`` until it contains ``text``; the time it appeared (perf_counter)."""
    while time.perf_counter() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"{url} never showed {text!r}")


Snapshot = dict[str, tuple[int, int, str]]


def snapshot(site: Path) -> Snapshot:
    """Every served file: modification time, inode and digest of its bytes."""
    while True:
        out = {}
        try:
            for path in site.rglob("*"):
                if path.is_file():
                    st = path.stat()
                    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                    out[path.relative_to(site).as_posix()] = (st.st_mtime_ns, st.st_ino, digest)
        except FileNotFoundError:  # removed while being read: try again
            continue
        return out


def settled(site: Path, quiet: float = 1.0, deadline: float = TIMEOUT_S) -> None:
    """Wait until no file of ``site`` has changed for ``quiet`` seconds (the build ended)."""
    end = time.perf_counter() + deadline
    last: dict[str, tuple[int, int]] = {}
    since = time.perf_counter()
    while time.perf_counter() < end:
        try:
            now = {
                p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
                for p in site.rglob("*")
                if p.is_file()
            }
        except FileNotFoundError:  # removed while being read: still building
            now = {}
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return
        time.sleep(0.2)


def rewrites(before: Snapshot, after: Snapshot) -> tuple[list[str], list[str]]:
    """Files written again between two snapshots, and those of them with the same bytes."""
    written = sorted(k for k in after if k not in before or before[k][:2] != after[k][:2])
    same = [k for k in written if k in before and before[k][2] == after[k][2]]
    return written, same


def cpu_seconds(pid: int) -> float | None:
    """CPU time the server process (and children it waited for) used so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def is_page(path: str) -> bool:
    """A page of the site (not the theme's 404 page, which every build writes)."""
    return path.endswith(".html") and path != "404.html"


def main(argv: list[str] | None = None) -> int:
    """Measure edit-to-page latency under the live preview."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--size", default="M", choices=["S", "M", "L"])
    ap.add_argument("--edits", type=int, default=7, help="edits to time (default 7)")
    ap.add_argument(
        "--command",
        default="evmap",
        choices=["evmap", "mkdocs", "mkdocs-dirty"],
        help="evmap serve (default), mkdocs serve, or mkdocs serve --dirty",
    )
    args = ap.parse_args(argv)
    # A corpus of its own: bench/run.py rewrites its corpus folder for each run.
    corpus = REPO / "bench" / "out" / args.size / "serve" / "corpus"
    if not (corpus / "mkdocs.yml").exists():
        write_corpus(corpus, args.size)
    claims_file = sorted((corpus / "content" / "claims").glob("*.yml"))[0]
    original = claims_file.read_text("utf-8")
    match = re.search(r"^- id: (\S+)\n  statement: (.*)$", original, re.M)
    pathway = re.search(r"^  pathways:\n  - (\S+)|^  pathways: \[([^,\]]+)", original, re.M)
    assert match and pathway, "unexpected corpus layout"
    claim_id, statement = match.group(1), match.group(2)
    home = pathway.group(1) or pathway.group(2)
    port = free_port()
    url = f"http://127.0.0.1:{port}/pathways/{home}/"
    bin_dir = Path(sys.executable).parent
    command = {
        "evmap": [str(bin_dir / "evmap"), "serve"],
        "mkdocs": [str(bin_dir / "mkdocs"), "serve"],
        "mkdocs-dirty": [str(bin_dir / "mkdocs"), "serve", "--dirty"],
    }[args.command]
    # The server's temporary folder is the one site folder in a TMPDIR of its own.
    tmp = Path(tempfile.mkdtemp(prefix="evmap-bench-serve-"))
    # The server's own output, for when an edit never shows.
    log = corpus.parent / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [*command, "-f", str(corpus / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(tmp)},
        )
    try:
        start = time.perf_counter()
        wait_for(url, f'id="claim-{claim_id}"', start + TIMEOUT_S)
        first = time.perf_counter() - start
        print(f"{' '.join(command[1:])}: first build served after {first:.2f} s")
        site = next(p for p in tmp.iterdir() if p.is_dir())
        results, counts, cpu = [], [], []
        for n in range(args.edits):
            settled(site)
            before = snapshot(site)
            marker = f"Edited statement number {n} for the serve benchmark"
            cpu_before = cpu_seconds(server.pid)
            claims_file.write_text(original.replace(statement, marker, 1), "utf-8")
            edited = time.perf_counter()
            back = wait_for(url, marker, edited + TIMEOUT_S)
            cpu_after = cpu_seconds(server.pid)
            results.append(back - edited)
            if cpu_before is not None and cpu_after is not None:
                cpu.append(cpu_after - cpu_before)
            settled(site)
            written, same = rewrites(before, snapshot(site))
            pages = [k for k in written if is_page(k)]
            same_pages = [k for k in same if is_page(k)]
            counts.append((len(pages), len(same_pages)))
            print(
                f"edit {n + 1}: page back after {back - edited:.2f} s"
                + (f" ({cpu[-1]:.2f} s of server CPU)" if len(cpu) == n + 1 else "")
                + "; pages written again: "
                f"{len(pages)} of {sum(map(is_page, before))}, {len(same_pages)} of them with "
                f"the same bytes{' (' + ', '.join(same_pages[:4]) + ')' if same_pages else ''}; "
                f"other files: {len(written) - len(pages)} of {len(before) - len(pages)}, "
                f"{len(same) - len(same_pages)} with the same bytes"
            )
            print(f"  pages: {', '.join(pages[:12])}{', ...' if len(pages) > 12 else ''}")
        ordered = sorted(results)
        print(
            f"median edit-to-page: {ordered[len(ordered) // 2]:.2f} s, "
            f"fastest {ordered[0]:.2f} s, slowest {ordered[-1]:.2f} s "
            f"({len(ordered)} edits, size {args.size}, {' '.join(command[1:])}); "
            + (
                f"server CPU per edit: median {sorted(cpu)[len(cpu) // 2]:.2f} s, "
                f"{min(cpu):.2f}-{max(cpu):.2f} s; "
                if cpu
                else ""
            )
            + f"pages written again per edit: {min(c[0] for c in counts)}-"
            f"{max(c[0] for c in counts)}, of them with unchanged bytes: "
            f"{min(c[1] for c in counts)}-{max(c[1] for c in counts)}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        claims_file.write_text(original, "utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
