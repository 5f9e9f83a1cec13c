"""``evmap new``: a project that builds at once; and evmap installed from its wheel alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TEMPLATES, article, soup
from evmap.adapters.cli import main
from evmap.adapters.scaffold import SCAFFOLD
from test_workflows import PINNED, evmap_calls, make_parser, run_scripts


def test_new_project_builds_strictly_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["new", str(tmp_path / "lab-map")]) == 0
    root = tmp_path / "lab-map"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".github/workflows/site.yml",
        ".gitignore",
        ".vscode/settings.json",
        "content/claims/example.yml",
        "content/compounds/ketamine.yml",
        "content/pathways/antidepressant-response.yml",
        "docs/about.md",
        "docs/first-claim.md",
        "mkdocs.yml",
        "package.json",
        "references.bib",
        "requirements.txt",
        "schemas/claim.schema.json",
        "schemas/compound.schema.json",
        "schemas/pathway.schema.json",
        "schemas/reference.schema.json",
    ]
    assert 'site_name: "Lab map evidence map"\n' in (root / "mkdocs.yml").read_text("utf-8")
    capsys.readouterr()
    monkeypatch.chdir(root)  # as a user would: cd lab-map && evmap build
    assert main(["check", "--strict"]) == 0
    assert main(["build", "--strict"]) == 0
    site = root / "site"
    for page in (
        "index.html",
        "about/index.html",
        "pathways/antidepressant-response/index.html",
        "compounds/ketamine/index.html",
        "references/berman2000/index.html",
        "references/phillips2019/index.html",
        "matrix/index.html",
        "network/index.html",
    ):
        assert (site / page).is_file(), page
    about = article(site / "about/index.html")
    assert {a["href"] for a in about.select("a.evmap-cite")} == {"../references/berman2000/"}
    pathway = soup(site / "pathways/antidepressant-response/index.html")
    assert "One sub-anaesthetic intravenous dose" in pathway.get_text()


def test_new_requirements_install_the_evmap_that_made_it(tmp_path: Path) -> None:
    """Here evmap is an editable checkout: the requirement names it, and says that only this
    machine has it."""
    assert main(["new", str(tmp_path / "lab")]) == 0
    lines = (tmp_path / "lab" / "requirements.txt").read_text("utf-8").splitlines()
    assert lines[1] == f"evmap @ {REPO.as_uri()}"
    assert "replace this line with where your CI can get that evmap" in lines[0]


def test_new_schemas_let_editors_check_what_evmap_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lab"
    assert main(["new", str(root)]) == 0
    for path in (root / "content").rglob("*.yml"):
        kind = path.parent.name.removesuffix("s")
        assert path.read_text("utf-8").startswith(
            f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"
        ), path
    settings = json.loads((root / ".vscode" / "settings.json").read_text("utf-8"))
    assert all((root / schema).is_file() for schema in settings["yaml.schemas"])
    # A copy out of date is a warning that names the fix; `evmap schemas` is the fix.
    stale = root / "schemas" / "claim.schema.json"
    stale.write_text(stale.read_text("utf-8").replace("in our own words", "in any words"))
    capsys.readouterr()
    assert main(["check", "-f", str(root / "mkdocs.yml")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "schemas/claim.schema.json:0: warning: this copy of evmap's claim schema differs from "
        "the installed evmap's, so editors check the content against another format than "
        "evmap does; run 'evmap schemas' to bring it up to date"
    ]
    assert main(["schemas", "-f", str(root / "mkdocs.yml")]) == 0
    assert main(["check", "--strict", "-f", str(root / "mkdocs.yml")]) == 0
    # A file of the lab's under that name is never overwritten.
    stale.write_text('{"title": "our own"}\n')
    capsys.readouterr()
    assert main(["schemas", "-f", str(root / "mkdocs.yml")]) == 1
    assert "is not a copy of evmap's claim schema" in capsys.readouterr().err
    assert stale.read_text() == '{"title": "our own"}\n'


def test_new_refuses_a_folder_that_holds_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", "utf-8")
    assert main(["new", str(tmp_path / "taken")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"evmap: {tmp_path / 'taken'} already exists and is not an empty folder; "
        "give a new folder's name"
    ]
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("name", ["Lab: map #1", 'The "K" map \\ 2026', "- [x]: {a}"])
def test_new_name_is_one_yaml_value_whatever_it_holds(tmp_path: Path, name: str) -> None:
    root = tmp_path / "lab"
    assert main(["new", str(root), "--name", name]) == 0
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    assert config["site_name"] == name
    assert main(["check", "-f", str(root / "mkdocs.yml"), "--strict"]) == 0


@pytest.mark.parametrize("name", ["Lab\nplugins: [evil]", "tab\there", " ", "x" * 201])
def test_new_name_must_be_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["new", str(tmp_path / "lab"), "--name", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("evmap: --name ") and err.endswith(
        " is not a site name; give one line of at most 200 characters, without control characters\n"
    )
    assert not (tmp_path / "lab").exists()


def test_new_with_templates_copies_them_to_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "custom"
    assert main(["new", str(root), "--templates", "--name", "Custom map"]) == 0
    copied = sorted(p.relative_to(root / "templates") for p in (root / "templates").rglob("*.html"))
    assert copied == sorted(p.relative_to(TEMPLATES) for p in TEMPLATES.rglob("*.html"))
    page = root / "templates" / "home.html"
    page.write_text(page.read_text("utf-8").replace("</h1>", " (our lab)</h1>", 1), "utf-8")
    monkeypatch.chdir(root)
    assert main(["build", "--strict"]) == 0
    assert "(our lab)" in (root / "site" / "index.html").read_text("utf-8")


def test_new_workflow_pins_actions_and_calls_real_commands() -> None:
    workflow = yaml.safe_load((SCAFFOLD / "github" / "workflows" / "site.yml").read_text("utf-8"))
    uses = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses and [u for u in uses if not PINNED.match(u)] == []
    parser = make_parser()
    calls = evmap_calls(run_scripts(workflow))
    assert [c[0] for c in calls] == ["check", "build", "bundle"]
    for args in calls:
        parser.parse_args(args)


@pytest.mark.slow
def test_new_from_the_wheel_alone(tmp_path: Path) -> None:
    """A fresh virtual environment with only the built wheel and its dependencies (from the
    package index, at the versions of requirements.lock) runs evmap new and evmap build."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("evmap-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            str(wheel),
            "-c",
            str(REPO / "requirements.lock"),
        ],
        check=True,
        timeout=900,
    )
    evmap = env_dir / "bin" / "evmap"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EVMAP_BUILDER")}
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run([str(evmap), "new", "demo"], cwd=work, check=True, env=clean, timeout=60)
    demo = work / "demo"
    requirement = (demo / "requirements.txt").read_text("utf-8").splitlines()[1]
    assert requirement == f"evmap @ {wheel.as_uri()}"
    # The scaffold's own CI, step by step, in a fresh repository, as GitHub would run it.
    subprocess.run(["git", "init", "-q"], cwd=demo, check=True, env=clean, timeout=60)
    on_path = {**clean, "PATH": f"{env_dir / 'bin'}{os.pathsep}{clean.get('PATH', '')}"}
    workflow = yaml.safe_load((demo / ".github/workflows/site.yml").read_text("utf-8"))
    steps = run_scripts(workflow)
    assert len(steps) >= 4  # install, check, build, the offline bundle
    for script in steps:
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=demo,
            capture_output=True,
            text=True,
            env=on_path,
            timeout=900,
        )
        assert done.returncode == 0, f"{script}\n{done.stdout}{done.stderr}"
    assert (demo / "site" / "references" / "berman2000" / "index.html").is_file()
    assert list((demo / "dist").glob("*.zip"))
    # The environment holds no source checkout: evmap ran from site-packages.
    located = subprocess.run(
        [str(python), "-c", "import evmap; print(evmap.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=clean,
        cwd=work,
    )
    assert str(env_dir) in located.stdout
    shutil.rmtree(env_dir)
