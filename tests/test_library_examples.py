"""The shipped project built on biblatex's own examples library.

``biblatex-examples.bib`` is written by others and never copied into this
repository: ``.ci/run`` unpacks it from Debian's texlive-bibtex-extra into
``$EVMAP_TEST_DATA`` (default ``~/.cache/evmap-test-data``); without it these
tests skip, saying how to get it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO
from evmap.adapters.build import build_site
from evmap.site.search import read_entries, read_words

DATA = Path(os.environ.get("EVMAP_TEST_DATA", Path.home() / ".cache" / "evmap-test-data"))
EXAMPLES = DATA / "biblatex-examples.bib"
LATEX = re.compile(r"\\[A-Za-z]+")

pytestmark = pytest.mark.skipif(
    not EXAMPLES.is_file(),
    reason=f"{EXAMPLES} is absent: run the biblatex-examples step of .ci/run (Debian's "
    "texlive-bibtex-extra, unpacked with dpkg-deb) to get it",
)


def _keys(bib: str) -> list[str]:
    return [
        m.group(2)
        for m in re.finditer(r"^@(\w+)\{([^,\s]+),", bib, re.M)
        if m.group(1).lower() not in ("string", "xdata", "set", "comment", "preamble")
    ]


@pytest.fixture(scope="module")
def examples_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A copy of the shipped project whose claims and pages cite biblatex-examples.bib."""
    root = tmp_path_factory.mktemp("examples")
    for folder in ("content", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.rmtree(root / "content" / "references")  # the curators' notes on the old keys
    bib = EXAMPLES.read_text("utf-8")
    (root / "references.bib").write_text(bib, "utf-8")
    old = sorted(set(_keys((REPO / "references.bib").read_text("utf-8"))))
    new = _keys(bib)
    mapping = {key: new[i % len(new)] for i, key in enumerate(old)}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, old)) + r")(?![\w-])")
    for path in [*root.glob("content/claims/*.yml"), *root.glob("docs/*.md")]:
        path.write_text(pattern.sub(lambda m: mapping[m.group(1)], path.read_text("utf-8")))
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    # Its entries have no DOIs: a lab would acknowledge that, as here.
    config = config.replace("  - evmap:\n", "  - evmap:\n      validation: {missing-doi: ignore}\n")
    (root / "mkdocs.yml").write_text(config, "utf-8")
    site = build_site(root / "mkdocs.yml", root / "site", strict=True)
    return site, sorted(set(mapping.values()))


def _text_of(path: Path) -> str:
    text = path.read_text("utf-8")
    if path.suffix == ".html":
        tree = BeautifulSoup(text, "html.parser")
        # Code on hand-written pages (a regular expression in an example message) is the
        # page's own, not text from the library.
        for element in tree.select("script, style, code, pre"):
            element.decompose()
        return tree.get_text(" ")
    if path.name == "search_index.json":
        # The entries as the result list shows them, and every indexed word.
        site = path.parent.parent
        entries = read_entries(site)
        return "\n".join([*(d["title"] + " " + d["text"] for d in entries), *read_words(site)])
    if path.suffix == ".json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    if path.name == "evmap-references.js":
        start = text.index("window.evmapReferences = ") + 25
        return "\n".join(json.loads(text[start : text.rindex(";")]).values())
    return text


def test_examples_no_latex_on_any_page_tooltip_search_entry_or_download(
    examples_site: tuple[Path, list[str]],
) -> None:
    site, _ = examples_site
    found = {}
    for path in sorted(site.rglob("*")):
        rel = str(path.relative_to(site))
        if path.suffix not in (".html", ".json", ".csv", ".js") or rel.startswith("assets/java"):
            continue
        if path.suffix == ".js" and path.name != "evmap-references.js":
            continue
        commands = sorted(set(LATEX.findall(_text_of(path))))
        if commands:
            found[rel] = commands
    assert found == {}
    assert "\\" in (site / "downloads/references.bib").read_text("utf-8")  # verbatim there


def test_examples_no_nd_for_entries_with_a_date(examples_site: tuple[Path, list[str]]) -> None:
    site, keys = examples_site
    source = (site / "assets/evmap-references.js").read_text("utf-8")
    previews = json.loads(
        source[source.index("window.evmapReferences = ") + 25 : source.rindex(";")]
    )
    bib = EXAMPLES.read_text("utf-8")
    dated = [
        m.group(1)
        for m in re.finditer(r"^@\w+\{([^,\s]+),(.*?)^\}", bib, re.M | re.S)
        if re.search(r"^\s*(date|year)\s*=", m.group(2), re.M)
    ]
    assert len(previews) == len(keys)
    from evmap.core.model import reference_slug

    undated = [k for k in keys if k in dated and "n.d." in previews[reference_slug(k)]]
    assert undated == []
