"""Write the generated parts of evmap's documentation from the code's own tables.

Run from anywhere, with the Python that has evmap installed::

    .venv/bin/python build_tools/make_docs.py          # write what differs
    .venv/bin/python build_tools/make_docs.py --check  # exit 1 when something differs

What it writes:

- the regions of the reference pages between ``<!-- begin generated: NAME -->`` and
  ``<!-- end generated: NAME -->``: the content format (from the JSON Schemas), the
  plugin options (from ``evmap.core.config.OPTIONS``), the commands (from the argument
  parser of ``evmap.adapters.cli``) and the error catalogue (from
  ``evmap.core.problems``, with example messages made by running ``evmap check`` on
  small broken projects). The prose around the regions is written by hand;
- the curators' tutorial that ``evmap new`` puts into a new project
  (``build_tools/evmap/scaffold/docs/first-claim.md``), from the repository's
  ``docs/guide/first-claim.md``: links to pages that a new project does not have
  become the titles of pages of evmap's guide.

``tests/test_docs.py`` runs :func:`stale_files` and fails, naming this command,
when a committed page differs from what it would write.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evmap.adapters import cli
from evmap.adapters.scaffold import SCAFFOLD, new_project
from evmap.core.config import OPTIONS, load_settings
from evmap.core.pipeline import check
from evmap.core.problems import (
    ADVISORY,
    DEFAULT_IGNORED,
    MEANINGS,
    Check,
    Severity,
    default_severity,
)
from evmap.core.schema import load_schema

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
REFERENCE = DOCS / "guide" / "reference"
TUTORIAL = DOCS / "guide" / "first-claim.md"
SCAFFOLD_TUTORIAL = SCAFFOLD / "docs" / "first-claim.md"
COMMAND = ".venv/bin/python build_tools/make_docs.py"
# argparse wraps help to the terminal's width: a fixed one keeps the pages stable.
COLUMNS = "88"

REGION = re.compile(
    r"(<!-- begin generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)"
    r"(<!-- end generated: (?P=name) -->)",
    re.S,
)


# -- the content format, from the JSON Schemas ------------------------------------------


@dataclass(frozen=True)
class Field:
    """One row of a content-format table."""

    path: str
    required: bool
    value: str
    meaning: str


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The definition ``node`` refers to (its name, or "") merged with ``node``'s own keys."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return "", node
    name = ref.rsplit("/", 1)[-1]
    target = schema["$defs"][name]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "description" not in node and name in ("slug", "citekey", "text"):
        merged.pop("description", None)  # a kind of value, said in the value column
    return name, merged


def _md(text: str) -> str:
    """Text from the code as Markdown that shows it as written (in a table cell too)."""
    for char, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, escaped)
    return re.sub(r"([*_|\\[\]])", r"\\\1", text)


def _code(values: Sequence[object]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _value(schema: Mapping[str, Any], node: Mapping[str, Any]) -> str:
    """What a field holds, in words."""
    name, node = _resolve(schema, node)
    if name == "slug":
        return "an id"
    if name == "citekey":
        return "a key of the library"
    if "enum" in node:
        return "one of " + _code(node["enum"])
    if "oneOf" in node:
        return " or ".join(_value(schema, option) for option in node["oneOf"])
    kind = node.get("type")
    if kind == "array":
        words = "a list of " + _plural(_value(schema, node["items"]))
        limits = []
        if node.get("minItems"):
            limits.append(f"at least {node['minItems']}")
        if node.get("uniqueItems"):
            limits.append("each once")
        return words + (f", {', '.join(limits)}" if limits else "")
    if kind == "object":
        return "a mapping: the fields below" if "properties" in node else "a mapping"
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and high is not None:
            return f"a whole number from {low:,} to {high:,}"
        return f"a whole number of at least {low:,}" if low is not None else "a whole number"
    if kind == "string":
        pattern = node.get("pattern")
        if pattern:
            return f"text matching `{pattern}`"
        if "maxLength" in node:
            return f"text of at most {node['maxLength']:,} characters"
        return "text"
    return "any value"


def _plural(words: str) -> str:
    """'an id (...)' -> 'ids (...)', for list items."""
    for single, many in (
        ("an id", "ids"),
        ("a key", "keys"),
        ("a mapping: the fields below", "mappings: the fields below"),
        ("a mapping", "mappings"),
        ("text", "texts"),
    ):
        if words.startswith(single):
            return many + words[len(single) :]
    return words


def _children(schema: Mapping[str, Any], node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The object a field's value holds fields of ("" when none), and the path suffix."""
    _, node = _resolve(schema, node)
    if node.get("type") == "object" and "properties" in node:
        return "", node
    if node.get("type") == "array":
        _, items = _resolve(schema, node["items"])
        if items.get("type") == "object" and "properties" in items:
            return "[]", items
    for option in node.get("oneOf", ()):
        suffix, found = _children(schema, option)
        if found:
            return suffix, found
    return "", {}


