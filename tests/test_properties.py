"""Property-based tests and a fuzz run over the loaders: no input crashes them.

* ``evmap.core.yamlio.load_yaml`` raises nothing but ``YamlError``, whose line is in the
  file and whose message is one line; what it returns is plain data with lines.
* ``evmap.core.load.load_file`` never raises: it returns entries and problems.
* ``evmap.core.bibtex.load_library`` never raises, and every reference it formats is
  safe HTML (no element, attribute or link target comes from the library's text).
* A corpus of deterministic mutants of the tiny test project's files (byte flips,
  insertions, deletions, truncations) goes through the loaders and through
  ``evmap check``: no traceback, only ``path:line: message`` lines.

Hypothesis runs derandomized (the same examples on every run, no example
database), a few hundred examples per property, without deadlines: CI-friendly.
For a longer, randomized fuzz run: ``EVMAP_FUZZ_EXAMPLES=20000 pytest tests/test_properties.py``.
"""

from __future__ import annotations

import datetime
import io
import itertools
import os
import random
import re
import textwrap
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import TINY, write_project
from evmap.adapters.cli import main
from evmap.core.bibtex import KEY_PATTERN, Library, load_library
from evmap.core.load import load_file
from evmap.core.model import Claim, Compound, Pathway
from evmap.core.problems import Problem
from evmap.core.yamlio import LineDict, LineList, YamlError, decode_text, load_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("EVMAP_FUZZ_EXAMPLES", "250")),
    deadline=None,
    derandomize="EVMAP_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BUG = "this is a bug in evmap"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# -- strategies --------------------------------------------------------------

# Pieces of YAML syntax, joined at random: far more likely to reach the parser's
# corners than random characters.
YAML_TOKENS = [
    "\n",
    "\n",
    "  ",
    "  ",
    " ",
    "- ",
    "- ",
    "id: ",
    "name: ",
    "key: ",
    ": ",
    "? ",
    "a",
    "b1",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "'",
    '"',
    "\\",
    "#",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!str ",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "!!set ",
    "!x ",
    "!<tag:x> ",
    "|",
    ">",
    "|-\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "null",
    "~",
    "yes",
    "no",
    "1",
    "-3",
    "0x1F",
    "0o17",
    "1_000",
    "1e400",
    ".inf",
    ".nan",
    "1:20:30",
    "9" * 40,
    "2020-02-30",
    "2020-01-01T10:00:00Z",
    '"\\x07"',
    '"\\u2028"',
    '"\\0"',
    '"\\U0001F600"',
    "\t",
    "\r\n",
    "\r",
    "\ufeff",
    "\u2028",
    "\x85",
    "\x00",
    "é",
    "😀",
    "=",
    "@",
    "`",
    "%",
]
yaml_text = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
yaml_bytes = st.one_of(
    yaml_text.map(lambda t: t.encode("utf-8")),
    st.binary(max_size=400),
    yaml_text.map(lambda t: t.encode("utf-16")),
    yaml_text.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
)

# Text a YAML writer round-trips: no control characters, surrogates or line separators.
plain_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"),
    max_size=30,
)
yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**17), 10**17)
    | st.floats(allow_nan=False)
    | plain_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(plain_text, inner, max_size=4),
    max_leaves=25,
)

