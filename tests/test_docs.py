"""The documentation cannot drift from the program.

- Every ``console`` block of the docs runs: each ``$ evmap ...`` line in a project the
  comment above the block names, its output compared with the lines below it.
- Every other ``evmap`` command in the docs and the README (code blocks and inline code)
  is one the command line accepts; every ``make`` target exists.
- A message in the docs (``path:line: ...``, ``evmap: 2 errors, ...``) appears only in a
  block that runs, or in the error catalogue, which is made by running ``evmap check``.
- The reference pages and the tutorial the scaffold ships are what
  ``build_tools/make_docs.py`` writes from the code's tables.
- The tutorial's example passes ``evmap check --strict`` and builds.
- Links between pages lead to a page and a heading that exist.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from conftest import REPO
from evmap.adapters.cli import main, make_parser
from evmap.adapters.scaffold import new_project
from evmap.core.config import OPTION_NAMES, OPTIONS, load_settings
from evmap.core.problems import MEANINGS, Check
from evmap.core.schema import load_schema

DOCS = REPO / "docs"
README = REPO / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
# The map's science content, written by its curators: not evmap's documentation.
SCIENCE = {DOCS / "overview.md", DOCS / "certainty.md"}
TUTORIAL = DOCS / "guide" / "first-claim.md"
REGENERATE = ".venv/bin/python build_tools/make_docs.py"


def load_make_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", REPO / "build_tools/make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_docs"] = module
    spec.loader.exec_module(module)
    return module


# -- reading the pages ----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page, and the HTML comment just above it (if any)."""

    path: Path
    line: int
    lang: str
    text: str
    directive: str
    generated: bool

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


FENCE = re.compile(r"^(```|~~~)\s*([\w-]*)")
COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->$")


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of ``path``, in order."""
    found: list[Block] = []
    lines = path.read_text("utf-8").splitlines()
    directive, generated, i = "", False, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<!-- begin generated:"):
            generated = True
        elif line.startswith("<!-- end generated:"):
            generated = False
        comment = COMMENT.match(line)
        if comment:
            directive = comment.group(1)
        fence = FENCE.match(line)
        if fence:
            end = i + 1
            while not lines[end].startswith(fence.group(1)):
                end += 1
            text = "\n".join(lines[i + 1 : end])
            found.append(Block(path, i + 1, fence.group(2), text, directive, generated))
            directive, i = "", end + 1
            continue
        if line.strip() and not comment:
            directive = ""
        i += 1
    return found


def doc_pages() -> list[Path]:
    return [p for p in PAGES if p not in SCIENCE] + [README]


def all_blocks() -> list[Block]:
    return [b for page in doc_pages() for b in blocks(page)]


def prose(path: Path) -> str:
    """A page's text outside its code blocks."""
    return re.sub(r"^(```|~~~).*?^\1", "", path.read_text("utf-8"), flags=re.S | re.M)


# -- the projects console blocks run in ------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Curator",
    "GIT_AUTHOR_EMAIL": "curator@lab.invalid",
    "GIT_COMMITTER_NAME": "Curator",
    "GIT_COMMITTER_EMAIL": "curator@lab.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    # evmap diff says when a claim was added (from its commit): a fixed date, so that the
    # documented output holds on any day.
    "GIT_AUTHOR_DATE": "2026-11-02T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-11-02T10:00:00+00:00",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def tutorial_steps() -> list[tuple[str, str, str]]:
    """The tutorial's file blocks: (what to do, file, text)."""
    steps = []
    for block in blocks(TUTORIAL):
        add = re.fullmatch(r"tutorial: add to (\S+)", block.directive)
        other = re.fullmatch(
            r"tutorial: second-hand form of the first item of (\S+)", block.directive
        )
        if add:
            steps.append(("add", add.group(1), block.text + "\n"))
        elif other:
            steps.append(("second-hand", other.group(1), block.text + "\n"))
        else:
            assert not block.directive.startswith("tutorial"), f"{block.where}: {block.directive}"
    return steps


