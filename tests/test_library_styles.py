"""The ``csl:`` style reaches nothing: checked by evmap, never fetched, never half-used.

A style that is malformed, huge, declares entities, is not CSL, or depends on a
parent evmap cannot read is an error at its line, and fails the check (and so
the build); a dependent style's parent is a file of the project or a style
shipped with evmap, and nothing is fetched (a listener on 127.0.0.1 sees no
request); a style pandoc cannot use fails the build at its line instead of
turning every reference into its bare key; a refused path says why.
"""

from __future__ import annotations

import http.server
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Project, article, write_project
from evmap.adapters.build import BuildFailed
from evmap.core.bibtex import load_style
from evmap.core.library.csl import MAX_STYLE_BYTES, default_style_path
from evmap.core.library.pandoc import run_pandoc
from test_library import OTHER_STYLE

DEFAULT = default_style_path().read_text("utf-8")


TITLE_CALL = '<text macro="title"/>'


def line_of(text: str) -> int:
    """The line of evmap's default style where ``text`` first appears."""
    return DEFAULT[: DEFAULT.index(text)].count("\n") + 1


def with_style(root: Path, style: str | bytes | None, path: str = "styles/lab.csl") -> Project:
    """The tiny project using the style at ``path`` (written when given)."""
    project = write_project(root)
    if style is not None:
        data = style if isinstance(style, bytes) else style.encode("utf-8")
        project.write(path, data)
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace("  - evmap:\n", f"  - evmap:\n      csl: {path}\n"),
    )
    return project


