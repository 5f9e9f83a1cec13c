"""Hostile and broken input: a clear ``path:line: message``, never a traceback.

One table row per kind of bad input, each asserting the exact lines ``evmap check``
prints and its exit code (1 for bad inputs, 2 for configuration errors). Then the
safe loader (no tag runs code), markup in content (shown as text in the built
HTML, never as markup) and failed builds (the previous site and the sources are
left exactly as they were).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import CLAIM, TINY, Project, article, soup, write_project
from evmap.adapters.build import BuildFailed, build_site, run_mkdocs
from evmap.adapters.cli import main
from evmap.core import inputs, load
from evmap.core.problems import summary_line
from evmap.core.yamlio import MAX_DEPTH, MAX_FILE_BYTES

CLAIMS = "content/claims/new.yml"
COMPOUND = "content/compounds/x.yml"
BIB = textwrap.dedent(TINY["references.bib"])
CORE = textwrap.dedent(TINY["content/claims/core.yml"])
SCHEMA_COMMENT = (
    "# yaml-language-server: $schema=../../build_tools/evmap/schema/claim.schema.json\n"
)

# A valid claim (lines 1-10) and a valid compound (lines 1-3) to break one way at a time.
DRUG = "id: x\nname: X\nkind: drug\n"

# Delete a file of the tiny project; make a folder where a file is expected.
DELETE = None
FOLDER = object()
FIFO = object()


class Link:
    """A symbolic link to ``target`` (relative to the link's folder, or absolute)."""

    def __init__(self, target: str) -> None:
        self.target = target


# A valid compound, outside the project (beside its folder): read through a link, it
# would be published.
OUTSIDE_COMPOUND = "id: outsider\nname: Outsider\nkind: drug\n"

# Every citation of the tiny project, reported when the library lost its entries.
# What a library that cannot be read adds to its own problem: the tiny project's five
# citations (four in claims, one on a hand-written page) would all be unknown.
FOLDED = " (5 unknown-reference problems that follow from it are not listed)"
UNCITABLE = [
    "content/claims/core.yml:10: claim 'nmdar-main-route': evidence item 1: citation key "
    "'berman2000' is not in the BibTeX library; add the entry to the library",
    "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key "
    "'wei2021' is not in the BibTeX library; add the entry to the library",
    "content/claims/core.yml:28: claim 'trkb-needed': evidence item 1: citation key "
    "'berman2000' is not in the BibTeX library; add the entry to the library",
    "content/claims/core.yml:28: claim 'trkb-needed': evidence item 1: citation key "
    "'wei2021' is not in the BibTeX library; add the entry to the library",
    # The hand-written page's [@berman2000] (checked like the claims' citations).
    "docs/about.md:3: citation key 'berman2000' is not in the BibTeX library; add the entry "
    "to the library",
]


def bib(old: str, new: str) -> str:
    """The tiny project's library with one edit (which must apply)."""
    assert old in BIB, old
    return BIB.replace(old, new)


def claim(old: str, new: str) -> str:
    assert old in CLAIM, old
    return CLAIM.replace(old, new)


def case(
    case_id: str, files: Mapping[str, object], *expected: str, code: int = 1
) -> pytest.ParameterSet:
    return pytest.param(dict(files), list(expected), code, id=case_id)


CASES = [
    # -- YAML syntax -------------------------------------------------------
    case(
        "yaml-tab-indentation",
        {CLAIMS: "id: c1\n\tstatement: S.\n"},
        f"{CLAIMS}:2: a tab is used for indentation; YAML allows spaces only",
    ),
    case(
        "yaml-unclosed-double-quote",
        {CLAIMS: 'id: c1\nstatement: "S.\npathways: [a]\n'},
        f"{CLAIMS}:2: a quoted text is never closed; add the closing quote",
    ),
    case(
        "yaml-unclosed-single-quote",
        {CLAIMS: "id: c1\nstatement: 'S.\npathways: [a]\n"},
        f"{CLAIMS}:2: a quoted text is never closed; add the closing quote",
    ),
    case(
        "yaml-unclosed-bracket",
        {CLAIMS: claim("compounds: [arketamine]", "compounds: [arketamine")},
        f"{CLAIMS}:3: YAML syntax error: the list opened here is not closed: expected ',' or "
        "']' before line 4",
    ),
    case(
        "yaml-colon-in-plain-text",
        {CLAIMS: claim("statement: A statement", "statement: Note: a statement")},
        f"{CLAIMS}:2: YAML syntax error: mapping values are not allowed in this context; put "
        "text that contains ': ' in quotes",
    ),
    case(
        "yaml-two-documents",
        {COMPOUND: DRUG + "---\n" + DRUG},
        f"{COMPOUND}:4: only one YAML document per file is allowed; remove the '---' separator",
    ),
    case(
        "yaml-duplicate-field",
        {COMPOUND: DRUG + "name: Y\n"},
        f"{COMPOUND}:4: field 'name' appears twice (first at line 2); keep one of them",
    ),
    case(
        "yaml-number-as-field-name",
        {COMPOUND: DRUG + "1: one\n"},
        f"{COMPOUND}:4: field names must be text, got 1",
    ),
    # -- the shape of a file and of its values -----------------------------
    case(
        "file-is-a-bare-string",
        {CLAIMS: "just a sentence\n"},
        f"{CLAIMS}:1: expected a claim (a mapping of fields) or a list of them, got the text "
        "'just a sentence'",
    ),
    case(
        "file-is-a-bare-string-after-comments",
        {CLAIMS: SCHEMA_COMMENT + "\n" + "x" * 300 + "\n"},
        f"{CLAIMS}:3: expected a claim (a mapping of fields) or a list of them, got the text "
        "'" + "x" * 57 + "...'",
    ),
    case(
        "file-is-a-number",
        {COMPOUND: "42\n"},
        f"{COMPOUND}:1: expected a compound (a mapping of fields) or a list of them, got the "
        "number 42",
    ),
    case(
        "list-item-is-not-a-mapping",
        {CLAIMS: CLAIM + "- just text\n- \n"},
        f"{CLAIMS}:11: a claim must be a mapping of fields (id: ..., ...), got the text "
        "'just text'",
        f"{CLAIMS}:12: a claim must be a mapping of fields (id: ..., ...), got nothing (an "
        "empty value)",
    ),
    case(
        "mapping-where-a-list-belongs",
        {CLAIMS: claim("pathways: [bdnf-trkb]", "pathways: {bdnf-trkb: yes}")},
        f"{CLAIMS}:4: claim 'c1': 'pathways' must be a list, got a mapping",
    ),
    case(
        "list-where-a-mapping-belongs",
        {CLAIMS: claim("model: {species: mouse, paradigm: CSDS}", "model: [mouse]")},
        f"{CLAIMS}:8: claim 'c1': evidence item 1: 'model' must be a mapping of fields, got a list",
    ),
    case(
        "entry-is-an-empty-mapping",
        {COMPOUND: "{}\n"},
        f"{COMPOUND}:1: compound: missing required field 'id'",
        f"{COMPOUND}:1: compound: missing required field 'kind'",
        f"{COMPOUND}:1: compound: missing required field 'name'",
    ),
    case(
        "number-where-text-belongs",
        {COMPOUND: DRUG.replace("name: X", "name: 1984")},
        f"{COMPOUND}:2: compound 'x': 'name' must be text, got the number 1984; put it in "
        "quotes to make it text",
    ),
    case(
        "yes-where-text-belongs",
        {COMPOUND: DRUG.replace("id: x", "id: yes")},
        f"{COMPOUND}:1: compound: 'id' must be text, got true/false; put it in quotes to make "
        "it text",
    ),
    case(
        "date-where-text-belongs",
        {COMPOUND: DRUG.replace("name: X", "name: 2020-01-01")},
        f"{COMPOUND}:2: compound 'x': 'name' must be text, got the date 2020-01-01; put it in "
        "quotes to make it text",
    ),
    case(
        "impossible-date",
        {COMPOUND: DRUG.replace("name: X", "name: 2020-02-30")},
        f"{COMPOUND}:2: '2020-02-30' reads as a date but is not a valid one (day is out of "
        "range for month); put it in quotes if it is text",
    ),
    case(
        "huge-number",
        {COMPOUND: DRUG.replace("name: X", "name: " + "9" * 5000)},
        f"{COMPOUND}:2: the number '9999999999999999999999999999999999999...' is too large (the "
        "limit is 999999999999999999); put it in quotes if it is text",
    ),
    case(
        "value-outside-allowed-set",
        {COMPOUND: DRUG.replace("kind: drug", "kind: salt")},
        f"{COMPOUND}:3: compound 'x': 'kind' is the text 'salt'; expected one of: racemate, "
        "enantiomer, metabolite, drug, tool-compound, endogenous",
    ),
    case(
        "unknown-field",
        {COMPOUND: DRUG + "colour: red\n"},
        f"{COMPOUND}:4: compound 'x': unknown field 'colour'; expected one of: id, identifiers, "
        "kind, name, parent, summary, synonyms",
    ),
    case(
        "unknown-field-with-a-line-break-in-its-name",
        {COMPOUND: DRUG + '"sum\\nmary": text\n'},
        f"{COMPOUND}:4: compound 'x': unknown field 'sum\\nmary'; expected one of: id, "
        "identifiers, kind, name, parent, summary, synonyms; did you mean 'summary'?",
    ),
    # One case per kind of schema failure the checker puts into words.
    case(
        "empty-text",
        {COMPOUND: DRUG.replace("name: X", "name: ''")},
        f"{COMPOUND}:2: compound 'x': 'name' is empty; write a value or remove the field",
    ),
    case(
        "same-value-twice",
        {COMPOUND: DRUG + "synonyms: [Y, Y]\n"},
        f"{COMPOUND}:4: compound 'x': 'synonyms' lists the same value twice; keep one",
    ),
    case(
        "citation-key-with-a-space",
        {CLAIMS: claim("citations: [wei2021]", "citations: ['wei 2021']")},
        f"{CLAIMS}:10: claim 'c1': evidence item 1: 'citations[1]' is 'wei 2021'; expected "
        "letters, digits, '-' and '_' only (a BibTeX key)",
    ),
    case(
        "field-over-its-size-limit",
        {CLAIMS: claim("A statement long enough to read.", "S" * 2001)},
        f"{CLAIMS}:2: claim 'c1': 'statement' is 2001 characters long; the limit is 2000",
    ),
    # -- ids that cannot become URLs, and ids used twice ---------------------
    case(
        "id-with-a-slash",
        {COMPOUND: DRUG.replace("id: x", "id: a/b")},
        f"{COMPOUND}:1: compound 'a/b': 'id' is 'a/b'; expected a lowercase id of letters, "
        "digits and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "id-dot-dot",
        {COMPOUND: DRUG.replace("id: x", "id: ..")},
        f"{COMPOUND}:1: compound '..': 'id' is '..'; expected a lowercase id of letters, "
        "digits and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "id-with-a-space",
        {COMPOUND: DRUG.replace("id: x", "id: my drug")},
        f"{COMPOUND}:1: compound 'my drug': 'id' is 'my drug'; expected a lowercase id of "
        "letters, digits and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "id-uppercase",
        {CLAIMS: claim("id: c1", "id: C1")},
        f"{CLAIMS}:1: claim 'C1': 'id' is 'C1'; expected a lowercase id of letters, digits "
        "and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "id-with-a-line-break",
        {COMPOUND: DRUG.replace("id: x", 'id: "x\\ny"')},
        f"{COMPOUND}:1: compound 'x\\ny': 'id' is 'x\\ny'; expected a lowercase id of "
        "letters, digits and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "reference-to-a-path",
        {CLAIMS: claim("pathways: [bdnf-trkb]", "pathways: [../../etc]")},
        f"{CLAIMS}:4: claim 'c1': 'pathways[1]' is '../../etc'; expected a lowercase id of "
        "letters, digits and single hyphens, e.g. 'bdnf-trkb'",
    ),
    case(
        "duplicate-id-across-files",
        {COMPOUND: DRUG.replace("id: x", "id: ketamine")},
        f"{COMPOUND}:1: compound id 'ketamine' is already used at "
        "content/compounds/ketamine.yml:1; ids must be unique, rename one of them",
    ),
    # -- references between entries ----------------------------------------
    case(
        "unknown-citation-key",
        {CLAIMS: claim("citations: [wei2021]", "citations: [nobody1999]")},
        f"{CLAIMS}:10: claim 'c1': evidence item 1: citation key 'nobody1999' is not in the "
        "BibTeX library; add the entry to the library",
    ),
    case(
        "unknown-pathway",
        {CLAIMS: claim("pathways: [bdnf-trkb]", "pathways: [bdnf-trk]")},
        f"{CLAIMS}:4: claim 'c1': unknown pathway 'bdnf-trk'; did you mean 'bdnf-trkb'?; add "
        "it under content/pathways/ or fix the id",
    ),
    case(
        "unknown-parent",
        {COMPOUND: DRUG + "parent: ketamin\n"},
        f"{COMPOUND}:4: compound 'x': parent: unknown compound 'ketamin'; did you mean "
        "'ketamine'?; add it under content/compounds/ or fix the id",
    ),
    # -- BibTeX ------------------------------------------------------------
    case(
        "bibtex-entry-never-closed",
        {"references.bib": BIB + "\n@article{x2020, title={X}, doi={10.1000/x}\n"},
        "references.bib:21: BibTeX: entry 'x2020' is not closed before the end of the file; "
        "add the '}' that ends it",
    ),
    case(
        "bibtex-entry-not-closed-before-the-next",
        {"references.bib": bib("  pmid = {10686270},\n}\n", "  pmid = {10686270},\n")},
        *UNCITABLE[1:2],
        *UNCITABLE[3:4],
        "references.bib:1: BibTeX: entry 'berman2000' is not closed before the next entry "
        "(line 12); add the '}' that ends it",
    ),
    case(
        "bibtex-field-brace-never-closed",
        {"references.bib": bib("year = {2000},", "year = {2000,")},
        "references.bib:5: BibTeX: the '{' that opens field 'year' in entry 'berman2000' is "
        "never closed before the next entry (line 13); add the missing '}'",
    ),
    case(
        "bibtex-extra-closing-brace",
        {"references.bib": bib("journal = {Biological Psychiatry},", "journal = {Biological}},")},
        "references.bib:5: BibTeX: this text is outside any entry, so BibTeX ignores it; entry "
        "'berman2000' was already closed by the '}' at line 4: remove that extra '}'",
    ),
    case(
        "bibtex-quote-never-closed",
        {"references.bib": bib("journal = {Biological Psychiatry},", 'journal = "Biological,')},
        "references.bib:4: BibTeX: the quoted value of field 'journal' in entry 'berman2000' "
        "does not end before the entry's last '}'; add its closing '\"' (and balance its "
        "braces)",
    ),
    case(
        "bibtex-missing-key",
        {"references.bib": BIB + "\n@article{, title={X}, doi={10.1000/x}}\n"},
        "references.bib:21: BibTeX: this @article entry has no key; write one after '{', as "
        "in '@article{smith2020,'",
    ),
    case(
        "bibtex-key-with-a-space",
        {"references.bib": BIB + "\n@article{my key, title={X}, doi={10.1000/x}}\n"},
        "references.bib:21: BibTeX key 'my key' contains a space; a key ends at the first "
        "space: remove it",
    ),
    case(  # any key BibTeX reads is fine; pages get a slug of it (a-b)
        "bibtex-keys-giving-one-url",
        {
            "references.bib": BIB
            + "\n@article{a/../b, author={Doe, J.}, year=2020, title={X}, doi={10.1000/x}}\n"
            + "\n@article{A:B, author={Roe, R.}, year=2021, title={Y}, doi={10.1000/y}}\n",
            "docs/about.md": "# About\n\nCiting [@berman2000; @{a/../b}] and [@A:B].\n",
        },
        "references.bib:23: reference 'A:B' would have the same page URL (references/a-b/) as "
        "'a/../b' (references.bib:21); keys are compared without case and with ':', '/', '.', "
        "'+' and the like read as '-': rename one of them",
    ),
    case(
        "bibtex-duplicate-key",
        {"references.bib": BIB + "\n@article{Wei2021, title={X}, doi={10.1000/x}}\n"},
        "references.bib:21: duplicate BibTeX key 'Wei2021' (first defined at line 13); keys "
        "must be unique, compared without case",
    ),
    case(
        "bibtex-duplicate-field",
        {"references.bib": bib("  year = {2000},\n", "  year = {2000},\n  year = {2001},\n")},
        "references.bib:6: reference 'berman2000': field 'year' appears twice; keep one",
    ),
    case(
        "bibtex-missing-comma",
        {"references.bib": bib("year = {2000},", "year = {2000}")},
        "references.bib:6: BibTeX syntax error: expected ',' or '}' after a field value; is a "
        "',' missing at the end of the line before? (in entry 'berman2000')",
    ),
    case(
        "bibtex-undefined-string",
        {"references.bib": bib("journal = {Biological Psychiatry}", "journal = biolpsych")},
        "references.bib:4: BibTeX: undefined @string 'biolpsych' in entry 'berman2000'; put the "
        "value in braces ({biolpsych}) or define it with @string",
    ),
    case(
        "bibtex-name-with-too-many-commas",
        {"references.bib": bib("Berman, Robert M. and", "Berman, Robert, M., Jr. and")},
        "references.bib:2: BibTeX: the name 'Berman, Robert, M., Jr.' has too many commas; "
        "write each name as 'Last, First' and separate names with 'and'",
    ),
    case(
        "bibtex-stray-at-sign",
        {"references.bib": BIB + "\nwrite to curators@example.org\n"},
        "references.bib:21: BibTeX syntax error: '@' starts an entry and must be followed by a "
        "type and '{', as in '@article{key,'; remove stray '@' signs outside entries",
    ),
    # A bad link field drops the link only: the entry stays citable.
    case(
        "bibtex-javascript-url",
        {"references.bib": bib("pmid = {10686270},", "url = {javascript:alert(1)},")},
        "references.bib:10: reference 'berman2000': field 'url' is 'javascript:alert(1)'; "
        "expected an http:// or https:// address without spaces; the entry is kept without "
        "this link",
    ),
    case(
        "bibtex-doi-not-a-doi",
        {"references.bib": bib("doi = {10.1016/S0006-3223(99)00230-9}", "doi = {see the paper}")},
        "references.bib:9: reference 'berman2000': field 'doi' is 'see the paper'; expected a "
        "DOI such as 10.1038/mp.2015.176 (10.<registrant>/<suffix>); the entry is kept without "
        "this link",
    ),
    case(
        "bibtex-pmid-not-digits",
        {"references.bib": bib("pmid = {10686270}", "pmid = {PMC10686270}")},
        "references.bib:10: reference 'berman2000': field 'pmid' is 'PMC10686270'; expected a "
        "PubMed id made of digits; the entry is kept without this link",
    ),
    # -- encodings ---------------------------------------------------------
    case(
        "latin-1-yaml",
        {COMPOUND: "id: x\nname: Café\nkind: drug\n".encode("latin-1")},
        f"{COMPOUND}:2: file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
    ),
    case(
        "utf-16-yaml",
        {COMPOUND: DRUG.encode("utf-16")},
        f"{COMPOUND}:0: file is saved as UTF-16 (it starts with a UTF-16 byte-order mark); save "
        "it as UTF-8",
    ),
    case(
        "utf-16-yaml-without-bom",
        {COMPOUND: DRUG.encode("utf-16-le")},
        f"{COMPOUND}:1: file contains a NUL byte (0x00), as UTF-16 files do; save it as UTF-8 text",
    ),
    case(
        "latin-1-bibtex",
        {"references.bib": bib("Berman, Robert", "Bérman, Robert").encode("latin-1")},
        # The cause first; the five citations it makes unknown are counted, not listed.
        "references.bib:2: file is not valid UTF-8 (byte 0xe9); save it as UTF-8" + FOLDED,
    ),
    case(
        "control-character-in-yaml",
        {COMPOUND: b"id: x\nname: X\x07\nkind: drug\n"},
        f"{COMPOUND}:2: the file contains the character U+0007, which YAML does not allow; "
        "remove it",
    ),
    case(
        "control-character-from-an-escape",
        {COMPOUND: DRUG.replace("name: X", 'name: "X\\0"')},
        f"{COMPOUND}:2: the text contains the control character U+0000 (from an escape such "
        "as \\0 or \\x07); remove it",
    ),
    case(
        "right-to-left-override-in-a-statement",
        {CLAIMS: claim("A statement long", "A statement \u202egnol")},
        f"{CLAIMS}:2: the text contains the invisible character U+202E (RIGHT-TO-LEFT "
        "OVERRIDE), which makes text read differently than it is stored; remove it",
    ),
    case(
        "bidi-isolate-from-an-escape",
        {COMPOUND: DRUG.replace("name: X", 'name: "X\\u2066Y"')},
        f"{COMPOUND}:2: the text contains the invisible character U+2066 (LEFT-TO-RIGHT "
        "ISOLATE), which makes text read differently than it is stored; remove it",
    ),
    case(
        "zero-width-space-in-a-name",
        {COMPOUND: DRUG.replace("name: X", "name: Ket\u200bamine")},
        f"{COMPOUND}:2: the text contains the invisible character U+200B (ZERO WIDTH SPACE), "
        "which makes text read differently than it is stored; remove it",
    ),
    case(
        "homoglyph-in-an-id",
        {COMPOUND: DRUG.replace("id: x", "id: ket\u0430mine")},
        f"{COMPOUND}:1: compound 'ket\u0430mine': 'id' is 'ket\u0430mine'; expected a lowercase id "
        "of letters, digits and single hyphens, e.g. 'bdnf-trkb'; it contains '\u0430' "
        "(U+0430 CYRILLIC SMALL LETTER A), not ASCII",
    ),
    case(
        "unicode-line-separator",
        {COMPOUND: DRUG.replace("name: X", "name: X\u2028Y")},
        f"{COMPOUND}:2: the file contains the character U+2028 (LINE SEPARATOR), which YAML "
        "reads as a line break; replace it with a space",
    ),
    # -- what the safe loader refuses ----------------------------------------
    case(
        "python-tag-runs-nothing",
        {CLAIMS: '!!python/object/apply:os.system ["echo hi"]\n'},
        f"{CLAIMS}:1: the tag '!!python/object/apply:os.system' is not allowed; write plain "
        "values without '!' tags",
    ),
    case(
        "python-name-tag",
        {COMPOUND: DRUG.replace("name: X", "name: !!python/name:os.system ''")},
        f"{COMPOUND}:2: the tag '!!python/name:os.system' is not allowed; write plain values "
        "without '!' tags",
    ),
    case(
        "custom-tag",
        {COMPOUND: DRUG.replace("name: X", "name: !secret X")},
        f"{COMPOUND}:2: the tag '!secret' is not allowed; write plain values without '!' tags",
    ),
    case(
        "binary-tag",
        {COMPOUND: DRUG.replace("name: X", "name: !!binary aGVsbG8=")},
        f"{COMPOUND}:2: the tag '!!binary' is not allowed; write plain values without '!' tags",
    ),
    case(
        "list-tag-on-mapping",
        {COMPOUND: DRUG.replace("name: X", "name: !!seq {a: 1}")},
        f"{COMPOUND}:2: the tag '!!seq' does not fit a mapping; remove the tag",
    ),
    case(
        "mapping-tag-on-text",
        {COMPOUND: DRUG.replace("name: X", "name: !!map X")},
        f"{COMPOUND}:2: the tag '!!map' does not fit a single value; remove the tag",
    ),
    case(
        "number-tag-on-list",
        {COMPOUND: DRUG.replace("name: X", "name: !!int [1]")},
        f"{COMPOUND}:2: the tag '!!int' does not fit a list; remove the tag",
    ),
    case(
        "billion-laughs",
        {
            CLAIMS: "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
        },
        f"{CLAIMS}:1: anchors and aliases (&name / *name) are not allowed; write the value out",
    ),
    case(
        "merge-key",
        {COMPOUND: "id: x\n<<: {name: X, kind: drug}\n"},
        f"{COMPOUND}:2: merge keys (<<) are not allowed",
    ),
    case(
        "deeply-nested-brackets",
        {CLAIMS: "[" * 100_000 + "]" * 100_000},
        f"{CLAIMS}:1: lists and mappings are nested more than {MAX_DEPTH} levels deep; an entry "
        "needs at most 5",
    ),
    case(
        "deeply-nested-blocks",
        {CLAIMS: "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 1))},
        f"{CLAIMS}:{MAX_DEPTH + 1}: lists and mappings are nested more than {MAX_DEPTH} levels "
        "deep; an entry needs at most 5",
    ),
    case(
        "file-over-the-size-limit",
        {CLAIMS: "# " + "x" * 3 * 1024 * 1024 + "\n"},
        f"{CLAIMS}:0: file is {3 * 1024 * 1024 + 3} bytes, over the limit of {MAX_FILE_BYTES}; "
        "split it in two",
    ),
    # -- empty content, empty library ---------------------------------------
    case(
        "empty-file", {CLAIMS: ""}, f"{CLAIMS}:0: file is empty; write a claim or delete the file"
    ),
    case(
        "file-that-is-only-a-comment",
        {CLAIMS: SCHEMA_COMMENT},
        f"{CLAIMS}:0: file is empty; write a claim or delete the file",
    ),
    case(
        "file-that-is-an-empty-list",
        {CLAIMS: SCHEMA_COMMENT + "[]\n"},
        f"{CLAIMS}:2: file holds an empty list; add a claim",
    ),
    case(  # berman2000 is still cited by the hand-written page; uncited wei2021 says nothing
        "empty-claims-folder",
        {"content/claims/core.yml": DELETE},
        "content/claims:0: no claims found; add at least one .yml file under claims/",
    ),
    case(
        "empty-library",
        {"references.bib": ""},
        "references.bib:0: the BibTeX library has no entries; add the entries the claims cite"
        + FOLDED,
    ),
    case(
        "library-of-comments-only",
        {"references.bib": "% nothing here yet\n@comment{to do}\n"},
        "references.bib:0: the BibTeX library has no entries; add the entries the claims cite"
        + FOLDED,
    ),
    case(
        "library-is-a-folder",
        {"references.bib": FOLDER},
        "references.bib:0: no .bib files in this folder; add the library there or set "
        "'bibtex_file'" + FOLDED,
    ),
    case(
        "library-missing",
        {"references.bib": DELETE},
        "references.bib:0: BibTeX library not found; create it or set 'bibtex_file'" + FOLDED,
    ),
    case(  # it used to say "in entry 'author', is a ',' missing"
        "bibtex-entry-without-key",
        {"references.bib": BIB + "\n@article{author = {Doe, J.}, title = {No key}}\n"},
        f"references.bib:{BIB.count(chr(10)) + 2}: BibTeX: this @article entry has no key "
        "('author =' is its first field); write a key after '{', as in '@article{smith2020,'",
    ),
    # -- files outside the project, links, special files ------------------------
    case(  # its text (a line of /etc/passwd) is never printed
        "content-link-to-system-file",
        {"content/compounds/evil.yml": Link("/etc/passwd")},
        "content/compounds/evil.yml:0: is a symbolic link leading outside the project, which "
        "evmap does not read; copy the file into the project instead",
    ),
    case(  # a valid entry outside the project is not published either
        "content-link-to-valid-file-outside",
        {"content/compounds/outsider.yml": Link("../../../outside.yml")},
        "content/compounds/outsider.yml:0: is a symbolic link leading outside the project, "
        "which evmap does not read; copy the file into the project instead",
    ),
    case(
        "content-folder-linked-outside",
        {"content/claims": Link("/etc")},
        # Its claims are missing: only the cause is reported, not "no claims found".
        "content/claims:0: is a symbolic link leading outside the project, which evmap does "
        "not read; copy the file into the project instead",
    ),
    case(
        "content-link-to-nothing",
        {"content/compounds/gone.yml": Link("missing.yml")},
        "content/compounds/gone.yml:0: is a symbolic link to nothing (what it names does not "
        "exist); fix or delete it",
    ),
    case(
        "content-fifo",
        {"content/compounds/pipe.yml": FIFO},
        "content/compounds/pipe.yml:0: is not a regular file (a device, pipe or socket); "
        "evmap reads only files",
    ),
    case(
        "library-link-to-system-file",
        {"references.bib": Link("/etc/passwd")},
        "references.bib:0: is a symbolic link leading outside the project, which evmap does "
        "not read; copy the file into the project instead" + FOLDED,
    ),
    case(
        "docs-link-to-system-file",
        {"docs/secret.txt": Link("/etc/passwd")},
        "docs/secret.txt:0: is a symbolic link leading outside the project, which evmap does "
        "not read; copy the file into the project instead",
    ),
    case(  # the cause first; the claims naming its pathways are counted, not listed
        "pathway-file-unparsable",
        {"content/pathways/bdnf-trkb.yml": "id: bdnf-trkb\nname: [BDNF\n"},
        "content/pathways/bdnf-trkb.yml:2: YAML syntax error: the list opened here is not "
        "closed: expected ',' or ']' before line 3 (2 unknown-pathway problems that follow "
        "from it are not listed)",
    ),
]


def apply(project: Project, files: Mapping[str, object]) -> None:
    """Write, delete or replace-by-a-folder the files of a case."""
    for rel, content in files.items():
        path = project.root / rel
        if content is DELETE:
            path.unlink()
        elif content is FOLDER:
            path.unlink()
            path.mkdir()
        elif isinstance(content, Link):
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            (project.root.parent / "outside.yml").write_text(OUTSIDE_COMPOUND, "utf-8")
            path.symlink_to(content.target)
        elif content is FIFO:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        elif isinstance(content, bytes):
            project.write(rel, content)
        else:
            assert isinstance(content, str)
            project.write(rel, content.encode("utf-8"))  # bytes: written as is, not dedented


def expected_summary(lines: list[str]) -> str:
    warnings = sum(": warning: " in line for line in lines)
    return summary_line(len(lines) - warnings, warnings)


@pytest.mark.parametrize(("files", "expected", "code"), CASES)
def test_hostile_input_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, object],
    expected: list[str],
    code: int,
) -> None:
    project = write_project(tmp_path / "p")
    apply(project, files)
    got, out, err = project.check(capsys=capsys)
    assert out.splitlines() == expected
    assert err.splitlines() == [expected_summary(expected)]
    assert got == code


