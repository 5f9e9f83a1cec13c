"""What of a library entry reaches the site: its bibliographic fields only.

A lab's library is a working file: Zotero and Better BibTeX export ``file``
fields holding user names and local paths (``/Users/alice/Zotero/storage/...``),
``abstract`` (often under the publisher's copyright), ``annotation`` and
``note`` (the lab's own remarks), ``keywords``... None of that is what a reader
needs to identify and find a work. So every output (the formatted reference on
pages, previews and search entries, the ``downloads/references.bib`` download,
the site's data) is made from :data:`BIBLIOGRAPHIC_FIELDS` and the fields a lab
opts in with the ``published_fields`` option, nothing else.

The download keeps each kept field as written (macros and all), the @string
macros those fields use, and the crossref/xdata parents, each cut down the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from evmap.core.library.inherit import ancestors
from evmap.core.library.reader import RawEntry, StringDef

__all__ = [
    "BIBLIOGRAPHIC_FIELDS",
    "STRUCTURE_FIELDS",
    "published_fields",
    "published_text",
    "requirements",
]

# What identifies a work and finds it (biblatex's data model; BibTeX's older names too).
BIBLIOGRAPHIC_FIELDS = frozenset(
    {
        # people
        "author",
        "editor",
        "editora",
        "editorb",
        "editorc",
        "translator",
        "bookauthor",
        "commentator",
        "annotator",
        "introduction",
        "foreword",
        "afterword",
        "holder",
        # titles
        "title",
        "subtitle",
        "titleaddon",
        "shorttitle",
        "origtitle",
        "booktitle",
        "booksubtitle",
        "booktitleaddon",
        "maintitle",
        "mainsubtitle",
        "maintitleaddon",
        "journal",
        "journaltitle",
        "journalsubtitle",
        "shortjournal",
        "issuetitle",
        "issuesubtitle",
        "eventtitle",
        "eventtitleaddon",
        "series",
        # where and when
        "venue",
        "eventdate",
        "publisher",
        "location",
        "address",
        "institution",
        "organization",
        "school",
        "howpublished",
        "year",
        "month",
        "date",
        "origdate",
        "urldate",
        # numbers
        "volume",
        "volumes",
        "number",
        "issue",
        "part",
        "edition",
        "version",
        "pages",
        "pagetotal",
        "chapter",
        "eid",
        # kind and state
        "type",
        "entrysubtype",
        "pubstate",
        "language",
        "langid",
        "origlanguage",
        # identifiers and links
        "doi",
        "pmid",
        "pmcid",
        "url",
        "eprint",
        "eprinttype",
        "eprintclass",
        "archiveprefix",
        "primaryclass",
        "isbn",
        "issn",
        "isrn",
    }
)

# Fields that tie entries together: kept in the download (its parents come along).
STRUCTURE_FIELDS = frozenset({"crossref", "xdata"})


def published_fields(opted_in: Iterable[str] = ()) -> frozenset[str]:
    """The fields shown and formatted: :data:`BIBLIOGRAPHIC_FIELDS` and ``opted_in``."""
    return BIBLIOGRAPHIC_FIELDS | {name.lower() for name in opted_in}


def published_text(entry: RawEntry, fields: Collection[str]) -> str:
    """The entry as the download shows it: its ``fields`` (and crossref/xdata) only,
    each as written in the library (a field pybtex read is written ``name = {value}``)."""
    lines = []
    for name, value in entry.fields.items():
        if name in fields or name in STRUCTURE_FIELDS:
            lines.append("  " + (entry.sources.get(name) or f"{name} = {{{value}}}"))
    return f"@{entry.type}{{{entry.key},\n" + ",\n".join(lines) + "\n}"


def requirements(
    entry: RawEntry,
    entries: Mapping[str, RawEntry],
    strings: Mapping[str, StringDef],
    fields: Collection[str],
    texts: dict[str, str],
) -> tuple[str, ...]:
    """What the published ``entry`` needs to be read on its own, in order: the @string
    definitions its kept fields use (verbatim), then its crossref/xdata parents (published).

    ``texts`` keeps each parent's published text (by lower-cased key), made once
    however many entries name it.
    """
    if not any(entry.field_macros.values()) and not (STRUCTURE_FIELDS & entry.fields.keys()):
        return ()
    family = [entry, *ancestors(entry, entries)]
    macros: dict[str, None] = {}
    todo = [
        name
        for member in family
        for field_name, used in member.field_macros.items()
        if field_name in fields or field_name in STRUCTURE_FIELDS
        for name in sorted(used)
    ]
    while todo:
        name = todo.pop()
        definition = strings.get(name)
        if definition is None or name in macros:
            continue
        macros[name] = None
        todo.extend(sorted(definition.macros))
    found = sorted(
        (strings[name] for name in macros if strings[name].text),
        key=lambda d: (d.path, d.line),
    )
    parents = []
    for parent in family[1:]:
        known = texts.get(parent.key.lower())
        if known is None:
            known = texts[parent.key.lower()] = published_text(parent, fields)
        parents.append(known)
    return (*(d.text for d in found), *parents)
