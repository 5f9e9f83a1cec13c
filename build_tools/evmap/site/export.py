"""Data downloads built with the site: the map as JSON and CSV, cited references as BibTeX.

Every function returns text with deterministic bytes: entries in id order,
fixed key order, no timestamps. The JSON items are written in the shape of the
YAML entries, so each validates against its published schema
(``schema/<kind>.schema.json``, ``$defs/<kind>``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import MISSING, dataclass
from typing import Any

from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.matrix import NO_COMPOUND, Cell
from evmap.analysis.provenance import ClaimProvenance, ItemProvenance, Provenance, Stamp
from evmap.core.gitinfo import source_date_epoch
from evmap.core.licenses import License
from evmap.core.model import (
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    Pathway,
    Stance,
    yaml_fields,
)
from evmap.core.vocab import NOTE_LABELS
from evmap.site.contexts import not_seen_note
from evmap.site.csl_json import CslStore, map_to_csl_json
from evmap.site.export_bibtex import (
    cited_bibtex,
    entry_text,
)
from evmap.site.export_csv import (
    CSV_COLUMNS,
    FORMULA_STARTS,
    LIST_SEPARATOR,
    OTHER_ANSWER,
    PAIR_SEPARATOR,
    csv_cell,
    item_pair_stances,
    map_to_csv,
)
from evmap.site.kgx import kgx_edges, kgx_nodes
from evmap.site.linked_data import MapInfo
from evmap.site.nanopub import map_to_trig

__all__ = [
    "BIBTEX_DOWNLOAD",
    "COMPRESS_OVER",
    "CSL_DOWNLOAD",
    "CSV_COLUMNS",
    "CSV_DOWNLOAD",
    "DOWNLOADS",
    "FORMULA_STARTS",
    "JSON_DOWNLOAD",
    "KGX_EDGES_DOWNLOAD",
    "KGX_NODES_DOWNLOAD",
    "LIST_SEPARATOR",
    "NANOPUB_DOWNLOAD",
    "OTHER_ANSWER",
    "PAIR_SEPARATOR",
    "REFERENCES_SCRIPT",
    "Download",
    "ExportCache",
    "cited_bibtex",
    "claim_record",
    "commit_refs",
    "commits_record",
    "compound_record",
    "csv_cell",
    "download_files",
    "entry_text",
    "evidence_record",
    "item_pair_stances",
    "map_to_csv",
    "map_to_json",
    "packed",
    "pathway_record",
    "preview_text",
    "provenance_record",
    "references_script",
]


@dataclass(frozen=True, slots=True)
class Download:
    """A file offered for download.

    Attributes:
        path: Site-relative path.
        label: Short label (the format).
        description: What it holds.
        media_type: Its media type (the RO-Crate and the Dataset's distribution say it).
        readers: One sentence on who reads it.
    """

    path: str
    label: str
    description: str
    media_type: str = "application/octet-stream"
    readers: str = ""


JSON_DOWNLOAD = Download(
    "downloads/evidence-map.json",
    "JSON",
    "the whole map: compounds, pathways and claims, each valid against its published schema",
    "application/json",
    "For scripts and notebooks (Python, R, JavaScript) that want every field as curated.",
)
CSV_DOWNLOAD = Download(
    "downloads/evidence-map.csv",
    "CSV",
    "one row per evidence item, with its claim, model, type, citations and certainty",
    "text/csv",
    "For spreadsheets and statistics packages (Excel, LibreOffice, pandas, R).",
)
BIBTEX_DOWNLOAD = Download(
    "downloads/references.bib",
    "BibTeX",
    "every reference the site shows, its bibliographic fields as written in the library",
    "application/x-bibtex",
    "For LaTeX writers and reference managers that import BibTeX.",
)
CSL_DOWNLOAD = Download(
    "downloads/references.csl.json",
    "CSL-JSON",
    "every reference a claim cites, as pandoc reads the library",
    "application/vnd.citationstyles.csl+json",
    "For Zotero, Mendeley, citeproc-js and pandoc: import it, or cite from it in any CSL style.",
)
NANOPUB_DOWNLOAD = Download(
    "downloads/nanopubs.trig",
    "Nanopublications (TriG)",
    "one nanopublication per claim: what it asserts of each compound-pathway pair, the "
    "evidence behind it (stance, model, ECO type, citations) and the map's version and licence",
    "application/trig",
    "For knowledge graphs and provenance tools: any RDF store or the nanopublication network.",
)
KGX_NODES_DOWNLOAD = Download(
    "downloads/kgx/nodes.tsv",
    "KGX nodes (TSV)",
    "compounds and pathways as Biolink-typed nodes, with their ChEBI, PubChem, GO... ids",
    "text/tab-separated-values",
    "For Biolink knowledge-graph tools (KGX, NCATS Translator, KG-Hub) and graph databases.",
)
KGX_EDGES_DOWNLOAD = Download(
    "downloads/kgx/edges.tsv",
    "KGX edges (TSV)",
    "one edge per claim and compound-pathway pair: its direction (affects, negated or not), "
    "the evidence on it by stance, ECO types, publications and the claim's certainty",
    "text/tab-separated-values",
    "For Biolink knowledge-graph tools, with the nodes file.",
)
DOWNLOADS: tuple[Download, ...] = (
    JSON_DOWNLOAD,
    CSV_DOWNLOAD,
    BIBTEX_DOWNLOAD,
    CSL_DOWNLOAD,
    NANOPUB_DOWNLOAD,
    KGX_NODES_DOWNLOAD,
    KGX_EDGES_DOWNLOAD,
)

COMPRESS_OVER = 32 * 1024 * 1024
"""Downloads larger than this (UTF-8 bytes) are written gzip-compressed as ``<name>.gz``.

At 100,000 claims the JSON and the CSV weigh about 140 MB each: more than many
hosts accept for one file (GitHub refuses files over 100 MB) and a sixth of the
site. Compressed they are about a tenth of that; pandas, R and every archive tool
read them as they are."""


def packed(download: Download) -> Download:
    """``download`` as written when it is larger than :data:`COMPRESS_OVER`."""
    return Download(
        download.path + ".gz",
        f"{download.label} (gzip)",
        f"{download.description}; compressed with gzip, as this map's file is large",
        "application/gzip",
        download.readers,
    )


def _pack(download: Download, text: str) -> tuple[str, str | bytes]:
    """Where ``download`` is written and its content: compressed past :data:`COMPRESS_OVER`
    (as :func:`packed` names it), byte for byte the same for the same text (no time or
    name is stored in the gzip header)."""
    data = text.encode("utf-8")
    if len(data) <= COMPRESS_OVER:
        return download.path, text
    return packed(download).path, gzip.compress(data, compresslevel=6, mtime=0)


def compound_record(compound: Compound) -> dict[str, Any]:
    """A compound as its YAML entry would hold it (optional fields only when set)."""
    record: dict[str, Any] = {"id": compound.id, "name": compound.name}
    if compound.synonyms:
        record["synonyms"] = list(compound.synonyms)
    record["kind"] = compound.kind
    if compound.parent is not None:
        record["parent"] = compound.parent
    if compound.identifiers:
        record["identifiers"] = dict(sorted(compound.identifiers.items()))
    if compound.summary:
        record["summary"] = compound.summary
    return record


def pathway_record(pathway: Pathway) -> dict[str, Any]:
    """A pathway as its YAML entry would hold it."""
    record: dict[str, Any] = {"id": pathway.id, "name": pathway.name, "category": pathway.category}
    if pathway.related:
        record["related"] = list(pathway.related)
    if pathway.summary:
        record["summary"] = pathway.summary
    return record


def evidence_record(evidence: Evidence) -> dict[str, Any]:
    """An evidence item as its YAML would hold it: every field the model declares, when set."""
    record: dict[str, Any] = {}
    for spec in yaml_fields(Evidence):
        value = getattr(evidence, spec.name)
        if value != spec.metadata["missing"] or spec.default is MISSING:
            record[spec.metadata["yaml"]] = spec.metadata["write"](value)
    if not evidence.citations:
        del record["citations"]  # a second-hand item whose study is not identified
    return record


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim as its YAML entry would hold it, evidence in order, override when set."""
    record: dict[str, Any] = {
        "id": claim.id,
        "statement": claim.statement,
        "compounds": list(claim.compounds),
        "pathways": list(claim.pathways),
        "evidence": [evidence_record(ev) for ev in claim.evidence],
    }
    if claim.certainty is not None:
        record["certainty"] = {
            "grade": claim.certainty.grade.value,
            "reason": claim.certainty.reason,
        }
    if claim.asserts:
        record["asserts"] = [rule.to_yaml() for rule in claim.asserts]
    if claim.former_ids:
        record["former_ids"] = list(claim.former_ids)
    if claim.review is not None:
        record["review"] = claim.review.to_yaml()
    return record


def _stamps(provenance: Provenance) -> dict[str, Stamp]:
    """Every commit the provenance names, by full id."""
    stamps: dict[str, Stamp] = {}
    for known in provenance.claims.values():
        for item in (ItemProvenance(known.added, known.changed), *known.items):
            for stamp in (item.added, item.changed):
                if stamp is not None:
                    stamps.setdefault(stamp.commit, stamp)
    return dict(sorted(stamps.items()))


def commit_refs(provenance: Provenance) -> dict[str, str]:
    """A short id for each commit the provenance names (12 characters, longer where two
    would share them), by full id: what the JSON download's claims refer to."""
    commits = list(_stamps(provenance))
    width = 12
    while len({c[:width] for c in commits}) < len(commits):
        width += 4
    return {commit: commit[:width] for commit in commits}


def commits_record(provenance: Provenance, epoch: int | None = None) -> dict[str, Any]:
    """Every commit the provenance names, by short id: when, by whom (and their ORCID iD),
    its full id and the first line of its message."""
    refs = commit_refs(provenance)
    return {
        refs[commit]: {
            "date": stamp.date(epoch),
            "by": stamp.author,
            **({"orcid": stamp.orcid} if stamp.orcid else {}),
            "commit": commit,
            "subject": stamp.subject,
        }
        for commit, stamp in _stamps(provenance).items()
    }


def provenance_record(known: ClaimProvenance, refs: Mapping[str, str]) -> dict[str, Any]:
    """A claim's provenance as the JSON download holds it: the commits (short ids of
    ``refs``, see :func:`commits_record`) that added it and last changed it, whether
    uncommitted changes remain, and each item's ``[added, changed]`` (null: not committed)."""

    def ref(stamp: Stamp | None) -> str | None:
        return refs[stamp.commit] if stamp is not None else None

    return {
        "added": ref(known.added),
        "changed": ref(known.changed),
        "uncommitted": known.uncommitted,
        "items": [[ref(item.added), ref(item.changed)] for item in known.items],
    }


class ExportCache:
    """Each claim's JSON entry and CSV rows, kept by the claim object (``evmap serve``:
    a rebuild's map holds the very objects of the claims whose file did not change).

    An entry is used only for the same object (and, for rows, the same derived values),
    so a stale one is never read; entries of claims no longer in the map are dropped.
    """

    def __init__(self) -> None:
        self.json: dict[int, tuple[Claim, str]] = {}
        self.csv: dict[int, tuple[Claim, tuple[object, ...], str]] = {}

    def keep_only(self, claims: Mapping[str, Claim]) -> None:
        """Forget the claims that are not in ``claims``."""
        alive = {id(c) for c in claims.values()}
        for table in (self.json, self.csv):
            for key in [k for k in table if k not in alive]:
                del table[key]


def map_to_json(
    evidence_map: EvidenceMap,
    analysis: MapAnalysis | None = None,
    cache: ExportCache | None = None,
    license: License | None = None,
    provenance: Provenance | None = None,
) -> str:
    """The whole map as JSON.

    ``compounds``, ``pathways`` and ``claims`` hold entries valid against the
    published schemas; ``derived`` holds what the site computes, kept apart so the
    entries stay schema-valid: per claim (``claims``) the certainty grade shown,
    whether it is the rule's or the curators', and whether its own evidence points
    both ways, and its provenance from git when ``provenance`` was read, as short ids
    of the commits listed once under ``derived.commits``; per compound-pathway pair
    (``pairs``, one record per matrix cell) how its items answer "does this compound
    act through this pathway?" and whether they point both ways (:func:`_pair_record`).
    ``license`` (when the map states one) gives its SPDX id, name and URL. Written
    compactly, one entry per line (indentation would be a third of a large map's file;
    a line per entry still reads and diffs well).
    """
    analysis = analysis or analyse_map(evidence_map)
    derived: dict[str, dict[str, Any]] = {
        cid: {
            "certainty": analysis.certainty[cid].grade.value,
            "certainty_from": "curators" if analysis.certainty[cid].overridden else "rule",
            "contradicted": cid in analysis.contradictions,
        }
        for cid in evidence_map.claims
    }
    encoded: dict[str, str] = {}  # ids recur in many pairs: each is encoded once
    pairs = [_pair_record(cell, encoded) for cell in analysis.cells.values()]
    commits: dict[str, Any] = {}
    if provenance is not None and provenance.available:
        refs = commit_refs(provenance)
        commits = commits_record(provenance, source_date_epoch())
        for cid, known in provenance.claims.items():
            if cid in derived:
                derived[cid]["provenance"] = provenance_record(known, refs)
    lists = {
        "compounds": [compound_record(c) for c in evidence_map.compounds.values()],
        "pathways": [pathway_record(p) for p in evidence_map.pathways.values()],
    }
    parts = [
        f"{_compact(name)}:[\n" + ",\n".join(_compact(item) for item in items) + "\n]"
        for name, items in lists.items()
    ]
    claims = [_claim_json(c, cache) for c in evidence_map.claims.values()]
    parts.append('"claims":[\n' + ",\n".join(claims) + "\n]")
    listed = [f"{_compact(ref)}:{_compact(value)}" for ref, value in commits.items()]
    parts.append(
        '"derived":{'
        + ('"commits":{\n' + ",\n".join(listed) + "\n},\n" if listed else "")
        + '"claims":{\n'
        + ",\n".join(f"{_compact(cid)}:{_compact(value)}" for cid, value in derived.items())
        + '\n},\n"pairs":[\n'
        + ",\n".join(pairs)
        + "\n]}"
    )
    if license is not None:
        about = {"spdx": license.spdx, "name": license.name, "url": license.url}
        parts.append(f'"license":{_compact(about)}')
    return "{" + ",\n".join(parts) + "}\n"


def _pair_record(cell: Cell, encoded: dict[str, str]) -> str:
    """A compound-pathway pair as the JSON's ``derived.pairs`` holds it, as compact JSON: how
    its items answer its question, whether they point both ways, and its claims (those
    asking another question apart). ``compound`` is null for claims naming no compound.

    Written by hand around the encoded ids (a large map has 100,000 pairs), each id
    encoded once (``encoded``): the same text as ``_compact`` of the record, keys in
    this order.
    """

    def enc(value: str) -> str:
        found = encoded.get(value)
        if found is None:
            found = encoded[value] = _compact(value)
        return found

    compound = enc(cell.compound) if cell.compound != NO_COMPOUND else "null"
    return (
        f'{{"compound":{compound},"pathway":{enc(cell.pathway)},'
        f'"for":{cell.count(Stance.SUPPORTS)},"against":{cell.count(Stance.CONTRADICTS)},'
        f'"mixed":{cell.count(Stance.MIXED)},"{OTHER_ANSWER}":{len(cell.other)},'
        f'"contested":{"true" if cell.contradiction is not None else "false"},'
        f'"claims":[{",".join(map(enc, cell.claims))}],'
        f'"other_claims":[{",".join(map(enc, cell.other_claims))}]}}'
    )


def _claim_json(claim: Claim, cache: ExportCache | None) -> str:
    if cache is None:
        return _compact(claim_record(claim))
    known = cache.json.get(id(claim))
    if known is None or known[0] is not claim:
        known = cache.json[id(claim)] = (claim, _compact(claim_record(claim)))
    return known[1]


def _compact(value: Any) -> str:
    """JSON without optional spaces, non-ASCII text as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


REFERENCES_SCRIPT = "assets/evmap-references.js"
"""Site-relative path of the citation-tooltip script (see :func:`references_script`)."""

_REFERENCES_HEADER = """\
/* Formatted references of the evidence map (evmap): generated with the site, do not edit.
 *
 * Every cited reference is written here once, by reference page slug, rather than
 * on every citation of every page. A page with claims loads this file (deferred);
 * assets/evmap-tips.js reads it to preview a citation on hover, focus or tap, and
 * puts the text in the page with textContent only, never as markup. Without
 * JavaScript a citation is a plain link to the reference page.
 */
window.evmapReferences = {
"""


def preview_text(evidence_map: EvidenceMap, key: str) -> str:
    """What a citation's preview says: the formatted reference, then the curators' notes
    (and the facts they could not verify)."""
    text = evidence_map.references[key].text
    info = evidence_map.reference_info.get(key)
    notes = [f"{NOTE_LABELS[n.type]}: {n.text}" for n in info.notes] if info else []
    seen = not_seen_note(info) if info else None
    if seen is not None:
        notes.append(f"{seen.label}: {seen.text}")
    return "\n".join([text, *notes])


def references_script(evidence_map: EvidenceMap) -> str:
    """The citation-preview data: the preview text of every reference the site shows, by slug.

    One ``"slug":"text"`` line per reference, in key order; ``<`` is written as
    ``\\u003c`` so no text can end a script element wherever the file is inlined.
    """
    lines = [
        _compact(ref.slug) + ":" + _compact(preview_text(evidence_map, key)).replace("<", "\\u003c")
        for key, ref in evidence_map.references.items()
    ]
    return _REFERENCES_HEADER + ",\n".join(lines) + "\n};\n"


def download_files(
    evidence_map: EvidenceMap,
    bib_text: str,
    source_name: str = "references.bib",
    analysis: MapAnalysis | None = None,
    cache: ExportCache | None = None,
    info: MapInfo | None = None,
    csl: CslStore | None = None,
    provenance: Provenance | None = None,
) -> dict[str, str | bytes]:
    """Every file built with the site from the map, by site-relative path.

    The downloads (:data:`DOWNLOADS`, those over :data:`COMPRESS_OVER` compressed as
    ``<path>.gz``: see :func:`packed`) and the citation-tooltip script
    (:data:`REFERENCES_SCRIPT`). ``analysis`` is the map's, when already made; ``cache``
    keeps each claim's part between rebuilds; ``info`` is what the exports say of the map
    (name, version, licence, curators); ``csl`` keeps the CSL-JSON items; ``provenance``
    (from git) adds when each claim and item was added and changed, and by whom.
    """
    analysis = analysis or analyse_map(evidence_map)
    info = info or MapInfo()
    if cache is not None:
        cache.keep_only(evidence_map.claims)
    # pandoc writes the CSL-JSON in its own processes while this one writes the rest.
    with ThreadPoolExecutor(1) as pool:
        csl_json = pool.submit(map_to_csl_json, evidence_map, csl)
        files = dict(
            [
                _pack(
                    JSON_DOWNLOAD,
                    map_to_json(evidence_map, analysis, cache, info.license, provenance),
                ),
                _pack(CSV_DOWNLOAD, map_to_csv(evidence_map, analysis, cache, provenance)),
                _pack(
                    BIBTEX_DOWNLOAD,
                    cited_bibtex(evidence_map, bib_text, source_name, info.license),
                ),
                _pack(NANOPUB_DOWNLOAD, map_to_trig(evidence_map, info)),
                _pack(KGX_NODES_DOWNLOAD, kgx_nodes(evidence_map, info)),
                _pack(KGX_EDGES_DOWNLOAD, kgx_edges(evidence_map, analysis, info)),
                (REFERENCES_SCRIPT, references_script(evidence_map)),
            ]
        )
        path, text = _pack(CSL_DOWNLOAD, csl_json.result())
    # The order the downloads are listed in (DOWNLOADS), then the script.
    files[path] = text
    order = [p for d in DOWNLOADS for p in (d.path, packed(d).path) if p in files]
    return {p: files[p] for p in [*order, REFERENCES_SCRIPT]}
