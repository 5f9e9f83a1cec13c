"""Atomic site builds: validate, build into a temporary folder, then swap it in.

A failed build leaves the previous site as it was and writes nothing into the
sources; MkDocs never sees the final folder until the build has succeeded.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import config_options, load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from evmap.core.config import Settings, load_settings
from evmap.core.pipeline import checked_map
from evmap.core.problems import EvmapError


class BuildFailed(Exception):
    """The site could not be built; the message says why, the old site is intact."""


def check_inputs(config_file: Path, strict: bool) -> Settings:
    """Load and validate a project before MkDocs runs.

    Raises:
        BuildFailed: listing every problem with its path and line.
    """
    settings = load_settings(config_file)
    try:
        checked_map(settings, strict=strict)
    except EvmapError as exc:
        raise BuildFailed(exc.report()) from None
    return settings


@contextlib.contextmanager
def fresh_plugins() -> Iterator[None]:
    """New plugin instances for one build, none left behind for the next one.

    MkDocs keeps one instance of every plugin that defines ``on_startup`` for the
    whole process (for ``mkdocs serve`` rebuilds), and mkdocs-bibtex then skips
    reading a library older than its last configuration, even another project's.
    A build is one-shot, so it neither reuses nor leaves such instances.
    """
    option = MkDocsConfig.plugins
    assert isinstance(option, config_options.Plugins)
    cache = option.plugin_cache
    saved = dict(cache)
    cache.clear()
    try:
        yield
    finally:
        cache.clear()
        cache.update(saved)


@contextlib.contextmanager
def warnings_shown() -> Iterator[list[str]]:
    """Collect MkDocs' warnings, and show them on stderr unless a handler already does."""
    logger = logging.getLogger("mkdocs")
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handlers: list[logging.Handler] = [Collect(logging.WARNING)]
    if not logger.handlers:
        console = logging.StreamHandler()
        console.setLevel(logging.INFO)
        # Warnings from everyone, and evmap's own progress lines on long builds.
        console.addFilter(
            lambda r: r.levelno >= logging.WARNING or r.name.startswith("mkdocs.plugins.evmap")
        )
        console.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handlers.append(console)
    level = logger.level
    if handlers[1:] and (level == logging.NOTSET or level > logging.INFO):
        logger.setLevel(logging.INFO)
    for handler in handlers:
        logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.setLevel(level)
        for handler in handlers:
            logger.removeHandler(handler)


def run_mkdocs(
    config_file: Path,
    site_dir: Path,
    strict: bool,
    adjust: Callable[[MkDocsConfig], None] | None = None,
) -> MkDocsConfig:
    """Run one MkDocs build of ``config_file`` into ``site_dir``.

    Args:
        config_file: The site's mkdocs.yml (never modified).
        site_dir: Where MkDocs writes (a staging folder: callers swap it in).
        strict: Fail on any MkDocs warning.
        adjust: Changes the loaded configuration in memory before the build
            (the offline bundle turns directory URLs off and the offline plugin on).

    Returns:
        The configuration the site was built with.

    Raises:
        BuildFailed: on MkDocs errors, or warnings when ``strict``.
    """
    try:
        with fresh_plugins(), warnings_shown() as warnings:
            config = load_config(str(config_file), strict=strict, site_dir=str(site_dir))
            if adjust is not None:
                adjust(config)
            build(config)
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    if strict and warnings:
        raise BuildFailed("MkDocs reported warnings in strict mode:\n" + "\n".join(warnings))
    return config


def build_site(config_file: Path, site_dir: Path | None = None, strict: bool = False) -> Path:
    """Build the site of ``config_file`` into ``site_dir`` (default: its ``site_dir``).

    Returns:
        The folder the site was written to.

    Raises:
        BuildFailed: on input problems (every one listed with path and line),
            MkDocs errors, or warnings when ``strict``.
    """
    check_inputs(config_file, strict)
    if site_dir is None:
        with fresh_plugins():
            site_dir = Path(load_config(str(config_file)).site_dir)
    target = site_dir.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        run_mkdocs(config_file, staging, strict)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, target)
    return target


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
