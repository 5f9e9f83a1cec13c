"""The installed `evmap` command: exit codes and output survive its fast exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import Project

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