# BOM and CRLF line ends are accepted; lines are still counted as an editor shows them.
ACCEPTED = [
    pytest.param({COMPOUND: b"\xef\xbb\xbf" + DRUG.encode()}, id="bom"),
    pytest.param({COMPOUND: DRUG.replace("\n", "\r\n").encode()}, id="crlf"),
    pytest.param({COMPOUND: b"\xef\xbb\xbf" + DRUG.replace("\n", "\r\n").encode()}, id="bom-crlf"),
    pytest.param({COMPOUND: DRUG.replace("\n", "\r").encode()}, id="cr-only"),
    pytest.param(
        {"content/claims/core.yml": b"\xef\xbb\xbf" + CORE.replace("\n", "\r\n").encode()},
        id="bom-crlf-claims",
    ),
    pytest.param(
        {"references.bib": b"\xef\xbb\xbf" + BIB.replace("\n", "\r\n").encode()},
        id="bom-crlf-bibtex",
    ),
]


@pytest.mark.parametrize("files", ACCEPTED)
def test_bom_and_crlf_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, object]
) -> None:
    project = write_project(tmp_path / "p")
    apply(project, files)
    code, out, err = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")
    assert err.startswith("evmap: ok: 2 claims, ")


def test_library_larger_than_a_yaml_file_loads_and_its_own_limit_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lab's library is one big file: over the YAML limit it still loads; over its own
    limit (monkeypatched down, as 64 MiB would slow the suite) it is refused."""
    project = write_project(tmp_path / "p")
    bib = project.read("references.bib")
    padding = "".join(f"@misc{{pad{i}, title = {{{'x' * 1000}}}}}\n" for i in range(2200))
    project.write("references.bib", bib + padding)
    assert len((project.root / "references.bib").read_bytes()) > MAX_FILE_BYTES
    code, out, _ = project.check(capsys=capsys)
    assert (code, out) == (0, ""), out
    monkeypatch.setattr(load, "MAX_LIBRARY_BYTES", MAX_FILE_BYTES)
    monkeypatch.setenv("EVMAP_NO_CACHE", "1")  # the library parsed above is cached
    code, out, _ = project.check(capsys=capsys)
    assert code == 1
    assert f"references.bib:0: file is {len(bib) + len(padding)} bytes, over the limit" in out


LINE_NUMBERS = [
    pytest.param(
        {COMPOUND: b"\xef\xbb\xbf" + DRUG.replace("drug", "salt").replace("\n", "\r\n").encode()},
        f"{COMPOUND}:3: compound 'x': 'kind' is the text 'salt'; expected one of: racemate, "
        "enantiomer, metabolite, drug, tool-compound, endogenous",
        id="bom-crlf-yaml",
    ),
    pytest.param(
        {COMPOUND: DRUG.replace("drug", "salt").replace("\n", "\r").encode()},
        f"{COMPOUND}:3: compound 'x': 'kind' is the text 'salt'; expected one of: racemate, "
        "enantiomer, metabolite, drug, tool-compound, endogenous",
        id="cr-only-yaml",
    ),
    pytest.param(
        {COMPOUND: b"\xef\xbb\xbf" + b"id: x\r\nname: X\r\n\tkind: drug\r\n"},
        f"{COMPOUND}:3: a tab is used for indentation; YAML allows spaces only",
        id="bom-crlf-yaml-syntax",
    ),
    pytest.param(
        {
            "references.bib": b"\xef\xbb\xbf"
            + bib("pmid = {10686270}", "pmid = {x}").replace("\n", "\r\n").encode()
        },
        "references.bib:10: reference 'berman2000': field 'pmid' is 'x'; expected a PubMed id "
        "made of digits; the entry is kept without this link",
        id="bom-crlf-bibtex",
    ),
    pytest.param(
        {
            "references.bib": b"\xef\xbb\xbf"
            + bib("year = {2000},", "year = {2000,").replace("\n", "\r\n").encode()
        },
        "references.bib:5: BibTeX: the '{' that opens field 'year' in entry 'berman2000' is "
        "never closed before the next entry (line 13); add the missing '}'",
        id="bom-crlf-bibtex-syntax",
    ),
]


@pytest.mark.parametrize(("files", "expected"), LINE_NUMBERS)
def test_bom_and_crlf_keep_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, object], expected: str
) -> None:
    project = write_project(tmp_path / "p")
    apply(project, files)
    code, out, _ = project.check(capsys=capsys)
    assert code == 1
    assert [line for line in out.splitlines() if "citation key" not in line] == [expected]


def test_unreadable_content_file_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_project(tmp_path / "p")
    locked = project.write(COMPOUND, DRUG.encode())
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        1,
        [f"{COMPOUND}:0: cannot read the file: Permission denied"],
    )


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            # Every claim names a pathway: without the folder all of them would be
            # "unknown pathway"; the cause comes alone, with the count.
            "content/pathways",
            "content/pathways:0: cannot read this folder: Permission denied; make it readable "
            "(its files are missing from this check) (3 unknown-pathway problems that follow "
            "from it are not listed)",
        ),
        (
            "content/claims/deep",
            "content/claims/deep:0: cannot read this folder: Permission denied; make it "
            "readable (its files are missing from this check)",
        ),
    ],
)
def test_unreadable_folder_is_the_one_cause(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: str,
    expected: str,
) -> None:
    # `chmod 000` does not stop root, who runs CI containers: the refusal is simulated
    # where evmap lists folders.
    project = write_project(tmp_path / "p")
    (project.root / folder).mkdir(parents=True, exist_ok=True)
    locked = project.root / folder
    scandir = os.scandir

    def refuse(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(inputs.os, "scandir", refuse)
    code, out, err = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (1, [expected])
    assert err.splitlines() == ["evmap: 1 error, 0 warnings"]


def test_links_inside_the_project_are_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A lab may keep shared entries elsewhere in its repository and link them in.
    project = write_project(tmp_path / "p")
    project.write("shared/x.yml", DRUG.encode())
    (project.root / COMPOUND).parent.mkdir(parents=True, exist_ok=True)
    (project.root / COMPOUND).symlink_to("../../shared/x.yml")
    (project.root / "library").mkdir()
    (project.root / "references.bib").rename(project.root / "library" / "main.bib")
    (project.root / "references.bib").symlink_to("library/main.bib")
    code, out, err = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")
    assert err.startswith("evmap: ok: 2 claims, 3 compounds, ")


# -- configuration errors: exit 2, one line on stderr -------------------------

CONFIG_CASES = [
    pytest.param(
        lambda text: text.replace(
            "      validation: {placeholder-address: ignore",
            "      validation: {placeholder-address: ignore, missing-dio: error",
        ),
        "evmap: {config}: validation: unknown check 'missing-dio'; known checks: bibtex-field, "
        "bibtex-syntax, duplicate-doi, duplicate-id, empty-content, file-access, file-encoding, "
        "file-shape, finding-against-stance, "
        "incomplete-reference, malformed-identifier, missing-doi, parent-cycle, placeholder-address, retracted-citation, review-cited-as-study, schema, stale-schema, "
        "unattributed-evidence, uncited-reference, unknown-compound, unknown-field, "
        "unknown-pathway, unknown-reference, unreviewed-claim, untrusted-template, yaml-syntax; "
        "did you mean 'missing-doi'?",
        id="unknown-check",
    ),
    pytest.param(
        lambda text: text.replace(
            "      validation: {placeholder-address: ignore",
            "      validation: {placeholder-address: ignore, missing-doi: 5",
        ),
        "evmap: {config}: validation: 'missing-doi' has level '5'; expected error, warning or ignore",
        id="unknown-level",
    ),
    pytest.param(
        lambda text: "site_name: x\n",
        "evmap: {config}: the 'evmap' plugin is not listed under 'plugins:'",
        id="plugin-not-listed",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      contnet_dir: content\n"),
        "evmap: {config}: unknown evmap option 'contnet_dir'; did you mean 'content_dir'?",
        id="misspelt-option",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      colour: blue\n"),
        "evmap: {config}: unknown evmap option 'colour'; known options: content_dir, "
        "bibtex_file, csl, templates_dir, page_shell, trust_templates, validation, edit_uri, "
        "bundle_name, published_fields, doi_expected_since, license, version, curators, "
        "require_review, leave_out_drafts, doi, purpose, release_tags",
        id="unknown-option",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      content_dir: ../other\n"),
        "evmap: {config}: evmap option 'content_dir': ../other is outside the project (the "
        "folder of mkdocs.yml); evmap reads only files inside it, so copy them in",
        id="content-outside-project",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      page_shell: maybe\n"),
        "evmap: {config}: evmap option 'page_shell' must be true or false, got 'maybe'",
        id="page-shell-maybe",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      edit_uri: 5\n"),
        "evmap: {config}: evmap option 'edit_uri' must be a text, got 5",
        id="edit-uri-number",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      bundle_name: [a]\n"),
        "evmap: {config}: evmap option 'bundle_name' must be a text, got ['a']",
        id="bundle-name-list",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      doi_expected_since: 99\n"),
        "evmap: {config}: evmap option 'doi_expected_since' must be a year such as 2000, got 99",
        id="doi-year-short",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      csl: 5\n"),
        "evmap: {config}: evmap option 'csl' must be the path of a .csl file, got 5",
        id="csl-number",
    ),
    pytest.param(
        lambda text: text.replace("  - evmap:\n", "  - evmap:\n      bibtex_file: []\n"),
        "evmap: {config}: evmap option 'bibtex_file' must be a file or folder path, or a list "
        "of them, got []",
        id="bibtex-file-empty-list",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), CONFIG_CASES)
def test_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: object, expected: str
) -> None:
    project = write_project(tmp_path / "p")
    assert callable(edit)
    project.write("mkdocs.yml", edit(project.read("mkdocs.yml")).encode())
    code, out, err = project.check(capsys=capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [expected.format(config=project.config)]
    # The build gives the same verdict, in the same words, before building anything.
    code = main(["build", "--strict", "-f", str(project.config)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.splitlines() == [expected.format(config=project.config)]
    assert not (project.root / "site").exists()


@pytest.mark.parametrize(("edit", "expected"), CONFIG_CASES[:2] + CONFIG_CASES[3:])
def test_configuration_error_fails_the_plain_builder_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: object, expected: str
) -> None:
    # `properdocs build` / `mkdocs build` (no evmap command): the plugin checks its
    # options with the same code, even when not strict.
    project = write_project(tmp_path / "p")
    assert callable(edit)
    project.write("mkdocs.yml", edit(project.read("mkdocs.yml")).encode())
    with pytest.raises(BuildFailed):
        run_mkdocs(project.config, project.root / "site", strict=False)
    message = expected.format(config=project.config).replace(f"{project.config}: ", "")
    assert f"ERROR   -  {message}" in capsys.readouterr().err.splitlines()
    assert not (project.root / "site").exists()


def test_configuration_file_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "nowhere" / "mkdocs.yml"
    code = main(["check", "-f", str(config)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"evmap: {config}: no such file; run from the project root or pass -f"
    ]


# Malformed mkdocs.yml: each becomes one clean line and exit 2.
CONFIG_CRASHES = [
    pytest.param("site_name: x\nplugins: 3\n", id="plugins-is-a-number"),
    pytest.param("site_name: x\nplugins:\n  - evmap: [a]\n", id="plugin-options-are-a-list"),
    pytest.param(
        "site_name: x\nplugins:\n  - evmap: {validation: 5}\n", id="validation-is-a-number"
    ),
    pytest.param("site_name: x\nplugins:\n  - evmap: {content_dir: 5}\n", id="folder-is-a-number"),
    pytest.param("site_name: x\nplugins:\n\t- evmap\n", id="tab-in-mkdocs-yml"),
    pytest.param("site_name: caf\xe9\nplugins: [evmap]\n", id="latin-1-mkdocs-yml"),
]


@pytest.mark.parametrize("config_text", CONFIG_CRASHES)
def test_malformed_configuration_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config_text: str
) -> None:
    project = write_project(tmp_path / "p")
    project.write("mkdocs.yml", config_text.encode("latin-1"))
    code, out, err = project.check(capsys=capsys)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"evmap: {project.config}: ")


# -- the safe loader runs nothing -------------------------------------------


def test_python_tags_run_no_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    project = write_project(tmp_path / "p")
    payloads = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f"!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
        f'!!python/object/new:os.system ["touch {marker}"]',
        f"- !!python/object/apply:builtins.open ['{marker}', 'w']",
    ]
    for n, payload in enumerate(payloads):
        project.write(f"content/claims/evil{n}.yml", payload.encode())
    code, out, _ = project.check(capsys=capsys)
    assert code == 1
    assert len(out.splitlines()) == len(payloads)
    assert all(
        "is not allowed; write plain values without '!' tags" in line for line in out.splitlines()
    )
    assert not marker.exists()


# -- markup in content is text in the built HTML -------------------------------

PAYLOAD = '<script>alert("evmap-xss")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">evmap-link</a>'
YAML_PAYLOAD = "'" + PAYLOAD + "'"  # a single-quoted YAML text: every character literal
BIB_PAYLOAD = '<script>alert("evmap-xss")</script><img src=x onerror=alert(1)>'


def markup_project(root: Path) -> Project:
    """The tiny project with markup in every text field a curator writes."""
    files = dict(TINY)
    files["content/compounds/ketamine.yml"] = f"""\
        id: ketamine
        name: {YAML_PAYLOAD}
        kind: racemate
        synonyms: [{YAML_PAYLOAD}]
        summary: {YAML_PAYLOAD}
        """
    files["content/pathways/bdnf-trkb.yml"] = f"""\
        id: bdnf-trkb
        name: {YAML_PAYLOAD}
        category: neurotrophic
        summary: {YAML_PAYLOAD}
        """
    core = textwrap.dedent(TINY["content/claims/core.yml"])
    for old in [
        "NMDA receptor block is the main route of ketamine's antidepressant effect.",
        "A single infusion relieved depression within hours.",
        "MDD trial",
        "Fig. 1",
    ]:
        assert old in core
        core = core.replace(old, YAML_PAYLOAD)
    core = core.replace(
        "  pathways: [bdnf-trkb, nmdar-inhibition]\n",
        f"  pathways: [bdnf-trkb, nmdar-inhibition]\n  certainty: {{grade: low, reason: {YAML_PAYLOAD}}}\n",
    )
    files["content/claims/core.yml"] = core
    library = BIB.replace("Berman, Robert M.", "{" + BIB_PAYLOAD + "}, Robert M.")
    library = library.replace(
        "title = {Antidepressant effects of ketamine in depressed patients}",
        "title = {" + BIB_PAYLOAD + "}",
    )
    library = library.replace(
        "journal = {Molecular Psychiatry},",
        "journal = {" + BIB_PAYLOAD + "},\n  note = {" + BIB_PAYLOAD + "},\n"
        '  eprint = {x" onmouseover="alert(3)},\n  pubmed = {1"><script>alert(4)</script>},\n'
        "  url = {https://example.org/?q=%3Cscript%3E},",
    )
    files["references.bib"] = library
    return write_project(root, files)


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = markup_project(tmp_path_factory.mktemp("markup"))
    return build_site(project.config, project.root / "site", strict=False)


LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


def markup_found(tree: BeautifulSoup) -> list[str]:
    """Markup that could only have come from the hostile content."""
    found = []
    for tag in tree.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}>")
            if name.lower() in LINK_ATTRIBUTES and text.strip().lower().startswith("javascript:"):
                found.append(f"<{tag.name} {name}={text}>")
        if tag.name == "script" and "evmap-xss" in tag.get_text() and not _json_ld(tag):
            found.append("<script>")
        if tag.name == "img" and tag.get("src") == "x":
            found.append("<img src=x>")
    return found


def _json_ld(tag: Any) -> bool:
    """A JSON-LD block holding the content as data: JSON with no ``<`` that could end it."""
    text = tag.get_text()
    if tag.get("type") != "application/ld+json" or "<" in text:
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


MARKUP_PAGES = {
    "compounds/ketamine/index.html": 4,  # name (h1), synonym, summary, claim statement
    "pathways/bdnf-trkb/index.html": 3,  # name, summary, certainty reason
    "pathways/nmdar-inhibition/index.html": 3,  # statement, finding, paradigm
    "references/berman2000/index.html": 1,  # the formatted reference
    "references/wei2021/index.html": 1,
}


@pytest.mark.parametrize(("page", "least"), MARKUP_PAGES.items())
def test_markup_in_content_shows_as_text(markup_site: Path, page: str, least: int) -> None:
    body = article(markup_site / page)
    assert markup_found(body) == []
    text = body.get_text()
    payload = PAYLOAD if page.startswith(("compounds", "pathways")) else BIB_PAYLOAD
    assert text.count(payload) >= least, text


def test_markup_in_content_never_becomes_markup_in_any_article(markup_site: Path) -> None:
    found = {}
    for page in sorted(markup_site.rglob("*.html")):
        body = soup(page).select_one("article.md-content__inner")
        if body is not None:
            found[str(page.relative_to(markup_site))] = markup_found(body)
    assert len(found) > 10
    assert {page: tags for page, tags in found.items() if tags} == {}


def test_markup_in_content_never_reaches_a_title_attribute(markup_site: Path) -> None:
    """Material's content.tooltips inserts a title attribute's value as HTML: evmap sets none.

    Tooltips come from data-tip attributes and assets/evmap-references.js, shown by
    assets/evmap-tips.js as text (the browser test hovers them on the served site).
    """
    titled = {}
    for page in sorted(markup_site.rglob("*.html")):
        body = soup(page).select_one("article.md-content__inner")
        if body is not None:
            tags = [tag.name for tag in body.find_all(True) if tag.has_attr("title")]
            if tags:
                titled[str(page.relative_to(markup_site))] = tags
    assert titled == {}
    tips = [
        tag["data-tip"]
        for tag in article(markup_site / "matrix/index.html").select("[data-tip]")
        if BIB_PAYLOAD in tag["data-tip"] or PAYLOAD in tag["data-tip"]
    ]
    assert tips  # hostile names and paradigms reach tips, as attribute text


def test_bibtex_links_are_escaped_and_http_only(markup_site: Path) -> None:
    body = article(markup_site / "references/wei2021/index.html")
    hrefs = [a["href"] for a in body.select("a[href]")]
    assert all(h.startswith(("https://", "http://", "../", "#")) for h in hrefs), hrefs
    assert "https://example.org/?q=%3Cscript%3E" in hrefs
    # evmap's style does not show a non-arXiv eprint; it never reaches an attribute
    assert not any("onmouseover" in h for h in hrefs), hrefs


def test_markup_in_content_never_becomes_markup_in_any_page(markup_site: Path) -> None:
    found = {
        str(p.relative_to(markup_site)): markup_found(soup(p))
        for p in sorted(markup_site.rglob("*.html"))
    }
    assert {page: tags for page, tags in found.items() if tags} == {}
    # Search entries are plain text (the worker escapes them: test_search_browser.py);
    # in the shard scripts, "</" cannot end a script.
    shards = [p.read_text("utf-8") for p in (markup_site / "search/evmap").rglob("*.js")]
    assert any('<script>alert(\\"evmap-xss\\")<\\/script>' in text for text in shards)
    assert not any("</" in text for text in shards)


# -- failed builds leave the site and the sources as they were -----------------


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a digest of its bytes and its modification time."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        + f" {path.stat().st_mtime_ns}"
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def built(tmp_path: Path) -> Project:
    """The tiny project with a site built from it."""
    project = write_project(tmp_path / "p")
    project.build()
    return project


BREAKAGES = [
    pytest.param(
        {CLAIMS: claim("citations: [wei2021]", "citations: [nobody1999]")}, id="content-error"
    ),
    pytest.param({"references.bib": BIB + "\n@article{x, title={X}\n"}, id="bibtex-error"),
    pytest.param({CLAIMS: "[" * 100_000}, id="hostile-yaml"),
    pytest.param({"docs/pathways/bdnf-trkb.md": "# Clash\n"}, id="mkdocs-error-after-staging"),
    pytest.param({"docs/about.md": "# About\n\n[broken](nowhere.md)\n"}, id="strict-warning"),
]


@pytest.mark.parametrize("files", BREAKAGES)
def test_failed_build_leaves_everything_untouched(built: Project, files: dict[str, object]) -> None:
    apply(built, files)
    before = snapshot(built.root)
    with pytest.raises(BuildFailed):
        built.build()
    assert snapshot(built.root) == before
    assert sorted(p.name for p in built.root.iterdir()) == sorted(
        ["content", "docs", "mkdocs.yml", "references.bib", "site"]
    )


@pytest.mark.parametrize("files", BREAKAGES)
def test_failed_cli_build_leaves_everything_untouched(
    built: Project, capsys: pytest.CaptureFixture[str], files: dict[str, object]
) -> None:
    apply(built, files)
    before = snapshot(built.root)
    code = main(["build", "--strict", "-f", str(built.config), "-d", str(built.root / "site")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    assert snapshot(built.root) == before


def test_failed_cli_build_prints_path_line_messages(
    built: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    apply(built, {CLAIMS: claim("citations: [wei2021]", "citations: [nobody1999]")})
    code = main(["build", "-f", str(built.config), "-d", str(built.root / "site")])
    out, err = capsys.readouterr()
    assert code == 1
    # As evmap check prints them: one problem a line on stdout, the count on stderr.
    assert out.splitlines() == [
        f"{CLAIMS}:10: claim 'c1': evidence item 1: citation key 'nobody1999' is not in the "
        "BibTeX library; add the entry to the library",
    ]
    assert err.splitlines() == ["evmap: 1 error, 0 warnings"]


def test_build_after_a_failed_build_still_swaps_in(built: Project) -> None:
    apply(built, {CLAIMS: "[" * 100})
    with pytest.raises(BuildFailed):
        built.build()
    (built.root / CLAIMS).unlink()
    site = built.build()
    assert (site / "index.html").is_file()
    assert not [p for p in built.root.iterdir() if p.name.startswith(".site")]


# -- no build leaves debris; one build at a time -----------------------------------


def _debris(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site"))


def test_build_removes_what_a_killed_build_left(
    built: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build killed with SIGKILL leaves its staging folder; the next build removes it."""
    cmd = [sys.executable, "-m", "evmap", "build", "-f", str(built.config)]
    for _ in range(10):  # a loaded machine may finish a build between two looks
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        # Until a staging folder is there (the lock file beside the site comes first).
        while (
            not [name for name in _debris(built.root) if name != ".site.lock"]
            and process.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
    stale = [name for name in _debris(built.root) if name != ".site.lock"]
    assert stale and all(name.startswith(".site-") for name in stale)
    # And the leftovers of a swap interrupted between its two renames (the old site,
    # marked as evmap's), beside a folder of the user's whose name looks alike.
    shutil.copytree(built.root / "site", built.root / ".site-old-k2j4h5g6")
    (built.root / ".site-old-mine0000").mkdir()
    (built.root / ".site-old-mine0000/notes.txt").write_text("mine\n")
    assert main(["build", "-f", str(built.config)]) == 0
    assert _debris(built.root) == [".site-old-mine0000"]
    assert (built.root / ".site-old-mine0000/notes.txt").read_text() == "mine\n"
    assert (built.root / "site/index.html").is_file()


def test_build_while_another_build_writes_the_same_site_fails_clearly(
    built: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    lock_path = built.root / ".site.lock"
    before = snapshot(built.root / "site")
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code = main(["build", "-f", str(built.config)])
        out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"evmap: another build is writing {built.root / 'site'} (it holds {lock_path}); "
        "wait for it to finish, or build into another folder with -d"
    ]
    assert snapshot(built.root / "site") == before


def test_build_into_an_unwritable_site_fails_in_one_line_and_keeps_the_old_site(
    built: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The swap's rename refused (as without write permission; tests may run as root)."""
    target = built.root / "site"
    before = snapshot(target)
    rename = Path.rename

    def refuse(self: Path, new: str | Path) -> Path:
        if Path(new) == target and not self.name.startswith(
            ".site-old"
        ):  # the new site cannot move in
            raise PermissionError(13, "Permission denied", str(target))
        return rename(self, new)

    monkeypatch.setattr(Path, "rename", refuse)
    code = main(["build", "-f", str(built.config)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"evmap: cannot write the site at {target}: Permission denied ({target}); check that "
        "the folder and its parent are writable, or pass -d to build elsewhere"
    ]
    assert snapshot(target) == before  # the old site was put back
    assert _debris(built.root) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_build_in_a_read_only_folder_fails_in_one_line(
    built: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    built.root.chmod(0o555)
    try:
        code = main(["build", "-f", str(built.config)])
        _, err = capsys.readouterr()
    finally:
        built.root.chmod(0o755)
    assert code == 1
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"evmap: cannot write the site at {built.root / 'site'}: ")
