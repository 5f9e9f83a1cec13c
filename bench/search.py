"""What the first search costs (the target: at L, at most 1.5 MB and results in under 300 ms).

Opens the built site in Debian's Chromium (headless, through Playwright, as the
browser tests do) twice: served over HTTP, as the hosted site is, and unzipped
from ``file://``, as the offline bundle is opened. For each query it opens the
home page in a fresh browser context (empty cache), clicks into Material's
search box, types the query and waits until the result list shows; it prints

* ``search KB``: bytes of every search file the page loaded up to then (the
  index or its manifest and shards, the worker), taken from the files on disk
  (the test server does not compress; a host that gzips sends less);
* ``files``: how many search files that was;
* ``first ms``: from the keystroke to the first result shown;
* ``next ms``: the same for a second query in the same page (shards cached).

    .venv/bin/python bench/run.py --size L --only ours    # builds bench/out/L/site-ours
    .venv/bin/python bench/search.py --size L              # builds the bundle if missing

``--site DIR`` and ``--bundle DIR`` (an unzipped bundle) measure other builds, for
instance one made with Material's own search, to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.static_server import served

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EVMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""As the browser tests launch Chromium, less ``--allow-file-access-from-files``: a
reader's browser blocks ``fetch()`` and module scripts between ``file://`` pages."""
QUERIES = ("spine density", "BDNF", "Jørgensen", "μ-opioid receptor", "norezole", "s")
"""Words of the bench corpus: a phrase of claim text, a pathway, an accented author,
a Greek letter, a compound, and a single letter (the widest prefix: every word
beginning with it)."""
SECOND = "hippocampus"
"""The query typed after the first in the same page (``next ms``)."""
TIMEOUT_MS = 60_000

# Typed the way a reader types: focus the box, then the text and a key release
# (Material reads the box on keyup); resolves with the milliseconds until the
# result list shows its first item, after the next frame is drawn.
_TYPE = """async ([query, timeout]) => {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  input.focus();
  list.innerHTML = "";
  input.value = query;
  const t0 = performance.now();
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  return await new Promise((resolve, reject) => {
    const done = () => {
      if (!list.querySelector(".md-search-result__item")) return false;
      requestAnimationFrame(() => resolve(performance.now() - t0));
      return true;
    };
    if (done()) return;
    const watch = new MutationObserver(() => { if (done()) watch.disconnect(); });
    watch.observe(list, {childList: true, subtree: true});
    setTimeout(() => reject(new Error("no results for " + query)), timeout);
  });
}"""


def is_search_file(path: str) -> bool:
    """Whether a site-relative path belongs to search (index, shards, worker)."""
    return path.startswith(("search/", "assets/javascripts/workers/"))


def local_path(url: str, base: str, root: Path) -> Path | None:
    """The file under ``root`` that ``url`` (below ``base``) names, if it is one."""
    url = url.split("?")[0].split("#")[0]
    if not url.startswith(base):
        return None
    rel = unquote(urlparse(url).path)[len(unquote(urlparse(base).path)) :]
    path = root / (rel or "index.html")
    return path if path.is_file() else None


def measure(browser: Any, root: Path, base: str, query: str) -> dict[str, Any]:
    """One query in a fresh context: search bytes and files, first and next ms."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto(base + "index.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    first = page.evaluate(_TYPE, [query, TIMEOUT_MS])
    files = {p for u in loaded if (p := local_path(u, base, root)) is not None}
    search = sorted(p for p in files if is_search_file(p.relative_to(root).as_posix()))
    count = len(page.locator(".md-search-result__item").all())
    second = page.evaluate(_TYPE, [SECOND, TIMEOUT_MS])
    context.close()
    return {
        "query": query,
        "search_bytes": sum(p.stat().st_size for p in search),
        "search_files": len(search),
        "first_ms": round(first, 1),
        "next_ms": round(second, 1),
        "groups": count,
    }


def ensure_bundle(size_dir: Path) -> Path:
    """The unzipped bundle of ``size_dir``'s corpus, made with ``evmap bundle`` if missing."""
    target = size_dir / "bundle"
    unzipped = [p.parent for p in target.glob("*/index.html")]
    if unzipped:
        return unzipped[0]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    evmap = Path(sys.executable).with_name("evmap")
    corpus = size_dir / "corpus" / "mkdocs.yml"
    worker = REPO / "node_modules" / "iframe-worker"
    subprocess.run(
        [
            str(evmap),
            "bundle",
            "-f",
            str(corpus),
            "-o",
            str(target),
            "--iframe-worker",
            str(worker),
        ],
        check=True,
        env=env,
    )
    archive = next(target.glob("*.zip"))
    with zipfile.ZipFile(archive) as z:
        z.extractall(target)
    return next(p.parent for p in target.glob("*/index.html"))


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| opened | query | search KB | files | first ms | next ms | pages listed |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['mode']} | {r['query']} | {r['search_bytes'] / 1000:.0f} | "
            f"{r['search_files']} | {r['first_ms']:.0f} | {r['next_ms']:.0f} | {r['groups']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure search on the hosted site and the unzipped bundle; print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--size", default="L", help="bench size whose outputs to use (default L)")
    ap.add_argument("--site", type=Path, help="built site (default bench/out/<size>/site-ours)")
    ap.add_argument("--bundle", type=Path, help="unzipped bundle (default: made if missing)")
    ap.add_argument("--no-bundle", action="store_true", help="measure the hosted site only")
    ap.add_argument("--query", action="append", help="queries (default: a fixed set)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (median ms)")
    ap.add_argument("--json", type=Path, help="also write the rows to this file")
    args = ap.parse_args(argv)
    size_dir = REPO / "bench" / "out" / args.size
    site = args.site or size_dir / "site-ours"
    if not (site / "index.html").is_file():
        print(
            f"no site in {site}: run bench/run.py --size {args.size} --only ours", file=sys.stderr
        )
        return 2
    targets = [("http", site)]
    if not args.no_bundle:
        targets.append(("file://", args.bundle or ensure_bundle(size_dir)))
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for mode, root in targets:
            with served(root) if mode == "http" else _file_base(root) as base:
                for query in args.query or QUERIES:
                    runs = [measure(browser, root, base, query) for _ in range(args.repeat)]
                    row = dict(runs[-1], mode=mode)
                    row["first_ms"] = statistics.median(r["first_ms"] for r in runs)
                    row["next_ms"] = statistics.median(r["next_ms"] for r in runs)
                    rows.append(row)
                    print(f"{mode} {query!r}: {row}", file=sys.stderr, flush=True)
        browser.close()
    print(table(rows))
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), "utf-8")
    return 0


@contextmanager
def _file_base(root: Path) -> Iterator[str]:
    yield root.resolve().as_uri() + "/"


if __name__ == "__main__":
    raise SystemExit(main())
