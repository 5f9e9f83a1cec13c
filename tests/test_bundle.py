"""The offline teaching bundle: zip layout, reproducible bytes, nothing loaded from the network."""

# ruff: noqa: F811  (pytest fixtures imported from bundling.py are redefined as arguments)

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from bundling import (  # noqa: F401  (fixtures)
    EPOCH,
    iframe_worker,
    shipped_bundle,
    shipped_bundle_dir,
    source_date_epoch,
    tiny_bundle,
    tiny_bundle_dir,
)
from conftest import REPO, Project, write_project
from evmap.adapters.bundle import (
    Bundle,
    BundleFailed,
    build_bundle,
    bundle_version,
    find_iframe_worker,
)
from evmap.adapters.cli import main
from gitrepo import git_env, init_repo  # noqa: F401  (fixture)

# Elements whose URL the browser loads by itself, and the attribute holding it.
LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src"}
LINK_LOADS = {"stylesheet", "preload", "modulepreload", "preconnect", "prefetch", "icon"}
# Remote URLs in Material's JavaScript, each loaded only in a case the bundle never meets.
JS_ALLOWED = {
    "https://unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver",
    "https://unpkg.com/mermaid": "only on pages with Mermaid diagrams (asserted: none)",
}
CDN = re.compile(
    r"""https?://(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|fonts\.googleapis\.com"""
    r"""|fonts\.gstatic\.com|www\.googletagmanager\.com|www\.google-analytics\.com)[^"'`\s)]*"""
)
CSS_REMOTE = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]?)((?:https?:)?//[^'")\s]+)""")


def remote(url: str) -> bool:
    return url.strip().lower().startswith(("http:", "https:", "//"))


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


@pytest.fixture(params=["tiny", "shipped"])
def bundle_dir(request: pytest.FixtureRequest) -> Path:
    """Both bundles, for the checks that every bundle must pass."""
    return Path(request.getfixturevalue(f"{request.param}_bundle_dir"))


def test_bundle_zip_is_named_and_laid_out_for_file_urls(tiny_bundle: Bundle) -> None:
    assert tiny_bundle.path.name == "tiny-map-0.1.0.zip"  # no git here: evmap's version
    with zipfile.ZipFile(tiny_bundle.path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {name.split("/")[0] for name in names} == {"tiny-map-0.1.0"}
    files = {name.removeprefix("tiny-map-0.1.0/") for name in names}
    assert {
        "index.html",
        "about.html",
        "pathways/index.html",
        "pathways/nmdar-inhibition.html",
        "compounds/arketamine.html",
        "references/berman2000.html",
        "search/search_index.js",
        "assets/javascripts/iframe-worker/shim.js",
        "assets/javascripts/iframe-worker/LICENSE",
    } <= files
    assert "pathways/nmdar-inhibition/index.html" not in files  # no directory URLs
    assert {"404.html", "sitemap.xml", "sitemap.xml.gz"}.isdisjoint(files)  # for servers only
    # Never loaded offline: source maps, the JSON index (search_index.js replaces it),
    # search languages of other sites.
    assert [f for f in files if f.endswith(".map")] == []
    assert "search/search_index.json" not in files
    assert [f for f in files if "javascripts/lunr/" in f] == []
    assert "README.txt" in files
    assert {info.date_time for info in infos} == {time.gmtime(EPOCH)[:6]}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    assert tiny_bundle.files == len(infos)
    assert tiny_bundle.size == tiny_bundle.path.stat().st_size


def test_bundle_ships_the_pinned_iframe_worker_shim(
    tiny_bundle_dir: Path,
    iframe_worker: Path,
) -> None:
    lock = json.loads((REPO / "package-lock.json").read_text("utf-8"))
    pinned = lock["packages"]["node_modules/iframe-worker"]
    installed = json.loads((iframe_worker / "package.json").read_text("utf-8"))
    assert installed["version"] == pinned["version"]
    assert pinned["integrity"].startswith("sha512-")
    shipped = tiny_bundle_dir / "assets/javascripts/iframe-worker/shim.js"
    assert shipped.read_bytes() == (iframe_worker / "shim/index.js").read_bytes()
    scripts = [s.get("src") for s in parse(tiny_bundle_dir / "index.html").select("script[src]")]
    assert "assets/javascripts/iframe-worker/shim.js" in scripts
    deep = parse(tiny_bundle_dir / "pathways/nmdar-inhibition.html").select("script[src]")
    assert "../assets/javascripts/iframe-worker/shim.js" in [s.get("src") for s in deep]


def test_bundle_is_byte_identical_across_builds(tmp_path: Path, iframe_worker: Path) -> None:
    project = write_project(tmp_path / "tiny")
    digests = []
    for run in ("one", "two"):
        with source_date_epoch():
            bundle = build_bundle(project.config, tmp_path / run, iframe_worker=iframe_worker)
        digests.append(hashlib.sha256(bundle.path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_bundle_html_and_css_load_nothing_from_the_network(bundle_dir: Path) -> None:
    loads = []
    assert len(html_pages(bundle_dir)) > 5
    for page in html_pages(bundle_dir):
        doc = parse(page)
        for tag, attr in LOADS.items():
            loads += [
                (page.name, el[attr]) for el in doc.select(f"{tag}[{attr}]") if remote(el[attr])
            ]
        for link in doc.select("link[href]"):
            if LINK_LOADS & set(link.get("rel") or []) and remote(link["href"]):
                loads.append((page.name, link["href"]))
        for el in doc.select("object[data]"):
            loads += [(page.name, el["data"])] if remote(el["data"]) else []
        for style in [*doc.select("style"), *doc.select("[style]")]:
            text = style.get_text() if style.name == "style" else str(style.get("style"))
            loads += [(page.name, m.group(1)) for m in CSS_REMOTE.finditer(text)]
        assert "mermaid" not in (doc.get("class") or []) and not doc.select(".mermaid")
        assert "unpkg.com/iframe-worker" not in page.read_text("utf-8")
    for css in sorted(bundle_dir.rglob("*.css")):
        loads += [(css.name, m.group(1)) for m in CSS_REMOTE.finditer(css.read_text("utf-8"))]
    assert loads == []


def test_bundle_javascript_loads_nothing_from_a_cdn(bundle_dir: Path) -> None:
    found = {
        url: js.relative_to(bundle_dir).as_posix()
        for js in sorted(bundle_dir.rglob("*.js"))
        for url in CDN.findall(js.read_text("utf-8"))
    }
    assert sorted(url for url in found if not url.startswith(tuple(JS_ALLOWED))) == []


def test_bundle_every_local_link_and_download_resolves(bundle_dir: Path) -> None:
    broken = []
    for page in html_pages(bundle_dir):
        doc = parse(page)
        refs = [a["href"] for a in doc.select("a[href]")]
        refs += [el["src"] for el in doc.select("script[src], img[src]")]
        refs += [el["href"] for el in doc.select("link[href]") if "canonical" not in el["rel"]]
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(bundle_dir)} -> {ref}")
    assert broken == []


def test_bundle_has_no_edit_links_nor_repository_widget(shipped_bundle_dir: Path) -> None:
    doc = parse(shipped_bundle_dir / "pathways/ampar-activation.html")
    assert doc.select("a[rel=edit]") == []
    assert doc.select("[data-md-component=source]") == []
    assert doc.select_one("aside.md-source-file") is not None  # last-changed dates stay


def test_bundle_leaves_the_project_untouched(tmp_path: Path, iframe_worker: Path) -> None:
    project = write_project(tmp_path / "tiny")

    def snapshot() -> dict[str, bytes]:
        return {
            p.relative_to(project.root).as_posix(): p.read_bytes()
            for p in sorted(project.root.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    build_bundle(project.config, tmp_path / "dist", iframe_worker=iframe_worker)
    assert snapshot() == before


def test_bundle_cli_writes_the_zip_and_says_where(
    project: Project,
    iframe_worker: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = project.root / "dist"
    args = ["-o", str(out), "--iframe-worker", str(iframe_worker), "--label", "2024.1"]
    code = main(["bundle", "-f", str(project.config), "--strict", *args])
    stdout, _ = capsys.readouterr()
    target = out / "tiny-map-2024.1.zip"
    assert code == 0
    assert re.fullmatch(
        rf"evmap: bundle written to {re.escape(str(target))} \(\d+ files, \d+ bytes\)\n", stdout
    )
    assert target.is_file()


def test_bundle_content_errors_exit_1_and_write_nothing(
    project: Project,
    iframe_worker: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace(
            "citations: [wei2021]\n", "citations: [nobody]\n", 1
        ),
    )
    out = project.root / "dist"
    code = main(
        ["bundle", "-f", str(project.config), "-o", str(out), "--iframe-worker", str(iframe_worker)]
    )
    stdout, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == ["evmap: 1 error, 0 warnings"]  # problems on stdout, as check
    assert (
        "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key 'nobody'"
        in stdout
    )
    assert not out.exists()


def test_bundle_refuses_a_stylesheet_from_the_network(
    project: Project,
    iframe_worker: Path,
) -> None:
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml") + "extra_css: [https://cdn.example.org/theme.css]\n",
    )
    with pytest.raises(BundleFailed) as failure:
        build_bundle(project.config, project.root / "dist", iframe_worker=iframe_worker)
    lines = str(failure.value).splitlines()
    assert lines[0] == "the bundle would load these from the network:"
    assert "index.html: <link> https://cdn.example.org/theme.css" in lines
    assert not (project.root / "dist").exists()


def test_bundle_without_npm_ci_says_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    with pytest.raises(BundleFailed) as failure:
        find_iframe_worker([tmp_path / "project", tmp_path])
    assert str(failure.value) == (
        "the iframe-worker shim (for offline search) is not installed; "
        f"run 'npm ci' (or 'npm install', without a package-lock.json) in {tmp_path}, "
        "where package.json pins it, or pass --iframe-worker DIR"
    )


@pytest.mark.usefixtures("git_env")
def test_bundle_name_option_and_git_version(project: Project, iframe_worker: Path) -> None:
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "  - evmap:\n", "  - evmap:\n      bundle_name: Ketamine course\n"
        ),
    )
    repo = init_repo(project.root)
    commit = repo.commit("course")
    date = repo.git("log", "-1", "--format=%cs").strip()
    assert bundle_version(project.root) == f"{date}-{commit[:7]}"  # a date and a short hash
    repo.git("tag", "v1.0")
    assert bundle_version(project.root) == "v1.0"  # a release tag when there is one
    project.write("docs/about.md", "# About\n\nEdited.\n")
    assert bundle_version(project.root) == "v1.0-dirty"
    bundle = build_bundle(project.config, project.root / "dist", iframe_worker=iframe_worker)
    assert bundle.path.name == "ketamine-course-v1.0-dirty.zip"


def test_bundle_says_what_it_is(tiny_bundle: Bundle, tiny_bundle_dir: Path) -> None:
    readme = (tiny_bundle_dir / "README.txt").read_text("utf-8")
    assert readme.startswith("Tiny map\n========\n\nVersion 0.1.0, content of 2023-11-14.")
    assert "open index.html in a web" in readme
    assert "https://example.org/tiny/" in readme  # where the hosted site lives
    for page in ("index.html", "pathways/nmdar-inhibition.html", "matrix/index.html"):
        footer = parse(tiny_bundle_dir / page).select_one(".md-copyright")
        assert footer is not None, page
        assert " ".join(footer.get_text().split()).startswith(
            "Version 0.1.0 \u00b7 content of 2023-11-14 \u00b7 offline copy"
        ), page


def test_bundle_makefile_target_installs_npm_files_first() -> None:
    makefile = (REPO / "Makefile").read_text("utf-8")
    target = re.search(r"^bundle:([^\n]*)\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert target is not None
    assert "$(NODE_STAMP)" in target.group(1)
    assert "evmap bundle --strict" in target.group(2)
    assert re.search(r"^\$\(NODE_STAMP\): package.json package-lock.json\n\tnpm ci", makefile, re.M)
    assert "node_modules/" in (REPO / ".gitignore").read_text("utf-8").splitlines()


def test_bundle_while_another_bundle_writes_the_same_zip_fails_clearly(
    project: Project, iframe_worker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The lock build and generate take beside their output, taken by the bundle too.
    out = project.root / "dist"
    out.mkdir()
    lock_path = out / ".tiny-map-2024.1.zip.lock"
    args = ["-o", str(out), "--iframe-worker", str(iframe_worker), "--label", "2024.1"]
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code = main(["bundle", "-f", str(project.config), *args])
        stdout, err = capsys.readouterr()
    assert (code, stdout) == (1, "")
    assert err.splitlines() == [
        f"evmap: another evmap bundle is writing {out / 'tiny-map-2024.1.zip'} (it holds "
        f"{lock_path}); wait for it to finish, or write the bundle into another folder with -o"
    ]
    assert sorted(p.name for p in out.iterdir()) == [lock_path.name]
