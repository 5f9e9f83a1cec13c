"""Atomic site builds: validate, build into a temporary folder, then swap it in.

A failed build leaves the previous site as it was and writes nothing into the
sources; MkDocs never sees the final folder until the build has succeeded.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .config import load_settings
from .pipeline import checked_map
from .problems import EvmapError


class BuildFailed(Exception):
    """The site could not be built; the message says why, the old site is intact."""


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_site(config_file: Path, site_dir: Path | None = None, strict: bool = False) -> Path:
    """Build the site of ``config_file`` into ``site_dir`` (default: its ``site_dir``).

    Returns:
        The folder the site was written to.

    Raises:
        BuildFailed: on input problems (every one listed with path and line),
            MkDocs errors, or warnings when ``strict``.
    """
    settings = load_settings(config_file)
    try:
        checked_map(settings, strict=strict)
    except EvmapError as exc:
        raise BuildFailed(exc.report()) from None

    config = load_config(str(config_file), strict=strict)
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    config.site_dir = str(staging)
    handler = _CountWarnings()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    console = _console_handler(mkdocs_log)
    try:
        build(config)
        if strict and handler.records:
            raise BuildFailed(
                "MkDocs reported warnings in strict mode:\n"
                + "\n".join(r.getMessage() for r in handler.records)
            )
    except (MkDocsException, BuildFailed) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(exc)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        mkdocs_log.removeHandler(handler)
        if console is not None:
            mkdocs_log.removeHandler(console)
    _swap(staging, target)
    return target


def _console_handler(logger: logging.Logger) -> logging.Handler | None:
    """Show MkDocs' warnings on stderr, as ``mkdocs build`` would, unless already shown."""
    if logger.handlers and any(not isinstance(h, _CountWarnings) for h in logger.handlers):
        return None
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger.addHandler(console)
    return console


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames, removing the old site last."""
    staging.chmod(0o755)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