def schema_fields(kind: str) -> list[Field]:
    """Every field of an entry of ``kind``, depth first, in the schema's order."""
    schema = load_schema(kind)
    rows: list[Field] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        required = set(node.get("required", ()))
        for name, sub in node["properties"].items():
            path = f"{prefix}{name}"
            _, resolved = _resolve(schema, sub)
            meaning = str(resolved.get("description", ""))
            rows.append(Field(path, name in required, _value(schema, sub), meaning))
            suffix, inner = _children(schema, sub)
            if inner:
                walk(inner, f"{path}{suffix}.")

    walk(schema["$defs"][kind], "")
    return rows


def content_table(kind: str) -> str:
    """The Markdown table of every field of ``kind``."""
    lines = ["| field | required | value | meaning |", "|---|---|---|---|"]
    for row in schema_fields(kind):
        cells = (f"`{row.path}`", "yes" if row.required else "", row.value, _md(row.meaning))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# -- the plugin options, from evmap.core.config.OPTIONS ---------------------------------


def _yaml(value: object) -> str:
    return json.dumps(value) if value is not None else "null"


def options_reference() -> str:
    """Every option with its default, as mkdocs.yml would spell it, and what it does."""
    block = ["```yaml", "plugins:", "  - search", "  - evmap:"]
    block += [f"      {o.name}: {_yaml(o.default)}" for o in OPTIONS]
    block.append("```")
    table = ["| option | default | what it does |", "|---|---|---|"]
    table += [f"| `{o.name}` | `{_yaml(o.default)}` | {_md(o.help)} |" for o in OPTIONS]
    return "\n".join([*block, "", *table]) + "\n"


# -- the commands, from the argument parser of evmap.adapters.cli ------------------------


