"""The GitHub workflows and the pre-commit hook call what exists: make targets, evmap commands."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from evmap.adapters.cli import main as main_cli
from evmap.adapters.cli import make_parser
from ghexpr import evaluate

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
    assert [p.name for p in WORKFLOWS] == [
        "pages.yml",
        "preview-comment.yml",
        "preview.yml",
        "release.yml",
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_call_make_targets_that_exist(path: Path) -> None:
    calls = make_calls(run_scripts(load(path)))
    # The comment workflow runs nothing of the project (tested below).
    assert calls or path.name == "preview-comment.yml", f"{path.name} calls no make target"
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


@pytest.mark.parametrize(
    "path",
    [*WORKFLOWS, REPO / "build_tools/evmap/scaffold/github/workflows/site.yml"],
    ids=lambda p: p.name,
)
def test_workflows_checkouts_keep_no_credentials(path: Path) -> None:
    """No job pushes: a checkout must not leave the job's token in .git/config, where any
    later step (a build of a pull request's code) could read it."""
    checkouts = [
        step
        for job in load(path)["jobs"].values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert [s for s in checkouts if s.get("with", {}).get("persist-credentials") is not False] == []


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


STATUS = re.compile(r"\b(?:success|failure|always|cancelled)\s*\(")


def _condition(text: str | None, context: dict[str, Any], needs: dict[str, str]) -> bool:
    """Whether a job or step with ``if: text`` runs, as GitHub decides it.

    Without a status function the condition is ``success() && (text)``; ``needs`` holds
    the results of the jobs it waits for.
    """
    ok = all(r == "success" for r in needs.values())
    functions = {
        "success": lambda: ok,
        "failure": lambda: any(r == "failure" for r in needs.values()),
        "always": lambda: True,
        "cancelled": lambda: False,
    }
    if text is None:
        return ok
    scope = {**context, "needs": {k: {"result": r} for k, r in needs.items()}}
    value = evaluate(str(text), scope, functions)
    return bool(value) if STATUS.search(str(text)) else ok and bool(value)


def simulate(
    workflow: dict[Any, Any], context: dict[str, Any], failing: frozenset[str] = frozenset()
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The result of each job (``failing`` jobs fail if they run) and the steps each runs."""
    results: dict[str, str] = {}
    steps: dict[str, list[str]] = {}
    jobs = dict(workflow["jobs"])
    while jobs:
        for name, job in list(jobs.items()):
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else list(needs)
            if any(n not in results for n in needs):
                continue
            del jobs[name]
            if not _condition(job.get("if"), context, {n: results[n] for n in needs}):
                results[name] = "skipped"
                continue
            results[name] = "failure" if name in failing else "success"
            steps[name] = [
                step.get("uses", "run").split("@")[0]
                for step in job.get("steps", [])
                if _condition(step.get("if"), context, {})
            ]
    return results, steps


def pull_request(repository: str, head: str, previews: bool) -> dict[str, Any]:
    """The expression context of a pull_request run."""
    return {
        "github": {
            "event_name": "pull_request",
            "repository": repository,
            "base_ref": "main",
            "event": {"pull_request": {"number": 7, "head": {"repo": {"full_name": head}}}},
        },
        "vars": {"EVMAP_PAGES_PREVIEW": "true"} if previews else {},
    }


SAME = pull_request("lab/map", "lab/map", previews=True)
FORK = pull_request("lab/map", "student/map", previews=True)
NO_PREVIEWS = pull_request("lab/map", "lab/map", previews=False)


def test_workflows_expression_evaluator_reads_what_conditions_use() -> None:
    context = {"github": {"repository": "Lab/Map", "event": {"n": None}}, "vars": {}}
    assert evaluate("${{ github.repository == 'lab/map' }}", context) is True  # case
    assert evaluate("vars.X == 'true' && github.repository", context) is False
    assert evaluate("vars.X || 'fallback'", context) == "fallback"
    assert evaluate("!(github.event.n != null)", context) is True
    assert evaluate("github['repository'] != 'it''s'", context) is True


def test_workflows_preview_validates_builds_and_diffs() -> None:
    workflow = load(REPO / ".github/workflows/preview.yml")
    assert "pull_request" in workflow[True]
    assert "pull_request_target" not in workflow[True]  # never the base token on PR code
    scripts = run_scripts(workflow)
    assert ["check", "--strict", "--format", "github"] in evmap_calls(scripts)
    diffs = [args for args in evmap_calls(scripts) if args[0] == "diff"]
    assert ["diff", "origin/$BASE_REF", "HEAD", "--format", "markdown"] in [a[:5] for a in diffs]
    assert {"site", "bundle"} <= set(make_calls(scripts))


def test_workflows_preview_deploys_only_same_repository_pull_requests() -> None:
    workflow = load(REPO / ".github/workflows/preview.yml")
    pages = "actions/upload-pages-artifact"
    results, steps = simulate(workflow, SAME)
    assert results == {"build": "success", "deploy": "success", "report": "success"}
    assert pages in steps["build"]
    for context in (FORK, NO_PREVIEWS):
        results, steps = simulate(workflow, context)
        # Forks keep the artifacts and the comment's text; nothing tries to deploy.
        assert results == {"build": "success", "deploy": "skipped", "report": "success"}
        assert pages not in steps["build"]
        assert steps["build"].count("actions/upload-artifact") == 2  # site and bundle
        assert "actions/upload-artifact" in steps["report"]
    # A failed deploy still leaves the comment's text; so does a failed build (below).
    assert simulate(workflow, SAME, frozenset({"deploy"}))[0]["report"] == "success"


@pytest.mark.parametrize("context", [SAME, FORK], ids=["same-repository", "fork"])
def test_workflows_preview_failed_check_still_writes_the_comment(context: dict[str, Any]) -> None:
    """A curator whose edit breaks the build gets a comment with the problems: the report
    job runs after a failed build, writes the check's problems and the diff whatever their
    exit codes, and uploads them; for forks as for branches of the repository."""
    workflow = load(REPO / ".github/workflows/preview.yml")
    results, steps = simulate(workflow, context, frozenset({"build"}))
    assert results == {"build": "failure", "deploy": "skipped", "report": "success"}
    assert steps["report"] == [
        "run",
        "actions/checkout",
        "actions/setup-python",
        "run",
        "run",
        "run",
        "actions/upload-artifact",
    ]
    report = workflow["jobs"]["report"]
    scripts = run_scripts({"jobs": {"report": report}})
    assert ["check", "--strict", "--format", "markdown"] in evmap_calls(scripts)
    assert all(s.rstrip().endswith("|| true") for s in scripts if ".venv/bin/evmap" in s)
    assert "comment/number" in scripts[0]  # before anything that can fail
    # A run cancelled by a newer push writes nothing: the newer run will.
    assert report["if"] == "${{ !cancelled() }}"


def test_workflows_preview_holds_no_write_token_but_the_deploy() -> None:
    workflow = load(REPO / ".github/workflows/preview.yml")
    assert workflow["permissions"] == {"contents": "read"}
    text = (REPO / ".github/workflows/preview.yml").read_text("utf-8")
    assert "secrets." not in text
    for name, job in workflow["jobs"].items():
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert writes == ({"pages", "id-token"} if name == "deploy" else set()), name
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["with"]["preview"] is True


def _artifact(job: dict[str, Any], action: str) -> dict[str, Any]:
    return next(s["with"] for s in job["steps"] if s.get("uses", "").startswith(action + "@"))


def test_workflows_preview_comment_posts_for_forks_without_running_their_code() -> None:
    preview = load(REPO / ".github/workflows/preview.yml")
    workflow = load(REPO / ".github/workflows/preview-comment.yml")
    trigger = workflow[True]["workflow_run"]
    assert trigger["workflows"] == [preview["name"]] and trigger["types"] == ["completed"]
    job = workflow["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    # It never checks out, installs or runs anything: the pull request's code stays out.
    assert run_scripts(workflow) == []
    assert not any("checkout" in s.get("uses", "") for s in job["steps"])
    uploaded = _artifact(preview["jobs"]["report"], "actions/upload-artifact")
    downloaded = _artifact(job, "actions/download-artifact")
    assert downloaded["name"] == uploaded["name"]
    assert downloaded["run-id"] == "${{ github.event.workflow_run.id }}"

    def run(conclusion: str, event: str = "pull_request") -> str:
        context = {
            "github": {"event": {"workflow_run": {"event": event, "conclusion": conclusion}}}
        }
        return simulate(workflow, context)[0]["comment"]

    assert run("success") == "success"
    assert run("failure") == "success"  # the problems are posted too
    assert run("cancelled") == "skipped"
    assert run("success", event="push") == "skipped"
    # A run that failed before uploading its text still gets a comment.
    download = next(s for s in job["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["continue-on-error"] is True


COMMENT_HARNESS = r"""
const fs = require("fs");
const calls = [];
const state = JSON.parse(fs.readFileSync("state.json", "utf8"));
const github = {
  paginate: async (fn, args) => {
    if (fn === "listPulls") { calls.push(["pulls"]); return state.open; }
    calls.push(["list", args.issue_number]);
    return state.comments;
  },
  rest: {
    actions: { listWorkflowRunArtifacts: async ({ run_id }) => {
      calls.push(["artifacts", run_id]);
      return { data: { artifacts: state.artifacts.map((name) => ({ name })) } };
    } },
    pulls: { list: "listPulls", get: async ({ pull_number }) => {
      calls.push(["get", pull_number]);
      return { data: { head: { sha: state.heads[pull_number] } } };
    } },
    issues: {
      listComments: "listComments",
      updateComment: async (a) => calls.push(["update", a.comment_id, a.body]),
      createComment: async (a) => calls.push(["create", a.issue_number, a.body]),
    },
  },
};
const context = { repo: { owner: "lab", repo: "map" }, payload: { workflow_run: state.run } };
const core = { setFailed: (m) => calls.push(["failed", m]) };
const script = fs.readFileSync("script.js", "utf8");
(new Function("require", "github", "context", "core", `return (async () => {${script}})();`))(
  require, github, context, core,
).then(() => console.log(JSON.stringify(calls)));
"""


CHECK_OK = "**evmap check: no problems.**\n"
PASSED = {"number": "7", "diff.md": "**1 claim changed**\n", "check.md": CHECK_OK}
ARTIFACTS = ["preview-site", "tiny-map-2024-03-01-abc1234.zip", "preview-comment"]


def _comment_script(
    tmp_path: Path,
    number: str | None,
    comments: list[dict[str, Any]],
    files: dict[str, str] | None = None,
    conclusion: str = "success",
    artifacts: list[str] | None = None,
    open_pulls: list[dict[str, Any]] | None = None,
) -> list[Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: install Node.js (.ci/run installs Debian's nodejs)")
    workflow = load(REPO / ".github/workflows/preview-comment.yml")
    job = workflow["jobs"]["comment"]
    script = next(s["with"]["script"] for s in job["steps"] if "github-script" in s["uses"])
    (tmp_path / "comment").mkdir(parents=True)
    files = dict(PASSED if files is None else files)
    if number is not None:
        files["number"] = number
    else:
        files.pop("number", None)
    for name, text in files.items():
        (tmp_path / "comment" / name).write_text(text, "utf-8")
    (tmp_path / "script.js").write_text(script, "utf-8")
    (tmp_path / "harness.js").write_text(COMMENT_HARNESS, "utf-8")
    state = {
        "comments": comments,
        "heads": {"7": "abc", "8": "other"},
        "open": open_pulls or [],
        "artifacts": ARTIFACTS if artifacts is None else artifacts,
        "run": {
            "id": 1,
            "head_sha": "abc",
            "html_url": "https://github.com/lab/map/actions/runs/1",
            "conclusion": conclusion,
        },
    }
    (tmp_path / "state.json").write_text(json.dumps(state), "utf-8")
    done = subprocess.run(
        [node, "harness.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: list[Any] = json.loads(done.stdout)
    return result


CHECK_FAILED = (
    "**evmap check failed: 1 error, 0 warnings.**\n\n```text\n"
    "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key "
    "'wei2012' is not in the BibTeX library; did you mean 'wei2021'?\n```\n"
)
OPEN_PREVIEW = [
    "#### Open the preview",
    "",
    "- **Offline bundle `tiny-map-2024-03-01-abc1234.zip`** (opens from disk): download it from "
    "the [run's artifacts](https://github.com/lab/map/actions/runs/1#artifacts), unzip it and "
    "open `index.html` in a browser. Search, citations, the views and the downloads work "
    "without a network.",
    "- Site folder `preview-site` (needs a web server): download it from the [run's artifacts]"
    "(https://github.com/lab/map/actions/runs/1#artifacts), unzip it, run "
    "`python3 -m http.server` in the folder and open http://localhost:8000/ (opened from disk, "
    "its pages do not work).",
]


def test_workflows_preview_comment_script_keeps_one_comment(tmp_path: Path) -> None:
    calls = _comment_script(tmp_path, "7\n", [])
    assert [c[:2] for c in calls] == [["get", 7], ["artifacts", 1], ["list", 7], ["create", 7]]
    assert calls[-1][2].splitlines() == [
        "<!-- evmap-preview -->",
        "**1 claim changed**",
        "",
        *OPEN_PREVIEW,
    ]
    ours = {"id": 5, "user": {"type": "Bot"}, "body": "<!-- evmap-preview -->\nold"}
    someone = {"id": 4, "user": {"type": "User"}, "body": "<!-- evmap-preview --> quoted"}
    calls = _comment_script(tmp_path / "again", "7", [someone, ours])
    assert [c[:2] for c in calls] == [["get", 7], ["artifacts", 1], ["list", 7], ["update", 5]]


def test_workflows_preview_comment_links_the_hosted_preview(tmp_path: Path) -> None:
    files = {**PASSED, "preview": "https://lab.github.io/map/pr-7/\n"}
    body = _comment_script(tmp_path, "7", [], files)[-1][2]
    assert "- Hosted preview: https://lab.github.io/map/pr-7/" in body.splitlines()
    # An address that is not a plain https URL is not linked.
    files["preview"] = "javascript:alert(1)"
    body = _comment_script(tmp_path / "bad", "7", [], files)[-1][2]
    assert "Hosted preview" not in body


def test_workflows_preview_comment_on_failed_checks_shows_the_problems_first(
    tmp_path: Path,
) -> None:
    """The build stopped at the check: no artifacts but the comment's text; the comment
    says the checks failed and lists the problems before anything else."""
    files = {"diff.md": "", "check.md": CHECK_FAILED}
    calls = _comment_script(
        tmp_path, "7", [], files, conclusion="failure", artifacts=["preview-comment"]
    )
    assert calls[-1][2].splitlines() == [
        "<!-- evmap-preview -->",
        "**The checks of [this run](https://github.com/lab/map/actions/runs/1) failed.** "
        "Fix these first (`path:line: problem`):",
        "",
        *CHECK_FAILED.strip().splitlines(),
        "",
        "#### Open the preview",
        "",
        "- No preview was built: the build stopped before it "
        "([this run](https://github.com/lab/map/actions/runs/1)).",
    ]


def test_workflows_preview_comment_without_artifact_finds_the_pull_request(
    tmp_path: Path,
) -> None:
    """The run failed before its report was uploaded: the pull request is the one open pull
    request whose head is the run's commit; the comment says the checks failed."""
    pulls = [{"number": 9, "head": {"sha": "zzz"}}, {"number": 7, "head": {"sha": "abc"}}]
    calls = _comment_script(
        tmp_path, None, [], {}, conclusion="failure", artifacts=[], open_pulls=pulls
    )
    assert [c[:2] for c in calls] == [
        ["pulls"],
        ["get", 7],
        ["artifacts", 1],
        ["list", 7],
        ["create", 7],
    ]
    assert calls[-1][2].splitlines()[1] == (
        "**The checks of [this run](https://github.com/lab/map/actions/runs/1) failed.** "
        "Its log says why."
    )


def test_workflows_preview_comment_breaks_mentions_in_the_artifact(tmp_path: Path) -> None:
    """The artifact's text comes from the pull request's own run: a fork could write
    anything there; no @mention in it notifies anyone."""
    files = {**PASSED, "diff.md": "Ping @octocat and @lab/curators"}
    body = _comment_script(tmp_path, "7", [], files)[-1][2]
    assert "@octocat" not in body and "@\u200boctocat and @\u200blab/curators" in body


@pytest.mark.parametrize(
    ("number", "why"),
    [("8", "is not the one the preview built"), ("7; rm -rf /", "names no pull request")],
)
def test_workflows_preview_comment_script_refuses_another_pull_request(
    tmp_path: Path, number: str, why: str
) -> None:
    calls = _comment_script(tmp_path, number, [])
    assert calls[-1][0] == "failed" and why in calls[-1][1]
    assert not any(c[0] in ("create", "update") for c in calls)


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


def test_workflows_release_on_a_tag_publishes_bundle_notes_and_citation() -> None:
    """A tag vYYYY.MM makes a release: the bundle named by the tag, the release notes since
    the last release and CITATION.cff, published with the job's token (nothing else writes)."""
    workflow = load(REPO / ".github/workflows/release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["release"]
    assert job["permissions"] == {"contents": "write"}
    assert job["steps"][0]["with"]["fetch-depth"] == 0  # the last tag, every claim's history
    scripts = run_scripts(workflow)
    assert make_calls(scripts) == ["install", "check", "bundle"]
    assert evmap_calls(scripts) == [
        ["release-notes", "$TAG"],
        ["citation", "--version", "$TAG", "-o", "dist/CITATION.cff"],
    ]
    publish = scripts[-1].replace("\\\n", " ")
    assert publish.split()[:4] == ["gh", "release", "create", '"$TAG"']
    assert "dist/*.zip dist/CITATION.cff" in publish and "--verify-tag" in publish
    # The tag reaches the scripts through the environment, never pasted into them.
    assert all("${{" not in script for script in scripts)


def test_workflows_check_markdown_is_what_the_comment_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evmap check --format markdown` (the report job's) gives the verdict and the problems
    as `path:line: message` in a code block, fenced longer than any backtick in them."""
    from conftest import write_project

    project = write_project(tmp_path / "tiny")
    core = project.read("content/claims/core.yml").replace(
        "citations: [wei2021]\n", "citations: [wei```2012]\n"
    )
    project.write("content/claims/core.yml", core)
    args = ["check", "-f", str(project.config), "--strict", "--format", "markdown"]
    assert main_cli(args) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "**evmap check failed: 1 error, 0 warnings.**",
        "",
        "````text",
        "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key "
        "'wei```2012' is not in the BibTeX library; did you mean 'wei2021'?",
        "````",
    ]
    assert err == "evmap: 1 error, 0 warnings\n"
    fixed = write_project(tmp_path / "fixed")
    assert main_cli(["check", "-f", str(fixed.config), "--format", "markdown"]) == 0
    assert capsys.readouterr().out == "**evmap check: no problems.**\n"
