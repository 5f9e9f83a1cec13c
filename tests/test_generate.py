"""`evmap generate`: the docs folder and derived configuration other builders read.

Fast tests on the tiny project, through ``main([...])``; the one build here is a
real MkDocs build of the generated folder (``--links url``), which shows the same
path serving a builder other than Zensical. Zensical's own builds are in
tests/test_zensical.py (slow).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import REPO, TINY, Project, soup
from conftest import TEMPLATES as PACKAGE_TEMPLATES
from evmap.adapters.cli import main
from evmap.adapters.generate import (
    MARKER,
    add_meta,
    derived_config_path,
    search_words,
    unsearched_sections,
)
from evmap.adapters.markdown_toc import NAME as TOC_EXTENSION
from evmap.adapters.markdown_toc import toc_comment
from gitrepo import DAY, T0, git_env, init_repo  # noqa: F401  (fixture)
from sitecheck import dead_links, pages

GENERATED = {
    "index.md",
    "pathways/index.md",
    "compounds/index.md",
    "references/index.md",
    "matrix/index.md",
    "network/index.md",
    "pathways/nmdar-inhibition.md",
    "pathways/bdnf-trkb.md",
    "compounds/ketamine.md",
    "compounds/arketamine.md",
    "references/berman2000.md",
    "references/wei2021.md",
}
FILES = {
    *GENERATED,
    "about.md",
    "assets/evmap.css",
    "assets/evmap-views.js",
    "assets/evmap-tips.js",
    "assets/evmap-zoom.js",
    "assets/evmap-network.js",
    "assets/evmap-references.js",
    "downloads/evidence-map.json",
    "downloads/evidence-map.csv",
    "downloads/references.bib",
    "downloads/references.csl.json",
    "downloads/nanopubs.trig",
    "downloads/kgx/nodes.tsv",
    "downloads/kgx/edges.tsv",
    MARKER,
}


def generate(project: Project, *args: str) -> int:
    return main(["generate", "-f", str(project.config), *args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def front(path: Path) -> dict[str, object]:
    """The front matter of a Markdown file."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n"), path
    data = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


def test_generate_writes_every_page_asset_and_download(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    assert main(["generate"]) == 0
    _, err = capsys.readouterr()
    assert err == (
        "evmap: 12 generated and 1 hand-written pages written to generated; "
        "build with: zensical build -f mkdocs.generated.yml\n"
    )
    out = project.root / "generated"
    assert set(tree(out)) == FILES
    assert front(out / "pathways/bdnf-trkb.md") == {"title": "BDNF-TrkB signalling"}
    assert front(out / "matrix/index.md") == {
        "title": "Evidence matrix",
        "hide": ["toc"],
        "search": {"exclude": True},
    }
    body = (out / "pathways/bdnf-trkb.md").read_text("utf-8")
    assert '<h1 id="content">BDNF-TrkB signalling</h1>' in body


def test_generate_derives_the_configuration(project: Project) -> None:
    assert generate(project) == 0
    derived = derived_config_path(project.config)
    assert derived == project.root / "mkdocs.generated.yml"
    text = derived.read_text("utf-8")
    assert text.startswith(
        "# Written by `evmap generate` from mkdocs.yml: do not edit; run `evmap generate` again.\n"
    )
    config = yaml.safe_load(text)
    assert config["docs_dir"] == "generated"
    assert "site_dir" not in config  # the project's, as it was
    assert config["plugins"] == ["search"]
    assert config["extra_css"] == ["assets/evmap.css"]
    assert config["extra_javascript"] == ["assets/evmap-views.js", "assets/evmap-tips.js"]
    assert config["markdown_extensions"] == [TOC_EXTENSION]
    # The project sets no nav: home, indexes and views, then the hand-written pages.
    assert config["nav"] == [
        {"Evidence map": "index.md"},
        {"Pathways": "pathways/index.md"},
        {"Compounds": "compounds/index.md"},
        {"References": "references/index.md"},
        {"Evidence matrix": "matrix/index.md"},
        {"Evidence network": "network/index.md"},
        "about.md",
    ]
    assert config["not_in_nav"] == "/compounds/\n/pathways/\n/references/\n"


def test_generate_keeps_the_configuration_tags_builders_resolve(project: Project) -> None:
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml")
        + "repo_url: https://github.com/ketamine-lab/repo\nedit_uri: edit/main/docs/\n"
        + "copyright: !ENV [EVMAP_TEST_COPYRIGHT, 'The curators']\n"
        + "markdown_extensions:\n"
        + "  - pymdownx.emoji:\n"
        + "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        + "nav:\n  - Home: index.md\n  - About: about.md\n",
    )
    assert generate(project) == 0
    text = derived_config_path(project.config).read_text("utf-8")
    assert "copyright: !ENV\n- EVMAP_TEST_COPYRIGHT\n- The curators\n" in text
    assert (
        "- pymdownx.emoji:\n    emoji_index: !!python/name:material.extensions.emoji.twemoji ''\n"
        in text
    )
    assert "nav:\n- Home: index.md\n- About: about.md\n" in text  # the project's own
    # No builder reads a per-page edit link: generated pages would link to no file.
    assert "edit_uri" not in text
    assert "repo_url: https://github.com/ketamine-lab/repo\n" in text


