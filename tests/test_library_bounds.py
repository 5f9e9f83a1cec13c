"""A library cannot grow past its bounds: @string bombs, deep parents, invisible keys.

Each hostile library found by the input audit ends with one ``path:line:`` error
(or a correct result), within a limited address space, whichever reader reads
it: the fast one, or pybtex when the file also has a syntax error. The audit's
bombs themselves run through ``evmap check`` and ``evmap build`` in a process
limited to 2 GiB; ``tests/library_shapes.py`` generates many more shapes.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TINY, Project, write_project
from evmap.core.bibtex import format_references, load_library_files
from evmap.core.library.bounds import MAX_VALUE_CHARS

LIMIT = 2 * 1024 * 1024 * 1024  # bytes of address space for the bombs' processes
BROKEN = "@misc{broken, title = {x}\n"  # sends a file to the careful reader (pybtex)
NOT_CLOSED = (
    "BibTeX: entry 'broken' is not closed before the end of the file; add the '}' that ends it"
)

DOUBLING = (
    "@string{a0 = {xy}}\n"
    + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 41))
    + "@misc{bomb, title = a40}\n"
)
CHAIN = (
    "@string{m0 = {x}}\n"
    + "".join(f"@string{{m{i} = m{i - 1} # {{x}}}}\n" for i in range(1, 41))
    + "@misc{long, title = m40}\n"
)
BUDGET = (
    "@string{big = {"
    + "x" * 90_000
    + "}}\n"
    + "".join(f"@misc{{e{i}, title = big}}\n" for i in range(800))
)

# (library text, expected problems): each is read by both readers.
BOUNDED = [
    pytest.param(
        DOUBLING,
        [
            "references.bib:17: BibTeX: @string 'a16' expands to 131,072 characters; a value may "
            "hold at most 100,000 once its macros are expanded: define it with its own text "
            "instead of repeating other macros"
        ],
        id="doubling-macros",
    ),
    pytest.param(
        CHAIN,
        [
            "references.bib:34: BibTeX: @string 'm33' is defined through 33 levels of other "
            "@string macros; at most 32 are followed: define it with its own text"
        ],
        id="macro-chain",
    ),
    pytest.param(
        BUDGET,
        [
            "references.bib:747: BibTeX: the @string macros of the library expand to more than "
            "64 MiB of text in all, reached in entry 'e745'; evmap stops expanding macros there: "
            "write repeated text out instead of building it from macros"
        ],
        id="macros-used-too-often",
    ),
    pytest.param(
        "@misc{long, title = {" + "w" * (MAX_VALUE_CHARS + 1) + "}, year = 2000}\n",
        [
            "references.bib:1: reference 'long': field 'title' is 100,001 characters long (macros "
            "expanded); a field may hold at most 100,000: shorten it (the entry is kept without "
            "this field)"
        ],
        id="field-too-long",
    ),
    pytest.param(
        "".join(f"@book{{c{i}, title = {{T{i}}}, crossref = {{c{i + 1}}}}}\n" for i in range(40))
        + "@book{c40, publisher = {P}}\n",
        [
            "references.bib:8: reference 'c7': crossref parents are nested 33 levels deep (c7 -> "
            "c8 -> c9 -> ... -> c40); evmap follows at most 32 levels: take one out (this entry, "
            "and those taking fields through it, inherit nothing)"
        ],
        id="crossref-chain",
    ),
    pytest.param(
        "@book{x0, title = {T}, xdata = {d1}}\n"
        + "".join(f"@xdata{{d{i}, xdata = {{d{i + 1}}}}}\n" for i in range(1, 40))
        + "@xdata{d40, publisher = {P}}\n",
        [
            "references.bib:8: reference 'd7': xdata parents are nested 33 levels deep (d7 -> d8 "
            "-> d9 -> ... -> d40); evmap follows at most 32 levels: take one out (this entry, and "
            "those taking fields through it, inherit nothing)"
        ],
        id="xdata-chain",
    ),
]


def problems_of(text: str) -> list[str]:
    library = load_library_files([("references.bib", text)])
    return [f"{p.path}:{p.line}: {p.message}" for p in sorted(library.problems)]


@pytest.mark.parametrize(("text", "expected"), BOUNDED)
def test_library_bounds_fast_reader(text: str, expected: list[str]) -> None:
    assert problems_of(text) == expected


@pytest.mark.parametrize(("text", "expected"), BOUNDED)
def test_library_bounds_careful_reader(text: str, expected: list[str]) -> None:
    broken_line = text.count("\n") + 1
    assert problems_of(text + BROKEN) == [*expected, f"references.bib:{broken_line}: {NOT_CLOSED}"]


def test_library_bounds_refused_macro_reads_empty_and_is_said_once() -> None:
    library = load_library_files([("references.bib", DOUBLING + "@misc{other, title = a20}\n")])
    assert len(library.problems) == 1
    refs = {ref.key: ref for ref in library.references}
    assert refs["bomb"].entry_fields["title"] == "" == refs["other"].entry_fields["title"]


def test_library_bounds_braces_nested_too_deep() -> None:
    text = "@misc{deep, title = {" + "{" * 150 + "x" + "}" * 150 + "}}\n"
    assert problems_of(text) == [
        "references.bib:1: BibTeX syntax error: braces are nested more than 100 levels deep "
        "(in entry 'deep')"
    ]


def test_library_long_word_is_formatted() -> None:
    """One 60,000-character word in a title: read and formatted, as any title."""
    word = "W" * 60_000
    text = f"@article{{w, author = {{Doe, Jane}}, title = {{{word} and more}}, year = 2000}}\n"
    library = load_library_files([("references.bib", text)])
    assert library.problems == []
    format_references(library.references)
    assert library.references[0].text == f"Jane Doe. {word} and more. 2000."


# -- the audit's bombs, through the commands, in 2 GiB ----------------------------------


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_limited(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """``evmap`` on the project in a process of at most :data:`LIMIT` bytes (no timing
    asserted: the limit and the bounds' counts are what is tested)."""
    env = {**os.environ, "EVMAP_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "evmap", *args, "-f", str(project.config)],
        capture_output=True,
        text=True,
        preexec_fn=_limited,
        env=env,
        timeout=600,
        check=False,
    )


AUDIT = [
    pytest.param(
        DOUBLING,
        "references.bib:36: BibTeX: @string 'a16' expands to 131,072 characters; a value may "
        "hold at most 100,000 once its macros are expanded: define it with its own text instead "
        "of repeating other macros",
        id="41-doubling-macros",
    ),
    pytest.param(
        "@string{m0 = {x}}\n"
        + "".join(f"@string{{m{i} = m{i - 1} # {{x}}}}\n" for i in range(1, 200_001)),
        "references.bib:53: BibTeX: @string 'm33' is defined through 33 levels of other @string "
        "macros; at most 32 are followed: define it with its own text",
        id="200000-macro-chain",
    ),
    pytest.param(
        "".join(f"@book{{c{i}, title = {{T{i}}}, crossref = {{c{i + 1}}}}}\n" for i in range(5000))
        + "@book{c5000, publisher = {P}}\n",
        "references.bib:4987: reference 'c4967': crossref parents are nested 33 levels deep "
        "(c4967 -> c4968 -> c4969 -> ... -> c5000); evmap follows at most 32 levels: take one "
        "out (this entry, and those taking fields through it, inherit nothing)",
        id="5000-deep-crossref",
    ),
]


@pytest.mark.parametrize(("bomb", "expected"), AUDIT)
@pytest.mark.parametrize("command", ["check", "build"])
def test_library_bombs_end_in_one_error_within_2_gib(
    tmp_path: Path, bomb: str, expected: str, command: str
) -> None:
    project = write_project(tmp_path / "p")
    project.write("references.bib", project.read("references.bib") + bomb)
    done = run_limited(project, command)
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stdout.splitlines()) == (1, [expected])


