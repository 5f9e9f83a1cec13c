"""evmap's search index: Material's search entries split into small script files.

Material's search worker downloads the whole index (every entry's title and full
text) and builds a lunr index from it in the browser: at 10,000 claims that is
several megabytes and seconds before the first result. evmap writes the same
entries instead as

* a *manifest* (``search/search_index.json``, tiny; Material's main script still
  loads it and hands it to the worker): the search configuration, the number of
  entries, where each page's entries start, and which term shards exist;
* *term shards* (``search/evmap/t/<prefix>.js``): for every word, the entries
  holding it (delta-coded ids, with how often it occurs and whether it is in the
  title), grouped by the word's first letters; a shard grows one letter longer
  until it is small;
* *entry shards* (``search/evmap/d/<n>.js``): the location, title and a short
  plain-text teaser of a run of entries, in page order;
* the *pages* (``search/evmap/pages.js``): each page's location and title, which
  head the result list's groups (about 140 KB at 10,000 claims, loaded once).

evmap's worker (``assets/evmap-search-worker.js``, written in place of
Material's) speaks Material's messages, loads only the shards a query needs
(``importScripts``: script files, so the same works from ``file://``) and gives
Material's search box the result list it expects.

Every text is plain text here (entries arrive HTML-escaped and are unescaped);
the worker escapes it again before adding its ``<mark>`` highlights.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ENTRIES_PER_SHARD",
    "FORMAT",
    "MAX_KEY_CHARS",
    "SEARCH_WORKER",
    "SHARD_BYTES",
    "STOP_WORDS",
    "TEASER_CHARS",
    "WORKERS",
    "SearchFiles",
    "plain_text",
    "read_entries",
    "read_words",
    "shard_file",
    "split_index",
    "teaser",
    "tokens",
    "write_search",
]

FORMAT = 1
"""Version of the shard format; the worker refuses a manifest of another."""
SHARD_BYTES = 40_000
"""A term shard larger than about this is split by one more letter of its words."""
MAX_KEY_CHARS = 24
"""The longest shard key (word prefix): shard file names stay short whatever the words."""
ENTRIES_PER_SHARD = 24
"""Entries per entry shard at most (about 4 KB). A shard holds whole pages where it
can (a page's own entry and its claims, or several small pages), so that a result
list, which shows a few entries from each of many pages, needs few shards."""
TEASER_CHARS = 240
"""Characters of an entry's text shown under its title in the result list."""

STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in"}
    | {"is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "were", "with"}
)
"""Words left out of the index (lunr's English stop words that occur in most entries);
a query word that is one of them is ignored unless it is being typed (a prefix)."""

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def plain_text(markup: str) -> str:
    """The text of an index entry's HTML (tags dropped, entities resolved, spaces joined)."""
    if "<" in markup:
        markup = _TAG.sub(" ", markup)
    if "&" in markup:
        markup = html.unescape(markup)
    return " ".join(markup.split())


class _DropMarks(dict[int, int | None]):
    """``str.translate`` table: combining marks (category M) dropped, the rest kept."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("M") else code
        self[code] = kept
        return kept


_DROP_MARKS = _DropMarks()


def _fold(run: re.Match[str]) -> str:
    return unicodedata.normalize("NFKD", run.group()).translate(_DROP_MARKS).lower()


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index and the worker see them.

    Composed (NFC) and lowercase; each run of non-ASCII characters is then
    compatibility-decomposed and stripped of accents (``Müller`` is ``muller``,
    ``I²`` is ``i2``); words are the runs of letters and digits. The worker does
    the same, with ``/[\\p{L}\\p{N}]+/gu`` for the last step.
    """
    if text.isascii():
        return _WORD.findall(text.lower())
    folded = _NON_ASCII.sub(_fold, unicodedata.normalize("NFC", text).lower())
    return _WORD.findall(folded)


def teaser(text: str, limit: int = TEASER_CHARS) -> str:
    """``text`` cut at a word boundary to at most about ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + " …"


def shard_file(key: str) -> str:
    """The file name of a shard key: ``a-z`` and ``0-9`` as they are, any other
    character as ``_<hex code point>_`` (the worker computes the same)."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key)


@dataclass
class SearchFiles:
    """What :func:`split_index` writes.

    Attributes:
        manifest: The new ``search/search_index.json`` (Material's configuration,
            no entries, and evmap's table of shards).
        files: Site-relative path to the text of each shard script.
    """

    manifest: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)