def dependent(href: str, locale: str = "") -> str:
    attribute = f' default-locale="{locale}"' if locale else ""
    return textwrap.dedent(
        f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"{attribute}>
          <info>
            <title>A dependent style</title>
            <id>http://www.zotero.org/styles/lab-journal</id>
            <link href="{href}" rel="independent-parent"/>
            <category citation-format="author-date"/>
            <updated>2026-01-01T00:00:00+00:00</updated>
          </info>
        </style>
        """
    )


DOUBLING = DEFAULT.replace(
    "  <citation ",
    '  <macro name="d0"><text variable="title"/></macro>\n'
    + "".join(
        f'  <macro name="d{i}"><text macro="d{i - 1}"/><text macro="d{i - 1}"/></macro>\n'
        for i in range(1, 40)
    )
    + "  <citation ",
)
DOUBLING_LINE = DOUBLING[: DOUBLING.index('<macro name="d16">')].count("\n") + 1
HUGE = DEFAULT.replace("<info>", "<!-- " + "x" * MAX_STYLE_BYTES + " -->\n  <info>")

REFUSED = [
    pytest.param(
        DEFAULT.replace("</citation>", ""),
        f"styles/lab.csl:{DEFAULT.count(chr(10))}: the citation style is not well-formed XML "
        f"(Opening and ending tag mismatch: citation line {line_of('<citation ')} and style); "
        "fix it, or take the style again from where it came from",
        id="malformed",
    ),
    pytest.param(
        HUGE,
        f"styles/lab.csl:0: the citation style is {len(HUGE.encode()):,} bytes, over the limit of "
        "1,048,576; a CSL style is a few dozen KB: check that 'csl' names the right file",
        id="huge",
    ),
    pytest.param(
        DEFAULT.replace(
            "<style ",
            '<!DOCTYPE style [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<style ',
        ).replace("<title>evmap author-date</title>", "<title>&secret;</title>"),
        "styles/lab.csl:2: the citation style declares a DOCTYPE; evmap reads styles without "
        "DTDs or entities (they can read files and fetch addresses): remove it",
        id="external-entity",
    ),
    pytest.param(
        "<!doctype html>\n<html><body><p>not a style</p></body></html>\n",
        "styles/lab.csl:1: the citation style declares a DOCTYPE; evmap reads styles without "
        "DTDs or entities (they can read files and fetch addresses): remove it",
        id="html-page",
    ),
    pytest.param(
        "<html><body><p>not a style</p></body></html>\n",
        "styles/lab.csl:1: not a CSL style: the root element is <html>, expected <style> in the "
        "CSL namespace (http://purl.org/net/xbiblio/csl); set 'csl' to a .csl style file",
        id="not-csl",
    ),
    pytest.param(
        DEFAULT.replace('xmlns="http://purl.org/net/xbiblio/csl"', ""),
        "styles/lab.csl:2: not a CSL style: the root element is <style>, expected <style> in the "
        "CSL namespace (http://purl.org/net/xbiblio/csl); set 'csl' to a .csl style file",
        id="no-namespace",
    ),
    pytest.param(
        '<?xml version="1.0"?>\n<locale xmlns="http://purl.org/net/xbiblio/csl" '
        'version="1.0" xml:lang="de-DE"/>\n',
        "styles/lab.csl:2: not a CSL style: the root element is <locale>, expected <style> in "
        "the CSL namespace (http://purl.org/net/xbiblio/csl); set 'csl' to a .csl style file",
        id="locale-file",
    ),
    pytest.param(
        DEFAULT.replace(TITLE_CALL, '<text macro="titel"/>'),
        f"styles/lab.csl:{line_of(TITLE_CALL)}: the citation style calls macro "
        "'titel', which it does not define; define it or remove the call",
        id="undefined-macro",
    ),
    pytest.param(
        DEFAULT.replace(
            '<macro name="year">', '<macro name="year">\n    <text macro="label-names"/>'
        ).replace('<names variable="author">', '<names variable="author"><text macro="year"/>', 1),
        "styles/lab.csl:20: the citation style's macros call one another in a circle "
        "(label-names -> year -> label-names); pandoc would never finish: break the circle",
        id="macro-circle",
    ),
    pytest.param(
        DOUBLING,
        f"styles/lab.csl:{DOUBLING_LINE}: "
        "the citation style's macro 'd16' unfolds into more than 100,000 macro calls (macros "
        "calling macros several times each); pandoc would take hours: simplify it",
        id="doubling-macros",
    ),
    pytest.param(
        dependent("http://www.zotero.org/styles/apa"),
        "styles/lab.csl:6: the style is a dependent style of 'http://www.zotero.org/styles/apa', "
        "which evmap does not fetch; put that parent style beside this one as apa.csl (from the "
        "style repository) or set 'csl' to an independent style",
        id="dependent-without-parent",
    ),
]


@pytest.mark.parametrize(("style", "expected"), REFUSED)
def test_style_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], style: str, expected: str
) -> None:
    project = with_style(tmp_path / "p", style)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (1, [expected])
    with pytest.raises(BuildFailed) as failed:
        project.build(strict=False)
    assert [p.format() for p in failed.value.problems] == [expected]


CONFIG = [
    pytest.param(
        "/etc/passwd",
        "evmap option 'csl': /etc/passwd is outside the project (the folder of mkdocs.yml); "
        "evmap reads only files inside it, so copy them in",
        id="absolute-path-outside",
    ),
    pytest.param(
        "../lab.csl",
        "evmap option 'csl': ../lab.csl is outside the project (the folder of mkdocs.yml); evmap "
        "reads only files inside it, so copy them in",
        id="relative-path-outside",
    ),
    pytest.param(
        "styles/passwd.csl",
        "evmap option 'csl': styles/passwd.csl is a symbolic link leading outside the project, "
        "which evmap does not read; copy the file into the project instead",
        id="link-outside",
    ),
    pytest.param(
        "styles",
        "evmap option 'csl': styles is a folder; give the path of a CSL style file in it, e.g. "
        "styles/apa.csl",
        id="folder",
    ),
    pytest.param(
        "styles/none.csl",
        "evmap option 'csl': no such file: styles/none.csl (relative to mkdocs.yml); give the "
        "path of a CSL style file, e.g. styles/apa.csl, or leave 'csl' out for the default style",
        id="missing",
    ),
]


@pytest.mark.parametrize(("path", "expected"), CONFIG)
def test_style_path_refused_for_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, expected: str
) -> None:
    project = with_style(tmp_path / "p", None, path)
    (project.root / "styles").mkdir()
    (project.root / "styles/passwd.csl").symlink_to("/etc/passwd")
    code, out, err = project.check(capsys=capsys)
    assert (code, out, err.splitlines()) == (2, "", [f"evmap: {project.config}: {expected}"])


# -- dependent styles: a parent read, never fetched --------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 recording every request (answering 404)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_style_dependent_on_a_shipped_style_fetches_nothing(
    tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    address, requests = listener
    project = with_style(tmp_path / "p", dependent(f"{address}/styles/evmap-author-date"))
    site = project.build()
    formatted = article(site / "references/berman2000/index.html").select_one("p.evmap-reference")
    assert formatted is not None and formatted.get_text().startswith(
        "Robert M. Berman, Angela Cappiello, and Amit Anand. Antidepressant effects"
    )
    assert requests == []


def test_style_dependent_on_a_parent_in_the_project(tmp_path: Path) -> None:
    project = with_style(
        tmp_path / "p",
        dependent("http://www.zotero.org/styles/test-parent", locale="de-DE"),
        "styles/dependent/lab.csl",
    )
    project.write("styles/test-parent.csl", OTHER_STYLE)
    style = load_style(project.root / "styles/dependent/lab.csl", project.root)
    assert style.path.endswith("styles/test-parent.csl")
    assert b'default-locale="de-DE"' in style.text and b"independent-parent" not in style.text
    site = project.build()
    formatted = article(site / "references/wei2021/index.html").select_one("p.evmap-reference")
    assert formatted is not None
    assert formatted.get_text() == (
        "MOLECULAR MECHANISMS UNDERLYING THE ANTIDEPRESSANT ACTIONS OF ARKETAMINE: BEYOND THE "
        "NMDA RECEPTOR (2021) / Yan Wei, Lijia Chang, Kenji Hashimoto"
    )


def test_pandoc_itself_reaches_no_network(listener: tuple[str, list[str]]) -> None:
    """Handed a dependent style anyway, pandoc's fetch of its parent goes nowhere."""
    address, requests = listener
    style = load_style(None)
    text = dependent(f"{address}/styles/evmap-author-date").encode()
    with pytest.raises(Exception, match="Could not fetch"):
        run_pandoc(
            type(style)("dependent.csl", "x", True, False, text),
            [("e0", "@article{e0, title = {T}, year = 2000}\n")],
        )
    assert requests == []


def test_style_pandoc_cannot_use_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    style = OTHER_STYLE.replace("<bibliography><layout>", "<bibliography><layout><bogus/>")
    project = with_style(tmp_path / "p", style)
    expected = (
        "styles/lab.csl:9: pandoc cannot use this citation style (CiteprocParseError: unknown "
        'element "bogus"); fix the style, or take it again from the style repository'
    )
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (1, [expected])
    with pytest.raises(BuildFailed) as failed:
        project.build(strict=False)
    assert [p.format() for p in failed.value.problems] == [expected]