def test_generate_resolves_citations_of_hand_written_pages(project: Project) -> None:
    assert generate(project) == 0
    about = (project.root / "generated/about.md").read_text("utf-8")
    assert "[@berman2000]" not in about
    assert (
        '<span class="evmap-citation">(<a class="evmap-cite" href="references/berman2000.md">'
        "Berman et al., 2000</a>)</span>" in about
    )
    assert '<script src="assets/evmap-references.js" defer></script>' in about


def test_generate_link_styles(project: Project) -> None:
    assert generate(project) == 0
    source = soup(project.root / "generated/pathways/bdnf-trkb.md")
    assert generate(project, "--links", "url") == 0
    url = soup(project.root / "generated/pathways/bdnf-trkb.md")

    def compound_links(page: object) -> list[str]:
        return [str(a["href"]) for a in page.select("dl a[href*=compounds]")]  # type: ignore[attr-defined]

    assert compound_links(source) == ["../compounds/arketamine.md"]
    assert compound_links(url) == ["../../compounds/arketamine/"]


def test_generate_input_errors_read_as_evmap_check(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("content/compounds/broken.yml", "id: broken\nname: Broken\nkind: nonsense\n")
    project.write(
        "content/claims/more.yml",
        "- id: c9\n  statement: A statement long enough to read.\n  compounds: [nope]\n"
        "  pathways: [bdnf-trkb]\n  evidence: []\n",
    )
    code, checked, summary = project.check(capsys=capsys)
    assert code == 1 and checked
    assert generate(project) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (checked, summary)
    assert not (project.root / "generated").exists()
    assert not derived_config_path(project.config).exists()


def test_generate_failure_keeps_the_last_folder(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(PACKAGE_TEMPLATES, project.root / "templates")  # the project's own
    assert generate(project) == 0
    before = tree(project.root / "generated")
    config = derived_config_path(project.config).read_bytes()
    capsys.readouterr()
    page = project.root / "templates/reference.html"
    page.write_text(page.read_text("utf-8") + "{{ page.data.nonsense }}\n", "utf-8")
    line = page.read_text("utf-8").count("\n")
    assert generate(project) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"evmap: templates/reference.html:{line}: template error while rendering "
        "references/berman2000.md: 'evmap.site.contexts.ReferencePage object' has no attribute "
        "'nonsense'; fix the template\n"
    )
    assert tree(project.root / "generated") == before
    assert derived_config_path(project.config).read_bytes() == config
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".generated")] == []


def test_generate_is_deterministic_and_leaves_sources_alone(project: Project) -> None:
    sources = tree(project.root)
    assert generate(project) == 0
    first = tree(project.root / "generated"), derived_config_path(project.config).read_bytes()
    assert generate(project) == 0
    second = tree(project.root / "generated"), derived_config_path(project.config).read_bytes()
    assert first == second
    after = tree(project.root)
    written = {p for p in after if p.startswith("generated/")} | {"mkdocs.generated.yml"}
    assert {p: b for p, b in after.items() if p not in written} == sources


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("docs", ": it is the docs folder; "),
        (".", ": it is the project folder (the folder of mkdocs.yml); "),
        ("content/x", ": it lies inside the content folder ({root}/content); "),
        ("site/x", ": it lies inside the site folder ({root}/site); "),
        ("elsewhere", ": the folder is not empty and evmap did not make it"),
    ],
)
def test_generate_refuses_folders_it_did_not_write(
    project: Project, capsys: pytest.CaptureFixture[str], out: str, message: str
) -> None:
    project.write("elsewhere/notes.txt", "mine\n")
    assert generate(project, "-o", str(project.root / out)) == 1
    _, err = capsys.readouterr()
    assert message.format(root=project.root) in err
    assert (project.root / "elsewhere/notes.txt").read_text() == "mine\n"
    assert not derived_config_path(project.config).exists()


def test_generate_refuses_a_derived_config_it_did_not_write(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("mkdocs.generated.yml", "site_name: mine\n")
    assert generate(project) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"evmap: cannot write {project.root}/mkdocs.generated.yml: the file exists and was not "
        "written by evmap generate; move it away (evmap generate writes its derived "
        "configuration there)\n"
    )
    assert project.read("mkdocs.generated.yml") == "site_name: mine\n"


