"""crossref and xdata: fields an entry takes from its parent, as biblatex (and BibTeX) do.

biblatex maps some fields when they pass from parent to child (a book's
``title`` becomes a chapter's ``booktitle``; a periodical's ``title`` an
article's ``journaltitle``); every other field passes under its own name when
the child lacks it, as in BibTeX. A parent that is missing, parents that form
a cycle, or parents nested more than :data:`MAX_DEPTH` levels deep are errors at
the line of the ``crossref``/``xdata`` field; the entry is kept with its own fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from evmap.core.library.reader import RawEntry
from evmap.core.problems import Check, Problem

__all__ = [
    "MAPPINGS",
    "MAX_DEPTH",
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


# Levels of parents followed: biblatex's deepest real chain (inbook -> book -> mvbook)
# is two; a deeper one is a mistake, or a file made to exhaust the reader.
MAX_DEPTH = 32


def resolve(entries: Mapping[str, RawEntry]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Every entry's fields with what it inherits (by lower-cased key), and the problems.

    ``entries`` maps lower-cased keys to entries, across all library files.
    """
    resolved: dict[str, dict[str, str]] = {}
    heights = _heights(entries)
    problems = _too_deep(entries, heights)
    for lowered in entries:
        _resolve(lowered, entries, resolved, problems, [], heights)
    unique = {(p.path, p.line, p.message): p for p in problems}
    return resolved, list(unique.values())


def _parents(lowered: str, entries: Mapping[str, RawEntry]) -> Iterator[tuple[str, str]]:
    """(field, lower-cased key) of each parent of an entry that is in the library."""
    for name in ("xdata", "crossref"):
        for key in parent_keys(entries[lowered], name):
            if key.lower() in entries and key.lower() != lowered:
                yield name, key.lower()


def _heights(entries: Mapping[str, RawEntry]) -> dict[str, int]:
    """How many levels of parents each entry has above it (the longest line up).

    A depth-first walk without recursion (a chain may be thousands long); an edge
    back into the walk's own path (a cycle, reported by :func:`_resolve`) is not counted.
    """
    heights: dict[str, int] = {}
    on_path: set[str] = set()
    for start in entries:
        if start in heights:
            continue
        path = [(start, _parents(start, entries))]
        on_path.add(start)
        while path:
            lowered, parents = path[-1]
            for _, parent in parents:
                if parent not in heights and parent not in on_path:
                    on_path.add(parent)
                    path.append((parent, _parents(parent, entries)))
                    break
            else:
                path.pop()
                on_path.discard(lowered)
                heights[lowered] = max(
                    (heights[p] + 1 for _, p in _parents(lowered, entries) if p in heights),
                    default=0,
                )
    return heights


def _too_deep(entries: Mapping[str, RawEntry], heights: Mapping[str, int]) -> list[Problem]:
    """An error at each entry whose parents first go past :data:`MAX_DEPTH` levels.

    Entries further down such a line are not reported again: they inherit
    nothing, and the one message names where to cut.
    """
    problems = []
    for lowered, height in heights.items():
        if height != MAX_DEPTH + 1:
            continue
        line_up, name, current = [entries[lowered].key], "", lowered
        while heights[current]:
            via, current = max(_parents(current, entries), key=lambda p: heights.get(p[1], -1))
            name = name or via
            line_up.append(entries[current].key)
        shown = line_up if len(line_up) <= 5 else [*line_up[:3], "...", line_up[-1]]
        entry = entries[lowered]
        problems.append(
            Problem(
                entry.path,
                entry.field_lines.get(name, entry.line),
                f"reference '{entry.key}': {name} parents are nested {height} levels deep "
                f"({' -> '.join(shown)}); evmap follows at most {MAX_DEPTH} levels: take one "
                "out (this entry, and those taking fields through it, inherit nothing)",
                Check.BIBTEX_FIELD,
            )
        )
    return problems


def _resolve(
    lowered: str,
    entries: Mapping[str, RawEntry],
    resolved: dict[str, dict[str, str]],
    problems: list[Problem],
    stack: list[str],
    heights: Mapping[str, int],
) -> dict[str, str]:
    done = resolved.get(lowered)
    if done is not None:
        return done
    entry = entries[lowered]
    fields = dict(entry.fields)
    if heights.get(lowered, 0) > MAX_DEPTH or len(stack) > MAX_DEPTH:
        resolved[lowered] = fields  # reported by _too_deep (or part of a cycle)
        return fields
    stack = [*stack, lowered]
    for name in ("xdata", "crossref"):
        for parent_key in parent_keys(entry, name):
            found = _parent_problems(entry, name, parent_key, entries, stack)
            if found:
                problems.extend(found)
                continue
            parent = entries[parent_key.lower()]
            inherited = _resolve(parent_key.lower(), entries, resolved, problems, stack, heights)
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
    """The entries ``entry`` takes fields from, nearest first, each once (cycles cut),
    at most :data:`MAX_DEPTH` levels up."""
    seen = {entry.key.lower()}
    level = [entry]
    for _ in range(MAX_DEPTH):
        above = []
        for current in level:
            for name in ("xdata", "crossref"):
                for key in parent_keys(current, name):
                    parent = entries.get(key.lower())
                    if parent is not None and key.lower() not in seen:
                        seen.add(key.lower())
                        above.append(parent)
                        yield parent
        if not above:
            return
        level = above