@contextlib.contextmanager
def _columns() -> Iterator[None]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    try:
        yield
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def _option_row(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(f"`{s}`" for s in action.option_strings)
    else:
        name = f"`{action.dest}`"
    if action.choices:
        value = _code(list(action.choices))
    elif action.nargs == 0:
        value = ""
    else:
        value = f"`{action.metavar or action.dest.upper()}`" if action.option_strings else "yes"
    default = action.default
    shown = "" if default in (None, False, argparse.SUPPRESS) else f"`{default}`"
    return f"| {name} | {value} | {shown} | {_md(action.help or '')} |"


def commands_reference() -> str:
    """Each command: what it does, its usage, its options and its exit status."""
    with _columns():
        parser = cli.make_parser()
        out = [
            "```text",
            parser.format_usage().rstrip(),
            "```",
            "",
            _md((parser.description or "").replace("\n", " ").strip()),
            "",
        ]
        summaries = _summaries(parser)
        for name, sub in _subparsers(parser).items():
            out += [
                f"## evmap {name}",
                "",
                _md(summaries[name][:1].upper() + summaries[name][1:]) + ".",
                "",
                "```text",
                sub.format_usage().rstrip(),
                "```",
                "",
                "| option | value | default | what it does |",
                "|---|---|---|---|",
            ]
            out += [_option_row(a) for a in sub._actions if not isinstance(a, argparse._HelpAction)]
            status = (sub.epilog or "").removeprefix("exit status: ")
            out += ["", f"**Exit status**: {_md(status)}", ""]
    return "\n".join(out)


def exit_status() -> str:
    """The exit statuses every command shares, as ``evmap --help`` says them."""
    epilog = cli.EPILOG.split("\n\n", 1)[0]
    return _md(" ".join(epilog.split()).removeprefix("exit status: ")) + "\n"


# -- the error catalogue, from evmap.core.problems, with real messages -------------------


def _write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    if old not in text:
        raise SystemExit(f"make_docs: {rel} of a new project no longer holds {old!r}")
    path.write_text(text.replace(old, new, 1), "utf-8")


CLAIM = "content/claims/example.yml"
LIBRARY = "references.bib"
ARTICLE = """
@article{{{key},
  author = {{Doe, Jane}},
  year = {{{year}}},
  title = {{A study}},
  journal = {{J Examples}}{doi}
}}
"""
OTHER_CLAIM = """
- id: second-claim
  statement: A second statement long enough to read.
  compounds: [ketamine]
  pathways: [antidepressant-response]
  evidence:
    - stance: supports
      finding: Something was found.
      model: {species: human}
      type: clinical
      citations: [doe2010]
"""


def _example_yaml_syntax(root: Path) -> None:
    _edit(root, CLAIM, "compounds: [ketamine]", "compounds: [ketamine")


def _example_file_encoding(root: Path) -> None:
    latin1 = "id: dopamine\nname: Dopamin\xe9\n".encode("latin-1")
    _write(root, {"content/pathways/dopamine.yml": latin1})


def _example_file_shape(root: Path) -> None:
    _write(root, {"content/pathways/empty.yml": ""})


def _example_file_access(root: Path) -> None:
    (root / "content/pathways/shared.yml").symlink_to("/etc/hostname")


def _example_schema(root: Path) -> None:
    _edit(root, CLAIM, "stance: supports", "stance: support")


def _example_unknown_field(root: Path) -> None:
    _edit(root, CLAIM, "citations: [berman2000]", "citaton: [berman2000]")


def _example_duplicate_id(root: Path) -> None:
    again = "id: ketamine\nname: Ketamine\nkind: drug\n"
    _write(root, {"content/compounds/ketamine-again.yml": again})


def _example_unknown_compound(root: Path) -> None:
    _edit(root, CLAIM, "compounds: [ketamine]", "compounds: [ketamin]")


def _example_unknown_pathway(root: Path) -> None:
    _edit(root, CLAIM, "pathways: [antidepressant-response]", "pathways: [antidepressant-respons]")


def _example_unknown_reference(root: Path) -> None:
    _edit(root, CLAIM, "citations: [berman2000]", "citations: [bermann2000]")


def _example_parent_cycle(root: Path) -> None:
    _write(
        root,
        {
            "content/compounds/a.yml": "id: compound-a\nname: A\nkind: drug\nparent: compound-b\n",
            "content/compounds/b.yml": "id: compound-b\nname: B\nkind: drug\nparent: compound-a\n",
        },
    )


def _example_bibtex_syntax(root: Path) -> None:
    _edit(root, LIBRARY, "title = {Antidepressant effects", "title = {{Antidepressant effects")


def _example_bibtex_field(root: Path) -> None:
    _edit(root, LIBRARY, "doi = {10.1016/", "doi = {10.1016 /")


def _example_empty_content(root: Path) -> None:
    (root / CLAIM).unlink()


def _example_missing_doi(root: Path) -> None:
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=""))
    _append(root, CLAIM, OTHER_CLAIM)


def _example_duplicate_doi(root: Path) -> None:
    doi = ",\n  doi = {10.1016/S0006-3223(99)00230-9}"
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=doi))
    _append(root, CLAIM, OTHER_CLAIM)


def _example_uncited_reference(root: Path) -> None:
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=",\n  doi = {10.1000/1}"))
    library = "      bibtex_file: references.bib\n"
    validation = "      validation: {uncited-reference: warning}\n"
    _edit(root, "mkdocs.yml", library, library + validation)


def _example_unattributed_evidence(root: Path) -> None:
    esketamine = "id: esketamine\nname: Esketamine\nkind: enantiomer\nparent: ketamine\n"
    _write(root, {"content/compounds/esketamine.yml": esketamine})
    _edit(root, CLAIM, "compounds: [ketamine]", "compounds: [ketamine, esketamine]")


def _example_review_cited_as_study(root: Path) -> None:
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=",\n  doi = {10.1000/1}"))
    _append(root, CLAIM, OTHER_CLAIM)
    _write(root, {"content/references/notes.yml": "- key: doe2010\n  kind: review\n"})


