"""Real MkDocs builds of the tiny project, HTML parsed and asserted."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TEMPLATES, Project, article, soup, write_project
from evmap.adapters import builder
from evmap.adapters.build import BuildFailed, run_mkdocs
from evmap.adapters.cli import main
from evmap.core.pipeline import collector_paused


def test_build_writes_one_page_per_entity_and_indexes(tiny_site: Path) -> None:
    for page in [
        "index.html",
        "pathways/index.html",
        "compounds/index.html",
        "references/index.html",
        "pathways/nmdar-inhibition/index.html",
        "pathways/bdnf-trkb/index.html",
        "compounds/ketamine/index.html",
        "compounds/arketamine/index.html",
        "references/berman2000/index.html",
        "references/wei2021/index.html",
        "about/index.html",
        "assets/evmap.css",
    ]:
        assert (tiny_site / page).is_file(), page


def test_build_claim_appears_on_every_page_it_names(tiny_site: Path) -> None:
    pages = {
        "pathways/nmdar-inhibition": {"claim-nmdar-main-route", "claim-trkb-needed"},
        "pathways/bdnf-trkb": {"claim-trkb-needed"},
        "compounds/ketamine": {"claim-nmdar-main-route"},
        "compounds/arketamine": {"claim-nmdar-main-route", "claim-trkb-needed"},
    }
    for page, claims in pages.items():
        found = {s["id"] for s in article(tiny_site / page / "index.html").select("section.claim")}
        assert found == claims, page


def test_build_evidence_for_and_against_with_model_and_citations(tiny_site: Path) -> None:
    section = article(tiny_site / "pathways/nmdar-inhibition/index.html").select_one(
        "#claim-nmdar-main-route"
    )
    assert section is not None
    rows = [
        {
            "stance": tr.select("td")[0].get_text(strip=True),
            "model": tr.select("td")[2].get_text(strip=True),
            "type": tr.select("td")[3].get_text(strip=True),
            "cites": [a.get_text(strip=True) for a in tr.select("td.r a")],
        }
        for tr in section.select("tbody tr")
    ]
    assert rows == [
        {
            "stance": "▲ Supports",
            "model": "human, MDD trial",
            "type": "clinical",
            "cites": ["Berman et al., 2000"],
        },
        {
            "stance": "▼ Contradicts",
            "model": "rat, fMRI",
            "type": "review",
            "cites": ["Wei et al., 2021"],
        },
    ]
    assert "(Fig. 1)" in section.get_text()


def test_build_citation_links_to_reference_page_with_hover_text(tiny_site: Path) -> None:
    cite = article(tiny_site / "compounds/ketamine/index.html").select_one(
        "table.ev a[href$='/berman2000/']"
    )
    assert cite is not None
    assert cite["href"] == "../../references/berman2000/"
    assert (tiny_site / "compounds/ketamine" / cite["href"] / "index.html").resolve().is_file()
    # The preview: the page loads the site's formatted references, which evmap-tips.js
    # shows on hover, focus or tap (the browser tests do so).
    script = article(tiny_site / "compounds/ketamine/index.html").select_one(
        "script[src='../../assets/evmap-references.js']"
    )
    assert script is not None
    source = (tiny_site / "assets/evmap-references.js").read_text("utf-8")
    references = json.loads(
        source[source.index("window.evmapReferences = ") + 25 : source.rindex(";")]
    )
    assert references["berman2000"].startswith(
        "Robert M. Berman, Angela Cappiello, and Amit Anand. Antidepressant effects"
    )


def test_build_reference_page_lists_citing_claims_and_links(tiny_site: Path) -> None:
    page = article(tiny_site / "references/berman2000/index.html")
    citing = [(a.get_text(strip=True)[:19], a["href"]) for a in page.select("ul.evmap-citing a")]
    # By certainty: the TrkB claim (two studies, moderate) before the contested one (low).
    assert citing == [
        ("TrkB signalling is ", "../../pathways/bdnf-trkb/#claim-trkb-needed"),
        ("NMDA receptor block", "../../pathways/nmdar-inhibition/#claim-nmdar-main-route"),
    ]
    links = {a.get_text(strip=True): a["href"] for a in page.select(".evmap-reference-links a")}
    assert links == {
        "doi:10.1016/S0006-3223(99)00230-9": "https://doi.org/10.1016/S0006-3223(99)00230-9",
        "PubMed 10686270": "https://pubmed.ncbi.nlm.nih.gov/10686270/",
    }


def test_build_compound_page_shows_parent_and_children(tiny_site: Path) -> None:
    arketamine = article(tiny_site / "compounds/arketamine/index.html")
    # Links to pages of the same folder go straight to the sibling.
    assert [a["href"] for a in arketamine.select("dl.evmap-facts a")][:1] == ["../ketamine/"]
    ketamine = article(tiny_site / "compounds/ketamine/index.html")
    assert "../arketamine/" in [a["href"] for a in ketamine.select("dl.evmap-facts a")]
    tree = article(tiny_site / "compounds/index.html").select("ul.evmap-tree li")
    assert [(li["class"][0], li.a.get_text()) for li in tree] == [
        ("evmap-depth-0", "Ketamine"),
        ("evmap-depth-1", "Arketamine"),
    ]


def test_build_hand_written_page_cites_through_mkdocs_bibtex(tiny_site: Path) -> None:
    text = article(tiny_site / "about/index.html").get_text()
    assert "Antidepressant effects of ketamine in depressed patients" in text
    assert "[@berman2000]" not in text


def test_build_entity_pages_stay_out_of_navigation(tiny_site: Path) -> None:
    nav_links = {
        a["href"]
        for a in soup(tiny_site / "references/wei2021/index.html").select("nav.md-nav--primary a")
    }
    assert not any("wei2021" in href or "berman2000" in href for href in nav_links)


def test_build_every_internal_link_resolves(tiny_site: Path) -> None:
    broken = []
    checked = 0
    for page in tiny_site.rglob("*.html"):
        for a in soup(page).select("article a[href]"):
            checked += 1
            href = a["href"].split("#")[0]
            if not href or "://" in href or href.startswith("mailto:"):
                continue
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((str(page.relative_to(tiny_site)), a["href"]))
    assert broken == []
    assert checked > 100, checked  # every page's links were read, not none


def test_build_without_directory_urls_links_html_files(tmp_path: Path) -> None:
    site = write_project(tmp_path / "p", directory_urls=False).build()
    cite = article(site / "compounds/ketamine.html").select_one("table.ev td.r a")
    assert cite is not None and cite["href"] == "../references/berman2000.html"
    assert (site / "compounds" / cite["href"]).resolve().is_file()


def _digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_build_is_byte_identical_across_runs(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    cmd = [sys.executable, "-m", "evmap", "build", "-f", str(project.config)]
    for site in ("a", "b"):
        subprocess.run([*cmd, "-d", str(tmp_path / site)], check=True, env=env, capture_output=True)
    first, second = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert len(first) > 20
    assert first == second


def test_build_failure_keeps_previous_site_and_sources(project: Project) -> None:
    site = project.build()
    before = _digest(site)
    sources = {
        p: p.read_bytes() for p in project.root.rglob("*") if p.is_file() and "site" not in p.parts
    }
    claims = project.read("content/claims/core.yml").replace(
        "citations: [berman2000]", "citations: [berman2001]"
    )
    project.write("content/claims/core.yml", claims)
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert (
        "content/claims/core.yml:10: claim 'nmdar-main-route': evidence item 1: citation key 'berman2001'"
        in str(failure.value)
    )
    assert _digest(site) == before
    sources[project.root / "content/claims/core.yml"] = claims.encode()
    assert {p: p.read_bytes() for p in sources} == sources
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".site")) == []


@pytest.mark.parametrize("command", builder.BUILDERS)
def test_build_plain_builder_fails_with_file_and_line(project: Project, command: str) -> None:
    executable = Path(sys.executable).parent / command
    if not executable.exists():
        pytest.skip(f"{command} is not installed in this environment")
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace(
            "citations: [wei2021]\n", "citations: [nobody]\n", 1
        ),
    )
    result = subprocess.run(
        [str(executable), "build", "-f", str(project.config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key 'nobody'"
        in result.stderr
    )
    assert not (project.root / "site").exists()


def test_build_strict_fails_on_warnings(project: Project) -> None:
    # berman2000 given wei2021's DOI: a duplicate-doi warning.
    project.write(
        "references.bib",
        project.read("references.bib").replace(
            "10.1016/S0006-3223(99)00230-9", "10.1038/s41380-021-01121-1"
        ),
    )
    project.build(strict=False)
    with pytest.raises(
        BuildFailed,
        match=re.escape("references.bib:13: warning: reference 'wei2021' has the same DOI"),
    ):
        project.build(strict=True, site="site2")


def test_build_strict_does_not_fail_on_a_missing_doi_alone(project: Project) -> None:
    project.write(
        "references.bib",
        project.read("references.bib").replace("  doi = {10.1038/s41380-021-01121-1},\n", ""),
    )
    project.build(strict=True)


def test_build_repository_makefile_site_target_exists() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "\nsite:" in makefile and "evmap build --strict" in makefile


def test_build_claim_details_shown_on_its_home_page_only(tiny_site: Path) -> None:
    # trkb-needed's home pathway is bdnf-trkb; it also appears on nmdar-inhibition.
    home = article(tiny_site / "pathways/bdnf-trkb/index.html").select_one("#claim-trkb-needed")
    away = article(tiny_site / "pathways/nmdar-inhibition/index.html").select_one(
        "#claim-trkb-needed"
    )
    assert home is not None and away is not None
    assert home.select("p.facets a") and not away.select("p.facets")
    assert home.select_one("p.cert small") is not None and away.select_one("p.cert small") is None
    assert away.select_one("p.cert").get_text().startswith("Certainty:")
    assert [tr.get_text() for tr in home.select("tbody tr")] == [
        tr.get_text() for tr in away.select("tbody tr")
    ]


def test_build_long_builds_print_progress(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from evmap.adapters import mkdocs_plugin as plugin

    monkeypatch.setattr(plugin, "PROGRESS_EVERY", 3)
    project.build()
    err = capsys.readouterr().err
    assert "writing 12 generated pages" in err
    assert re.search(r"6 of 12 generated pages written in \d+ s, about \d+ s left", err)
    assert "12 of 12" not in err  # the build's own summary follows; no line at the end


def test_build_links_to_generated_anchors_validate(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = write_project(tmp_path / "p")
    project.write(
        "docs/about.md",
        "# About\n\nSee [a claim](pathways/nmdar-inhibition.md#claim-trkb-needed), "
        "[the downloads](matrix/index.md#downloads) and [nowhere](pathways/bdnf-trkb.md#nope).\n",
    )
    with caplog.at_level("INFO", logger=builder.NAME):
        project.build(strict=False)
    missing = [
        r.getMessage() for r in caplog.records if "does not contain an anchor" in r.getMessage()
    ]
    assert len(missing) == 1 and "#nope" in missing[0]


def _own_templates(project: Project) -> Path:
    """A copy of evmap's templates in the project's templates/, which overrides them."""
    templates = project.root / "templates"
    shutil.copytree(TEMPLATES, templates)
    return templates


TEMPLATE_ERRORS = [
    (
        "pathway.html",
        "<h1>x</h1>\n{{ page.no_such_field }}\n",
        "templates/pathway.html:2: template error while rendering pathways/bdnf-trkb.md: "
        "'evmap.site.contexts.PageContext object' has no attribute 'no_such_field'; fix the template",
    ),
    (
        "partials/claim.html",
        "{% if claim.id %}\n{{ claim.nope | upper }}\n{% endif %}\n",
        "templates/partials/claim.html:2: template error while rendering pathways/bdnf-trkb.md: "
        "'evmap.site.contexts.ClaimView object' has no attribute 'nope'; fix the template",
    ),
    (
        "home.html",
        "<h1>Home</h1>\n\n{% for x in %}\n",
        "templates/home.html:3: template error: "  # it does not compile: no page yet
        "Expected an expression, got 'end of statement block'; fix the template",
    ),
]


@pytest.mark.parametrize(
    ("template", "text", "message"), TEMPLATE_ERRORS, ids=[t[0] for t in TEMPLATE_ERRORS]
)
def test_build_template_error_names_template_and_line(
    project: Project, capsys: pytest.CaptureFixture[str], template: str, text: str, message: str
) -> None:
    (_own_templates(project) / template).write_text(text, "utf-8")
    with pytest.raises(BuildFailed):
        project.build()
    assert f"evmap: {message}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("template", "text", "message"), TEMPLATE_ERRORS, ids=[t[0] for t in TEMPLATE_ERRORS]
)
def test_build_template_error_fails_before_mkdocs_empties_the_site(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    template: str,
    text: str,
    message: str,
) -> None:
    # `mkdocs build` (no evmap staging) cleans site_dir after the plugins' pre_build
    # event: the plugin must have failed by then, leaving the last site whole.
    site = project.root / "site"
    run_mkdocs(project.config, site, strict=True)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert len(before) > 10
    (_own_templates(project) / template).write_text(text, "utf-8")
    with pytest.raises(BuildFailed):
        run_mkdocs(project.config, site, strict=True)
    assert f"evmap: {message}" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_build_freezes_the_map_for_the_collector_and_leaves_nothing_frozen(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    freezes: list[int] = []
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1) or freeze())
    project.build()
    assert freezes == [1]
    assert gc.get_freeze_count() == 0  # a long-lived process (tests, an editor) keeps no leak
    (_own_templates(project) / "pathway.html").write_text("{{ page.no_such_field }}", "utf-8")
    with pytest.raises(BuildFailed):
        project.build()  # fails after the map was loaded and frozen
    assert freezes == [1, 1]
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("running", [True, False])
def test_build_collector_paused_while_reading_and_restored(running: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if running else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is running
        with pytest.raises(KeyError), collector_paused():
            raise KeyError("a failure inside")
        assert gc.isenabled() is running
    finally:
        gc.enable() if was else gc.disable()


def test_build_project_templates_override_evmaps_file_by_file(project: Project) -> None:
    # One partial of the lab's own; every other template, style and script is evmap's.
    claim = (TEMPLATES / "partials" / "claim.html").read_text("utf-8")
    project.write(
        "templates/partials/claim.html",
        claim.replace("#}", '#}<span class="lab-made"></span>', 1).encode(),
    )
    project.write("templates/assets/evmap.css", b".lab-made { color: teal; }\n")
    site = project.build()
    page = (site / "pathways/bdnf-trkb/index.html").read_text("utf-8")
    assert 'class="lab-made"' in page  # the claim, through the override
    assert (site / "assets/evmap.css").read_bytes() == b".lab-made { color: teal; }\n"
    assert (site / "assets/evmap-tips.js").read_bytes() == (
        TEMPLATES / "assets" / "evmap-tips.js"
    ).read_bytes()


def test_build_templates_dir_named_but_missing_is_a_configuration_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "  - evmap:\n", "  - evmap:\n      templates_dir: tmpl\n"
        ),
    )
    assert main(["build", "-f", str(project.config)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"evmap: {project.config}: evmap option 'templates_dir': no such folder: tmpl (relative "
        "to mkdocs.yml); create it with the templates to override, or leave the option out to "
        "use evmap's own"
    ]


def test_build_placeholder_addresses_are_warned_and_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """example.org and an 'example-lab' account lead nowhere: a warning each (strict fails),
    and no repository link or facts request on the pages."""
    project = write_project(tmp_path / "p")
    config = project.read("mkdocs.yml").replace(
        "      validation: {placeholder-address: ignore}\n", ""
    )
    config = config.replace(
        "use_directory_urls:", "repo_url: https://github.com/example-lab/map\nuse_directory_urls:"
    )
    project.write("mkdocs.yml", config)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        0,
        [
            "mkdocs.yml:2: warning: site_url 'https://example.org/tiny/' is a placeholder "
            "(example.org is reserved for examples and leads to no lab's site); set the real "
            "address, or remove site_url until there is one",
            "mkdocs.yml:3: warning: repo_url 'https://github.com/example-lab/map' is a "
            "placeholder ('example-lab' is a placeholder, not the lab's account); set the real "
            "address, or remove repo_url until there is one",
        ],
    )
    assert project.check("--strict", capsys=capsys)[0] == 1
    site = project.build(strict=False)
    page = soup(site / "pathways/bdnf-trkb/index.html")
    assert page.select(".md-source") == [] and page.select("a.md-content__button") == []


def test_build_hand_written_page_at_a_generated_path(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    # The plugin refuses what evmap generate refuses (one build sequence), in the same words.
    project.write("docs/index.md", "# Mine\n")
    project.write("docs/assets/evmap.css", "")
    assert main(["build", "-f", str(project.config)]) == 1
    assert (
        "evmap: these pages are generated from the content and must not exist in "
        f"{project.root / 'docs'}: assets/evmap.css, index.md"
    ) in caplog.messages
    assert not (project.root / "site").exists()
