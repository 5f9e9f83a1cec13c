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
        repository = "repo_url: https://github.com/ketamine-lab/map\nedit_uri: edit/main/docs/\n"
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


# A theme of the lab's own, nothing of Material: the plugin must not depend on it.
# (Theme templates do not autoescape; page titles arrive escaped, as in MkDocs' themes.)
OWN_THEME = {
    "theme/main.html": """\
<!doctype html>
<html><head><title>{{ page.title }} - {{ config.site_name }}</title>
{%- for path in config.extra_css %}<link rel="stylesheet" href="{{ path | url }}">{% endfor %}
</head><body>
<nav>{% for item in nav %}<a href="{{ item.url | url }}">{{ item.title }}</a>{% endfor %}</nav>
<ul class="own-toc">{% for entry in page.toc %}<li><a href="{{ entry.url }}">{{ entry.title }}</a></li>
{%- for child in entry.children %}<li><a href="{{ child.url }}">{{ child.title }}</a></li>{% endfor %}{% endfor %}</ul>
<main>{{ page.content }}</main>
{%- for script in config.extra_javascript %}<script src="{{ script | url }}"></script>{% endfor %}
</body></html>
""",
}


@pytest.mark.parametrize("shell", [True, False], ids=["page-shell", "no-shell"])
def test_shell_any_theme_gets_every_page_whole(tmp_path: Path, shell: bool) -> None:
    project = write_project(tmp_path, {**ODD_NAMES, **OWN_THEME})
    config = project.read("mkdocs.yml").replace(
        "theme:\n  name: material\n  font: false\n  features: [navigation.prune, content.tooltips]\n",
        "theme:\n  name: null\n  custom_dir: theme\n",
    )
    assert "custom_dir" in config
    project.write(
        "mkdocs.yml",
        config.replace("  - evmap:\n", f"  - evmap:\n      page_shell: {str(shell).lower()}\n"),
    )
    site = project.build()
    pages = {str(p.relative_to(site)): p.read_text("utf-8") for p in site.rglob("*.html")}
    for name in (
        "index.html",
        "pathways/bdnf-trkb/index.html",
        "compounds/odd/index.html",
        "references/wei2021/index.html",
        "matrix/index.html",
        "about/index.html",
    ):
        page = pages[name]
        assert page.startswith("<!doctype html>") and "<main>" in page, name
        assert "EVMAPSHELL" not in page and "x7q" not in page, name
    pathway = pages["pathways/bdnf-trkb/index.html"]
    assert "<title>BDNF" in pathway and 'class="claim' in pathway
    # The theme's own table of contents lists the claims; the citations' assets load.
    assert pathway.count('<li><a href="#') >= 2
    assert "evmap-tips.js" in pathway and "evmap.css" in pathway
    odd = pages["compounds/odd/index.html"]
    assert "A &amp; B &lt;i&gt;x&lt;/i&gt;" in odd and "<i>x</i>" not in odd