# Values a curator might put anywhere, right or wrong.
hostile_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**17), 10**17),
    st.floats(),
    plain_text,
    st.sampled_from(
        [
            "",
            " ",
            "a/b",
            "..",
            "../../etc/passwd",
            "UPPER",
            "x" * 3000,
            "<script>x</script>",
            "javascript:alert(1)",
            "ketamine",
            "bdnf-trkb",
            "wei2021",
            "supports",
            "mouse",
            "in-vivo",
            "low",
            "CHEBI:6121",
            "-",
            "a--b",
            "é",
        ]
    ),
)
hostile_value = st.recursive(
    hostile_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(plain_text, inner, max_size=3),
    max_leaves=8,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Either a right value or any value at all."""
    return st.one_of(value, hostile_value)


evidence = st.fixed_dictionaries(
    {
        "stance": maybe(st.sampled_from(["supports", "contradicts", "mixed"])),
        "finding": maybe(st.just("Something was found.")),
        "model": maybe(
            st.fixed_dictionaries(
                {"species": maybe(st.sampled_from(["mouse", "human"]))},
                optional={"paradigm": maybe(st.just("CSDS"))},
            )
        ),
        "type": maybe(st.sampled_from(["in-vivo", "clinical"])),
        "citations": maybe(st.lists(st.sampled_from(["wei2021", "berman2000", "x y"]), max_size=3)),
    },
    optional={"locator": maybe(st.just("Fig. 1")), "citaton": hostile_value},
)
claim = st.fixed_dictionaries(
    {
        "id": maybe(st.sampled_from(["c1", "c-2"])),
        "statement": maybe(st.just("A statement.")),
        "pathways": maybe(st.lists(st.sampled_from(["bdnf-trkb", "Bad Id"]), max_size=3)),
        "evidence": maybe(st.lists(evidence, max_size=3)),
    },
    optional={
        "compounds": maybe(st.lists(st.sampled_from(["ketamine", "a/b"]), max_size=3)),
        "certainty": maybe(st.fixed_dictionaries({"grade": maybe(st.just("low"))})),
        "colour": hostile_value,
    },
)
compound = st.fixed_dictionaries(
    {
        "id": maybe(st.just("x")),
        "name": maybe(st.just("X")),
        "kind": maybe(st.sampled_from(["drug", "metabolite"])),
    },
    optional={
        "parent": maybe(st.just("ketamine")),
        "synonyms": maybe(st.lists(plain_text, max_size=3)),
        "identifiers": maybe(
            st.fixed_dictionaries(
                {}, optional={"pubchem_cid": hostile_value, "chebi": hostile_value}
            )
        ),
    },
)
pathway = st.fixed_dictionaries(
    {
        "id": maybe(st.just("p")),
        "name": maybe(st.just("P")),
        "category": maybe(st.sampled_from(["receptor", "glia"])),
    },
    optional={"related": maybe(st.lists(st.sampled_from(["p", "bdnf-trkb"]), max_size=3))},
)
ENTRIES = {"claim": claim, "compound": compound, "pathway": pathway}
MODEL = {"claim": Claim, "compound": Compound, "pathway": Pathway}


@st.composite
def entry_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A kind and a YAML file of one or several (possibly wrong) entries of that kind."""
    kind = draw(st.sampled_from(sorted(ENTRIES)))
    entries = draw(st.lists(ENTRIES[kind], min_size=1, max_size=3))
    document: Any = entries if len(entries) > 1 or draw(st.booleans()) else entries[0]
    flow = draw(st.sampled_from([False, None]))
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=draw(st.booleans()))
    return kind, text.encode("utf-8")


BIB_TOKENS = [
    "@article{",
    "@book(",
    "@string{",
    "@comment{",
    "@preamble{",
    "@misc{",
    "@",
    "key2020",
    "Key2020",
    "a/b",
    ", ",
    ",",
    "}",
    "{",
    "(",
    ")",
    "\n",
    "\n",
    " ",
    "title = ",
    "author = ",
    "editor = ",
    "year = ",
    "doi = ",
    "url = ",
    "pmid = ",
    "eprint = ",
    "pubmed = ",
    "journal = ",
    "note = ",
    "evmap-ignore = ",
    "crossref = ",
    '"',
    "#",
    "=",
    "%",
    " and ",
    "others",
    "Smith, John",
    "Smith, Jr., John",
    "de la Cruz, A.",
    "{\\'e}",
    "\\url{",
    "\\href{",
    "\\emph{",
    "{{",
    "}}",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    '" onmouseover="',
    "10.1000/x",
    "https://example.org/a?b=1",
    "123",
    "jan",
    "\r\n",
    "\t",
    "é",
    "\x00",
    "\u2028",
    "missing-doi",
    "x" * 50,
]
bib_text = st.one_of(
    st.lists(st.sampled_from(BIB_TOKENS), max_size=80).map("".join),
    st.text(max_size=300),
)

# Field values with every character that matters to HTML, no braces (kept well formed).
html_text = st.lists(
    st.sampled_from([*"<>\"'&=/:;()#%.?! abcxyz0123\\", "javascript:", "on", "script"]),
    max_size=30,
).map("".join)
BIB_FIELDS = ["title", "journal", "note", "eprint", "pubmed", "howpublished", "url", "doi"]


# -- checks shared by the properties --------------------------------------------


