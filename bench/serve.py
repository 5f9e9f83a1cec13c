"""How long `mkdocs serve` takes to show an edited claim (issue 6: <= 2 s at M).

Starts ``mkdocs serve`` on the corpus of a size (loopback only), waits for the
first build, changes one claim's statement in its YAML file, and polls the
claim's home page until the new statement is served. Prints the seconds from
the edit to the page being back, then restores the file and stops the server.

    .venv/bin/python bench/serve.py --size M
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
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


def main(argv: list[str] | None = None) -> int:
    """Measure edit-to-page latency under ``mkdocs serve``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--size", default="M", choices=["S", "M", "L"])
    ap.add_argument("--edits", type=int, default=7, help="edits to time (default 7)")
    args = ap.parse_args(argv)
    corpus = REPO / "bench" / "out" / args.size / "corpus"
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
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    server = subprocess.Popen(
        [mkdocs, "serve", "-f", str(corpus / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        start = time.perf_counter()
        wait_for(url, f'id="claim-{claim_id}"', start + TIMEOUT_S)
        print(f"first build served after {time.perf_counter() - start:.2f} s")
        results = []
        for n in range(args.edits):
            marker = f"Edited statement number {n} for the serve benchmark"
            claims_file.write_text(original.replace(statement, marker, 1), "utf-8")
            edited = time.perf_counter()
            back = wait_for(url, marker, edited + TIMEOUT_S)
            results.append(back - edited)
            print(f"edit {n + 1}: page back after {back - edited:.2f} s")
            time.sleep(1.0)
        ordered = sorted(results)
        print(
            f"median edit-to-page: {ordered[len(ordered) // 2]:.2f} s, "
            f"fastest {ordered[0]:.2f} s, slowest {ordered[-1]:.2f} s "
            f"({len(ordered)} edits, size {args.size})"
        )
    finally:
        claims_file.write_text(original, "utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
