"""The "Jinja floor": the least work that produces the same pages, without MkDocs.

Reads the corpus (YAML with libyaml when available, BibTeX with pybtex), formats every
reference exactly ONCE with pybtex (style ``plain``, ``html`` backend), then renders one
page per pathway, per compound and per reference (plus an index) with ONE bare Jinja
template, and writes them to disk.  No theme, no navigation, no search index, no Markdown.

Any real site generator costs more than this; the benchmark reports our build time as a
multiple of it.

Usage: ``python bench/floor.py CORPUS_DIR OUT_DIR``.

This script is deliberately self-contained (YAML, Jinja2 and pybtex only) so that timing it
as a subprocess measures nothing but the floor itself.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.database import parse_file
from pybtex.style.formatting.plain import Style as PlainStyle

TEMPLATE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
{% if summary %}<p>{{ summary }}</p>{% endif %}
{% if kind == "reference" %}<p class="ref">{{ refs[key] }}</p>{% endif %}
{% if kind == "index" %}
<h2>Pathways</h2><ul>{% for p in pathways %}
<li><a href="pathways/{{ p.id }}.html">{{ p.name }}</a></li>{% endfor %}</ul>
<h2>Compounds</h2><ul>{% for c in compounds %}
<li><a href="compounds/{{ c.id }}.html">{{ c.name }}</a></li>{% endfor %}</ul>
{% endif %}
{% for claim in claims %}
<section id="{{ claim.id }}">
<h3>{{ claim.statement }}</h3>
<p>{% for c in claim.compounds %}<a href="../compounds/{{ c }}.html">{{ names[c] }}</a> {% endfor %}
{% for p in claim.pathways %}<a href="../pathways/{{ p }}.html">{{ names[p] }}</a> {% endfor %}</p>
{% if claim.certainty %}
<p>Certainty: {{ claim.certainty.grade }} ({{ claim.certainty.reason }})</p>
{% endif %}
<ul>{% for ev in claim.evidence %}{% if kind != "reference" or key in ev.sources %}
<li class="{{ ev.stance }}"><b>{{ ev.stance }}</b> ({{ ev.type }}; {{ ev.model.species }}
{%- if ev.model.paradigm %}, {{ ev.model.paradigm }}{% endif %}
{%- if ev.locator %}, {{ ev.locator }}{% endif %}): {{ ev.finding }}
{% for k in ev.sources %}<a href="../references/{{ k }}.html">[{{ k }}]</a>{% endfor %}</li>
{% endif %}{% endfor %}</ul>
</section>
{% endfor %}
{% if cited %}<h2>References</h2><ol>{% for k in cited %}
<li id="{{ k }}">{{ refs[k] }}</li>{% endfor %}</ol>{% endif %}
</body></html>
"""


def _load(root: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """Compounds, pathways and claims (flattened) of the corpus under ``root/content``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: list[list[Any]] = []
    for sub in ("compounds", "pathways", "claims"):
        items: list[Any] = []
        for f in sorted((root / "content" / sub).glob("*.yml")):
            with f.open("rb") as fh:
                data = yaml.load(fh, Loader=loader)
            items.extend(data if isinstance(data, list) else [data])
        out.append(items)
    return out[0], out[1], out[2]


def _sources(ev: dict[str, Any]) -> list[str]:
    """An item's reference keys: the studies, then the reviews it was read in."""
    return [*ev.get("citations", ()), *ev.get("via", ())]


def _cited(claims: Sequence[dict[str, Any]]) -> list[str]:
    """Keys cited by ``claims``, in first-citation order."""
    seen: dict[str, None] = {}
    for cl in claims:
        for ev in cl["evidence"]:
            for k in _sources(ev):
                seen.setdefault(k, None)
    return list(seen)


def build(corpus: Path, out: Path) -> int:
    """Render the floor site for ``corpus`` into ``out``; return the number of pages."""
    compounds, pathways, claims = _load(corpus)
    bib = parse_file(str(corpus / "references.bib"))
    backend = HtmlBackend()
    refs = {e.key: Markup(e.text.render(backend)) for e in PlainStyle().format_bibliography(bib)}

    names = {c["id"]: c["name"] for c in compounds} | {p["id"]: p["name"] for p in pathways}
    by: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for cl in claims:
        for ev in cl["evidence"]:
            ev["sources"] = _sources(ev)
        for p in cl["pathways"]:
            by["pathways", p].append(cl)
        for c in cl.get("compounds", []):
            by["compounds", c].append(cl)
        for k in {k for ev in cl["evidence"] for k in _sources(ev)}:
            by["references", k].append(cl)

    template = jinja2.Environment(autoescape=True, trim_blocks=True).from_string(TEMPLATE)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("pathways", "compounds", "references"):
        (out / sub).mkdir(parents=True)

    def write(rel: str, **ctx: Any) -> None:
        html = template.render(refs=refs, names=names, **ctx)
        (out / rel).write_text(html, encoding="utf-8")

    pages = 0
    for kind, items in (("pathways", pathways), ("compounds", compounds)):
        for item in items:
            page_claims = by[kind, item["id"]]
            write(
                f"{kind}/{item['id']}.html",
                kind=kind,
                title=item["name"],
                summary=item.get("summary"),
                claims=page_claims,
                cited=_cited(page_claims),
            )
            pages += 1
    for key in refs:
        write(
            f"references/{key}.html",
            kind="reference",
            key=key,
            title=key,
            claims=by["references", key],
            cited=[],
        )
        pages += 1
    write(
        "index.html",
        kind="index",
        title="Evidence map",
        pathways=pathways,
        compounds=compounds,
        claims=[],
        cited=[],
    )
    return pages + 1


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: build the floor site."""
    ap = argparse.ArgumentParser(description="Render the bare-Jinja floor site.")
    ap.add_argument("corpus", type=Path, help="corpus directory (from bench/corpus.py)")
    ap.add_argument("out", type=Path, help="output directory (replaced)")
    args = ap.parse_args(argv)
    pages = build(args.corpus, args.out)
    print(f"floor: {pages} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
