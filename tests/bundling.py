"""Offline bundles for tests: npm's iframe-worker installed once, bundles built once per session.

The bundle ships the iframe-worker shim from npm at the version pinned in
package-lock.json. When ``node_modules`` lacks it, :func:`iframe_worker` runs
``npm ci`` itself, and skips (saying why) only when npm is missing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, write_project
from evmap.adapters.bundle import Bundle, build_bundle

IFRAME_WORKER = REPO / "node_modules" / "iframe-worker"
# 2023-11-14 22:13:20 UTC: the SOURCE_DATE_EPOCH of every test bundle.
EPOCH = 1700000000


@contextlib.contextmanager
def source_date_epoch(epoch: int = EPOCH) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH for the duration (session fixtures cannot use monkeypatch)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(scope="session")
def iframe_worker() -> Path:
    """The installed iframe-worker package (runs ``npm ci`` when needed; skips without npm)."""
    if not (IFRAME_WORKER / "shim" / "index.js").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(
                "npm not found: the offline bundle ships iframe-worker from the npm registry "
                "(package-lock.json); install Node.js and npm, then run 'npm ci'"
            )
        # One 'npm ci' at a time, even with several test processes.
        with open(Path(tempfile.gettempdir()) / "evmap-npm-ci.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (IFRAME_WORKER / "shim" / "index.js").is_file():
                subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund"],
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                )
    return IFRAME_WORKER


def unzip(bundle: Bundle, into: Path) -> Path:
    """Extract ``bundle`` into ``into``; return the folder holding index.html."""
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(into)
        top = archive.namelist()[0].split("/")[0]
    return into / top


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory, iframe_worker: Path) -> Bundle:
    """The tiny project's bundle, built once."""
    project = write_project(tmp_path_factory.mktemp("tiny-bundle-project"))
    with source_date_epoch():
        return build_bundle(
            project.config,
            tmp_path_factory.mktemp("dist"),
            strict=True,
            iframe_worker=iframe_worker,
        )


@pytest.fixture(scope="session")
def tiny_bundle_dir(tiny_bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny bundle unzipped, as a teacher would from the USB stick."""
    return unzip(tiny_bundle, tmp_path_factory.mktemp("usb-stick"))


@pytest.fixture(scope="session")
def shipped_bundle(tmp_path_factory: pytest.TempPathFactory, iframe_worker: Path) -> Bundle:
    """The bundle of the repository's own content, built once."""
    with source_date_epoch():
        return build_bundle(
            REPO / "mkdocs.yml",
            tmp_path_factory.mktemp("shipped-dist"),
            strict=True,
            iframe_worker=iframe_worker,
            version="test",
        )


@pytest.fixture(scope="session")
def shipped_bundle_dir(shipped_bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content's bundle, unzipped."""
    return unzip(shipped_bundle, tmp_path_factory.mktemp("shipped-usb-stick"))
