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

import functools
import hashlib
import html
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import nh3

from evmap.core.errors import EvmapError
from evmap.core.library.links import doi_href, url_href
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

# Entries per pandoc run, and runs at a time (the machines have two cores).
CHUNK = 200
WORKERS = 2
# A pandoc run that takes longer, or a heap above this, is stopped (hostile input).
TIMEOUT_S = 300
HEAP = "2g"
DEFAULT_STYLE = "evmap-author-date.csl"

_TITLE_FIELDS = ("title", "subtitle", "titleaddon", "booktitle", "maintitle")
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


class FormatError(EvmapError):
    """pandoc could not format the references (not installed, failed, timed out)."""


@dataclass(frozen=True, slots=True)
class CitationStyle:
    """A CSL style file and what identifies its output.

    Attributes:
        path: Absolute path of the ``.csl`` file.
        digest: Digest of its content (part of every cache key).
        own_labels: The style's citations are author-date labels; otherwise
            (numeric and note styles) labels come from evmap's default style.
        protect_titles: Show titles as written (evmap's default style); other
            styles get pandoc's casing (sentence case for English titles).
    """

    path: str
    digest: str
    own_labels: bool = True
    protect_titles: bool = False


def default_style_path() -> Path:
    """evmap's own CSL style, shipped with the package."""
    return Path(str(resources.files("evmap.core.library").joinpath("styles", DEFAULT_STYLE)))


def load_style(path: Path | None) -> CitationStyle:
    """The style at ``path`` (evmap's default when None).

    Raises:
        OSError: when the file cannot be read.
        ValueError: when it is not a CSL style.
    """
    own = path is None
    path = path or default_style_path()
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    if "<style" not in text or "http://purl.org/net/xbiblio/csl" not in text:
        raise ValueError("not a CSL style (no <style> element in the CSL namespace)")
    kind = re.search(r'citation-format="([a-z-]+)"', text)
    own_labels = kind is None or kind.group(1) in ("author-date", "author", "label")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return CitationStyle(str(path.resolve()), digest, own_labels, own)


@dataclass(frozen=True, slots=True)
class FormatJob:
    """One entry ready for pandoc: flattened biblatex text and its disambiguation group."""

    key: str
    bib: str
    group: str
    digest: str


def make_job(
    key: str, entry_type: str, fields: Mapping[str, str], style: CitationStyle
) -> FormatJob:
    """Flatten an entry (macros and parents already merged in) for pandoc.

    pandoc sees the entry under an alias made of its content's digest: any key
    BibTeX accepts is then fine, and two entries alike but for the key format alike.
    """
    lines = [f"@{entry_type}{{" + "{alias},"]
    for name, value in fields.items():
        if name in _DROPPED:
            continue
        if name == "month":
            value = _MONTH_NUMBERS.get(value.strip().lower().rstrip("."), value)
        # A straight double quote is one in BibTeX; pandoc would make it a curly one.
        value = _STRAIGHT_QUOTE.sub(r"\\textquotedbl{}", value)
        if style.protect_titles and name in _TITLE_FIELDS:
            value = "{" + value + "}"
        lines.append(f"  {name} = {{{value}}},")
    lines.append("}\n")
    template = "\n".join(lines)
    digest = hashlib.blake2b(template.encode(), digest_size=16).hexdigest()
    return FormatJob(key, template.replace("{alias}", "e" + digest, 1), _group(fields), digest)


_STRAIGHT_QUOTE = re.compile(r'(?<!\\)"')


@dataclass(frozen=True, slots=True)
class EntryToFormat:
    """An entry as the library read it (macros and parents merged in), before flattening.

    Flattening happens only when the entry is formatted: checking never pays for it.
    """

    key: str
    entry_type: str
    fields: Mapping[str, str]

    def job(self, style: CitationStyle) -> FormatJob:
        """The entry flattened for pandoc in ``style``."""
        return make_job(self.key, self.entry_type, self.fields, style)


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


@functools.cache
def pandoc_path() -> str:
    """The pandoc binary: the one pypandoc-binary ships, else one on PATH."""
    try:
        import pypandoc  # the pinned pandoc, from PyPI

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return "pandoc"


