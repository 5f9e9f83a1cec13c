"""No command writes where it must not: every target is checked before anything is deleted.

Each case runs a command against a scratch project (inside a fake home folder, with
sibling files beside it) whose every file is hashed before and after: a refused
command changes nothing, and says in one line which rule the target breaks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TINY, Project, write_project
from evmap.adapters.build import fresh_plugins, run_mkdocs
from evmap.adapters.cli import main
from evmap.adapters.output import MARKER, is_ours
from evmap.core.problems import FailedWithProblems


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file and folder below ``folder`` with the digest of its bytes ("dir" for folders)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "link " + os.readlink(path)
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """A project in a fake home folder, with a sibling project and files of the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    project = write_project(home / "work" / "map", TINY)
    project.write("README.md", "# The lab's map\n")
    project.write("build_tools/evmap_local/helper.py", "VALUE = 1\n")
    project.write(".git/HEAD", "ref: refs/heads/main\n")
    project.write(".site-personal/notes.txt", "mine\n")
    project.write(".site-old/notes.txt", "also mine\n")
    (home / "work" / "sibling").mkdir()
    (home / "work" / "sibling" / "data.txt").write_text("a sibling's data\n")
    (home / "diary.txt").write_text("private\n")
    monkeypatch.chdir(project.root)
    yield project


def _one_refusal(capsys: pytest.CaptureFixture[str], code: int, rule: str) -> None:
    out, err = capsys.readouterr()
    assert code != 0
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1, err
    assert lines[0].startswith("evmap: refusing to write "), lines[0]
    assert rule in lines[0], lines[0]
    assert "Traceback" not in out + err


CLI_CASES = [
    pytest.param(
        ["build", "-d", "."],
        "it is the project folder (the folder of mkdocs.yml); choose another folder with -d",
        id="build-d-dot",
    ),
    pytest.param(["build", "-d", ".."], "it holds the project folder", id="build-d-parent"),
    pytest.param(["build", "-d", "content"], "it is the content folder", id="build-d-content"),
    pytest.param(["build", "-d", "docs"], "it is the docs folder", id="build-d-docs"),
    pytest.param(["build", "-d", "~"], "it is your home folder", id="build-d-home"),
    pytest.param(["build", "-d", "/"], "it is the root of the file system", id="build-d-root"),
    pytest.param(["build", "-d", ".git"], "it is the git folder .git", id="build-d-git"),
    pytest.param(
        ["build", "-d", "content/claims"],
        "it lies inside the content folder",
        id="build-d-inside-content",
    ),
    pytest.param(["build", "-d", "README.md"], "it is a file, not a folder", id="build-d-file"),
    pytest.param(
        ["build", "-d", ".site-personal"],
        "the folder is not empty and evmap did not make it",
        id="build-d-users-folder",
    ),
    pytest.param(
        ["generate", "-d", "content"],
        "it is the content folder",
        id="generate-site-dir-content",
    ),
    pytest.param(
        ["generate", "-o", "README.md"], "it is a file, not a folder", id="generate-o-file"
    ),
    pytest.param(["generate", "-o", "docs"], "it is the docs folder", id="generate-o-docs"),
    pytest.param(["bundle", "-o", "README.md"], "it is a file, not a folder", id="bundle-o-file"),
    pytest.param(["bundle", "-o", "content"], "it is the content folder", id="bundle-o-content"),
]


@pytest.mark.parametrize(("args", "rule"), CLI_CASES)
def test_output_refused_target_changes_nothing(
    scratch: Project, capsys: pytest.CaptureFixture[str], args: list[str], rule: str
) -> None:
    home = scratch.root.parents[1]
    before = tree_hashes(home)
    args = [str(home) if a == "~" else a for a in args]
    code = main([args[0], "-f", str(scratch.config), *args[1:]])
    _one_refusal(capsys, code, rule)
    assert tree_hashes(home) == before


