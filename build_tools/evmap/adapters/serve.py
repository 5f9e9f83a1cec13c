"""``evmap serve``: the builder's development server, with evmap's manners.

The builder's own server (``properdocs serve`` or ``mkdocs serve``) as its ``serve``
command runs it, with four differences:

* rebuilds are dirty: the site folder is kept and only the files whose bytes change
  are written again (the evmap plugin tells the builder which, see
  :mod:`evmap.adapters.rewrites`);
* edits are noticed by the operating system's file events (inotify, FSEvents,
  ReadDirectoryChangesW) as soon as a file is saved, instead of by looking at every
  watched file twice a second (``poll`` keeps the builder's polling, for folders whose
  changes the system does not report, such as some network or container mounts);
* a rebuild that fails does not leave the browser waiting: every page shows what
  is wrong (each problem at its file and line) until an edit fixes it, and then
  reloads by itself;
* a port already in use is one line saying so, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import html
import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

from evmap.adapters import builder
from evmap.adapters.build import BuildFailed, Verbosity, warnings_shown

__all__ = ["BrokenBuildServer", "broken_page", "serve_site"]


def broken_page(problems: Iterable[str]) -> str:
    """The page every address shows while the last rebuild has failed (problems as text)."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>The site could not be built</title></head>\n<body>\n"
        "<main><h1>The site could not be built</h1>\n"
        "<p>evmap could not build the site after the last edit. Fix what is listed below "
        "and save: this page reloads by itself once the site builds again.</p>\n"
        f"<ul>\n{items}\n</ul></main>\n</body></html>\n"
    )


class BrokenBuildServer(LiveReloadServer):  # type: ignore[misc]
    """The builder's server, showing why the site is broken instead of waiting for it.

    The builder's server answers a page request only once the site it is building is
    complete, so after a failed rebuild every request would wait until an edit fixed
    it. Here a failed rebuild counts as done, and while it stands every page request
    gets :func:`broken_page` (with the reload script, so the page comes back by itself).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.broken: tuple[str, ...] = ()
        self.bound = False

    def bind_now(self) -> None:
        """Take the address before the first build (a port in use is said at once, not after
        a long build); the builder's ``serve`` then finds it taken by this server."""
        self.server_bind()
        self.server_activate()
        self.bound = True

    def server_bind(self) -> None:
        """Bind once (see :meth:`bind_now`)."""
        if not self.bound:
            super().server_bind()

    def server_activate(self) -> None:
        """Listen once (see :meth:`bind_now`)."""
        if not self.bound:
            super().server_activate()

    def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        page = path.endswith(("/", ".html")) and not path.startswith("/livereload/")
        if not (self.broken and page):
            return super()._serve_request(environ, start_response)
        with self._epoch_cond:
            epoch = self._visible_epoch
        body = self._inject_js_into_html(broken_page(self.broken).encode(), epoch)
        start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
        return [body]


class _Collect(logging.Handler):
    """Gathers the error lines of one rebuild."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(record.getMessage().splitlines())


def serve_site(
    config_file: Path,
    dev_addr: str | None = None,
    strict: bool = False,
    poll: bool = False,
    verbosity: Verbosity = Verbosity.NORMAL,
) -> None:
    """Serve the site of ``config_file`` with live reload until interrupted.

    Raises:
        BuildFailed: when the first build fails (content errors, a broken template),
            or the address cannot be served (a port in use): one line saying which.
    """
    from mkdocs.commands.build import build as build_once

    site_dir = tempfile.mkdtemp(prefix="evmap-serve-")
    options: dict[str, Any] = {"strict": strict}
    if dev_addr:
        options["dev_addr"] = dev_addr

    def get_config() -> MkDocsConfig:
        return load_config(str(config_file), site_dir=site_dir, **options)

    # Shown by warnings_shown (the builder's own INFO lines are not, unless -v).
    say = logging.getLogger(f"{builder.NAME}.plugins.evmap.serve").info
    server: BrokenBuildServer | None = None
    try:
        with warnings_shown(verbosity), _dirty_warning_hidden():
            config = get_config()
            config.plugins.on_startup(command="serve", dirty=True)
            host, port = config.dev_addr
            mount_path = "/" + urlsplit(config.site_url or "/").path.strip("/")
            serve_url = f"http://{host}:{port}{mount_path.rstrip('/')}/"
            config.site_url = serve_url

            def rebuild(config: MkDocsConfig | None = None) -> None:
                first = config is not None
                if config is None:
                    config = get_config()
                    config.site_url = serve_url
                collect = _Collect()
                logging.getLogger(builder.NAME).addHandler(collect)
                try:
                    build_once(config, serve_url=serve_url, dirty=True)
                except Exception as exc:
                    if first or server is None:
                        raise
                    # Shown on every page until an edit fixes it (see BrokenBuildServer).
                    server.broken = tuple(collect.lines) or (str(exc),)
                    logging.getLogger(f"{builder.NAME}.plugins.evmap.serve").error(
                        "the site could not be built; every page says why until it is fixed"
                    )
                    return
                finally:
                    logging.getLogger(builder.NAME).removeHandler(collect)
                if server is not None:
                    server.broken = ()

            server = BrokenBuildServer(
                builder=rebuild, host=host, port=port, root=site_dir, mount_path=mount_path
            )
            if not poll:
                server.observer = _native_observer() or server.observer

            def error_page(code: int) -> bytes | None:
                page = Path(site_dir, f"{code}.html")
                return page.read_bytes() if code in (404, 500) and page.is_file() else None

            server.error_handler = error_page
            try:
                server.bind_now()
            except OSError as exc:
                server.server_close()
                raise BuildFailed(_address_problem(exc, host, port)) from None
            try:
                rebuild(config)
                server.watch(config.docs_dir)
                if config.config_file_path:
                    server.watch(config.config_file_path)
                served = config.plugins.on_serve(server, config=config, builder=rebuild)
                for item in config.watch:
                    served.watch(item)
                say(f"serving on {serve_url} with {builder.NAME} (Ctrl+C stops)")
                try:
                    served.serve()
                except KeyboardInterrupt:
                    say("shutting down")
                finally:
                    served.shutdown()
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _address_problem(exc: OSError, host: str, port: int) -> str:
    """One line for an address that cannot be served."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"evmap: cannot serve on {host}:{port}: the port is in use (another evmap serve, "
            f"or another server); stop it, or pass another port, e.g. -a {host}:{port + 1}"
        )
    return (
        f"evmap: cannot serve on {host}:{port}: {exc.strerror or exc}; pass another address "
        "with -a, e.g. -a 127.0.0.1:8000"
    )


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