def line_count(data: bytes) -> int:
    """Lines as evmap counts them: CRLF, CR and LF each end one."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def assert_clean_problem(problem: Problem, path: str, text_lines: int) -> None:
    """A problem is one line, located in the file, and never an evmap bug."""
    assert problem.path == path
    assert 0 <= problem.line <= text_lines + 1, problem
    assert problem.message and "\n" not in problem.message and "\r" not in problem.message
    assert BUG not in problem.message, problem


def assert_loaded(value: Any) -> None:
    """What load_yaml returns: plain values, mappings and lists that know their lines."""
    if isinstance(value, LineDict):
        assert list(value.key_lines) == list(value)
        assert all(isinstance(key, str) for key in value)
        assert all(line >= 1 for line in value.key_lines.values()) and value.line >= 1
        for item in value.values():
            assert_loaded(item)
    elif isinstance(value, LineList):
        assert len(value.item_lines) == len(value) and value.line >= 1
        for item in value:
            assert_loaded(item)
    elif isinstance(value, str):
        assert not CONTROL.search(value), repr(value)
    else:
        assert value is None or isinstance(
            value, bool | int | float | datetime.date | datetime.datetime
        ), type(value)


def assert_safe_html(html: str) -> None:
    """A formatted reference is text plus pybtex's own tags and http(s) links."""
    tree = BeautifulSoup(html, "html.parser")
    for tag in tree.find_all(True):
        assert tag.name in {"a", "span", "em", "strong", "i", "b", "sup", "sub"}, html
        for name, value in tag.attrs.items():
            assert name in {"href", "class", "target"}, html
            if name == "href":
                assert re.match(r"https?://", str(value)), html


def check_library(text: str) -> Library:
    library = load_library(text, "references.bib")
    for problem in library.problems:
        assert_clean_problem(problem, "references.bib", text.count("\n") + 1)
    for ref in library.references:
        assert KEY_PATTERN.match(ref.key)
        assert_safe_html(ref.html)
    return library


# -- load_yaml -----------------------------------------------------------------


@FUZZ
@given(yaml_bytes)
def test_load_yaml_raises_only_yaml_error(data: bytes) -> None:
    try:
        value = load_yaml(data)
    except YamlError as exc:
        assert 0 <= exc.line <= line_count(data) + 1, (exc.line, exc.message)
        assert exc.message and "\n" not in exc.message
    else:
        assert_loaded(value)


@FUZZ
@given(yaml_values, st.booleans(), st.sampled_from([False, None, True]))
def test_load_yaml_reads_what_a_yaml_writer_writes(value: Any, unicode: bool, flow: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=unicode, default_flow_style=flow)
    assert load_yaml(text.encode("utf-8")) == value


@FUZZ
@given(
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), plain_text, min_size=1),
    st.lists(st.sampled_from(["bom", "crlf", "cr", "comment"]), unique=True),
)
def test_line_numbers_survive_bom_crlf_and_comments(
    entry: dict[str, str], changes: list[str]
) -> None:
    text = yaml.safe_dump([entry], default_flow_style=False, allow_unicode=True, width=1000)
    if "comment" in changes:
        text = "# a comment\n\n" + text
    lines = text.split("\n")
    data = text.replace("\n", "\r\n" if "crlf" in changes else "\r" if "cr" in changes else "\n")
    raw = ("\ufeff" if "bom" in changes else "") + data
    loaded = load_yaml(raw.encode("utf-8"))
    assert isinstance(loaded, LineList) and loaded.item_lines[0] == loaded.line
    for key, line in loaded[0].key_lines.items():
        assert lines[line - 1].lstrip("- ").startswith((f"{key}:", f"'{key}':")), (key, lines)


# -- load_file -----------------------------------------------------------------


@FUZZ
@given(st.sampled_from(sorted(ENTRIES)), yaml_bytes)
def test_load_file_never_raises_on_any_bytes(kind: str, data: bytes) -> None:
    entries, problems = load_file(kind, data, "content/x.yml")
    for problem in problems:
        assert_clean_problem(problem, "content/x.yml", line_count(data))
    assert all(isinstance(entry, MODEL[kind]) for entry in entries)


