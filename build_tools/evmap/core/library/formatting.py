"""Formatting references with pandoc's citeproc in the lab's CSL style.

pandoc reads the whole biblatex data model (dates, names with particles,
corporate authors, LaTeX markup and accents, math) and formats it in any CSL
style. evmap hands it each entry *flattened*: @string macros expanded and
crossref/xdata parents merged in (evmap reports missing parents and cycles
itself; a cycle would make pandoc eat memory without end). So that labels such
as 2020a/2020b agree, entries are formatted in groups sharing their first
author's family name, a few hundred entries per pandoc run (pandoc slows down
super-linearly on larger inputs), two runs at a time.

pandoc's HTML is sanitized to an allowlist (italics, bold, super/subscripts,
small caps, http(s) links, re-encoded) before it reaches a page, and the plain
text of tooltips and search entries is made from that same HTML. Each entry is
formatted once per content, style and pandoc version: the in-process cache and
the persistent one (:mod:`evmap.core.cache`) are keyed by all three and by the
entries it was disambiguated against.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import nh3

from evmap.core.library.csl import (
    DEFAULT_STYLE,
    CitationStyle,
    default_style,
    default_style_path,
    load_style,
)
from evmap.core.library.links import doi_href, url_href
from evmap.core.library.mathtext import math_as_text
from evmap.core.library.pandoc import (
    HEAP,
    TIMEOUT_S,
    FormatError,
    pandoc_path,
    pandoc_version,
    run_pandoc,
    style_failure,
)
from evmap.core.memo import TextStore
from evmap.core.model import ReferenceText

__all__ = [
    "CHUNK",
    "DEFAULT_STYLE",
    "HEAP",
    "MAX_JOBS",
    "TIMEOUT_S",
    "WORKERS",
    "CitationStyle",
    "EntryToFormat",
    "FormatError",
    "FormatJob",
    "clean_html",
    "default_style_path",
    "format_jobs",
    "load_style",
    "make_job",
    "pandoc_path",
    "pandoc_version",
    "plain_text",
    "reference_text",
]

# Entries per pandoc run (and their text at most), and runs at a time (the machines
# have two cores).
CHUNK = 200
CHUNK_CHARS = 1024 * 1024
WORKERS = 2

_TITLE_FIELDS = (
    "title",
    "subtitle",
    "titleaddon",
    "booktitle",
    "booksubtitle",
    "booktitleaddon",
    "maintitle",
    "mainsubtitle",
    "maintitleaddon",
    "series",
    "eventtitle",
    "issuetitle",
)
_DROPPED = frozenset({"crossref", "xdata", "xref", "evmap-ignore", "ids", "entryset"})
_MONTH_NUMBERS = {
    name: str(i)
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


@dataclass(frozen=True, slots=True)
class FormatJob:
    """One entry ready for pandoc: flattened biblatex text and its disambiguation group.

    ``where`` (``path:line``) names the entry in messages.
    """

    key: str
    bib: str
    group: str
    digest: str
    where: str = field(default="", compare=False)


def make_job(
    key: str, entry_type: str, fields: Mapping[str, str], style: CitationStyle, where: str = ""
) -> FormatJob:
    """Flatten an entry (macros and parents already merged in) for pandoc.

    pandoc sees the entry under an alias made of its content's digest: any key
    BibTeX accepts is then fine, and two entries alike but for the key format alike.
    """
    if not _TYPE.fullmatch(entry_type):  # pybtex reads types pandoc would not
        entry_type = "misc"
    lines = [f"@{entry_type}{{" + "{alias},"]
    for name, value in fields.items():
        if name in _DROPPED:
            continue
        value = " ".join(value.split())  # as BibTeX reads it: a value's spaces are one
        if name == "month":
            value = _MONTH_NUMBERS.get(value.strip().lower().rstrip("."), value)
        elif name in _TAKEN_AS_WRITTEN and ("\\" in value or "{" in value):
            value = _plain(value)
        # A straight double quote is one in BibTeX; pandoc would make it a curly one.
        value = _braces_for_pandoc(_STRAIGHT_QUOTE.sub(r"\\textquotedbl{}", value))
        if style.protect_titles and name in _TITLE_FIELDS:
            value = "{" + value + "}"
        lines.append(f"  {name} = {{{value}}},")
    lines.append("}\n")
    template = "\n".join(lines)
    digest = hashlib.blake2b(template.encode(), digest_size=16).hexdigest()
    bib = template.replace("{alias}", "e" + digest, 1)
    return FormatJob(key, bib, _group(fields), digest, where)


_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Fields pandoc shows as written, without reading their LaTeX (a thesis' or report's
# ``type`` is a biblatex key such as ``phdthesis``, or any text).
_TAKEN_AS_WRITTEN = frozenset({"type"})


def _plain(value: str) -> str:
    """LaTeX as text: accents and symbols decoded (latexcodec), other commands and
    braces dropped (``Beitr\\"age`` is ``Beiträge``)."""
    text: str = codecs.decode(value, "ulatex")  # type: ignore[call-overload]  # str to str
    text = re.sub(r"\\[A-Za-z]+\*?\s*|\\.|[{}]", "", text)
    return " ".join(text.split())


_STRAIGHT_QUOTE = re.compile(r'(?<!\\)"')
# How pandoc's BibTeX reader sees braces: "\{" and "\}" are literal, "\\" is a command.
_PANDOC_BRACES = re.compile(r"\\\\|\\[{}]|[{}]|\\$")


def _braces_for_pandoc(value: str) -> str:
    """``value`` with its braces balanced as pandoc counts them.

    BibTeX counts every brace, pandoc not those after a backslash: ``{a\\}`` is a
    whole value to BibTeX (and evmap's readers) and an unclosed one to pandoc, which
    would then refuse the whole entry. Where the two disagree, the backslashes before
    braces go (a brace group instead of a literal brace), and a final one is kept
    from the closing brace by a space.
    """
    if "\\" not in value:
        return value
    depth = 0
    for match in _PANDOC_BRACES.finditer(value):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == "\\":
            depth = -1
        if depth < 0:
            break
    if depth == 0:
        return value
    value = re.sub(r"\\+(?=[{}])", lambda m: m.group()[: len(m.group()) // 2 * 2], value)
    trailing = len(value) - len(value.rstrip("\\"))
    return value + " " if trailing % 2 else value


@dataclass(frozen=True, slots=True)
class EntryToFormat:
    """An entry as the library read it (macros and parents merged in), before flattening.

    Flattening happens only when the entry is formatted: checking never pays for it.
    """

    key: str
    entry_type: str
    fields: Mapping[str, str]
    where: str = ""

    def job(self, style: CitationStyle) -> FormatJob:
        """The entry flattened for pandoc in ``style``."""
        return make_job(self.key, self.entry_type, self.fields, style, self.where)


_NAME_SPLIT = re.compile(r"\s+and\s+", re.IGNORECASE)


def _group(fields: Mapping[str, str]) -> str:
    """First author's (or editor's) family name, plainly; else the title's first word."""
    names = fields.get("author") or fields.get("editor") or ""
    first = _NAME_SPLIT.split(names.strip(), maxsplit=1)[0] if names.strip() else ""
    if first.startswith("{") and first.endswith("}"):
        family = first
    elif "," in first:
        family = first.split(",", 1)[0]
    else:
        family = first.split()[-1] if first.split() else ""
    if not family:
        family = (
            (fields.get("title") or "").split()[0] if (fields.get("title") or "").split() else ""
        )
    return re.sub(r"[^\w]", "", re.sub(r"\\[A-Za-z]+|\\.", "", family)).lower()


# -- the caches -----------------------------------------------------------------
# Formatted texts live in a TextStore (evmap.core.memo): ``done`` by context key
# (style, pandoc, entry, its group), filled from the persistent cache too; ``latest``
# the context key last used for each (style, entry): what a reference reads now.


def _context(style: CitationStyle, job: FormatJob, group_digest: str) -> str:
    parts = (style.digest, pandoc_version(), job.digest, group_digest)
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


# The store remembers at most this many flattened entries (it holds on to the entries,
# and a served library read again brings new ones).
MAX_JOBS = 200_000


def reference_text(entry: EntryToFormat, style: CitationStyle, store: TextStore) -> ReferenceText:
    """The formatted text of one entry: as last formatted, else formatted alone now."""
    known = store.jobs.get(id(entry))
    if known is not None and known[0] is entry and known[1] is style:
        job: FormatJob = known[2]
    else:
        job = entry.job(style)
        if len(store.jobs) >= MAX_JOBS:
            store.jobs.clear()
        store.jobs[id(entry)] = (entry, style, job)
    done = store.done.get(store.latest.get((style.digest, job.digest), ""))
    if done is None:
        format_jobs([(job, style)], store)
        done = store.done[store.latest[(style.digest, job.digest)]]
    return done  # type: ignore[no-any-return]


def format_jobs(
    jobs: Iterable[tuple[FormatJob, CitationStyle]],
    store: TextStore,
    read_stored: Callable[[], Mapping[str, ReferenceText]] = dict,
    write_stored: Callable[[dict[str, ReferenceText]], None] | None = None,
) -> None:
    """Format entries together (groups share a run), reusing what ``store`` holds.

    ``read_stored`` gives the persistent cache (read only when something is not in
    memory); ``write_stored`` receives every text of these jobs after new ones were made.
    """
    by_style: dict[str, tuple[CitationStyle, dict[str, list[FormatJob]]]] = {}
    for job, style in jobs:
        groups = by_style.setdefault(style.digest, (style, {}))[1]
        members = groups.setdefault(job.group, [])
        if all(j.digest != job.digest for j in members):
            members.append(job)
    contexts: dict[str, tuple[FormatJob, CitationStyle]] = {}
    todo: list[tuple[CitationStyle, list[FormatJob]]] = []
    for style, groups in by_style.values():
        for members in groups.values():
            group_digest = hashlib.blake2b(
                "".join(sorted(j.digest for j in members)).encode(), digest_size=16
            ).hexdigest()
            for job in members:
                context = _context(style, job, group_digest)
                contexts[context] = (job, style)
                store.latest[(style.digest, job.digest)] = context
            todo.append((style, members))
    if not all(c in store.done for c in contexts):
        store.done.update(read_stored())
    missing = [
        (s, m)
        for s, m in todo
        if not all(store.latest[(s.digest, j.digest)] in store.done for j in m)
    ]
    if missing:
        _run_all(missing, store)
        if write_stored is not None:
            write_stored({c: store.done[c] for c in contexts})


def _run_all(groups: list[tuple[CitationStyle, list[FormatJob]]], store: TextStore) -> None:
    chunks: list[tuple[CitationStyle, list[FormatJob]]] = []
    for style in {s.digest: s for s, _ in groups}.values():
        current: list[FormatJob] = []
        size = 0
        for _, members in sorted(
            ((s, m) for s, m in groups if s.digest == style.digest), key=lambda g: -len(g[1])
        ):
            group_size = sum(len(job.bib) for job in members)
            if group_size > CHUNK_CHARS:
                # Only a hostile library has one author's entries this long: cut up, so that
                # no pandoc run gets more than about CHUNK_CHARS (2020a/2020b may then clash).
                chunks.extend((style, piece) for piece in _pieces(members))
                continue
            current.extend(members)
            size += group_size
            if len(current) >= CHUNK or size >= CHUNK_CHARS:
                chunks.append((style, current))
                current, size = [], 0
        if current:
            chunks.append((style, current))
    with ThreadPoolExecutor(WORKERS) as pool:
        for style, chunk, texts in pool.map(lambda c: (c[0], c[1], _format_chunk(*c)), chunks):
            for job in chunk:
                store.done[store.latest[(style.digest, job.digest)]] = texts[job.key]


def _pieces(jobs: list[FormatJob]) -> list[list[FormatJob]]:
    """``jobs`` in runs of about :data:`CHUNK_CHARS` characters (at least one job each)."""
    pieces: list[list[FormatJob]] = [[]]
    size = 0
    for job in jobs:
        if pieces[-1] and size + len(job.bib) > CHUNK_CHARS:
            pieces.append([])
            size = 0
        pieces[-1].append(job)
        size += len(job.bib)
    return pieces


def _format_chunk(style: CitationStyle, jobs: list[FormatJob]) -> dict[str, ReferenceText]:
    """Format ``jobs`` in one run; should pandoc refuse the input, find out why.

    A style pandoc cannot use, or an entry it cannot format, fails the build
    with a message at its line: a reference is never shown as its bare key.

    Raises:
        FormatError: naming the style or the entry at fault.
    """
    entries = [("e" + job.digest, job.bib) for job in jobs]
    try:
        labels, bodies = run_pandoc(style, entries)
        if not style.own_labels:
            labels, _ = run_pandoc(default_style(), entries)
    except FormatError as exc:
        if exc.timed_out or str(exc).startswith("cannot run pandoc"):
            raise
        for used in (style, default_style()) if not style.own_labels else (style,):
            failure = style_failure(used)
            if failure is not None:
                raise FormatError(f"{used.path}:{failure[0]}: {failure[1]}") from None
        if len(jobs) == 1:
            reason = str(exc).removeprefix("pandoc failed to format references ").strip("()")
            raise FormatError(
                f"{jobs[0].where or jobs[0].key}: pandoc cannot format reference "
                f"'{jobs[0].key}' ({reason}); write its fields more plainly"
            ) from None
        texts: dict[str, ReferenceText] = {}
        for job in jobs:
            texts.update(_format_chunk(style, [job]))
        return texts
    texts = {}
    for job in jobs:
        alias = "e" + job.digest
        label = _label(labels.get(alias, "")) or job.key
        body = clean_html(bodies.get(alias, "")) or html.escape(label)
        texts[job.key] = ReferenceText(label, body, plain_text(body))
    return texts


_ALLOWED = {"em", "i", "strong", "b", "sup", "sub", "span", "a"}


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep http(s) links only, percent-encoded as evmap links them."""
    if tag != "a" or name != "href":
        return value
    if not re.match(r"^https?://", value):
        return None
    if value.startswith("https://doi.org/"):
        return doi_href(value.removeprefix("https://doi.org/"))
    return url_href(value)


def clean_html(fragment: str) -> str:
    """pandoc's HTML cut down to inline markup and http(s) links (everything else dropped)."""
    cleaned = nh3.clean(
        math_as_text(fragment),
        tags=_ALLOWED,
        attributes={"a": {"href"}},
        allowed_classes={"span": {"smallcaps"}},
        url_schemes={"http", "https"},
        attribute_filter=_attribute,
        link_rel="noopener",
    )
    return " ".join(_drop_plain_spans(cleaned).split())


class _SpanDropper(HTMLParser):
    """Re-writes sanitized HTML without the spans that carry no small caps."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.spans: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("span", "a"):
            kept = ("class", "smallcaps") in attrs if tag == "span" else dict(attrs).get("href")
            self.spans.append(bool(kept))
            if not kept:
                return
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "a") and not (self.spans.pop() if self.spans else False):
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def _drop_plain_spans(fragment: str) -> str:
    if "<span" not in fragment and "<a " not in fragment:
        return fragment
    parser = _SpanDropper()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def plain_text(fragment: str) -> str:
    """The text of sanitized HTML (tooltips, search entries)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


def _label(citation: str) -> str:
    """An in-text label from a citation: without markup and the outer brackets."""
    text = plain_text(clean_html(citation))
    if len(text) > 2 and (text[0], text[-1]) in (("(", ")"), ("[", "]")):
        inner = text[1:-1]
        if inner.count("(") == inner.count(")") and inner.count("[") == inner.count("]"):
            text = inner
    return text
