"""`evmap serve` for real: a server process, edits on disk, pages fetched over HTTP.

Each edit must show on every page it reaches, nothing stale may be served, and a
rebuild writes again only the files whose bytes change (the served folder is the
one folder the server makes in a TMPDIR of its own, so its files can be compared).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import Project

EVMAP = str(Path(sys.executable).parent / "evmap")
TIMEOUT = 60.0


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """An `evmap serve` process on a free loopback port."""

    def __init__(
        self, project: Project, tmp: Path, *args: str, env: dict[str, str] | None = None
    ) -> None:
        address = f"127.0.0.1:{_port()}"
        self.url = f"http://{address}/tiny/"  # the path of the project's site_url
        tmp.mkdir()
        self.tmp = tmp
        self.log = tmp.with_name("serve.log")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [EVMAP, "serve", "-f", str(project.config), "-a", address, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **(env or {}), "TMPDIR": str(tmp)},
                # A shell that starts the tests in the background makes them ignore Ctrl+C,
                # and the server would inherit that: it answers SIGINT as a terminal's would.
                preexec_fn=_interruptible,
            )

    @property
    def site(self) -> Path:
        folders = [p for p in self.tmp.iterdir() if p.is_dir() and p.name.startswith("evmap-")]
        assert len(folders) == 1, folders
        return folders[0]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return int(response.status), response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except OSError:
            return 0, ""

    def until(self, path: str, test: Callable[[int, BeautifulSoup], bool]) -> BeautifulSoup:
        """The page at ``path`` once ``test`` holds for its status and HTML."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text("utf-8")
            status, text = self.get(path)
            page = BeautifulSoup(text, "html.parser")
            if status and test(status, page):
                return page
            time.sleep(0.1)
        raise AssertionError(f"{path} never passed the test")

    def settled(self) -> dict[str, tuple[int, int, bytes]]:
        """The served files once the rebuild is over (nothing changed for a second)."""
        last: dict[str, tuple[int, int, bytes]] = {}
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 1.0:
            try:
                now = {
                    p.relative_to(self.site).as_posix(): (
                        p.stat().st_mtime_ns,
                        p.stat().st_ino,
                        p.read_bytes(),
                    )
                    for p in self.site.rglob("*")
                    if p.is_file()
                }
            except FileNotFoundError:  # removed while being read: still building
                now = {}
            if now != last:
                last, quiet_since = now, time.monotonic()
            time.sleep(0.2)
        return last

    def stop(self) -> None:
        """Stop the server as Ctrl+C does; kill it if it does not stop (never leave it)."""
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass


@pytest.fixture
def server(project: Project, tmp_path: Path) -> Iterator[Server]:
    running = Server(project, tmp_path / "tmp")
    try:
        yield running
    finally:
        running.stop()


def _text(page: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(e.get_text(" ").split()) for e in page.select(selector)]


def _statements(page: BeautifulSoup) -> list[str]:
    return [s for s in _text(page, "[id^=claim-]") if s]


def _rewritten(
    before: dict[str, tuple[int, int, bytes]], after: dict[str, tuple[int, int, bytes]]
) -> tuple[list[str], list[str]]:
    """Files written again, and those of them whose bytes did not change (theme's
    sitemap and 404 page, and the search files, are written by every build)."""
    written = sorted(k for k in after if k not in before or before[k][:2] != after[k][:2])
    fixed = ("sitemap.xml", "sitemap.xml.gz", "404.html")
    same = [
        k
        for k in written
        if k in before
        and before[k][2] == after[k][2]
        and k not in fixed
        and not k.startswith(("search/", "assets/javascripts/workers/search."))
    ]
    return written, same


