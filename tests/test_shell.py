"""Shell pages (theme rendered once per folder and depth) equal the theme's own pages.

The same project is built with ``page_shell`` on (the default) and off; every
generated page must come out the same, byte for byte, except the <title>
element, where the shell keeps the title escaped (the theme's ``striptags``
filter unescapes it), and indentation, which the shell drops.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import TINY, write_project

ODD_NAMES = {
    **TINY,
    "content/compounds/odd.yml": """\
        id: odd
        name: "A & B <i>x</i> \\"quoted\\""
        kind: drug
        """,
    "content/claims/odd.yml": """\
        - id: odd-claim
          statement: Tom & Jerry <b>claim</b> about things.
          compounds: [odd]
          pathways: [bdnf-trkb]
          evidence:
            - stance: mixed
              finding: Something & more.
              model: {species: mouse}
              type: in-vivo
              citations: [wei2021]
        """,
}

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def _normalise(page: str) -> str:
    title = TITLE.sub(lambda m: "<title>" + html.unescape(m.group(1)) + "</title>", page)
    return INDENT.sub("\n", title)


def _pages(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): _normalise(p.read_text("utf-8"))
        for p in sorted(site.rglob("*.html"))
    }


def _shelled(site: Path) -> list[str]:
    """Pages written from a shell: the theme indents its markup, a shell does not."""
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if "\n    <" not in p.read_text("utf-8").split("<body", 1)[0]
    )


# Theme features that write something of each page into its chrome: the feedback
# widget (its form names the page), alternate languages (links per page), and a page
# description (in the head). A shell made from one page must not lend it to others.
PAGE_SPECIFIC_CHROME = """\
extra:
  analytics:
    provider: google
    property: G-TEST
    feedback:
      title: Was this page helpful?
      ratings:
        - {icon: material/thumb-up-outline, name: Helpful, data: 1, note: "Thanks ({url})"}
        - {icon: material/thumb-down-outline, name: Not helpful, data: 0, note: "Sorry ({url})"}
  alternate:
    - {name: English, link: /en/, lang: en}
    - {name: Deutsch, link: /de/, lang: de}
"""


@pytest.mark.parametrize(
    "chrome", ["", PAGE_SPECIFIC_CHROME], ids=["plain", "page-specific-chrome"]
)
@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "html-urls"])
def test_shell_pages_equal_theme_pages(tmp_path: Path, directory_urls: bool, chrome: str) -> None:
    sites = {}
    for shell in (True, False):
        project = write_project(tmp_path / str(shell), ODD_NAMES, directory_urls=directory_urls)
        config = project.read("mkdocs.yml").replace(
            "  - evmap:\n", f"  - evmap:\n      page_shell: {str(shell).lower()}\n"
        )
        repository = "repo_url: https://example.org/lab/map\nedit_uri: edit/main/docs/\n"
        project.write("mkdocs.yml", (chrome or repository) + config)
        built = project.build()
        sites[shell] = _pages(built)
        if shell:
            shelled = _shelled(built)
    assert sites[True].keys() == sites[False].keys()
    assert len(shelled) >= 2  # shells were used (the first page of a kind, and others)
    entity = [
        page for page in sites[True] if page.startswith(("pathways/", "compounds/", "references/"))
    ]
    assert len(entity) >= 8
    assert {page: sites[True][page] for page in entity} == {
        page: sites[False][page] for page in entity
    }
    assert sites[True] == sites[False]


def test_shell_keeps_titles_escaped(tmp_path: Path) -> None:
    site = write_project(tmp_path / "p", ODD_NAMES).build()
    page = (site / "compounds/odd/index.html").read_text("utf-8")
    title = TITLE.search(page)
    assert title is not None
    assert "<i>" not in title.group(1) and "&lt;i&gt;" in title.group(1)
    assert "EVMAPSHELL" not in page and "x7q" not in page
