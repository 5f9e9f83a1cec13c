"""Running pandoc: on what evmap hands it, reaching nothing else, bounded in time and memory.

Each run gets a folder of its own holding exactly its inputs: the entries
(flattened: no @string macro, no crossref left for pandoc to expand), the
independent CSL style evmap checked (:mod:`evmap.core.library.csl`), and an
empty data folder, so pandoc's user data (``~/.local/share/pandoc``) is never
read. pandoc runs with ``--sandbox`` (its readers and writers touch only the
files named on its command line) in an environment of a few variables whose
HTTP proxy is an address nothing listens on: should pandoc ever try to fetch
something (pandoc 3.9 fetches a dependent style's parent even under
``--sandbox``; evmap never hands it one), the attempt fails at once instead of
reaching the network. Every run stops at :data:`TIMEOUT_S` seconds and a heap of
:data:`HEAP`.

A style pandoc cannot use is found with a one-entry probe and reported at the
style's line; an entry pandoc cannot format is reported at the entry's line:
either fails the build (a site of bare keys is never made).
"""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from evmap.core.errors import EvmapError
from evmap.core.library.csl import CitationStyle

__all__ = [
    "HEAP",
    "TIMEOUT_S",
    "FormatError",
    "pandoc_path",
    "pandoc_version",
    "run_pandoc",
    "style_failure",
]

# A pandoc run that takes longer, or a heap above this, is stopped (hostile input).
TIMEOUT_S = 300
HEAP = "2g"
# What a style probe may take (one tiny entry: well under a second).
PROBE_TIMEOUT_S = 20

# Requests pandoc might make go to a proxy on a port nothing can listen on (0):
# refused by the system at once.
_NOWHERE = "http://127.0.0.1:0"
_ENVIRONMENT = {
    "LANG": "C.UTF-8",
    "http_proxy": _NOWHERE,
    "https_proxy": _NOWHERE,
    "HTTP_PROXY": _NOWHERE,
    "HTTPS_PROXY": _NOWHERE,
    "all_proxy": _NOWHERE,
    "ALL_PROXY": _NOWHERE,
    "no_proxy": "",
    "NO_PROXY": "",
}

_PROBE = (
    "e0",
    "@article{e0,\n  author = {Doe, Jane},\n  title = {Probe},\n  journal = {Journal},\n"
    "  year = {2000},\n}\n",
)


class FormatError(EvmapError):
    """pandoc could not format the references (not installed, failed, timed out).

    Attributes:
        timed_out: It ran out of time or memory (splitting the input would not help).
    """

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


@functools.cache
def pandoc_path() -> str:
    """The pandoc binary: the one pypandoc-binary ships, else one on PATH."""
    try:
        import pypandoc  # the pinned pandoc, from PyPI

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return "pandoc"


def _environment() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), **_ENVIRONMENT}


@functools.cache
def pandoc_version() -> str:
    """``pandoc --version``'s first line (part of every cache key).

    Raises:
        FormatError: when pandoc cannot be run.
    """
    try:
        done = subprocess.run(
            [pandoc_path(), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=_environment(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise FormatError(
            f"cannot run pandoc ({exc}); install evmap's pinned dependencies"
        ) from None
    return done.stdout.splitlines()[0] if done.stdout else "pandoc"


_CITE = re.compile(r'<div id="c-(\d+)">\s*<p>(.*?)</p>\s*</div>', re.DOTALL)
_ENTRY = re.compile(r'<div id="ref-([^"]*)" class="csl-entry"[^>]*>')
_MARGIN = re.compile(r'<div class="csl-left-margin">.*?</div>', re.DOTALL)


def run_pandoc(
    style: CitationStyle, entries: Sequence[tuple[str, str]], timeout: float = TIMEOUT_S
) -> tuple[dict[str, str], dict[str, str]]:
    """One pandoc run over ``entries`` (alias, biblatex text): (citation HTML by alias,
    bibliography entry HTML by alias).

    Raises:
        FormatError: when pandoc fails, takes longer than ``timeout`` or exhausts its heap.
    """
    markdown = ["---", "link-citations: false", "link-bibliography: false", "lang: en-US", "---"]
    markdown += [f"::: {{#c-{i}}}\n[@{alias}]\n:::\n" for i, (alias, _) in enumerate(entries)]
    with tempfile.TemporaryDirectory(prefix="evmap-pandoc-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        (work / "references.bib").write_text("\n".join(bib for _, bib in entries), encoding="utf-8")
        (work / "style.csl").write_bytes(style.text)
        command = [pandoc_path(), "--sandbox", "--data-dir", str(work / "data")]
        command += ["-f", "markdown", "-t", "html", "--mathml", "--citeproc", "--wrap=none"]
        command += ["--bibliography", str(work / "references.bib")]
        command += ["--csl", str(work / "style.csl"), "+RTS", f"-M{HEAP}", "-RTS"]
        try:
            done = subprocess.run(
                command,
                input="\n".join(markdown),
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=timeout,
                check=False,
                cwd=work,
                env=_environment(),
            )
        except subprocess.TimeoutExpired:
            raise FormatError(
                f"pandoc took over {timeout:g} s to format references", timed_out=True
            ) from None
        except OSError as exc:
            raise FormatError(f"cannot run pandoc ({exc})") from None
    if done.returncode:
        error = " ".join(done.stderr.split())[:300]
        raise FormatError(
            f"pandoc failed to format references ({error})", timed_out="Heap exhausted" in error
        )
    out = done.stdout
    labels = {entries[int(m.group(1))][0]: m.group(2) for m in _CITE.finditer(out)}
    bodies: dict[str, str] = {}
    found = list(_ENTRY.finditer(out))
    for i, match in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(out)
        body = out[match.end() : stop].strip()
        body = body.removesuffix("</div>").strip() if i + 1 < len(found) else _last(body)
        bodies[html.unescape(match.group(1))] = _MARGIN.sub("", body)
    return labels, bodies


def _last(body: str) -> str:
    """The last entry's HTML: without its own and the list's closing tags."""
    for _ in range(2):
        body = body.strip().removesuffix("</div>")
    return body.strip()


_ELEMENT = re.compile(r'element "([^"]+)"')


@functools.lru_cache(maxsize=8)
def style_failure(style: CitationStyle) -> tuple[int, str] | None:
    """Why pandoc cannot use ``style`` (its line and a message), or None when it can.

    The style formats one plain article; its failure is pandoc's refusal of the
    style, reported where to look (the element pandoc names, when it names one;
    else line 0, the whole file). pandoc missing altogether is not the style's fault:
    None then, and formatting says so.
    """
    try:
        run_pandoc(style, [_PROBE], timeout=PROBE_TIMEOUT_S)
    except FormatError as exc:
        if str(exc).startswith("cannot run pandoc"):
            return None
        reason = str(exc).removeprefix("pandoc failed to format references ").strip("()")
        line = 0
        named = _ELEMENT.search(reason)
        if named is not None:
            text = style.text.decode("utf-8", "replace")
            at = re.search(rf"<(?:\w+:)?{re.escape(named.group(1))}[\s/>]", text)
            line = text.count("\n", 0, at.start()) + 1 if at else 0
        return line, (
            f"pandoc cannot use this citation style ({reason}); fix the style, or take it "
            "again from the style repository"
        )
    return None
