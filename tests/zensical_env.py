"""Zensical for tests: its own virtual environment, made on first use from a lock file.

Zensical (pinned, with its dependencies, in requirements-zensical.lock) goes into
``.venv-zensical`` beside the main ``.venv``, with evmap installed editable and its
own dependencies, but no MkDocs, ProperDocs or Material: the tests that use it also
show that ``evmap generate`` needs none of them. The main ``.venv`` is never touched,
whatever versions Zensical may one day want. The environment is made again when the
lock file or pyproject.toml change (``make zensical`` makes the same one).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

LOCK = REPO / "requirements-zensical.lock"
VENV = Path(os.environ.get("EVMAP_ZENSICAL_VENV", REPO / ".venv-zensical"))
# The SHA-256 of the lock file and pyproject.toml it was made from (as `make zensical`
# writes it too); another digest, e.g. after an edit of the lock, makes it again.
DIGEST_FILE = ".digest"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class ZensicalEnv:
    """The environment's commands."""

    bin: Path

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run one of the environment's commands in ``cwd``; output without colours."""
        done = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "NO_COLOR": "1"},
        )
        return subprocess.CompletedProcess(
            done.args, done.returncode, ANSI.sub("", done.stdout), ANSI.sub("", done.stderr)
        )


def _digest() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, REPO / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode:
        pytest.fail(f"making {VENV} failed: {' '.join(command)}:\n{done.stdout}{done.stderr}")


def _pip(*args: str) -> None:
    _run(str(VENV / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q", *args)


@pytest.fixture(scope="session")
def zensical_env() -> ZensicalEnv:
    """``.venv-zensical``, made (or made again) when needed; one install at a time."""
    wanted = _digest()
    stamp = VENV / DIGEST_FILE
    with open(Path(tempfile.gettempdir()) / "evmap-zensical-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text().strip() == wanted):
            shutil.rmtree(VENV, ignore_errors=True)
            _run(sys.executable, "-m", "venv", str(VENV))
            _pip("install", "-r", str(LOCK))
            _pip("install", "--no-deps", "-e", str(REPO))
            stamp.write_text(wanted + "\n")
            (VENV / ".installed").touch()  # make zensical's stamp: nothing left to do
    return ZensicalEnv(VENV / "bin")
