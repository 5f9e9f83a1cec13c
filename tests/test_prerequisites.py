"""What a new machine needs is said, and checked, before anything is installed."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

OLD_PYTHON = """\
#!/bin/sh
# Answers like a Python 3.10: too old for evmap.
case "$1" in
  -V) echo "Python 3.10.12"; exit 0 ;;
  -c) exit 1 ;;
  *) echo "this fake Python runs nothing" >&2; exit 3 ;;
esac
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["site", "test", "install"])
def test_prerequisites_old_python_is_refused_in_one_line_and_makes_nothing(
    tmp_path: Path, target: str
) -> None:
    for name in ("Makefile", "requirements.lock", "requirements-dev.lock", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    fake = tmp_path / "python3.10"
    fake.write_text(OLD_PYTHON)
    fake.chmod(0o755)
    done = subprocess.run(
        ["make", "--no-print-directory", target, f"PYTHON={fake}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == (
        f"evmap needs Python 3.11 or newer, and '{fake}' is Python 3.10.12; "
        f"run e.g. make {target} PYTHON=python3.12"
    )
    assert not (tmp_path / ".venv").exists()


def test_prerequisites_pyproject_requires_the_python_the_makefile_checks() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert "sys.version_info < (3, 11)" in (REPO / "Makefile").read_text("utf-8")


def _imported_packages() -> set[str]:
    """Top-level modules the package imports that are not part of Python itself."""
    found: set[str] = set()
    for path in (REPO / "build_tools" / "evmap").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(name.split(".")[0] for name in names)
    return {name for name in found if name not in sys.stdlib_module_names and name != "evmap"}


def test_prerequisites_every_imported_package_is_declared() -> None:
    """A package evmap imports must be a dependency of its own (or of the builder it drives),
    not something that happens to be installed."""
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"][
            "dependencies"
        ]
    }
    providers = importlib.metadata.packages_distributions()
    missing = sorted(
        module
        for module in _imported_packages()
        if not {canonicalize_name(d) for d in providers.get(module, [module])} & declared
    )
    assert missing == []
