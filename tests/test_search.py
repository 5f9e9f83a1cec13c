"""evmap's search index: Material's entries split into shards a query loads.

What the worker finds depends on three things tested here without a browser: the
words (the same folding as the worker's), the shards (every word of every entry is
in exactly the shard its first letters name), and the built site (every generated
page and every claim is an entry, at the same link as before, and Material's
worker is replaced). tests/test_search_browser.py searches in Chromium.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from conftest import write_project
from evmap.site import search
from evmap.site.search import (
    ENTRIES_PER_SHARD,
    STOP_WORDS,
    plain_text,
    read_entries,
    read_words,
    shard_file,
    split_index,
    teaser,
    tokens,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NMDA receptor block", ["nmda", "receptor", "block"]),
        ("Jørgensen & Müller, 2014", ["jørgensen", "muller", "2014"]),
        ("GSK-3β modulation (I² = 54%)", ["gsk", "3β", "modulation", "i2", "54"]),
        ("Crème brûlée", ["creme", "brulee"]),  # decomposed accents too
        ("mPFC\u2013NAc projection", ["mpfc", "nac", "projection"]),  # en dash
        ("under_score", ["under", "score"]),
    ],
)
def test_search_tokens_fold_like_the_worker(text: str, words: list[str]) -> None:
    assert tokens(text) == words


def test_search_plain_text_unescapes_and_drops_tags() -> None:
    assert plain_text("a &lt;script&gt; <code>x</code>\n  b") == "a <script> x b"


def test_search_teaser_cuts_at_a_word() -> None:
    assert teaser("short") == "short"
    assert teaser("word " * 100, 22) == "word word word word …"


def test_search_shard_file_names_are_safe() -> None:
    assert shard_file("ab") == "ab"
    assert shard_file("μo") == "_3bc_o"
    assert shard_file("../") == "_2e__2e__2f_"


def _index(docs: list[dict[str, str]]) -> dict[str, object]:
    return {"config": {"lang": ["en"], "separator": "[\\s\\-]+"}, "docs": docs}


def test_search_split_index_finds_every_word_of_every_entry() -> None:
    docs = [{"location": "", "title": "Home", "text": "Welcome to the map"}]
    for page in range(30):
        docs.append({"location": f"p{page}/", "title": f"Page {page}", "text": "pathway"})
        for claim in range(page % 7):
            docs.append(
                {
                    "location": f"p{page}/#claim-{claim}",
                    "title": f"Claim {claim} of page {page} &lt;b&gt;",
                    "text": f"finding{page}x{claim} rats mice " + "filler " * claim,
                }
            )
    written = split_index(_index(docs))
    table = written.manifest["config"]["evmap"]
    assert written.manifest["docs"] == []
    assert table["entries"] == len(docs)
    # Pages start where their own entry is; shards never split a small page.
    starts = [sum(table["pages"][: i + 1]) for i in range(len(table["pages"]))]
    bounds = [sum(table["shards"][: i + 1]) for i in range(len(table["shards"]))]
    assert set(starts) >= set(bounds)
    assert all(b - a <= ENTRIES_PER_SHARD for a, b in itertools.pairwise(bounds))
    shards = {
        path: json.loads(text[text.index(",") + 1 : text.rindex(")")])
        for path, text in written.files.items()
    }
    postings: dict[str, list[int]] = {}
    for path, data in shards.items():
        if "/t/" in path:
            key = next(k for k in table["terms"] if path.endswith(f"/t/{shard_file(k)}.js"))
            for word, numbers in data.items():
                assert word.startswith(key)
                ids, at = [], 0
                for delta in numbers[::2]:
                    at += delta
                    ids.append(at)
                postings[word] = ids
    for number, doc in enumerate(docs):
        for word in tokens(plain_text(doc["title"]) + " " + plain_text(doc["text"])):
            if word not in STOP_WORDS:
                assert number in postings[word], (word, doc)
    assert "the" not in postings and "to" not in postings


def test_search_split_index_lengthens_keys_of_large_shards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "SHARD_BYTES", 2000)
    docs = [{"location": "", "title": "Home", "text": ""}]
    docs += [
        {"location": f"#s{i}", "title": f"s{i}", "text": f"receptor{i % 50} rat"}
        for i in range(2000)
    ]
    written = split_index(_index(docs))
    sizes = {path: len(text) for path, text in written.files.items() if "/t/" in path}
    keys = written.manifest["config"]["evmap"]["terms"]
    assert any(len(k) > 2 and k.startswith("rec") for k in keys), keys
    # Only a shard of one word may stay larger than the limit.
    for path, size in sizes.items():
        if size > 2000 * 1.1:
            text = written.files[path]
            assert len(json.loads(text[text.index(",") + 1 : text.rindex(")")])) == 1


def test_search_split_index_is_byte_stable() -> None:
    docs = [{"location": f"p{i}/", "title": f"Page {i}", "text": "x y z"} for i in range(40)]
    assert split_index(_index(docs)) == split_index(_index(list(docs)))


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("search-site")).build()


def test_search_site_has_every_page_and_claim(search_site: Path) -> None:
    entries = read_entries(search_site)
    locations = [e["location"] for e in entries]
    assert len(locations) == len(set(locations))
    for kind in ("pathways", "compounds", "references"):
        assert list((search_site / kind).glob("*/index.html")), kind
        for page in (search_site / kind).glob("*/index.html"):
            assert f"{kind}/{page.parent.name}/" in locations
    for claim in ("nmdar-main-route", "trkb-needed"):
        assert [loc for loc in locations if loc.endswith(f"#claim-{claim}")], claim
    # Hand-written pages keep Material's entries (page and sections).
    assert "about/" in locations
    home = next(e for e in entries if e["location"] == "pathways/nmdar-inhibition/")
    assert home["title"] == "NMDA receptor inhibition"


def test_search_site_indexes_the_words_of_each_claim(search_site: Path) -> None:
    entries = read_entries(search_site)
    words = read_words(search_site)
    number = next(i for i, e in enumerate(entries) if e["location"].endswith("#claim-trkb-needed"))
    for word in tokens("TrkB signalling is needed for the effect of arketamine"):
        if word not in STOP_WORDS:
            assert number in words[word], word


def test_search_site_worker_is_evmaps(search_site: Path) -> None:
    workers = list((search_site / "assets/javascripts/workers").glob("search.*.min.js"))
    assert len(workers) == 1
    assert "evmapSearch" in workers[0].read_text("utf-8")
    assert not workers[0].with_name(workers[0].name + ".map").exists()
    manifest = (search_site / "search/search_index.json").read_text("utf-8")
    assert len(manifest) < 4000
    assert re.search(r'"docs":\[\]', manifest)


def test_search_site_pages_table_heads_each_group(search_site: Path) -> None:
    text = (search_site / "search/evmap/pages.js").read_text("utf-8")
    pages = json.loads(text[text.index(",") + 1 : text.rindex(")")])
    entries = read_entries(search_site)
    firsts = {}
    for entry in entries:
        firsts.setdefault(entry["location"].split("#")[0], entry)
    assert pages == [[loc, e["title"]] for loc, e in firsts.items()]
    assert all("#" not in e["location"] for e in firsts.values())  # a page's own entry first


def test_search_write_search_keeps_unchanged_shards(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets/javascripts/workers").mkdir(parents=True)
    (site / "assets/javascripts/workers/search.abc.min.js").write_text("material", "utf-8")
    (site / "assets/javascripts/workers/search.abc.min.js.map").write_text("{}", "utf-8")
    docs = [{"location": f"p{i}/", "title": f"Page {i}", "text": f"word{i}"} for i in range(60)]
    assert search.write_search(site, _index(docs), "worker") is not None
    assert (site / "assets/javascripts/workers/search.abc.min.js").read_text() == "worker"
    assert not (site / "assets/javascripts/workers/search.abc.min.js.map").exists()
    before = {p: p.stat().st_mtime_ns for p in (site / "search/evmap").rglob("*.js")}
    worker = site / "assets/javascripts/workers/search.abc.min.js"
    written_at = worker.stat().st_mtime_ns
    docs[-1] = {"location": "p59/", "title": "Page 59", "text": "changed"}
    search.write_search(site, _index(docs), "worker")
    after = {p: p.stat().st_mtime_ns for p in (site / "search/evmap").rglob("*.js")}
    rewritten = sorted(p.name for p in after if before.get(p) != after[p])
    assert worker.stat().st_mtime_ns == written_at  # same bytes: not written again
    words = read_words(site)
    assert "word59" not in words and words["changed"] == [59]
    assert len(rewritten) <= 4, rewritten  # the changed words, entries and pages table
    assert search.write_search(tmp_path / "other", _index(docs), "worker") is None


def test_search_site_names_species_as_pages_do(tmp_path: Path) -> None:
    """A claim's search entry says "non-human primate", as its page does, not the YAML's
    ``non-human-primate``."""
    project = write_project(tmp_path / "p")
    core = project.read("content/claims/core.yml")
    project.write(
        "content/claims/core.yml",
        core.replace("{species: mouse, paradigm: CSDS}", "{species: non-human-primate}"),
    )
    site = project.build()
    entry = next(e for e in read_entries(site) if e["location"].endswith("#claim-trkb-needed"))
    assert "(non-human primate)" in entry["text"]
    assert "non-human-primate" not in entry["text"]
    page = (site / "pathways/bdnf-trkb/index.html").read_text("utf-8")
    assert "non-human primate" in page
