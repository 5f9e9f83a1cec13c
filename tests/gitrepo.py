"""Temporary git repositories for tests, isolated from the user's and the system's git config.

Identity and dates come from environment variables (``GIT_AUTHOR_NAME``...), so no
configuration is written anywhere; :func:`git_env` sets them for the in-process calls
of ``evmap`` too.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Curator",
    "GIT_AUTHOR_EMAIL": "curator@example.org",
    "GIT_COMMITTER_NAME": "Test Curator",
    "GIT_COMMITTER_EMAIL": "curator@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
# 2024-03-01 12:00 UTC: the first commit of every test repository.
T0 = 1709294400
DAY = 86400


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Git identity and isolation for this test (evmap runs git as a subprocess)."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    yield


@dataclass
class Repo:
    """A git working tree."""

    root: Path

    def git(
        self, *args: str, when: int | None = None, author: tuple[str, str] | None = None
    ) -> str:
        env = {**os.environ, **GIT_ENV}
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
        if author is not None:
            env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str, when: int = T0, author: tuple[str, str] | None = None) -> str:
        """Commit every change in the tree at time ``when`` (by ``author``, a name and an
        e-mail, when given); return the commit id."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when, author=author)
        return self.git("rev-parse", "HEAD")


def init_repo(root: Path) -> Repo:
    """A new repository (branch ``main``) in ``root``, with nothing committed."""
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    return repo
