"""The shipped project built by Zensical through `evmap generate` (slow: `make test-slow`).

Zensical runs from its own environment (tests/zensical_env.py: pinned in
requirements-zensical.lock, no MkDocs in it), exactly as a user would:
``evmap generate --strict`` then ``zensical build --strict -f mkdocs.generated.yml``.
The tests read the HTML it wrote: every generated page is there with the body the
MkDocs plugin renders, every internal link and anchor resolves, citations link to
their reference pages with their preview data, search covers the generated pages.

The last tests document what Zensical cannot do (yet): each asserts today's
behaviour of the pinned Zensical, so each fails, and asks for the guide's page
(docs/guide/how-to/zensical.md) to be updated, when a release changes it.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from browser import chromium, open_page, served  # noqa: F401  (fixture)
from bs4 import BeautifulSoup, Tag
from conftest import REPO, Project, write_project
from evmap.adapters.generate import UNSEARCHED
from evmap.core.config import load_settings
from evmap.core.pipeline import check, format_map_references
from evmap.site.history import read_site_history
from evmap.site.linked_data import map_info
from evmap.site.render import Renderer, make_environment
from evmap.site.urls import PageSpec, Urls
from sitecheck import dead_links, pages, parse
from test_hostile_input import markup_found, markup_project
from zensical_env import ZensicalEnv, zensical_env  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

SHIPPED = ("mkdocs.yml", "references.bib", "content", "docs")


def _base_path() -> str:
    """The path of the shipped site_url ("/" while it has none)."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    return (
        "/" + urlsplit(config.get("site_url") or "/").path.strip("/") + "/"
        if config.get("site_url")
        else "/"
    )


BASE_PATH = _base_path()
DERIVED = "mkdocs.generated.yml"


@dataclass(frozen=True)
class Built:
    """A project generated and built by Zensical."""

    project: Path
    site: Path
    generate: CompletedProcess[str]
    build: CompletedProcess[str]
    seconds: float


def copy_shipped(into: Path) -> Path:
    """The repository's project files, copied (the builds write beside mkdocs.yml)."""
    for name in SHIPPED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, into / name)
        else:
            shutil.copyfile(source, into / name)
    return into


def build_with_zensical(env: ZensicalEnv, project: Path, *build_args: str) -> Built:
    """``evmap generate --strict`` then ``zensical build -f mkdocs.generated.yml``."""
    generated = env.run("evmap", "generate", "--strict", cwd=project)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    start = time.perf_counter()
    built = env.run("zensical", "build", *build_args, "-f", DERIVED, cwd=project)
    seconds = time.perf_counter() - start
    return Built(project, project / "site", generated, built, seconds)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory, zensical_env: ZensicalEnv) -> Built:  # noqa: F811
    project = copy_shipped(tmp_path_factory.mktemp("shipped-zensical"))
    return build_with_zensical(zensical_env, project, "--strict")