def write_tutorial(root: Path, second_hand: bool = False) -> None:
    """Do what the tutorial says, in a project ``evmap new`` made."""
    for action, rel, text in tutorial_steps():
        path = root / rel
        if action == "add":
            path.parent.mkdir(parents=True, exist_ok=True)
            before = path.read_text("utf-8") + "\n" if path.exists() else ""
            path.write_text(before + text, "utf-8")
        elif second_hand:
            old = path.read_text("utf-8")
            assert old.count("    - stance:") == 1, "the tutorial's claim has one item"
            path.write_text(old[: old.index("    - stance:")] + text, "utf-8")


def make_project(kind: str, tmp: Path) -> Path:
    """The project a console block runs in; returns the folder its commands start in."""
    if kind == "empty":
        tmp.mkdir(parents=True, exist_ok=True)
        return tmp
    root = tmp / "lab-map"
    new_project(root, "Lab map")
    if kind == "new":
        return root
    if kind == "tutorial, on a branch":
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "A new map")
        git(root, "switch", "-qc", "claim/treatment-resistant")
        write_tutorial(root)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "Claim: one infusion in treatment-resistant depression")
        return root
    if kind in ("tutorial", "tutorial, second-hand"):
        write_tutorial(root, second_hand=kind.endswith("second-hand"))
        return root
    raise AssertionError(f"no project '{kind}' to run in")


STRING = r'("(?:[^"\\]|\\.)*")'
EDIT = re.compile(rf"in (\S+) replace {STRING} with {STRING}")
WRITE = re.compile(rf"write (\S+) {STRING}")
REMOVE = re.compile(r"remove (\S+)")


def apply_edits(root: Path, edits: list[str]) -> None:
    """Edits written above a console block: ``in FILE replace "OLD" with "NEW"``,
    ``write FILE "TEXT"`` (JSON strings) or ``remove FILE``."""
    for edit in edits:
        remove = REMOVE.fullmatch(edit.strip())
        if remove:
            (root / remove.group(1)).unlink()
            continue
        write = WRITE.fullmatch(edit.strip())
        if write:
            path = root / write.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.loads(write.group(2)), "utf-8")
            continue
        match = EDIT.fullmatch(edit.strip())
        assert match, f"not an edit: {edit!r}"
        path = root / match.group(1)
        old, new = json.loads(match.group(2)), json.loads(match.group(3))
        text = path.read_text("utf-8")
        assert old in text, f"{match.group(1)} does not hold {old!r}"
        path.write_text(text.replace(old, new, 1), "utf-8")


