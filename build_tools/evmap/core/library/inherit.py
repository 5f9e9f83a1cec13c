"""crossref and xdata: fields an entry takes from its parent, as biblatex (and BibTeX) do.

biblatex maps some fields when they pass from parent to child (a book's
``title`` becomes a chapter's ``booktitle``; a periodical's ``title`` an
article's ``journaltitle``); every other field passes under its own name when
the child lacks it, as in BibTeX. A parent that is missing, or parents that
form a cycle, are errors at the line of the ``crossref``/``xdata`` field; the
entry is kept with its own fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from evmap.core.library.reader import RawEntry
from evmap.core.problems import Check, Problem

__all__ = [
    "MAPPINGS",
    "NOT_INHERITED",
    "TYPE_ALIASES",
    "ancestors",
    "entry_type",
    "parent_keys",
    "resolve",
]

# Types that are one another's aliases in BibTeX and biblatex.
TYPE_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online"}

_BOOKISH = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
_MAIN = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
_RULES: list[tuple[tuple[str, ...], tuple[str, ...], Mapping[str, str | None]]] = [
    (("mvbook", "book"), ("inbook", "bookinbook", "suppbook"), _BOOKISH),
    (("mvcollection", "collection"), ("incollection", "suppcollection"), _BOOKISH),
    (("mvreference", "reference"), ("inreference",), _BOOKISH),
    (("mvproceedings", "proceedings"), ("inproceedings",), _BOOKISH),
    (
        ("periodical",),
        ("article", "suppperiodical"),
        {"title": "journaltitle", "subtitle": "journalsubtitle", "shorttitle": None},
    ),
    (("mvbook",), ("book", "inbook", "bookinbook", "suppbook"), _MAIN),
    (("mvcollection",), ("collection", "incollection", "suppcollection"), _MAIN),
    (("mvproceedings",), ("proceedings", "inproceedings"), _MAIN),
    (("mvreference",), ("reference", "inreference"), _MAIN),
]


def _mappings() -> dict[tuple[str, str], dict[str, str | None]]:
    """(parent type, child type) -> field renames, from the rules above."""
    table: dict[tuple[str, str], dict[str, str | None]] = {}
    for parents, children, mapping in _RULES:
        for parent in parents:
            for child in children:
                table.setdefault((parent, child), {}).update(mapping)
    return table


MAPPINGS = _mappings()

# Never inherited: biblatex's own list, and the fields that become links or
# steer evmap (a volume's DOI is not its papers' DOI).
NOT_INHERITED = frozenset(
    {
        "ids",
        "crossref",
        "xref",
        "xdata",
        "entryset",
        "entrysubtype",
        "execute",
        "label",
        "options",
        "presort",
        "related",
        "relatedoptions",
        "relatedstring",
        "relatedtype",
        "shorthand",
        "shorthandintro",
        "sortkey",
        "doi",
        "pmid",
        "url",
        "eprint",
        "eprinttype",
        "eprintclass",
        "archiveprefix",
        "primaryclass",
        "evmap-ignore",
    }
)


def entry_type(entry: RawEntry) -> str:
    """The entry's type with BibTeX aliases resolved."""
    return TYPE_ALIASES.get(entry.type, entry.type)


def parent_keys(entry: RawEntry, name: str) -> list[str]:
    """The keys named by the entry's ``crossref`` (one) or ``xdata`` (a comma list)."""
    value = entry.fields.get(name, "").strip()
    if not value:
        return []
    return (
        [part.strip() for part in value.split(",") if part.strip()] if name == "xdata" else [value]
    )


def resolve(entries: Mapping[str, RawEntry]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Every entry's fields with what it inherits (by lower-cased key), and the problems.

    ``entries`` maps lower-cased keys to entries, across all library files.
    """
    resolved: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for lowered in entries:
        _resolve(lowered, entries, resolved, problems, [])
    unique = {(p.path, p.line, p.message): p for p in problems}
    return resolved, list(unique.values())


def _resolve(
    lowered: str,
    entries: Mapping[str, RawEntry],
    resolved: dict[str, dict[str, str]],
    problems: list[Problem],
    stack: list[str],
) -> dict[str, str]:
    done = resolved.get(lowered)
    if done is not None:
        return done
    entry = entries[lowered]
    fields = dict(entry.fields)
    stack = [*stack, lowered]
    for name in ("xdata", "crossref"):
        for parent_key in parent_keys(entry, name):
            found = _parent_problems(entry, name, parent_key, entries, stack)
            if found:
                problems.extend(found)
                continue
            parent = entries[parent_key.lower()]
            inherited = _resolve(parent_key.lower(), entries, resolved, problems, stack)
            _inherit(fields, inherited, entry_type(parent), entry_type(entry), name == "crossref")
    resolved[lowered] = fields
    return fields


def _parent_problems(
    entry: RawEntry, name: str, parent_key: str, entries: Mapping[str, RawEntry], stack: list[str]
) -> list[Problem]:
    """A missing parent, or a cycle (reported at each of its members)."""
    line = entry.field_lines.get(name, entry.line)
    if parent_key.lower() not in entries:
        return [
            Problem(
                entry.path,
                line,
                f"reference '{entry.key}': {name} parent '{parent_key}' is not in the BibTeX "
                f"library; add that entry or remove the '{name}' field",
                Check.BIBTEX_FIELD,
            )
        ]
    if parent_key.lower() not in stack:
        return []
    members = [entries[k] for k in stack[stack.index(parent_key.lower()) :]]
    problems = []
    for i, member in enumerate(members):
        cycle = [m.key for m in members[i:] + members[: i + 1]]
        problems.append(
            Problem(
                member.path,
                member.field_lines.get(name, member.line),
                f"reference '{member.key}': {name} parents form a cycle "
                f"({' -> '.join(cycle)}); remove the '{name}' field of one of them",
                Check.BIBTEX_FIELD,
            )
        )
    return problems


def _inherit(
    fields: dict[str, str],
    parent: Mapping[str, str],
    parent_type: str,
    child_type: str,
    cross: bool,
) -> None:
    """Add the parent's fields the child lacks (mapped as biblatex does for crossref)."""
    mapping = MAPPINGS.get((parent_type, child_type), {}) if cross else {}
    for name, value in parent.items():
        if name in NOT_INHERITED or name in mapping:
            continue
        fields.setdefault(name, value)
    for source, target in mapping.items():
        if target is not None and source in parent:
            fields.setdefault(target, parent[source])
    if cross and (parent_type, child_type) in _BOOKAUTHOR and "author" in parent:
        fields.setdefault("bookauthor", parent["author"])


_BOOKAUTHOR = frozenset(
    (p, c) for p in ("mvbook", "book") for c in ("inbook", "bookinbook", "suppbook")
)


def ancestors(entry: RawEntry, entries: Mapping[str, RawEntry]) -> Iterator[RawEntry]:
    """The entries ``entry`` takes fields from, nearest first, each once (cycles cut)."""
    seen = {entry.key.lower()}
    todo = [entry]
    while todo:
        current = todo.pop(0)
        for name in ("xdata", "crossref"):
            for key in parent_keys(current, name):
                parent = entries.get(key.lower())
                if parent is not None and key.lower() not in seen:
                    seen.add(key.lower())
                    todo.append(parent)
                    yield parent