@pytest.fixture(scope="module")
def renderer(shipped: Built) -> Renderer:
    """The shipped map's pages as the MkDocs plugin renders them (directory URLs)."""
    settings = load_settings(shipped.project / "mkdocs.yml")
    result = check(settings).raise_errors()
    format_map_references(settings, result.map)
    # As evmap generate renders them: with the project's history (none in this copy) and
    # what the linked data says of the map (its name gives every node's address).
    history = read_site_history(settings, result.map)
    rendered = Renderer(
        result.map, make_environment(settings.template_dirs), Urls(True), history=history
    )
    config = yaml.load((shipped.project / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    rendered.info = map_info(
        settings,
        config["site_name"],
        config.get("site_description", ""),
        config.get("site_url") or "",
    )
    assert settings.docs_dir is not None
    rendered.docs = frozenset(
        p.relative_to(settings.docs_dir).as_posix() for p in settings.docs_dir.rglob("*.md")
    )
    return rendered


def html_path(renderer: Renderer, spec: PageSpec) -> str:
    return renderer.urls.url(spec.src) + "index.html"


def doc_path(page: str) -> str:
    """Where a hand-written page is built (a folder's index.md is the folder's page)."""
    if page == "index.md" or page.endswith("/index.md"):
        return page.removesuffix("index.md") + "index.html"
    return page.removesuffix(".md") + "/index.html"


def article(site: Path, page: str) -> Tag:
    found = parse(site / page).select_one("article.md-content__inner")
    assert found is not None, page
    return found


def test_zensical_env_has_no_mkdocs(zensical_env: ZensicalEnv, tmp_path: Path) -> None:  # noqa: F811
    done = zensical_env.run(
        "python",
        "-c",
        "import importlib.util as u, zensical\n"
        "print([n for n in ('mkdocs', 'properdocs', 'material') if u.find_spec(n)])",
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (0, "[]\n")


def test_zensical_shipped_builds_strictly_without_issues(shipped: Built) -> None:
    assert shipped.build.returncode == 0, shipped.build.stderr
    assert "No issues found" in shipped.build.stderr
    written = len(list((REPO / "docs").rglob("*.md")))
    m = check(load_settings(REPO / "mkdocs.yml")).map
    generated = (
        len(m.pathways) + len(m.compounds) + len(m.references) + 6
    )  # home, 3 indexes, 2 views
    assert shipped.generate.stderr.startswith(
        f"evmap: {generated} generated and {written} hand-written pages"
    )
    print(f"zensical build of the shipped project: {shipped.seconds:.1f} s")


def test_zensical_shipped_has_every_page(shipped: Built, renderer: Renderer) -> None:
    plan = renderer.plan()
    m = renderer.map
    assert len(plan) == len(m.pathways) + len(m.compounds) + len(m.references) + 6
    expected = {html_path(renderer, spec) for spec in plan}
    expected |= {doc_path(p) for p in renderer.docs}
    assert set(pages(shipped.site)) - {"404.html"} == expected


def _resolve(page_url: str, href: str) -> str:
    """``href`` of the page at ``page_url`` as a site path (``/pathways/x/#claim-y``)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    path = "/" + page_url
    if parts.path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), parts.path))
        if parts.path.endswith("/") and not path.endswith("/"):
            path += "/"
    return path + ("#" + parts.fragment if parts.fragment else "")


def _shape(nodes: Any, page_url: str) -> list[Any]:
    """Elements, attributes (links resolved against the page) and text, whitespace aside."""
    shape: list[Any] = []
    for node in nodes:
        if not isinstance(node, Tag):
            text = " ".join(str(node).split())
            if text:
                shape.append(text)
            continue
        attributes = {
            k: " ".join(v) if isinstance(v, list) else str(v) for k, v in node.attrs.items()
        }
        for name in ("href", "src"):
            if name in attributes:
                attributes[name] = _resolve(page_url, attributes[name])
        shape.append((node.name, sorted(attributes.items()), _shape(node.contents, page_url)))
    return shape


def test_zensical_shipped_bodies_are_what_the_plugin_renders(
    shipped: Built, renderer: Renderer
) -> None:
    differ = []
    for spec in renderer.plan():
        found = article(shipped.site, html_path(renderer, spec))
        # The theme's own parts of the article: buttons, skip anchor, last-changed date.
        for chrome in found.select(".md-content__button, a#__skip, aside.md-source-file"):
            chrome.decompose()
        url = renderer.urls.url(spec.src)
        body = BeautifulSoup(f"<div>{renderer.render(spec)}</div>", "lxml").div
        assert body is not None
        if _shape(found.contents, url) != _shape(body.contents, url):
            differ.append(spec.src)
    assert differ == []


def test_zensical_shipped_has_no_dead_link(shipped: Built) -> None:
    assert dead_links(shipped.site, BASE_PATH) == []


def test_zensical_shipped_citations_link_and_preview(shipped: Built, renderer: Renderer) -> None:
    script = (shipped.site / "assets/evmap-references.js").read_text("utf-8")
    previews = set(re.findall(r'^"([^"]+)":', script, re.M))
    assert previews == {ref.slug for ref in renderer.map.references.values()}
    cited = 0
    for page in sorted(renderer.docs):
        doc = parse(shipped.site / doc_path(page))
        main = doc.select_one("article.md-content__inner")
        assert main is not None
        for code in main.select("code"):
            code.decompose()  # the guide shows the [@key] syntax in code
        assert "[@" not in main.get_text(), page
        links = main.select("a.evmap-cite")
        cited += len(links)
        for link in links:
            slug = str(link["href"]).rstrip("/").rsplit("/", 1)[-1]
            assert slug in previews, (page, link["href"])
        scripts = [str(s["src"]) for s in doc.select("script[src]")]
        if links:
            assert any(s.endswith("assets/evmap-references.js") for s in scripts), page
        assert any(s.endswith("assets/evmap-tips.js") for s in scripts), page
    assert cited > 50


def test_zensical_shipped_search_covers_generated_pages(shipped: Built, renderer: Renderer) -> None:
    index = json.loads((shipped.site / "search.json").read_text("utf-8"))
    text: dict[str, str] = {}
    for item in index["items"]:
        page = item["location"].split("#")[0]
        text[page] = text.get(page, "") + " " + item["title"] + " " + item["text"]
    # All but the views and the reference list (UNSEARCHED: their text grows with the map).
    searched = {renderer.urls.url(s.src) for s in renderer.plan() if s.kind not in UNSEARCHED}
    assert len(searched) == len(renderer.plan()) - len(UNSEARCHED)
    assert searched <= text.keys()
    assert not {renderer.urls.url(s.src) for s in renderer.plan()} - searched & text.keys()
    for claim in renderer.map.claims.values():
        home = renderer.urls.url(renderer.urls.src("pathway", claim.home_pathway))
        words = BeautifulSoup(text[home], "lxml").get_text(" ")
        assert " ".join(claim.statement.split()) in " ".join(words.split()), claim.id


def test_zensical_shipped_pages_have_their_table_of_contents(
    shipped: Built, renderer: Renderer
) -> None:
    for spec in renderer.plan():
        nav = parse(shipped.site / html_path(renderer, spec)).select_one("nav.md-nav--secondary")
        entries = [a["href"] for a in nav.select("a")] if nav is not None else []

        def ids(tokens: list[dict[str, Any]]) -> list[str]:
            # The page's title, a first level-1 entry, holds its sections: the theme
            # lists the sections (and links "Skip to content" to the title).
            if tokens and tokens[0]["level"] == 1:
                tokens = tokens[0]["children"]
            return [f"#{t['id']}" for e in tokens for t in (e, *e["children"])]

        assert entries == ids(renderer.toc(spec)), spec.src


def test_zensical_hostile_content_stays_text(
    tmp_path: Path,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    project = markup_project(tmp_path / "markup")
    generated = zensical_env.run("evmap", "generate", cwd=project.root)
    assert generated.returncode == 0, generated.stderr
    built = zensical_env.run("zensical", "build", "-f", DERIVED, cwd=project.root)
    assert built.returncode == 0, built.stderr
    site = project.root / "site"
    found = {page: markup_found(parse(site / page)) for page in pages(site)}
    assert {page: marks for page, marks in found.items() if marks} == {}
    title = parse(site / "compounds/ketamine/index.html").select_one("title")
    assert title is not None and 'alert("evmap-xss")' in title.get_text()


@pytest.mark.browser
def test_zensical_citation_hover_shows_reference(
    chromium: Any,  # noqa: F811
    shipped: Built,
    renderer: Renderer,
) -> None:
    by_slug = {ref.slug: ref for ref in renderer.map.references.values()}
    with served(shipped.site) as url:
        # A hand-written page's [@key] citation, and a citation in an evidence table.
        for page, selector in (("overview/", "a.evmap-cite"), ("compounds/ketamine/", "td.r a")):
            recorded = open_page(chromium, url + page)
            cite = recorded.page.locator(selector).first
            slug = str(cite.get_attribute("href")).rstrip("/").rsplit("/", 1)[-1]
            cite.hover()
            tip = recorded.page.locator(".evmap-tip:not([hidden])")
            tip.wait_for(state="visible")
            assert by_slug[slug].text[:40] in tip.inner_text(), page
            # The theme asks GitHub for the facts of repo_url (a placeholder repository),
            # as Material does; nothing else leaves the site, and no script fails.
            hosts = {urlsplit(u).netloc for u in recorded.requests}
            assert hosts <= {urlsplit(url).netloc, "api.github.com"}
            errors = [e for e in recorded.console_errors if not e.startswith("Failed to load")]
            assert errors == [], page
            recorded.page.context.close()


# -- what Zensical 0.0.73 cannot do (docs/guide/how-to/zensical.md) ----------------


@pytest.fixture
def tiny(tmp_path: Path) -> Project:
    return write_project(tmp_path / "tiny")


def test_zensical_ignores_the_evmap_plugin_silently(
    tiny: Project,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    # Built from the project's own mkdocs.yml, without `evmap generate`: exit 0, a site
    # with the hand-written page only, and not a word about the plugin.
    built = zensical_env.run("zensical", "build", "--strict", cwd=tiny.root)
    assert built.returncode == 0, built.stderr
    assert pages(tiny.root / "site") == ["404.html", "about/index.html"]
    assert "evmap" not in built.stdout + built.stderr


def test_zensical_runs_no_hooks(tiny: Project, zensical_env: ZensicalEnv) -> None:  # noqa: F811
    tiny.write(
        "hooks.py",
        "from pathlib import Path\n"
        "def on_page_markdown(markdown, **kwargs):\n"
        "    return markdown.replace('HOOK ME', 'HOOKED')\n"
        "def on_post_build(config, **kwargs):\n"
        "    Path(config['site_dir'], 'hook-ran.txt').write_text('yes')\n",
    )
    tiny.write("docs/about.md", "# About\n\nHOOK ME\n")
    tiny.write("mkdocs.yml", tiny.read("mkdocs.yml") + "hooks:\n  - hooks.py\n")
    built = zensical_env.run("zensical", "build", "--strict", cwd=tiny.root)
    assert built.returncode == 0, built.stderr
    assert "HOOK ME" in (tiny.root / "site/about/index.html").read_text("utf-8")
    assert not (tiny.root / "site/hook-ran.txt").exists()


def test_zensical_strict_fails_on_dead_page_links_only(
    tiny: Project,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    tiny.write("docs/index.md", "# Home\n")  # (the evmap plugin's home page is not made)
    tiny.write("docs/data.json", "{}\n")
    tiny.write(
        "docs/about.md",
        '# About\n\n<p><a href="data.json">data</a> <a href="gone.json">x</a> <img src="gone.png" alt=""></p>\n',
    )
    built = zensical_env.run("zensical", "build", "--strict", cwd=tiny.root)
    assert (built.returncode, "No issues found" in built.stderr) == (0, True)
    # Zensical rewrites the links to files that do not exist, and reports none of them.
    assert [link.url for link in dead_links(tiny.root / "site", "/tiny/")] == [
        "../gone.json",
        "../gone.png",
    ]
    # A dead link to a page, in raw HTML too, fails a strict build (with a traceback).
    tiny.write(
        "docs/about.md", '# About\n\n<p><a href="gone.md">x</a> <a href="about.md#gone">y</a></p>\n'
    )
    built = zensical_env.run("zensical", "build", "--strict", cwd=tiny.root)
    assert built.returncode == 1
    assert "page does not exist" in built.stderr and "anchor does not exist" in built.stderr
    assert "RuntimeError: Aborted because --strict flag is set" in built.stderr
    help_text = zensical_env.run("zensical", "serve", "--help", cwd=tiny.root).stdout
    assert "Strict mode (currently unsupported)." in help_text


def test_zensical_reads_no_edit_url_of_a_page(
    tiny: Project,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    tiny.write(
        "mkdocs.yml",
        tiny.read("mkdocs.yml").replace(
            "content.tooltips]", "content.tooltips, content.action.edit]"
        )
        + "repo_url: https://github.com/ketamine-lab/repo\nedit_uri: edit/main/docs/\n",
    )
    tiny.write(
        "docs/about.md", "---\nedit_url: https://example.org/elsewhere.yml\n---\n\n# About\n"
    )
    built = zensical_env.run("zensical", "build", cwd=tiny.root)
    assert built.returncode == 0, built.stderr
    edit = parse(tiny.root / "site/about/index.html").select_one("a[rel=edit]")
    assert (
        edit is not None
        and edit["href"] == "https://github.com/ketamine-lab/repo/edit/main/docs/about.md"
    )


def test_zensical_escapes_no_page_title(
    tiny: Project,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    tiny.write("docs/about.md", "---\ntitle: 'A <b>bold</b> title'\n---\n\nText.\n")
    built = zensical_env.run("zensical", "build", cwd=tiny.root)
    assert built.returncode == 0, built.stderr
    heading = parse(tiny.root / "site/about/index.html").select_one("article h1")
    assert heading is not None and heading.select_one("b") is not None  # markup, not text


def test_zensical_wants_site_and_docs_inside_the_config_folder(
    tiny: Project,
    zensical_env: ZensicalEnv,  # noqa: F811
) -> None:
    tiny.write("mkdocs.yml", tiny.read("mkdocs.yml") + "site_dir: ../elsewhere\n")
    built = zensical_env.run("zensical", "build", cwd=tiny.root)
    assert built.returncode == 1
    assert "site_dir must be within project root" in built.stderr