def _example_retracted_citation(root: Path) -> None:
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=",\n  doi = {10.1000/1}"))
    _append(root, CLAIM, OTHER_CLAIM)
    _write(
        root,
        {
            "content/references/notes.yml": "- key: doe2010\n  notes:\n    - type: retracted\n"
            "      text: The journal retracted it.\n"
        },
    )


def _example_finding_against_stance(root: Path) -> None:
    _append(root, LIBRARY, ARTICLE.format(key="doe2010", year=2010, doi=",\n  doi = {10.1000/1}"))
    _append(
        root,
        CLAIM,
        OTHER_CLAIM.replace("Something was found.", "Ketamine did not change the scores."),
    )


def _example_untrusted_template(root: Path) -> None:
    _write(root, {"templates/theme/main.html": "{% extends 'base.html' %}\n"})


def _example_stale_schema(root: Path) -> None:
    _edit(root, "schemas/claim.schema.json", '"title": "', '"title": "Our ')


def _example_placeholder_address(root: Path) -> None:
    placeholder = "site_url: https://example.org/map/\n"
    _edit(root, "mkdocs.yml", "docs_dir: docs\n", placeholder + "docs_dir: docs\n")


def _example_incomplete_reference(root: Path) -> None:
    _append(
        root, LIBRARY, "\n@article{doe2010,\n  title = {A study},\n  journal = {J Examples},\n}\n"
    )
    _append(root, CLAIM, OTHER_CLAIM)


def _example_malformed_identifier(root: Path) -> None:
    _edit(
        root,
        "content/compounds/ketamine.yml",
        "kind: racemate\n",
        'kind: racemate\nidentifiers:\n  chebi: "CHEBI:61x21"\n',
    )


def _example_unreviewed_claim(root: Path) -> None:
    library = "      bibtex_file: references.bib\n"
    _edit(root, "mkdocs.yml", library, library + "      require_review: true\n")


EXAMPLES: dict[Check, Callable[[Path], None]] = {
    Check.YAML_SYNTAX: _example_yaml_syntax,
    Check.FILE_ENCODING: _example_file_encoding,
    Check.FILE_SHAPE: _example_file_shape,
    Check.FILE_ACCESS: _example_file_access,
    Check.SCHEMA: _example_schema,
    Check.UNKNOWN_FIELD: _example_unknown_field,
    Check.DUPLICATE_ID: _example_duplicate_id,
    Check.UNKNOWN_COMPOUND: _example_unknown_compound,
    Check.UNKNOWN_PATHWAY: _example_unknown_pathway,
    Check.UNKNOWN_REFERENCE: _example_unknown_reference,
    Check.PARENT_CYCLE: _example_parent_cycle,
    Check.BIBTEX_SYNTAX: _example_bibtex_syntax,
    Check.BIBTEX_FIELD: _example_bibtex_field,
    Check.EMPTY_CONTENT: _example_empty_content,
    Check.MISSING_DOI: _example_missing_doi,
    Check.DUPLICATE_DOI: _example_duplicate_doi,
    Check.UNCITED_REFERENCE: _example_uncited_reference,
    Check.UNATTRIBUTED_EVIDENCE: _example_unattributed_evidence,
    Check.REVIEW_CITED_AS_STUDY: _example_review_cited_as_study,
    Check.RETRACTED_CITATION: _example_retracted_citation,
    Check.FINDING_AGAINST_STANCE: _example_finding_against_stance,
    Check.UNTRUSTED_TEMPLATE: _example_untrusted_template,
    Check.STALE_SCHEMA: _example_stale_schema,
    Check.PLACEHOLDER_ADDRESS: _example_placeholder_address,
    Check.INCOMPLETE_REFERENCE: _example_incomplete_reference,
    Check.MALFORMED_IDENTIFIER: _example_malformed_identifier,
    Check.UNREVIEWED_CLAIM: _example_unreviewed_claim,
}
"""How to make each kind of problem happen in a project ``evmap new`` wrote."""