@functools.cache
def pandoc_version() -> str:
    """``pandoc --version``'s first line (part of every cache key).

    Raises:
        FormatError: when pandoc cannot be run.
    """
    try:
        done = subprocess.run(
            [pandoc_path(), "--version"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise FormatError(
            f"cannot run pandoc ({exc}); install evmap's pinned dependencies"
        ) from None
    return done.stdout.splitlines()[0] if done.stdout else "pandoc"


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
        for _, members in sorted(
            ((s, m) for s, m in groups if s.digest == style.digest), key=lambda g: -len(g[1])
        ):
            current.extend(members)
            if len(current) >= CHUNK:
                chunks.append((style, current))
                current = []
        if current:
            chunks.append((style, current))
    with ThreadPoolExecutor(WORKERS) as pool:
        for style, chunk, texts in pool.map(lambda c: (c[0], c[1], _format_chunk(*c)), chunks):
            for job in chunk:
                store.done[store.latest[(style.digest, job.digest)]] = texts[job.key]


def _format_chunk(style: CitationStyle, jobs: list[FormatJob]) -> dict[str, ReferenceText]:
    """Format ``jobs`` in one run; should pandoc refuse the input, entry by entry."""
    try:
        labels, entries = _run_pandoc(style.path, jobs)
        if not style.own_labels:
            labels, _ = _run_pandoc(str(default_style_path()), jobs)
    except FormatError:
        if len(jobs) == 1:  # pandoc cannot read this entry: its key stands for it
            key = jobs[0].key
            return {key: ReferenceText(key, html.escape(key), key)}
        texts: dict[str, ReferenceText] = {}
        for job in jobs:
            texts.update(_format_chunk(style, [job]))
        return texts
    texts = {}
    for job in jobs:
        alias = "e" + job.digest
        entry = entries.get(alias, "")
        label = _label(labels.get(alias, "")) or job.key
        body = clean_html(entry) or html.escape(label)
        texts[job.key] = ReferenceText(label, body, plain_text(body))
    return texts


_CITE = re.compile(r'<div id="c-(\d+)">\s*<p>(.*?)</p>\s*</div>', re.DOTALL)
_ENTRY = re.compile(r'<div id="ref-([^"]*)" class="csl-entry"[^>]*>')
_MARGIN = re.compile(r'<div class="csl-left-margin">.*?</div>', re.DOTALL)


def _run_pandoc(csl: str, jobs: list[FormatJob]) -> tuple[dict[str, str], dict[str, str]]:
    """One pandoc run: (citation HTML by key, bibliography entry HTML by key)."""
    markdown = ["---", "link-citations: false", "link-bibliography: false", "lang: en-US", "---"]
    markdown += [f"::: {{#c-{i}}}\n[@e{job.digest}]\n:::\n" for i, job in enumerate(jobs)]
    fd, bib = tempfile.mkstemp(suffix=".bib", prefix="evmap-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write("\n".join(job.bib for job in jobs))
        command = [pandoc_path(), "-f", "markdown", "-t", "html", "--citeproc", "--wrap=none"]
        command += ["--bibliography", bib, "--csl", csl, "+RTS", f"-M{HEAP}", "-RTS"]
        try:
            done = subprocess.run(
                command,
                input="\n".join(markdown),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FormatError(f"pandoc took over {TIMEOUT_S} s to format references") from None
        except OSError as exc:
            raise FormatError(f"cannot run pandoc ({exc})") from None
    finally:
        os.unlink(bib)
    if done.returncode:
        error = " ".join(done.stderr.split())[:300]
        raise FormatError(f"pandoc failed to format references ({error})")
    out = done.stdout
    labels = {"e" + jobs[int(m.group(1))].digest: m.group(2) for m in _CITE.finditer(out)}
    entries: dict[str, str] = {}
    found = list(_ENTRY.finditer(out))
    for i, match in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(out)
        body = out[match.end() : stop].strip()
        body = body.removesuffix("</div>").strip() if i + 1 < len(found) else _last(body)
        entries[html.unescape(match.group(1))] = _MARGIN.sub("", body)
    return labels, entries


def _last(body: str) -> str:
    """The last entry's HTML: without its own and the list's closing tags."""
    for _ in range(2):
        body = body.strip().removesuffix("</div>")
    return body.strip()


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
        fragment,
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