@FUZZ
@given(entry_file())
def test_load_file_never_raises_on_wrong_entries(file: tuple[str, bytes]) -> None:
    kind, data = file
    entries, problems = load_file(kind, data, "content/x.yml")
    for problem in problems:
        assert_clean_problem(problem, "content/x.yml", line_count(data))
    assert all(isinstance(entry, MODEL[kind]) for entry in entries)
    assert entries or problems


# -- load_library ----------------------------------------------------------------


@FUZZ
@given(bib_text)
def test_load_library_never_raises(text: str) -> None:
    check_library(text)


@FUZZ
@given(st.dictionaries(st.sampled_from(BIB_FIELDS), html_text, min_size=1), html_text)
def test_formatted_references_are_safe_html(fields: dict[str, str], author: str) -> None:
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    text = f"@misc{{k2020,\n  author = {{{author}}},\n{body}  year = {{2020}},\n}}\n"
    library = check_library(text)
    for ref in library.references:
        assert "<script" not in ref.html.lower()


# -- a corpus of mutated real files ----------------------------------------------

FILES = {rel: textwrap.dedent(text).encode("utf-8") for rel, text in TINY.items()}
KINDS = {"compounds": "compound", "pathways": "pathway", "claims": "claim"}


def mutants(data: bytes, seed: int, count: int) -> Iterator[bytes]:
    """``count`` deterministic mutants of ``data``: 1-4 byte-level edits each."""
    rng = random.Random(seed)
    interesting = [
        b"\x00",
        b"\xff",
        b"\t",
        b"\r",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b'"',
        b"'",
        b"&",
        b"*",
        b"!",
        b"@",
        b",",
        b"\n",
        b"-",
        b"#",
        b"\xc3",
        b"\xe2\x80\xa8",
    ]
    for _ in range(count):
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(out) + 1)
            operation = rng.choice(["flip", "insert", "delete", "truncate", "duplicate", "swap"])
            if operation == "flip" and at < len(out):
                out[at] ^= 1 << rng.randrange(8)
            elif operation == "insert":
                out[at:at] = rng.choice(interesting)
            elif operation == "delete":
                del out[at : at + rng.randint(1, 8)]
            elif operation == "truncate":
                del out[at:]
            elif operation == "duplicate":
                out[at:at] = out[max(0, at - 40) : at]
            elif operation == "swap" and len(out) > 1:
                other = rng.randrange(len(out))
                out[at - 1 : at], out[other : other + 1] = out[other : other + 1], out[at - 1 : at]
        yield bytes(out)


MUTANTS = 250
"""Mutants of each file."""
MUTANT_PARTS = 5
"""They run in parts, apart (a library's mutants take longest to read)."""


@pytest.mark.parametrize("part", range(MUTANT_PARTS))
@pytest.mark.parametrize("rel", sorted(rel for rel in FILES if not rel.endswith(".md")))
def test_mutated_files_never_crash_the_loaders(rel: str, part: int) -> None:
    seed = sum(rel.encode())  # deterministic, different per file
    size = MUTANTS // MUTANT_PARTS
    every = mutants(FILES[rel], seed, MUTANTS)
    for data in itertools.islice(every, part * size, (part + 1) * size):
        if rel.endswith(".bib"):
            try:
                text = decode_text(data)
            except YamlError:
                continue
            check_library(text)
            continue
        kind = KINDS[rel.split("/")[1]]
        _, problems = load_file(kind, data, rel)
        for problem in problems:
            assert_clean_problem(problem, rel, line_count(data))


OUTPUT_LINE = re.compile(r"^[^\s:][^:]*:\d+: \S")


@pytest.mark.parametrize("seed", range(8))
def test_mutated_projects_check_cleanly(tmp_path: Path, seed: int) -> None:
    """``evmap check`` on projects with one mutated file: exit 0 or 1, one problem a line."""
    rng = random.Random(seed)
    targets = sorted(rel for rel in FILES if not rel.endswith(".md"))
    for n in range(5):
        rel = rng.choice(targets)
        data = next(mutants(FILES[rel], seed * 100 + n, 1))
        project = write_project(tmp_path / f"p{n}")
        project.write(rel, data)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["check", "-f", str(project.config)])
        assert code in (0, 1), err.getvalue()
        lines = out.getvalue().splitlines()
        assert all(OUTPUT_LINE.match(line) for line in lines), lines
        assert BUG not in out.getvalue()
        assert err.getvalue().startswith("evmap: "), err.getvalue()
