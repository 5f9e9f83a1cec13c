"""Atomic site builds: validate, build into a temporary folder, then swap it in.

A failed build leaves the previous site as it was and writes nothing into the
sources; MkDocs never sees the final folder until the build has succeeded.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import config_options, load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from evmap.adapters import builder
from evmap.adapters.output import (
    OutputRefused,
    check_target,
    output_lock,
    remove_stale,
    staging_folder,
    swap_in,
)
from evmap.core.config import Settings, load_settings
from evmap.core.memo import Memo
from evmap.core.pipeline import check
from evmap.core.problems import ContentError, FailedWithProblems

__all__ = [
    "BUSY",
    "BuildFailed",
    "Verbosity",
    "build_site",
    "check_inputs",
    "fresh_plugins",
    "run_mkdocs",
    "warnings_shown",
]

BUSY = (
    "evmap: another build is writing {target} (it holds {lock}); wait for it to finish, "
    "or build into another folder with -d"
)
"""The message when another build holds the lock of the same site."""


class BuildFailed(FailedWithProblems):
    """The site could not be built; the message says why, the old site is intact."""


def check_inputs(config_file: Path, strict: bool, memo: Memo | None = None) -> Settings:
    """Load and validate a project before the builder runs (what is parsed stays in
    ``memo``, for the plugin to reuse).

    Raises:
        BuildFailed: listing every problem with its path and line.
    """
    settings = load_settings(config_file)
    try:
        check(settings, memo=memo).raise_errors(strict)
    except ContentError as exc:
        raise BuildFailed(exc.report(), exc.problems) from None
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


class Verbosity(enum.IntEnum):
    """How much a command shows while the builder runs (``-q``, default, ``-v``)."""

    QUIET = logging.WARNING
    """Warnings and errors only."""
    NORMAL = logging.INFO
    """And evmap's own progress lines on long builds."""
    VERBOSE = logging.DEBUG
    """And everything the builder and its plugins say."""


@contextlib.contextmanager
def warnings_shown(verbosity: Verbosity = Verbosity.NORMAL) -> Iterator[list[str]]:
    """Collect the builder's warnings, and show them on stderr unless a handler already does
    (with what else ``verbosity`` asks for)."""
    logger = logging.getLogger(builder.NAME)
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handlers: list[logging.Handler] = [Collect(logging.WARNING)]
    if not logger.handlers:
        console = logging.StreamHandler()
        console.setLevel(verbosity)
        if verbosity is not Verbosity.VERBOSE:
            # Warnings from everyone, and evmap's own progress lines on long builds.
            console.addFilter(
                lambda r: (
                    r.levelno >= logging.WARNING
                    or r.name.startswith(f"{builder.NAME}.plugins.evmap")
                )
            )
        console.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handlers.append(console)
    level = logger.level
    if handlers[1:] and (level == logging.NOTSET or level > verbosity):
        logger.setLevel(min(verbosity, Verbosity.NORMAL))
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
    memo: Memo | None = None,
    verbosity: Verbosity = Verbosity.NORMAL,
) -> MkDocsConfig:
    """Run one MkDocs build of ``config_file`` into ``site_dir``.

    Args:
        config_file: The site's mkdocs.yml (never modified).
        site_dir: Where MkDocs writes (a staging folder: callers swap it in).
        strict: Fail on any MkDocs warning.
        adjust: Changes the loaded configuration in memory before the build
            (the offline bundle turns directory URLs off and the offline plugin on).
        memo: Given to the evmap plugin, so that it reuses what the check before the
            build parsed.
        verbosity: What is shown while the builder runs.

    Returns:
        The configuration the site was built with.

    Raises:
        BuildFailed: on MkDocs errors, or warnings when ``strict``.
    """
    try:
        with fresh_plugins(), warnings_shown(verbosity) as warnings:
            config = load_config(str(config_file), strict=strict, site_dir=str(site_dir))
            plugin = config.plugins.get("evmap")
            if memo is not None and plugin is not None and hasattr(plugin, "memo"):
                plugin.memo = memo  # what the check before the build parsed
            if adjust is not None:
                adjust(config)
            build(config)
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    if strict and warnings:
        raise BuildFailed("MkDocs reported warnings in strict mode:\n" + "\n".join(warnings))
    return config


def build_site(
    config_file: Path,
    site_dir: Path | None = None,
    strict: bool = False,
    verbosity: Verbosity = Verbosity.NORMAL,
    notes: list[str] | None = None,
) -> Path:
    """Build the site of ``config_file`` into ``site_dir`` (default: its ``site_dir``).

    The site is built into a staging folder beside ``site_dir`` and swapped in
    only when the build succeeded. The target must be a place for output
    (:func:`evmap.adapters.output.check_target`: never the project, its sources, the
    home folder, a file, or a folder evmap did not make). One build at a time writes
    a given site: a lock file beside it (``.<site>.lock``) makes a second build fail
    with a clear message, and the build holding it removes the staging folders a
    killed build left behind.

    ``notes`` receives what the caller should tell the user although the build
    succeeded (an old site that could not be removed).

    Returns:
        The folder the site was written to.

    Raises:
        BuildFailed: on input problems (every one listed with path and line),
            MkDocs errors, warnings when ``strict``, another build running, a target
            that is no place for output, or a folder that cannot be written (one
            line saying which).
    """
    memo = Memo()
    settings = check_inputs(config_file, strict, memo)
    option = "-d"
    if site_dir is None:
        option = "site_dir in mkdocs.yml, or -d"
        site_dir = settings.site_dir or settings.root / "site"
    try:
        target = check_target(
            site_dir, settings, what="the site", fix=f"choose another folder with {option}"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(target, BUSY):
            remove_stale(target)
            staging = staging_folder(target)
            try:
                run_mkdocs(config_file, staging, strict, memo=memo, verbosity=verbosity)
                swapped = swap_in(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OutputRefused as exc:
        raise BuildFailed(str(exc)) from None
    except OSError as exc:
        raise BuildFailed(f"evmap: {_os_problem(exc, site_dir.resolve())}") from None
    if swapped.leftover is not None and notes is not None:
        notes.append(
            f"evmap: warning: the previous site, moved to {swapped.leftover}, could not be "
            "removed; the next build tries again"
        )
    return target


def _os_problem(exc: OSError, target: Path) -> str:
    """One line for a file-system failure: what could not be done, where, and why."""
    where = exc.filename or target
    reason = exc.strerror or type(exc).__name__
    return (
        f"cannot write the site at {target}: {reason} ({where}); check that the folder and "
        "its parent are writable, or pass -d to build elsewhere"
    )