def test_library_hostile_shapes_stay_bounded() -> None:
    """Hypothesis' shapes (tests/library_shapes.py), in a process limited to 2 GiB."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "tests")}
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "library_shapes.py")],
        capture_output=True,
        text=True,
        preexec_fn=_limited,
        env=env,
        timeout=1200,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "library shapes: ok\n"), done.stderr[-3000:]


# -- keys and files --------------------------------------------------------------------


def test_library_invisible_character_in_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    bib = project.read("references.bib").replace("@article{wei2021,", "@article{wei2021\u200b,")
    project.write("references.bib", bib)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        1,
        [
            "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key "
            "'wei2021' is not in the BibTeX library; did you mean 'wei2021\\u200b'?",
            "content/claims/core.yml:28: claim 'trkb-needed': evidence item 1: citation key "
            "'wei2021' is not in the BibTeX library; did you mean 'wei2021\\u200b'?",
            "references.bib:13: BibTeX key 'wei2021\\u200b' contains the invisible character "
            "U+200B (ZERO WIDTH SPACE), which makes the key read differently than it is stored; "
            "remove it",
        ],
    )
    assert all(line.isprintable() for line in out.splitlines())


@pytest.mark.parametrize("first", [True, False], ids=["link-first", "link-second"])
def test_library_refused_link_in_a_list_is_the_only_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: bool
) -> None:
    project = write_project(tmp_path / "p")
    (project.root / "other.bib").symlink_to("/etc/passwd")
    files = "[other.bib, references.bib]" if first else "[references.bib, other.bib]"
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "  - evmap:\n", f"  - evmap:\n      bibtex_file: {files}\n"
        ),
    )
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        1,
        [
            "other.bib:0: is a symbolic link leading outside the project, which evmap does not "
            "read; copy the file into the project instead (5 unknown-reference problems that "
            "follow from it are not listed)"
        ],
    )


def test_tiny_library_is_untouched_by_the_bounds() -> None:
    library = load_library_files([("references.bib", TINY["references.bib"])])
    assert library.problems == [] and len(library.references) == 2
