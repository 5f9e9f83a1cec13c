"""The GitHub workflows and the pre-commit hook call what exists: make targets, evmap commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from evmap.adapters.cli import make_parser

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# A GitHub expression such as ${{ github.base_ref }}: any one word will do for parsing.
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
MAKE = re.compile(r"(?:^|[\s;&|(])make\s+((?:-[-\w]+\s+)*)([\w.-]+)")
EVMAP = re.compile(r"(?:^|[\s;&|(/])evmap\s+([^\n;&|>]+)")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text("utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, re.M)}


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict), path
    return data


def run_scripts(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]


def commands(script: str) -> list[str]:
    """The logical lines of a shell script (continuations joined)."""
    return EXPRESSION.sub("X", script.replace("\\\n", " ")).splitlines()


def make_calls(scripts: list[str]) -> list[str]:
    return [m.group(2) for s in scripts for line in commands(s) for m in MAKE.finditer(line)]


def evmap_calls(scripts: list[str]) -> list[list[str]]:
    return [
        shlex.split(m.group(1))
        for s in scripts
        for line in commands(s)
        for m in EVMAP.finditer(line)
    ]


def test_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["pages.yml", "preview.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_call_make_targets_that_exist(path: Path) -> None:
    calls = make_calls(run_scripts(load(path)))
    assert calls, f"{path.name} calls no make target"
    assert sorted(set(calls) - makefile_targets()) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_call_evmap_commands_that_parse(path: Path) -> None:
    parser = make_parser()
    for args in evmap_calls(run_scripts(load(path))):
        try:
            parser.parse_args(args)
        except SystemExit:  # argparse's way of rejecting arguments
            pytest.fail(f"{path.name}: 'evmap {shlex.join(args)}' is not a valid evmap command")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pin_every_action_to_a_commit(path: Path) -> None:
    uses = [
        step["uses"]
        for job in load(path)["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


def test_workflows_pages_tests_builds_strictly_and_deploys() -> None:
    workflow = load(REPO / ".github/workflows/pages.yml")
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    assert workflow[True]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    scripts = run_scripts({"jobs": {"build": build}})
    assert make_calls(scripts) == ["test", "site"]
    assert any("apt-get install" in s and "chromium" in s for s in scripts)
    assert build["steps"][0]["with"]["fetch-depth"] == 0  # dates need the whole history
    assert [s["uses"].split("@")[0] for s in build["steps"] if "uses" in s] == [
        "actions/checkout",
        "actions/upload-pages-artifact",
    ]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_workflows_preview_validates_builds_diffs_and_comments_once() -> None:
    workflow = load(REPO / ".github/workflows/preview.yml")
    assert "pull_request" in workflow[True]
    scripts = run_scripts(workflow)
    assert ["check", "--strict", "--format", "github"] in evmap_calls(scripts)
    diffs = [args for args in evmap_calls(scripts) if args[0] == "diff"]
    assert ["diff", "origin/$BASE_REF", "HEAD", "--format", "markdown"] in [a[:5] for a in diffs]
    assert {"site", "bundle"} <= set(make_calls(scripts))
    comment = workflow["jobs"]["comment"]
    script = next(
        s["with"]["script"] for s in comment["steps"] if "github-script" in s.get("uses", "")
    )
    marker = "<!-- evmap-preview -->"
    assert marker in script and "updateComment" in script and "createComment" in script
    assert comment["permissions"]["pull-requests"] == "write"


def test_workflows_pre_commit_hook_checks_content_and_library() -> None:
    config = load(REPO / ".pre-commit-config.yaml")
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    hook = next(h for h in hooks if h["id"] == "evmap-check")
    assert make_calls([hook["entry"]]) == ["check"]
    assert "check" in makefile_targets()
    assert "evmap check --strict" in (REPO / "Makefile").read_text("utf-8")
    pattern = re.compile(hook["files"])
    assert [
        p
        for p in ["content/claims/ampar.yml", "content/compounds/x.yaml", "references.bib"]
        if not pattern.search(p)
    ] == []
    assert not pattern.search("docs/overview.md")
    assert hook["pass_filenames"] is False


def test_workflows_parser_reads_make_and_evmap_calls() -> None:
    script = (
        "make install\n"
        '.venv/bin/evmap diff "origin/${{ github.base_ref }}" HEAD --format github\n'
        "SOURCE_DATE_EPOCH=1 make --no-print-directory bundle && echo done\n"
    )
    assert make_calls([script]) == ["install", "bundle"]
    assert evmap_calls([script]) == [["diff", "origin/X", "HEAD", "--format", "github"]]
