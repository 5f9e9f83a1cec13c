"""ProperDocs and MkDocs: evmap drives whichever is installed, and both build the same site.

Each build runs in its own interpreter, since which builder ``mkdocs.*`` names is
settled once per process (:mod:`evmap.adapters.builder`).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, write_project

# Run before evmap in the child: the real MkDocs package can no longer be imported,
# as in an environment where only ProperDocs is installed.
WITHOUT_MKDOCS = """
import sys
class NoMkDocs:
    def find_spec(self, name, path=None, target=None):
        if name == "mkdocs" or name.startswith("mkdocs."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NoMkDocs())
"""
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def run(
    code: str, builder: str | None = None, prelude: str = "", timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EVMAP_BUILDER"}
    if builder is not None:
        env["EVMAP_BUILDER"] = builder
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
    )


def which(builder: str | None = None, prelude: str = "") -> str:
    done = run(
        "import sys, evmap.adapters.build\n"
        "from evmap.adapters import builder\n"
        "print(builder.NAME, sys.modules['mkdocs'].__name__)",
        builder,
        prelude,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_builders_properdocs_is_preferred_and_mkdocs_names_it() -> None:
    assert which() == "properdocs properdocs"


def test_builders_evmap_builder_chooses_mkdocs() -> None:
    assert which("mkdocs") == "mkdocs mkdocs"
    assert which("properdocs") == "properdocs properdocs"


def test_builders_the_loaded_builder_wins() -> None:
    # Inside `mkdocs build`, MkDocs is loaded before the plugin: evmap keeps it.
    assert which("properdocs", prelude="import mkdocs\n") == "mkdocs mkdocs"
    assert which("mkdocs", prelude="import properdocs.replacement\n") == "properdocs properdocs"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "sphinx",
            "evmap: EVMAP_BUILDER='sphinx': evmap drives 'properdocs' or 'mkdocs'; "
            "unset it to use whichever is installed",
        ),
        ("mkdocs", "evmap: EVMAP_BUILDER='mkdocs', but mkdocs is not installed"),
    ],
)
@pytest.mark.parametrize("command", ["build", "bundle", "serve"])
def test_builders_bad_choice_is_one_line_and_exit_2(value: str, message: str, command: str) -> None:
    prelude = WITHOUT_MKDOCS if value == "mkdocs" else ""
    done = run(
        f"from evmap.adapters.cli import main; raise SystemExit(main([{command!r}]))",
        value,
        prelude,
    )
    assert (done.returncode, done.stderr) == (2, message + "\n")


def test_builders_check_needs_no_builder() -> None:
    done = run(
        "from evmap.adapters.cli import main; raise SystemExit(main(['check', '--strict']))",
        "sphinx",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_builders_version_names_the_builder() -> None:
    done = run("from evmap.adapters.cli import main; main(['--version'])", "mkdocs")
    assert re.fullmatch(
        r"evmap \S+ \(builder: mkdocs 1\.6\.\d+; installed: properdocs, mkdocs\)",
        done.stdout.strip(),
    ), done.stdout


def _site(root: Path) -> dict[str, str]:
    """Every file's digest, the generator tag (which names the builder) left out."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(
            GENERATOR.sub(b"", p.read_bytes())
        ).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _build(site: Path, builder: str | None, prelude: str = "") -> subprocess.CompletedProcess[str]:
    return run(
        "from evmap.adapters.cli import main\n"
        f"raise SystemExit(main(['build', '--strict', '-d', {str(site)!r}]))",
        builder,
        prelude,
    )


@pytest.fixture(scope="module")
def shipped_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped project built by each builder, and by ProperDocs without MkDocs."""
    root = tmp_path_factory.mktemp("builders")
    sites = {}
    for name, builder, prelude in (
        ("mkdocs", "mkdocs", ""),
        ("properdocs", "properdocs", ""),
        ("properdocs-alone", None, WITHOUT_MKDOCS),
    ):
        sites[name] = root / name
        done = _build(sites[name], builder, prelude)
        assert done.returncode == 0, done.stdout + done.stderr
    return sites


def test_builders_build_the_shipped_site_identically(shipped_sites: dict[str, Path]) -> None:
    mkdocs, properdocs, alone = (_site(shipped_sites[k]) for k in shipped_sites)
    assert len(mkdocs) > 100
    assert properdocs == mkdocs
    assert alone == mkdocs


def test_builders_generator_tag_names_the_builder(shipped_sites: dict[str, Path]) -> None:
    tags = {
        name: GENERATOR.search((site / "index.html").read_bytes())
        for name, site in shipped_sites.items()
    }
    assert all(tags.values())
    assert (
        b"ProperDocs" in tags["properdocs"].group()
        and b"ProperDocs" in tags["properdocs-alone"].group()
    )  # type: ignore[union-attr]
    assert b"ProperDocs" not in tags["mkdocs"].group()  # type: ignore[union-attr]


def test_builders_properdocs_alone_reports_content_errors(tmp_path: Path) -> None:
    # The plugin's failure path (PluginError, the builder's logger) with ProperDocs only.
    project = write_project(tmp_path / "project")
    project.write(
        "content/claims/core.yml",
        project.read("content/claims/core.yml").replace(
            "citations: [wei2021]\n", "citations: [nobody]\n", 1
        ),
    )
    for command in ("properdocs", "evmap"):
        done = run(
            f"import sys; sys.argv = [{command!r}, 'build', '-f', {str(project.config)!r}]\n"
            + (
                "from properdocs.__main__ import cli; cli()"
                if command == "properdocs"
                else "from evmap.adapters.cli import main; raise SystemExit(main(sys.argv[1:]))"
            ),
            None,
            WITHOUT_MKDOCS,
        )
        assert done.returncode == 1, command
        assert (
            "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key 'nobody'"
            in (done.stdout + done.stderr)
        ), command
