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
from typing import Any
from urllib.parse import urlsplit

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
    "build_site",
    "check_inputs",
    "fresh_plugins",
    "run_mkdocs",
    "serve_site",
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


@contextlib.contextmanager
def warnings_shown() -> Iterator[list[str]]:
    """Collect the builder's warnings, and show them on stderr unless a handler already does."""
    logger = logging.getLogger(builder.NAME)
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
            lambda r: (
                r.levelno >= logging.WARNING or r.name.startswith(f"{builder.NAME}.plugins.evmap")
            )
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
    memo: Memo | None = None,
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

    Returns:
        The configuration the site was built with.

    Raises:
        BuildFailed: on MkDocs errors, or warnings when ``strict``.
    """
    try:
        with fresh_plugins(), warnings_shown() as warnings:
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


def serve_site(
    config_file: Path, dev_addr: str | None = None, strict: bool = False, poll: bool = False
) -> None:
    """Serve the site of ``config_file`` with live reload until interrupted.

    The builder's development server (``properdocs serve`` or ``mkdocs serve``) as
    its ``serve`` command runs it, with two differences. Rebuilds are dirty: the
    site folder is kept and only the files whose bytes change are written again (the
    evmap plugin tells the builder which, see :mod:`evmap.adapters.rewrites`). And
    edits are noticed by the operating system's file events (inotify, FSEvents,
    ReadDirectoryChangesW) as soon as a file is saved, instead of by looking at every
    watched file twice a second; ``poll`` keeps the builder's polling (for folders
    whose changes the system does not report, such as some network or container
    mounts).

    Raises:
        BuildFailed: when the first build fails (content errors, a broken template).
    """
    from mkdocs.commands.build import build as build_once
    from mkdocs.livereload import LiveReloadServer

    site_dir = tempfile.mkdtemp(prefix="evmap-serve-")
    options: dict[str, Any] = {"strict": strict}
    if dev_addr:
        options["dev_addr"] = dev_addr

    def get_config() -> MkDocsConfig:
        return load_config(str(config_file), site_dir=site_dir, **options)

    # Shown by warnings_shown (the builder's own INFO lines are not).
    say = logging.getLogger(f"{builder.NAME}.plugins.evmap.serve").info
    try:
        with warnings_shown(), _dirty_warning_hidden():
            config = get_config()
            config.plugins.on_startup(command="serve", dirty=True)
            host, port = config.dev_addr
            mount_path = "/" + urlsplit(config.site_url or "/").path.strip("/")
            serve_url = f"http://{host}:{port}{mount_path.rstrip('/')}/"
            config.site_url = serve_url

            def rebuild(config: MkDocsConfig | None = None) -> None:
                if config is None:
                    config = get_config()
                    config.site_url = serve_url
                build_once(config, serve_url=serve_url, dirty=True)

            server = LiveReloadServer(
                builder=rebuild, host=host, port=port, root=site_dir, mount_path=mount_path
            )
            if not poll:
                server.observer = _native_observer() or server.observer

            def error_page(code: int) -> bytes | None:
                page = Path(site_dir, f"{code}.html")
                return page.read_bytes() if code in (404, 500) and page.is_file() else None

            server.error_handler = error_page
            try:
                rebuild(config)
                server.watch(config.docs_dir)
                if config.config_file_path:
                    server.watch(config.config_file_path)
                server = config.plugins.on_serve(server, config=config, builder=rebuild)
                for item in config.watch:
                    server.watch(item)
                say(f"serving on {serve_url} with {builder.NAME} (Ctrl+C stops)")
                try:
                    server.serve()
                except KeyboardInterrupt:
                    say("shutting down")
                finally:
                    server.shutdown()
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _native_observer() -> Any:
    """The operating system's file-event observer, or None where watchdog has none."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class ChangesOnly(FileSystemEventHandler):
        """Passes on changes only: a build reading a watched file must not start another
        (file events include opening and closing without writing; polling has neither)."""

        def __init__(self, inner: FileSystemEventHandler) -> None:
            self.inner = inner

        def dispatch(self, event: FileSystemEvent) -> None:
            if event.event_type not in ("opened", "closed_no_write"):
                self.inner.dispatch(event)

    class ChangesObserver(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: FileSystemEventHandler, path: str, **options: Any) -> Any:
            return super().schedule(ChangesOnly(handler), path, **options)

    observer = ChangesObserver()
    return None if isinstance(observer, PollingObserver) else observer


@contextlib.contextmanager
def _dirty_warning_hidden() -> Iterator[None]:
    """Drop the builder's warning that a dirty build may leave navigation inaccurate.

    It is not true of evmap serve (the plugin rewrites every page a change of the
    navigation reaches), and in strict mode the warning would fail every build.
    """
    logger = logging.getLogger(f"{builder.NAME}.commands.build")

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def build_site(config_file: Path, site_dir: Path | None = None, strict: bool = False) -> Path:
    """Build the site of ``config_file`` into ``site_dir`` (default: its ``site_dir``).

    The site is built into a staging folder beside ``site_dir`` and swapped in
    only when the build succeeded. The target must be a place for output
    (:func:`evmap.adapters.output.check_target`: never the project, its sources, the
    home folder, a file, or a folder evmap did not make). One build at a time writes
    a given site: a lock file beside it (``.<site>.lock``) makes a second build fail
    with a clear message, and the build holding it removes the staging folders a
    killed build left behind.

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
                run_mkdocs(config_file, staging, strict, memo=memo)
                swapped = swap_in(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OutputRefused as exc:
        raise BuildFailed(str(exc)) from None
    except OSError as exc:
        raise BuildFailed(f"evmap: {_os_problem(exc, site_dir.resolve())}") from None
    if swapped.leftover is not None:
        logging.getLogger(f"{builder.NAME}.plugins.evmap").warning(
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
