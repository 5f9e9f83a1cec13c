"""The installed `evmap` command: exit codes and output survive its fast exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project
from evmap.adapters.cli import main

EVMAP = Path(sys.executable).parent / "evmap"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # Buffered output, as on a user's machine, so an exit that skipped flushing shows.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([str(EVMAP), *args], capture_output=True, text=True, timeout=120, env=env)


def test_cli_command_prints_every_problem_through_a_pipe(project: Project) -> None:
    project.write("content/claims/core.yml", project.read("content/claims/core.yml") + "- id: x\n")
    done = _run("check", "-f", str(project.config))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "content/claims/core.yml:30: claim 'x': missing required field 'evidence'; add at "
        "least one evidence item under 'evidence'",
        "content/claims/core.yml:30: claim 'x': missing required field 'pathways'",
        "content/claims/core.yml:30: claim 'x': missing required field 'statement'",
    ]
    assert done.stderr == "evmap: 3 errors, 0 warnings\n"


def test_cli_command_exit_codes(project: Project) -> None:
    ok = _run("check", "-f", str(project.config))
    assert (ok.returncode, ok.stdout) == (0, "")
    assert ok.stderr.startswith("evmap: ok: 2 claims, 2 compounds, 2 pathways, 2 references")
    usage = _run("check", "-f", str(project.root / "missing.yml"))
    assert usage.returncode == 2 and usage.stderr.startswith("evmap: ")


def test_cli_check_says_when_it_replays_its_verdict(project: Project) -> None:
    first = _run("check", "-f", str(project.config))
    again = _run("check", "-f", str(project.config))
    assert (first.returncode, again.returncode) == (0, 0)
    assert "since the last check" not in first.stderr
    assert again.stderr == first.stderr.replace(
        "\n", " (no input changed since the last check)\n", 1
    )
    project.write("content/claims/core.yml", project.read("content/claims/core.yml") + "\n")
    assert _run("check", "-f", str(project.config)).stderr == first.stderr


def test_cli_quiet_and_verbose(project: Project, capsys: pytest.CaptureFixture[str]) -> None:

    assert main(["check", "-f", str(project.config), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "-f", str(project.config), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "-f", str(project.config)]) == 0
    normal = capsys.readouterr().err.splitlines()
    assert normal[0] == f"evmap: site built in {project.root / 'site'}"
    assert normal[1].startswith("evmap: note: Material for MkDocs, this site's theme, receives")
    assert main(["build", "-f", str(project.config), "-v"]) == 0
    verbose = capsys.readouterr().err
    assert "Documentation built in" in verbose  # the builder's own INFO line
    with pytest.raises(SystemExit) as refused:  # not both: argparse's usage error
        main(["build", "-q", "-v"])
    assert refused.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_cli_help_speaks_to_users(capsys: pytest.CaptureFixture[str]) -> None:

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "Build a website from an evidence map" in text
    assert "``" not in text and ":func:" not in text  # no developer docstrings
    assert "exit status: 0 ok; 1 the inputs have problems" in text


def test_cli_new_inside_a_folder_of_the_same_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:

    demo = tmp_path / "demo"
    (demo / ".git").mkdir(parents=True)  # mkdir demo && cd demo && git init
    monkeypatch.chdir(demo)
    assert main(["new", "demo"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "evmap: you are in an empty folder named demo already, so this would make demo/demo; "
        "run 'evmap new .' to make the project here, or give another name, e.g. evmap new "
        "./demo-map"
    ]
    assert [p.name for p in demo.iterdir()] == [".git"]
    assert main(["new", "."]) == 0
    assert (demo / "mkdocs.yml").is_file()
    assert capsys.readouterr().err.splitlines()[-1] == "next: evmap build  (or evmap serve)"