@pytest.mark.parametrize(
    ("site_dir", "rule"),
    [
        ("content", "it is the content folder"),
        ("build_tools", "it is the code folder build_tools"),
        ("..", "it holds the project folder"),
    ],
)
def test_output_site_dir_of_mkdocs_yml_is_checked(
    scratch: Project, capsys: pytest.CaptureFixture[str], site_dir: str, rule: str
) -> None:
    """A pull request may set site_dir: `evmap build` (and `make site`) refuse it."""
    config = scratch.read("mkdocs.yml").replace("site_name:", f"site_dir: {site_dir}\nsite_name:")
    scratch.write("mkdocs.yml", config)
    home = scratch.root.parents[1]
    before = tree_hashes(home)
    code = main(["build", "-f", str(scratch.config)])
    _one_refusal(capsys, code, f"{rule}")
    assert tree_hashes(home) == before


def test_output_plugin_checks_the_real_site_dir_before_the_builder_cleans_it(
    scratch: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mkdocs build` / `properdocs build` with the plugin: MkDocs would empty site_dir."""
    home = scratch.root.parents[1]
    before = tree_hashes(home)
    with pytest.raises(FailedWithProblems), fresh_plugins():
        run_mkdocs(scratch.config, scratch.root / "content", strict=False)
    assert (
        f"evmap: refusing to write the site into {scratch.root / 'content'}: it is the content "
        "folder; set another site_dir"
    ) in capsys.readouterr().err
    assert tree_hashes(home) == before


def test_output_build_marks_the_site_and_replaces_only_marked_folders(
    scratch: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "-f", str(scratch.config), "-d", "out"]) == 0
    assert is_ours(scratch.root / "out") and (scratch.root / "out" / MARKER).is_file()
    assert main(["build", "-f", str(scratch.config), "-d", "out"]) == 0  # its own: replaced
    # Folders of the user's beside it, whose names look like evmap's, are left alone.
    assert (scratch.root / ".site-personal/notes.txt").read_text() == "mine\n"
    assert (scratch.root / ".site-old/notes.txt").read_text() == "also mine\n"


def test_output_generate_never_derives_a_config_that_wipes_sources(
    scratch: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evmap generate -d content` would make the builder empty content/: refused, and no
    derived configuration is written."""
    assert main(["generate", "-f", str(scratch.config), "-d", "content"]) != 0
    assert not (scratch.root / "mkdocs.generated.yml").exists()
    assert not (scratch.root / "generated").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [("--name", "../../x"), ("--name", "a/b"), ("--label", "../v1"), ("--name", ".hidden")],
)
def test_output_bundle_name_and_label_stay_inside_the_folder(
    scratch: Project, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    home = scratch.root.parents[1]
    before = tree_hashes(home)
    code = main(["bundle", "-f", str(scratch.config), "-o", "dist", option, value])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        f"evmap: {option} {value!r} is not a file name; use letters, digits, '.', '-' and '_' "
        "only (the zip is <name>-<version>.zip inside -o)"
    ]
    assert tree_hashes(home) == before


def test_output_an_old_site_that_cannot_be_removed_blocks_no_later_build(
    scratch: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old site is moved aside under a name of its own; when removing it fails (a file
    in it that cannot be deleted), the build still succeeds, says so, and the next build
    removes it."""
    assert main(["build", "-f", str(scratch.config)]) == 0
    from evmap.adapters import output

    real = output.shutil.rmtree

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if ".site-old-" in str(path):
            return  # as if a file in it could not be deleted (errors ignored)
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output.shutil, "rmtree", refuse)
    capsys.readouterr()
    assert main(["build", "-f", str(scratch.config)]) == 0
    leftover = [p.name for p in scratch.root.iterdir() if p.name.startswith(".site-old-")]
    assert len(leftover) == 1
    assert f"moved to {scratch.root / leftover[0]}, could not be removed" in capsys.readouterr().err
    monkeypatch.setattr(output.shutil, "rmtree", real)
    assert main(["build", "-f", str(scratch.config)]) == 0
    assert not [p for p in scratch.root.iterdir() if p.name.startswith(".site-old-")]
    assert (scratch.root / ".site-old/notes.txt").read_text() == "also mine\n"