@pytest.mark.slow  # a minute on a busy 2-core machine; tests/test_incremental.py checks the same fast
def test_serve_shows_each_edit_and_writes_only_what_changed(
    project: Project, server: Server
) -> None:
    server.until("pathways/bdnf-trkb/", lambda status, page: status == 200)
    before = server.settled()

    # A claim's statement: on its pathways' and compounds' pages and the views.
    core = project.read("content/claims/core.yml")
    project.write(
        "content/claims/core.yml",
        core.replace("TrkB signalling is needed", "TrkB signalling is required"),
    )
    page = server.until(
        "pathways/bdnf-trkb/", lambda _, p: any("is required" in s for s in _statements(p))
    )
    assert not any("is needed" in s for s in _statements(page))
    compound = server.until("compounds/arketamine/", lambda _, p: "is required" in p.get_text())
    assert "is needed" not in compound.get_text()
    after = server.settled()
    written, same = _rewritten(before, after)
    assert same == []
    assert "pathways/bdnf-trkb/index.html" in written
    assert "compounds/arketamine/index.html" in written
    # Ketamine's page does not show that claim: left as it was.
    assert "compounds/ketamine/index.html" not in written
    assert "about/index.html" not in written

    # A hand-written page: that page only.
    project.write("docs/about.md", "# About\n\nEdited by hand, citing [@berman2000].\n")
    server.until("about/", lambda _, p: "Edited by hand" in p.get_text())
    before, after = after, server.settled()
    written, same = _rewritten(before, after)
    assert same == []
    assert [k for k in written if k.endswith(".html") and "/" in k] == ["about/index.html"]

    # The library: the reference's title on its page and on the hand-written page.
    bib = project.read("references.bib")
    project.write("references.bib", bib.replace("Antidepressant effects", "Antidepressant powers"))
    server.until("references/berman2000/", lambda _, p: "Antidepressant powers" in p.get_text())
    server.until("about/", lambda _, p: "Antidepressant powers" in str(p))
    before, after = after, server.settled()
    assert _rewritten(before, after)[1] == []

    # A claim removed: the reference only it cited leaves the site (404, not stale).
    project.write(
        "content/claims/core.yml",
        core.replace("citations: [wei2021, berman2000]", "citations: [berman2000]").replace(
            "citations: [wei2021]\n", "citations: [berman2000]\n"
        ),
    )
    server.until("references/wei2021/", lambda status, _: status == 404)
    assert not (server.site / "references" / "wei2021" / "index.html").exists()
    index = server.until("references/", lambda _, p: "Wei" not in p.get_text())
    assert "Berman" in index.get_text()
    before, after = after, server.settled()
    assert _rewritten(before, after)[1] == []
    assert "references/wei2021/index.html" not in after
    # ... and comes back with it.
    project.write("content/claims/core.yml", core)
    server.until("references/wei2021/", lambda status, _: status == 200)
    before, after = after, server.settled()
    assert _rewritten(before, after)[1] == []


@pytest.mark.parametrize(
    ("builder", "args"),
    [
        pytest.param("properdocs", (), id="properdocs"),
        pytest.param("mkdocs", ("--poll",), id="mkdocs-poll", marks=pytest.mark.slow),
    ],
)
def test_serve_with_each_builder_shows_an_edit(
    project: Project, tmp_path: Path, builder: str, args: tuple[str, ...]
) -> None:
    running = Server(project, tmp_path / "tmp", *args, env={"EVMAP_BUILDER": builder})
    try:
        running.until("pathways/bdnf-trkb/", lambda status, _: status == 200)
        before = running.settled()
        core = project.read("content/claims/core.yml")
        project.write("content/claims/core.yml", core.replace("is needed", "is wanted"))
        page = running.until("pathways/bdnf-trkb/", lambda _, p: "is wanted" in p.get_text())
        assert "is needed" not in page.get_text()
        written, same = _rewritten(before, running.settled())
        assert same == []
        assert "compounds/ketamine/index.html" not in written
    finally:
        running.stop()
    assert f" with {builder} (Ctrl+C stops)" in running.log.read_text("utf-8")


def test_serve_shows_a_broken_build_and_comes_back_when_fixed(
    project: Project, server: Server
) -> None:
    """A rebuild that fails must not leave the browser waiting: the page says why."""
    server.until("pathways/bdnf-trkb/", lambda status, page: status == 200)
    claims = project.read("content/claims/core.yml")
    project.write("content/claims/core.yml", claims.replace("wei2021]", "wei2012]", 1))
    page = server.until(
        "pathways/bdnf-trkb/", lambda status, page: status == 500 and page.find("h1") is not None
    )
    assert page.find("h1").get_text() == "The site could not be built"
    problems = _text(page, "li code")
    assert any("citation key 'wei2012' is not in the BibTeX library" in p for p in problems)
    assert page.find("script") is not None  # the reload script: it comes back by itself
    project.write("content/claims/core.yml", claims)
    page = server.until("pathways/bdnf-trkb/", lambda status, page: status == 200)
    assert _statements(page)


def test_serve_port_in_use_is_one_line(project: Project, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [EVMAP, "serve", "-f", str(project.config), "-a", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"evmap: cannot serve on 127.0.0.1:{port}: the port is in use (another evmap serve, "
        f"or another server); stop it, or pass another port, e.g. -a 127.0.0.1:{port + 1}"
    ]