def run_commands(block: Block, cwd: Path) -> Iterator[tuple[str, str, str]]:
    """Each command of ``block`` with the output it documents and the output it gives."""
    env = {**os.environ, "EVMAP_NO_CACHE": "1", "PYTHONUNBUFFERED": "1", "COLUMNS": "88"}
    lines = block.text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
    assert starts and starts[0] == 0, f"{block.where}: a console block starts with '$ '"
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        command = lines[start][2:]
        documented = "\n".join(lines[start + 1 : end])
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
            yield command, documented, ""
            continue
        assert words[0] == "evmap", f"{block.where}: only evmap and cd run in console blocks"
        done = subprocess.run(
            [sys.executable, "-m", "evmap", *words[1:]],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        yield command, documented, done.stdout.rstrip("\n")


CONSOLE = [b for b in all_blocks() if b.lang == "console"]


@pytest.mark.parametrize("block", CONSOLE, ids=lambda b: b.where)
def test_docs_console_block_prints_what_evmap_prints(block: Block, tmp_path: Path) -> None:
    run = re.fullmatch(r"run: ([^;]+)((?:; .*)?)", block.directive)
    assert run, f"{block.where}: a console block needs '<!-- run: PROJECT -->' above it"
    root = make_project(run.group(1).strip(), tmp_path / "work")
    apply_edits(root, [e for e in run.group(2).split("; ") if e.strip()])
    for command, documented, printed in run_commands(block, root):
        assert str(tmp_path) not in printed, f"{block.where}: '{command}' prints a temporary path"
        assert printed == documented, f"{block.where}: '$ {command}' prints:\n{printed}"


# -- commands and messages written in the docs -------------------------------------------

INLINE = re.compile(r"`((?:evmap|make) [^`]*)`")
MESSAGE = re.compile(r"^(?:\S+:\d+: |evmap: \d+ errors?, )")


def command_lines() -> list[tuple[str, str]]:
    """Every evmap or make command written in the docs: (where, command)."""
    found = []
    for page in doc_pages():
        for match in INLINE.finditer(prose(page)):
            found.append((str(page.relative_to(REPO)), match.group(1)))
    for block in all_blocks():
        if block.generated or block.lang not in ("sh", "console", "text", "bash"):
            continue
        for line in block.text.splitlines():
            if block.lang == "console" and not line.startswith("$ "):
                continue  # output
            line = line.removeprefix("$ ").strip()
            for part in re.split(r"\s*(?:&&|;)\s*", line):
                if part.startswith(("evmap ", "make ")) or part in ("evmap", "make"):
                    found.append((block.where, part))
    return found


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([\w-]+):", text, re.M))


def test_docs_every_command_is_one_evmap_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    refused = []
    targets = make_targets()
    commands = set(load_make_docs()._subparsers(make_parser()))
    for where, command in command_lines():
        words = shlex.split(command, comments=True)
        if words[0] == "make":
            wanted = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
            refused += [f"{where}: {command} (no target {w})" for w in wanted if w not in targets]
            continue
        words = words[: words.index(">")] if ">" in words else words  # a redirection
        if len(words) == 2 and words[1] in commands:
            continue  # the command named, as in "`evmap new` writes..."
        try:
            make_parser().parse_args(words[1:])
        except SystemExit as exc:
            if exc.code != 0:  # --help and --version leave with 0
                refused.append(f"{where}: {command}: {capsys.readouterr().err.strip()}")
    capsys.readouterr()
    assert refused == []


def test_docs_messages_are_ones_evmap_printed() -> None:
    """A sample message sits in a console block (run above) or in a generated region."""
    unrun = [
        f"{block.where}: {line}"
        for block in all_blocks()
        if block.lang != "console" and not block.generated
        for line in block.text.splitlines()
        if MESSAGE.match(line)
    ]
    assert unrun == []


# -- the generated pages ----------------------------------------------------------------


def test_docs_generated_pages_are_up_to_date() -> None:
    stale = load_make_docs().stale_files()
    assert stale == [], f"{', '.join(stale)} differ from the code's tables; run {REGENERATE}"


def test_docs_every_check_has_a_meaning() -> None:
    assert set(MEANINGS) == set(Check)


def test_docs_options_example_is_every_option_at_its_default(tmp_path: Path) -> None:
    page = (DOCS / "guide/reference/options.md").read_text("utf-8")
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    options = yaml.safe_load(example)["plugins"][1]["evmap"]
    assert list(options) == list(OPTION_NAMES)
    assert options == {o.name: o.default for o in OPTIONS}
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n" + example, "utf-8")
    (tmp_path / "templates").mkdir()  # named explicitly, the folder must exist
    assert load_settings(tmp_path / "mkdocs.yml").root == tmp_path.resolve()


def test_docs_scaffold_ships_the_tutorial(tmp_path: Path) -> None:
    made = new_project(tmp_path / "lab", "Lab")
    assert "docs/first-claim.md" in made.files
    shipped = (tmp_path / "lab/docs/first-claim.md").read_text("utf-8")
    assert shipped == load_make_docs().scaffold_tutorial()
    assert "first-claim.md" in (tmp_path / "lab/mkdocs.yml").read_text("utf-8")


def test_docs_content_examples_follow_the_schemas() -> None:
    """Every YAML example that names its schema in its first line is valid against it,
    and an example from this map names only compounds, pathways and keys it has."""
    from jsonschema import Draft202012Validator

    shipped = load_settings(REPO / "mkdocs.yml")
    known = {
        "compounds": {p.stem for p in (shipped.content_dir / "compounds").glob("*.yml")},
        "pathways": {p.stem for p in (shipped.content_dir / "pathways").glob("*.yml")},
        "keys": set(re.findall(r"^@\w+\{([^,\s]+),", (REPO / "references.bib").read_text(), re.M)),
    }
    checked, wrong = 0, []
    for block in all_blocks():
        schema = re.match(
            r"# yaml-language-server: \$schema=(\S*/)?(\w+)\.schema\.json", block.text
        )
        if block.lang != "yaml" or not schema:
            continue
        data = yaml.safe_load(block.text)
        kind = schema.group(2)
        wrong += [
            f"{block.where}: {e.message}"
            for e in Draft202012Validator(load_schema(kind)).iter_errors(data)
        ]
        if "build_tools/evmap/schema/" in (schema.group(1) or ""):  # an example of this map
            for name in ("compounds", "pathways"):
                for ids in re.findall(rf"{name}: \[([^\]]*)\]", block.text):
                    wrong += [
                        f"{block.where}: no {name[:-1]} {i}"
                        for i in ids.split(", ")
                        if i and i not in known[name]
                    ]
            cited = re.findall(r"(?:citations|via): \[([^\]]*)\]|key: (\S+)", block.text)
            keys = {k for pair in cited for group in pair for k in group.split(", ") if k}
            wrong += [f"{block.where}: no key {k}" for k in sorted(keys - known["keys"])]
        checked += 1
    assert checked >= 4
    assert wrong == []


# -- the tutorial's example ------------------------------------------------------------


def test_docs_tutorial_example_passes_the_strict_check_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [a for a, _, _ in tutorial_steps()].count("second-hand") == 1
    root = make_project("tutorial", tmp_path / "first")
    assert main(["check", "--strict", "-f", str(root / "mkdocs.yml")]) == 0
    assert main(["build", "--strict", "-q", "-f", str(root / "mkdocs.yml")]) == 0
    capsys.readouterr()
    page = (root / "site/pathways/antidepressant-response/index.html").read_text("utf-8")
    assert "One intravenous infusion of racemic ketamine relieves" in page
    second = make_project("tutorial, second-hand", tmp_path / "second")
    assert main(["check", "--strict", "-f", str(second / "mkdocs.yml")]) == 0
    assert "via: [wei2021]" in (second / "content/claims/treatment-resistant.yml").read_text()


# -- links, the nav and the README -----------------------------------------------------


def slug(title: str) -> str:
    """A heading's anchor as Python-Markdown's toc extension makes it."""
    text = re.sub(r"[`*]|\{#[^}]*\}", "", title).strip()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(path: Path) -> set[str]:
    text = prose(path)
    found = {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", text, re.M)}
    return found | set(re.findall(r"\{#([\w-]+)\}", text))


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_docs_links_lead_to_pages_and_headings_that_exist() -> None:
    broken = []
    for page in doc_pages():
        for target in LINK.findall(prose(page)):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            dest = (page.parent / file).resolve() if file else page
            if not dest.exists():
                broken.append(f"{page.relative_to(REPO)}: {target}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert broken == []


def nav_pages(nav: object) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_pages(value)


def test_docs_nav_lists_every_guide_page() -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    listed = set(nav_pages(config["nav"]))
    guide = {p.relative_to(DOCS).as_posix() for p in (DOCS / "guide").rglob("*.md")}
    assert guide - listed == set()


def test_docs_readme_is_a_front_door() -> None:
    text = README.read_text("utf-8")
    assert len(text.splitlines()) < 150
    commands = next(b.text for b in blocks(README) if b.lang == "sh")
    assert commands.splitlines()[:2] == [
        "make site    # creates .venv, installs pinned dependencies, checks the content, builds site/",
        "make test    # the test suite (browser tests skip, saying why, when Chromium is missing)",
    ]


def test_docs_speak_of_the_project_only() -> None:
    """No issue numbers or work-tracking words in the README or the documentation."""
    found = [
        f"{page.relative_to(REPO)}: {match.group(0)}"
        for page in doc_pages()
        for match in re.finditer(r"\bissues? \d+|\b(?:session|helper)s?\b", page.read_text())
    ]
    assert found == []


def test_docs_code_and_benchmarks_speak_of_the_project_only() -> None:
    """No issue numbers in the package, the tests, the benchmarks or their README."""
    sources = [
        *(REPO / "build_tools").rglob("*.py"),
        *(REPO / "tests").glob("*.py"),
        *(REPO / "bench").glob("*.py"),
        REPO / "bench" / "README.md",
    ]
    pattern = re.compile(r"\bissues?(?:'s)? #?\d+", re.IGNORECASE)
    found = [
        f"{path.relative_to(REPO)}: {match.group(0)}"
        for path in sources
        for match in pattern.finditer(path.read_text("utf-8"))
    ]
    assert found == []