def _script(name: str, data: Any) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Script text: "</" would end an inline script, U+2028/9 broke old parsers.
    payload = payload.replace("</", "<\\/").replace("\u2028", "\\u2028")
    payload = payload.replace("\u2029", "\\u2029")
    return f"evmapSearch({json.dumps(name)},{payload});\n"


def _page_order(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries grouped by page (the page's own entry first), pages in first-seen order."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        page = doc["location"].split("#")[0]
        entries = pages.setdefault(page, [])
        if "#" in doc["location"] or not entries:
            entries.append(doc)
        else:
            entries.insert(0, doc)
    return [doc for entries in pages.values() for doc in entries]


def _keys(terms: list[str], postings: dict[str, list[int]]) -> dict[str, list[str]]:
    """Shard key -> its terms, each key as short as its shard's size allows.

    A group of terms is split by one more letter while its shard is too large and
    splitting can help: never a group of one term, and never past
    :data:`MAX_KEY_CHARS` letters (a long word shared by many terms, or one very long
    word, gives one large shard instead of a key too long for a file name). Done with
    a stack of groups, not recursion: a long shared prefix must not exhaust the stack.
    """
    # About 2.5 characters a number in JSON (small deltas and weights, commas).
    sizes = {t: len(postings[t]) * 5 // 2 + len(t) + 6 for t in terms}
    out: dict[str, list[str]] = {}
    # Groups still to split, the next one last; each is (terms, prefix length).
    pending: list[tuple[list[str], int]] = [(sorted(terms), 1)]
    while pending:
        group, length = pending.pop()
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for term in group:
            by_prefix[term[:length]].append(term)
        later: list[tuple[list[str], int]] = []
        for prefix, members in sorted(by_prefix.items()):
            longer = [t for t in members if len(t) > length]
            splits = len(members) > 1 and longer and length < MAX_KEY_CHARS
            if splits and sum(sizes[t] for t in members) > SHARD_BYTES:
                exact = [t for t in members if len(t) == length]
                if exact:
                    out[prefix] = exact
                later.append((longer, length + 1))
            else:
                out[prefix] = members
        pending.extend(reversed(later))
    return out


def _deltas(numbers: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *numbers], numbers, strict=False)]


def _entry_shards(starts: list[int], total: int) -> list[int]:
    """First entry of each entry shard: whole pages packed up to
    :data:`ENTRIES_PER_SHARD` entries, a longer page in runs of that many."""
    bounds: list[int] = []
    filled = ENTRIES_PER_SHARD
    for start, end in zip(starts, [*starts[1:], total], strict=True):
        if filled + (end - start) > ENTRIES_PER_SHARD:
            bounds += range(start, end, ENTRIES_PER_SHARD)
            filled = (end - start - 1) % ENTRIES_PER_SHARD + 1
        else:
            filled += end - start
    return bounds


def split_index(index: dict[str, Any]) -> SearchFiles:
    """Material's search index (``config`` and ``docs``) as evmap's manifest and shards.

    Args:
        index: The parsed ``search_index.json`` the search plugin and evmap wrote.

    Returns:
        The manifest and the shard scripts, byte-stable for the same index.
    """
    docs = _page_order(index.get("docs", []))
    postings: dict[str, list[int]] = defaultdict(list)
    last: dict[str, int] = {}
    starts: list[int] = []
    shown: list[list[str]] = []
    previous_page = None
    for number, doc in enumerate(docs):
        page = doc["location"].split("#")[0]
        if page != previous_page:
            starts.append(number)
            previous_page = page
        title = plain_text(doc.get("title", ""))
        text = plain_text(doc.get("text", ""))
        shown.append([doc["location"], title, teaser(text)])
        in_title = set(tokens(title))
        counts = Counter(tokens(text))
        for name in doc.get("names", ()):
            # A page's names and synonyms weigh as its title; each two words in a row are
            # also one term ("r_ketamine"), and the whole name another ("_r_ketamine"),
            # which the worker looks up for the query's words in a row and the whole
            # query: a name typed as written ("(R)-ketamine", a DOI) finds its page first.
            named = tokens(name)
            in_title.update(named)
            in_title.update(f"{a}_{b}" for a, b in itertools.pairwise(named))
            in_title.add("_" + "_".join(named))
        for word in in_title:
            counts[word] += 0
        for word in STOP_WORDS.intersection(counts):
            del counts[word]
        for word, times in counts.items():
            # delta-coded entry number, then (times in the text, at most 31) * 2 + in title
            entries = postings[word]
            entries.append(number - last.get(word, 0))
            entries.append((times if times < 31 else 31) * 2 + (word in in_title))
            last[word] = number
    files: dict[str, str] = {}
    keys = _keys(sorted(postings), postings)
    for key, terms in keys.items():
        name = f"t/{shard_file(key)}"
        files[f"search/evmap/{name}.js"] = _script(name, {t: postings[t] for t in terms})
    files["search/evmap/pages.js"] = _script("pages", [shown[start][:2] for start in starts])
    bounds = _entry_shards(starts, len(shown))
    for number, (first, end) in enumerate(zip(bounds, [*bounds[1:], len(shown)], strict=True)):
        name = f"d/{number}"
        files[f"search/evmap/{name}.js"] = _script(name, shown[first:end])
    # Material's main script hands only ``config`` and ``docs`` to the worker.
    config = dict(index.get("config", {}))
    config["evmap"] = {
        "format": FORMAT,
        "entries": len(docs),
        "shards": _deltas(bounds),
        "pages": _deltas(starts),
        "terms": sorted(keys),
        "stop": sorted(STOP_WORDS),
    }
    manifest = {"config": config, "docs": []}
    return SearchFiles(manifest, files)


SEARCH_WORKER = "assets/evmap-search-worker.js"
"""evmap's search worker, below the templates folder (a project may override it)."""
WORKERS = "assets/javascripts/workers/search.*.min.js"
"""Material's search worker in a built site (its name carries a content hash)."""


def write_search(site: Path, index: dict[str, Any], worker: str) -> SearchFiles | None:
    """Write ``index`` (Material's and evmap's entries) as evmap's search files.

    The manifest goes to ``search/search_index.json``, the shards under
    ``search/evmap/``, and ``worker`` (the script text) over Material's search
    worker, whose source map is removed. Does nothing, and returns None, when the
    site has no Material search worker (another theme).
    """
    targets = sorted(site.glob(WORKERS))
    if not targets:
        return None
    written = split_index(index)
    folder = site / "search" / "evmap"
    for sub in ("t", "d"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # A dirty rebuild (``evmap serve``) keeps the shards an edit did not change.
    for old in folder.rglob("*.js"):
        if old.relative_to(site).as_posix() not in written.files:
            old.unlink()
    for path, text in written.files.items():
        _write_if_changed(site / path, text)
    manifest = json.dumps(written.manifest, ensure_ascii=False, separators=(",", ":"))
    _write_if_changed(site / "search" / "search_index.json", manifest)
    for target in targets:
        _write_if_changed(target, worker)
        target.with_name(target.name + ".map").unlink(missing_ok=True)
    return written


def _write_if_changed(target: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not (target.is_file() and target.read_bytes() == data):
        target.write_bytes(data)


def _payload(text: str) -> Any:
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def read_entries(site: Path) -> list[dict[str, str]]:
    """The entries of a site's evmap search index, as the result list shows them.

    Each is ``{"location", "title", "text"}`` in plain text (``text`` is the teaser),
    in index order; for tests and for checking what search can find.
    """
    manifest = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    table = manifest["config"]["evmap"]
    entries: list[dict[str, str]] = []
    for number in range(len(table["shards"])):
        shard = site / "search" / "evmap" / "d" / f"{number}.js"
        for location, title, text in _payload(shard.read_text("utf-8")):
            entries.append({"location": location, "title": title, "text": text})
    return entries


def read_words(site: Path) -> dict[str, list[int]]:
    """Every indexed word of a site's evmap search index and the entries holding it."""
    manifest = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    words: dict[str, list[int]] = {}
    for key in manifest["config"]["evmap"]["terms"]:
        shard = site / "search" / "evmap" / "t" / f"{shard_file(key)}.js"
        for word, postings in _payload(shard.read_text("utf-8")).items():
            ids, at = [], 0
            for delta in postings[::2]:
                at += delta
                ids.append(at)
            words[word] = ids
    return words