def test_generate_hand_written_page_at_a_generated_path(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("docs/index.md", "# Mine\n")
    project.write("docs/assets/evmap.css", "")
    assert generate(project) == 1
    _, err = capsys.readouterr()
    assert err == (
        "evmap: these pages are generated from the content and must not exist in docs: "
        "assets/evmap.css, index.md\n"
    )


@pytest.mark.usefixtures("git_env")
def test_generate_pages_carry_their_last_changed_date(project: Project) -> None:
    repo = init_repo(project.root)
    repo.commit("tiny map", when=T0)
    project.write(
        "content/pathways/bdnf-trkb.yml", TINY["content/pathways/bdnf-trkb.yml"] + "summary: New.\n"
    )
    repo.commit("bdnf-trkb: summary", when=T0 + 10 * DAY)
    project.write("docs/about.md", "---\ntitle: About us\n---\n\nCiting [@wei2021].\n")
    repo.commit("about", when=T0 + 20 * DAY)
    assert generate(project) == 0
    out = project.root / "generated"
    assert front(out / "pathways/bdnf-trkb.md")["revision_date"] == "2024-03-11"
    assert front(out / "pathways/nmdar-inhibition.md")["revision_date"] == "2024-03-01"
    assert front(out / "index.md")["revision_date"] == "2024-03-11"
    assert front(out / "about.md") == {"title": "About us", "revision_date": "2024-03-21"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Page\n", "---\nrevision_date: '2024-03-01'\n---\n\n# Page\n"),
        (
            "---\ntitle: T\n---\n# Page\n",
            "---\ntitle: T\nrevision_date: '2024-03-01'\n---\n# Page\n",
        ),
        ("---\nrevision_date: mine\n---\n# P\n", "---\nrevision_date: mine\n---\n# P\n"),
        ("---\n- a list\n---\n# P\n", "---\n- a list\n---\n# P\n"),
        ("---\n---\n# P\n", "---\nrevision_date: '2024-03-01'\n---\n# P\n"),
    ],
)
def test_generate_add_meta(text: str, expected: str) -> None:
    assert add_meta(text, "revision_date", "2024-03-01") == expected


def test_generate_for_mkdocs_url_links_build_without_dead_links(project: Project) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    assert generate(project, "--links", "url") == 0
    site = project.root / "site"
    config = load_config(str(derived_config_path(project.config)), strict=True)
    build(config)
    assert dead_links(site, base_path="/tiny/") == []
    built = {p for p in pages(site) if p != "404.html"}
    assert built == {
        "index.html"
        if p == "index.md"
        else p.removesuffix(".md").removesuffix("index")
        + ("" if p.endswith("index.md") else "/")
        + "index.html"
        for p in GENERATED | {"about.md"}
    }
    # The table of contents of a generated page comes through the Markdown extension.
    toc = soup(site / "pathways/bdnf-trkb/index.html").select("nav.md-nav--secondary a")
    assert [a.get_text(strip=True) for a in toc][:3] == [
        "State of the evidence",
        "About",
        "Claims (1)",
    ]


def test_markdown_toc_extension_gives_the_page_entries() -> None:
    entries = [
        {"level": 2, "id": "about", "name": "About", "children": []},
        {
            "level": 2,
            "id": "claims",
            "name": "Claims (1)",
            "children": [
                {"level": 3, "id": "claim-x", "name": "A &lt;b&gt; --&gt;", "children": []}
            ],
        },
    ]
    md = markdown.Markdown(extensions=["toc", TOC_EXTENSION])
    line = toc_comment(entries)
    assert "-->" not in line[:-5] and line.endswith(" -->\n")
    html = md.convert(line + '<h2 id="about">About</h2>\n\n<p>Text.</p>\n')
    assert "evmap-toc" not in html
    tokens = md.toc_tokens  # type: ignore[attr-defined]
    assert [(t["id"], t["name"], [c["name"] for c in t["children"]]) for t in tokens] == [
        ("about", "About", []),
        ("claims", "Claims (1)", ["A &lt;b&gt; --&gt;"]),
    ]
    md.reset()
    md.convert("## Plain\n")
    assert [t["id"] for t in md.toc_tokens] == ["plain"]  # type: ignore[attr-defined]


def test_zensical_lock_pins_shared_packages_as_the_main_lock() -> None:
    def pins(name: str) -> dict[str, str]:
        lines = (REPO / name).read_text("utf-8").splitlines()
        found = {}
        for line in lines:
            if line and not line.startswith("#"):
                package, version = line.split("==")
                found[package.lower().replace("_", "-")] = version
        return found

    zensical, main_lock = pins("requirements-zensical.lock"), pins("requirements.lock")
    assert zensical["zensical"] == "0.0.73"
    shared = zensical.keys() & main_lock.keys()
    assert {p: zensical[p] for p in shared} == {p: main_lock[p] for p in shared}
    assert not {"mkdocs", "properdocs", "mkdocs-material"} & zensical.keys()


def test_generate_keeps_overlong_sections_from_search() -> None:
    claims = "".join(
        f'<section class="claim" id="claim-{n}"><h3>Claim {n}</h3></section>' for n in range(30)
    )
    body = f'<h1>P</h1>\n<h2 id="about">About</h2>\n<p>Short.</p>\n<h2 id="claims">Claims (30)</h2>\n{claims}\n'
    assert search_words(claims) == 60  # "Claim 0" thirty times: the text, not the tags
    assert unsearched_sections(body, limit=100) == (body, [])
    kept, left_out = unsearched_sections(body, limit=50)
    assert left_out == ["claims"]
    assert kept == body.replace('<h2 id="claims">', '<h2 data-search-exclude id="claims">')
