"""The "plain way": a hand-written-style MkDocs project for the same corpus.

What a user would do without evmap: one Markdown page per pathway and one per compound,
each listing its claims (the statement, then every evidence item's finding followed by
mkdocs-bibtex citations ``[@key; @key]``), an explicit ``nav`` listing every page, the
Material theme, the search plugin and the bibtex plugin.  ``footnotes`` is enabled because
mkdocs-bibtex renders citations as footnotes and its documentation requires it.

Writing the project is not timed by the benchmark (the Markdown stands in for hand-written
source); building it with plain ``mkdocs build`` is.

Usage: ``python bench/peer.py CORPUS_DIR PEER_DIR`` (writes ``PEER_DIR/mkdocs.yml``,
``PEER_DIR/references.bib`` and ``PEER_DIR/docs/``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import load_content


@dataclass
class PeerStats:
    """What :func:`write_peer` wrote."""

    root: str
    pages: int
    bytes: int


def _link_list(ids: Sequence[str], names: dict[str, str], folder: str) -> str:
    """Markdown links to sibling pages in ``folder`` (relative to a page one level down)."""
    return ", ".join(f"[{names[i]}](../{folder}/{i}.md)" for i in ids)


def _claim_md(claim: dict[str, Any], comp_names: dict[str, str], pw_names: dict[str, str]) -> str:
    """One claim as Markdown: statement heading, what it is about, evidence list."""
    lines = [f"### {claim['statement']}", ""]
    about = []
    if claim.get("compounds"):
        about.append("Compounds: " + _link_list(claim["compounds"], comp_names, "compounds"))
    about.append("Pathways: " + _link_list(claim["pathways"], pw_names, "pathways"))
    lines += [" · ".join(about), ""]
    if "certainty" in claim:
        c = claim["certainty"]
        lines += [f"Certainty: **{c['grade']}** ({c['reason']})", ""]
    for ev in claim["evidence"]:
        model = ev["model"]["species"]
        if "paradigm" in ev["model"]:
            model += f", {ev['model']['paradigm']}"
        where = f", {ev['locator']}" if "locator" in ev else ""
        cites = "; ".join(f"@{k}" for k in [*ev.get("citations", ()), *ev.get("via", ())])
        lines.append(
            f"- **{ev['stance']}** ({ev['type']}; {model}{where}): {ev['finding']} [{cites}]"
        )
    lines.append("")
    return "\n".join(lines)


def write_peer(corpus_dir: Path, dest: Path, site_name: str = "Peer") -> PeerStats:
    """Write the plain MkDocs project for the corpus in ``corpus_dir`` into ``dest``."""
    compounds, pathways, claims = load_content(corpus_dir)
    comp_names = {c["id"]: c["name"] for c in compounds}
    pw_names = {p["id"]: p["name"] for p in pathways}
    by_pw: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_comp: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cl in claims:
        for p in cl["pathways"]:
            by_pw[p].append(cl)
        for c in cl.get("compounds", []):
            by_comp[c].append(cl)

    if (dest / "docs").exists():
        shutil.rmtree(dest / "docs")
    (dest / "docs" / "pathways").mkdir(parents=True)
    (dest / "docs" / "compounds").mkdir(parents=True)
    shutil.copyfile(corpus_dir / "references.bib", dest / "references.bib")

    total = 0
    pages = 0

    def write(rel: str, text: str) -> None:
        nonlocal total, pages
        data = text.encode("utf-8")
        (dest / "docs" / rel).write_bytes(data)
        total += len(data)
        pages += 1

    for p in pathways:
        parts = [f"# {p['name']}", "", f"Category: {p['category']}", ""]
        if p.get("summary"):
            parts += [p["summary"], ""]
        if p.get("related"):
            parts += ["Related: " + _link_list(p["related"], pw_names, "pathways"), ""]
        parts += ["## Claims", ""]
        parts += [_claim_md(cl, comp_names, pw_names) for cl in by_pw[p["id"]]]
        write(f"pathways/{p['id']}.md", "\n".join(parts))
    for c in compounds:
        parts = [f"# {c['name']}", "", f"Kind: {c['kind']}", ""]
        if c.get("parent"):
            parts += [f"Derived from: [{comp_names[c['parent']]}]({c['parent']}.md)", ""]
        if c.get("synonyms"):
            parts += ["Synonyms: " + ", ".join(c["synonyms"]), ""]
        if c.get("summary"):
            parts += [c["summary"], ""]
        parts += ["## Claims", ""]
        parts += [_claim_md(cl, comp_names, pw_names) for cl in by_comp[c["id"]]]
        write(f"compounds/{c['id']}.md", "\n".join(parts))
    write(
        "index.md",
        f"# {site_name}\n\nEvidence map: {len(claims)} claims on {len(pathways)} pathways "
        f"and {len(compounds)} compounds.\n",
    )

    nav: list[Any] = [
        {"Home": "index.md"},
        {"Pathways": [{p["name"]: f"pathways/{p['id']}.md"} for p in pathways]},
        {"Compounds": [{c["name"]: f"compounds/{c['id']}.md"} for c in compounds]},
    ]
    config: dict[str, Any] = {
        "site_name": site_name,
        "theme": {"name": "material"},
        "plugins": ["search", {"bibtex": {"bib_file": "references.bib"}}],
        "markdown_extensions": ["footnotes"],
        "nav": nav,
    }
    (dest / "mkdocs.yml").write_text(
        yaml.dump(config, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return PeerStats(root=str(dest), pages=pages, bytes=total)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write the peer project."""
    ap = argparse.ArgumentParser(description="Write the plain-MkDocs peer project.")
    ap.add_argument("corpus", type=Path, help="corpus directory (from bench/corpus.py)")
    ap.add_argument("dest", type=Path, help="peer project directory to write")
    ap.add_argument("--site-name", default="Peer")
    args = ap.parse_args(argv)
    stats = write_peer(args.corpus, args.dest, args.site_name)
    print(f"peer: {stats.pages} pages, {stats.bytes} bytes of Markdown in {stats.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