def example_messages(kind: Check) -> list[str]:
    """What ``evmap check`` prints for one kind of problem: a new project is written,
    broken in one place, and checked (with the persistent cache off)."""
    with tempfile.TemporaryDirectory(prefix="evmap-docs-") as folder:
        root = Path(folder) / "lab-map"
        new_project(root, "Lab map")
        EXAMPLES[kind](root)
        old = os.environ.get("EVMAP_NO_CACHE")
        os.environ["EVMAP_NO_CACHE"] = "1"
        try:
            found = check(load_settings(root / "mkdocs.yml"), persist=False).problems
        finally:
            if old is None:
                del os.environ["EVMAP_NO_CACHE"]
            else:
                os.environ["EVMAP_NO_CACHE"] = old
    lines = [p.format() for p in found if p.check is kind]
    if not lines:
        raise SystemExit(f"make_docs: the example of {kind} no longer gives that problem")
    return lines[:2]


def _default(kind: Check) -> str:
    severity = default_severity(kind)
    if kind in DEFAULT_IGNORED:
        return "off (`ignore`)"
    if kind in ADVISORY:
        return "warning (advice: `--strict` does not fail on it)"
    return "warning" if severity is Severity.WARNING else "error"


def checks_table() -> str:
    """One row per kind of problem: its name, default severity and meaning."""
    lines = ["| check | by default | what it means |", "|---|---|---|"]
    lines += [f"| [`{c}`](#{c}) | {_default(c)} | {_md(MEANINGS[c])} |" for c in Check]
    return "\n".join(lines) + "\n"


def checks_catalogue() -> str:
    """Each kind of problem with an example of its message, as ``evmap check`` prints it."""
    out = []
    for kind in Check:
        out += [
            f"### `{kind}` {{#{kind}}}",
            "",
            f"By default: {_default(kind)}. {_md(MEANINGS[kind])}",
            "",
            "```text",
            *example_messages(kind),
            "```",
            "",
        ]
    return "\n".join(out)


# -- the tutorial as a new project ships it ----------------------------------------------

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def scaffold_tutorial() -> str:
    """The repository's tutorial for a project of its own: links to other pages of this
    documentation, which a new project does not have, become their titles, said to be
    evmap's guide's."""
    text = TUTORIAL.read_text("utf-8")

    def flatten(match: re.Match[str]) -> str:
        target = match.group(2)
        if target.startswith(("http://", "https://", "#")):
            return match.group(0)
        return f"*{match.group(1)}* (evmap's guide)"

    return LINK.sub(flatten, text)


# -- writing ------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[], str]] = {
    "claim-fields": lambda: content_table("claim"),
    "compound-fields": lambda: content_table("compound"),
    "pathway-fields": lambda: content_table("pathway"),
    "reference-fields": lambda: content_table("reference"),
    "options": options_reference,
    "commands": commands_reference,
    "exit-status": exit_status,
    "checks-table": checks_table,
    "checks": checks_catalogue,
}


def fill_regions(text: str, made: dict[str, str]) -> str:
    """``text`` with each generated region's body made again."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise SystemExit(f"make_docs: unknown generated region '{name}'")
        if name not in made:
            made[name] = GENERATORS[name]()
        return f"{match.group(1)}{made[name]}{match.group(4)}"

    return REGION.sub(fill, text)


def expected_files() -> dict[Path, str]:
    """Every generated file, as it should read."""
    made: dict[str, str] = {}
    files = {
        page: fill_regions(page.read_text("utf-8"), made)
        for page in sorted(DOCS.rglob("*.md"))
        if "<!-- begin generated:" in page.read_text("utf-8")
    }
    missing = sorted(set(GENERATORS) - set(made))
    if missing:
        raise SystemExit(f"make_docs: no page holds the generated regions {', '.join(missing)}")
    files[SCAFFOLD_TUTORIAL] = scaffold_tutorial()
    return files


def stale_files() -> list[str]:
    """The generated files that differ from what :func:`expected_files` makes."""
    stale = []
    for path, text in expected_files().items():
        if not path.is_file() or path.read_text("utf-8") != text:
            stale.append(path.relative_to(REPO).as_posix())
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Write the generated files (``--check``: only say which differ); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for name in stale:
            print(f"{name} is out of date; run {COMMAND}")
        return 1 if stale else 0
    for path, text in expected_files().items():
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            print(f"wrote {path.relative_to(REPO).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
