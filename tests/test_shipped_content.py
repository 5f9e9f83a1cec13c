"""Pins the shipped ketamine evidence map: the facts later edits must not lose.

These tests read the repository's own content/, references.bib and docs/, not a
fixture. The lists below are written out on purpose: the seed documents live
outside the repository. Only the own-words check reads them, and says so when
they are absent.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO, article, soup
from evmap.adapters.cli import main
from evmap.analysis.analyse import analyse_map
from evmap.analysis.certainty import is_second_hand
from evmap.core.config import load_settings
from evmap.core.model import EvidenceMap, EvidenceType, ReferenceKind, Stance
from evmap.core.pipeline import CheckResult, check, format_map_references

# The 26 distinct DOIs of the seed review's reference list
# (../shared/seeds/000_5963d38015ba93fe.txt, 27 entries: Donegan & Lodge appear twice).
SEED_DOIS = [
    "10.1016/j.bcp.2020.113935",
    "10.1016/j.bcp.2021.114892",
    "10.1016/j.neuropharm.2022.109335",
    "10.1016/j.neuropharm.2022.109345",
    "10.1016/j.pbb.2018.12.001",
    "10.1016/j.pbb.2019.172837",
    "10.1016/j.phrs.2023.106837",
    "10.1016/j.phrs.2024.107081",
    "10.1016/j.ynstr.2023.100565",
    "10.1038/mp.2015.176",
    "10.1038/npp.2015.233",
    "10.1038/s41380-023-02288-5",
    "10.1038/s41392-024-01738-y",
    "10.1038/s41467-024-48257-6",
    "10.1073/pnas.1414728112",
    "10.1093/ijnp/pyw095",
    "10.1093/ijnp/pyw098",
    "10.1093/ijnp/pyz025",
    "10.1096/fasebj.2020.34.s1.04214",
    "10.1126/science.ado7010",
    "10.1172/JCI130808",
    "10.1186/s12866-018-1373-7",
    "10.1186/s13041-020-00627-z",
    "10.3389/fphar.2019.01302",
    "10.3389/fpsyt.2021.797577",
    "10.3390/biom13010056",
]

# Compound id -> its parent (None: the top of its family tree).
COMPOUND_PARENTS = {
    "ketamine": None,
    "arketamine": "ketamine",
    "esketamine": "ketamine",
    "2r6r-hnk": "arketamine",
    "2s6s-hnk": "esketamine",
    "s-norketamine": "esketamine",
    "mk-801": None,
    "nbqx": None,
    "ana-12": None,
    "rapamycin": None,
    "mglu2-3-antagonist": None,
    "hcn-inhibitor": None,
}

# Every mechanism the map was asked to cover: those of the Wei/Chang/Hashimoto article,
# then those in the titles of the seed reference list.
MECHANISM_PATHWAYS = [
    # the article
    "nmdar-inhibition",
    "ampar-activation",
    "bdnf-trkb",
    "tgf-beta1",
    "mtorc1",
    "erk",
    "eef2k",
    "four-e-bps",
    "nrg1-pv-interneurons",
    "gut-brain-axis",
    "spleen-brain-axis",
    # the reference list's titles
    "hcn-channels",
    "mglur5",
    "mglu2-3-drn-5ht",
    "gaba-interneurons",
    "vhipp-mpfc-circuit",
    "infralimbic-pfc",
    "perineuronal-nets",
    "planar-cell-polarity",
    "myelin-repair",
    "stat3-interferon",
    "kappa-opioid-receptors",
    "glun2d",
    "estrogens-neuroinflammation",
    "region-specific-action",
    "hippocampal-plasticity",
    "synaptic-vascular-repair",
]

# The debates of the field: each claim needs first-hand evidence on both sides.
DEBATES = {
    "NMDA-receptor block as the main route": "nmdar-antagonism-main-route",
    "HNK metabolites": "hnk-metabolites-antidepressant",
    "R- vs S-ketamine, side effects": "arketamine-less-abuse-liability-than-esketamine",
    "what causes dissociation": "dissociation-linked-to-esketamine-dopamine-release",
    "mTORC1": "mtorc1-required-for-ketamine-effect",
    "is dissociation needed": "dissociation-not-needed-for-antidepressant-effect",
    "unmasking in ketamine trials": "unmasking-inflates-ketamine-trial-effect",
    "rodent tests as predictors": "rodent-tests-do-not-reliably-predict-nmda-blocker-efficacy",
}
# Claims restated under ids that say what they now claim: each keeps its old id, so that
# old links lead to it.
RENAMED = {
    "arketamine-rapid-and-long-lasting": "arketamine-works-in-rodents-not-yet-shown-in-patients",
    "rodent-findings-predict-human-response": "rodent-tests-do-not-reliably-predict-nmda-blocker-efficacy",
}
WEI_2021 = "wei2021"
MAX_WEI_ONLY_SHARE = 0.15
"""At most this share of items may rest only on the Wei, Chang & Hashimoto 2021 review."""
SEEDS = REPO.parent / "shared" / "seeds"
COPIED_WORDS = 8
"""No run of this many words may be shared with the seed texts."""
HOW_READ = re.compile(
    r"\babstract\b|news report|press release|search tool|\bPubMed\b|\bPMC\d*\b|\bmirror\b"
    r"|could not be (checked|read|verified|identified|found)|\bread (through|from|on)\b"
    r"|for this map|second-hand|title only|only the title|not (checked|verified) for",
    re.IGNORECASE,
)
"""Words that say how a study was read: they belong in an item's 'read' and 'note'."""
PROCESS_WORDS = re.compile(
    r"\bcurator C\d|\bC[1-3]\b|curation report|\bissue \d+|\bsession|\bhelper", re.IGNORECASE
)
"""Words about how the map was made, not about the evidence: never in content or its comments."""


@pytest.fixture(scope="module")
def checked() -> CheckResult:
    settings = load_settings(REPO / "mkdocs.yml")
    result = check(settings)
    format_map_references(settings, result.map)  # all together, as the site does
    return result


@pytest.fixture(scope="module")
def shipped_map(checked: CheckResult) -> EvidenceMap:
    return checked.map


def test_strict_check_has_no_problems(
    checked: CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [p.format() for p in checked.problems] == []
    code = main(["check", "--strict", "-f", str(REPO / "mkdocs.yml")])
    out, _ = capsys.readouterr()
    assert code == 0, out


def test_every_seed_doi_is_in_the_library(shipped_map: EvidenceMap) -> None:
    assert len(set(SEED_DOIS)) == 26
    library = {ref.doi.lower() for ref in shipped_map.references.values() if ref.doi}
    assert [doi for doi in SEED_DOIS if doi.lower() not in library] == []


def test_donegan_2016a_and_2016b_are_one_entry(shipped_map: EvidenceMap) -> None:
    same_doi = [
        key
        for key, ref in shipped_map.references.items()
        if ref.doi.lower() == "10.1093/ijnp/pyw095"
    ]
    assert same_doi == ["donegan2016"]
    assert not {"donegan2016a", "donegan2016b"} & {key.lower() for key in shipped_map.references}
    assert "perineuronal nets" in shipped_map.references["donegan2016"].fields["title"]


def test_required_compounds_and_their_parents(shipped_map: EvidenceMap) -> None:
    found = {
        cid: shipped_map.compounds[cid].parent
        for cid in COMPOUND_PARENTS
        if cid in shipped_map.compounds
    }
    assert found == COMPOUND_PARENTS


def test_every_required_mechanism_has_a_pathway(shipped_map: EvidenceMap) -> None:
    assert len(set(MECHANISM_PATHWAYS)) == len(MECHANISM_PATHWAYS)
    assert [pid for pid in MECHANISM_PATHWAYS if pid not in shipped_map.pathways] == []


@pytest.mark.parametrize(("debate", "claim_id"), DEBATES.items())
def test_each_debate_has_first_hand_evidence_on_both_sides(
    shipped_map: EvidenceMap, debate: str, claim_id: str
) -> None:
    kind_of = shipped_map.kind_of
    first_hand = {
        ev.stance
        for ev in shipped_map.claims[claim_id].evidence
        if not is_second_hand(ev, kind_of) and ev.type is not EvidenceType.REVIEW
    }
    assert {Stance.SUPPORTS, Stance.CONTRADICTS} <= first_hand, debate


def test_few_items_rest_only_on_the_wei_2021_review(shipped_map: EvidenceMap) -> None:
    items = [ev for claim in shipped_map.claims.values() for ev in claim.evidence]
    only_wei = [ev for ev in items if set(ev.sources()) == {WEI_2021}]
    assert len(only_wei) / len(items) <= MAX_WEI_ONLY_SHARE, (len(only_wei), len(items))


# First-hand items whose species stays unstated. Papers read from their title alone
# (Jacobson 2020, Fukumoto 2016, the 2018 (S)-norketamine paper) say so with
# 'read: title-only', which makes them second-hand, so none is left here.
UNREAD: dict[tuple[str, int], str] = {}


def test_every_item_names_its_species_and_model(shipped_map: EvidenceMap) -> None:
    vague = [
        (claim.id, n)
        for claim in shipped_map.claims.values()
        for n, ev in enumerate(claim.evidence, start=1)
        if ev.type is not EvidenceType.REVIEW
        and not ev.second_hand
        and (ev.model.species in ("unspecified", "none") or not ev.model.paradigm)
    ]
    assert vague == sorted(UNREAD)


def test_no_review_is_cited_as_a_study(shipped_map: EvidenceMap) -> None:
    misread = [
        (claim.id, key)
        for claim in shipped_map.claims.values()
        for ev in claim.evidence
        if ev.type is not EvidenceType.REVIEW
        for key in ev.citations
        if shipped_map.kind_of(key) is ReferenceKind.REVIEW
    ]
    assert misread == []


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], n: int = COPIED_WORDS) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def shipped_texts(evidence_map: EvidenceMap) -> dict[str, str]:
    """Every sentence the curators wrote, by where it is: findings, notes, statements, summaries."""
    texts = {}
    for claim in evidence_map.claims.values():
        texts[f"claim {claim.id}"] = claim.statement
        for n, ev in enumerate(claim.evidence, start=1):
            texts[f"claim {claim.id} item {n}"] = ev.finding
            if ev.note:
                texts[f"claim {claim.id} item {n} note"] = ev.note
    for entry in (*evidence_map.compounds.values(), *evidence_map.pathways.values()):
        texts[f"{entry.source.path}"] = entry.summary
    for info in evidence_map.reference_info.values():
        for n, note in enumerate(info.notes, start=1):
            texts[f"note {info.key} {n}"] = note.text
    overview = (REPO / "docs/overview.md").read_text("utf-8")
    texts["docs/overview.md"] = re.sub(r"\[@[^\]]*\]", " ", overview)
    return texts


def test_shipped_content_is_in_our_own_words(shipped_map: EvidenceMap) -> None:
    """No run of eight words shared with the seed texts (the summary article, the review list)."""
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"the seed texts are not at {SEEDS} (CI has them beside the project)")
    copied = set()
    for seed in seeds:
        copied |= _runs(_words(seed.read_text("utf-8", errors="replace")))
    found = {
        where: " ".join(run)
        for where, text in shipped_texts(shipped_map).items()
        for run in _runs(_words(text))
        if run in copied
    }
    assert found == {}


def test_no_finding_says_how_its_study_was_read(shipped_map: EvidenceMap) -> None:
    """A finding says what the study did and found; how it was read goes in 'read' and 'note'."""
    found = {
        f"{claim.id} item {n}": match.group(0)
        for claim in shipped_map.claims.values()
        for n, ev in enumerate(claim.evidence, start=1)
        if (match := HOW_READ.search(ev.finding))
    }
    found |= {
        f"{claim.id} statement": match.group(0)
        for claim in shipped_map.claims.values()
        if (match := HOW_READ.search(claim.statement))
    }
    assert found == {}


def test_content_and_its_comments_speak_of_the_evidence(shipped_map: EvidenceMap) -> None:
    """No content file, library comment or hand-written page names the curation process."""
    files = [
        *sorted((REPO / "content").rglob("*.yml")),
        REPO / "references.bib",
        *sorted((REPO / "docs").glob("*.md")),
    ]
    found = {
        f"{path.relative_to(REPO)}:{n}": match.group(0)
        for path in files
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if (match := PROCESS_WORDS.search(line))
    }
    assert found == {}


def test_every_cited_entry_has_an_author_and_a_date(shipped_map: EvidenceMap) -> None:
    """Unless its reference note says the field was not seen on any record read."""
    lacking = []
    for key in sorted(shipped_map.claims_by_reference):
        fields = {name.lower() for name in shipped_map.references[key].entry_fields}
        info = shipped_map.reference_info.get(key)
        not_seen = set(info.not_seen) if info else set()
        if not fields & {"author", "editor"} and "author" not in not_seen:
            lacking.append((key, "author"))
        if not fields & {"year", "date"} and not {"year", "date"} & not_seen:
            lacking.append((key, "year"))
    assert lacking == []


def test_every_cited_entry_names_where_it_was_checked(shipped_map: EvidenceMap) -> None:
    cited = sorted(shipped_map.claims_by_reference)
    unrecorded = [
        key
        for key in cited
        if not (info := shipped_map.reference_info.get(key)) or not info.record or info.kind is None
    ]
    assert unrecorded == []


ONE_GROUP_SHARE = 0.25
"""At most this share of claims may rest on the studies of one research group alone."""


def test_few_claims_rest_on_one_research_group(shipped_map: EvidenceMap) -> None:
    """Groups come from the library's author lists (papers sharing their last author, or
    two authors, are one group) and the curators' groups; every study of a claim counts,
    for or against it."""
    alone = analyse_map(shipped_map).one_group
    share = len(alone) / len(shipped_map.claims)
    assert share <= ONE_GROUP_SHARE, sorted(alone)


def test_clinical_studies_state_their_design(shipped_map: EvidenceMap) -> None:
    missing = [
        (claim.id, n)
        for claim in shipped_map.claims.values()
        for n, ev in enumerate(claim.evidence, start=1)
        if ev.type is EvidenceType.CLINICAL and ev.citations and ev.design is None
    ]
    assert missing == []


@pytest.mark.parametrize(("old", "new"), RENAMED.items())
def test_restated_claims_keep_their_old_ids(shipped_map: EvidenceMap, old: str, new: str) -> None:
    assert old not in shipped_map.claims
    assert old in shipped_map.claims[new].former_ids


def test_citations_resolve_and_every_reference_is_cited(shipped_map: EvidenceMap) -> None:
    dangling = [
        (claim.id, key)
        for claim in shipped_map.claims.values()
        for key in claim.citation_keys()
        if key not in shipped_map.references
    ]
    assert dangling == []
    assert [key for key, claims in shipped_map.claims_by_reference.items() if not claims] == []


# --- the built site -------------------------------------------------------------


def _target(page: Path, href: str) -> Path:
    """The built file a relative link of ``page`` points to."""
    target = (page.parent / unquote(urlsplit(href).path)).resolve()
    return target / "index.html" if target.is_dir() else target


def test_built_site_has_a_page_per_mechanism(shipped_site: Path) -> None:
    missing = [
        pid
        for pid in MECHANISM_PATHWAYS
        if not (shipped_site / "pathways" / pid / "index.html").is_file()
    ]
    assert missing == []


def test_every_citation_link_resolves_to_its_reference_page(
    shipped_site: Path, shipped_map: EvidenceMap
) -> None:
    checked_links = 0
    broken = []
    by_slug = {ref.slug: ref for ref in shipped_map.references.values()}
    for page in sorted(shipped_site.rglob("*.html")):
        # Citations: not the note badges beside them (a.nb) nor the glossary links.
        for cite in soup(page).select("table.ev td.r a:not(.nb):not([href*='#term-'])"):
            checked_links += 1
            # The link text is the reference's label, its page is references/<key>/.
            key = cite["href"].rstrip("/").rsplit("/", 1)[-1]
            reference = by_slug.get(key)
            expected = shipped_site / "references" / key / "index.html"
            target = _target(page, cite["href"])
            if (
                reference is None
                or cite.get_text() != reference.label
                or target != expected.resolve()
                or not target.is_file()
            ):
                broken.append((str(page.relative_to(shipped_site)), cite["href"]))
    assert broken == []
    assert checked_links > 100  # the claims' citations really were rendered


def test_every_reference_page_lists_a_citing_claim(
    shipped_site: Path, shipped_map: EvidenceMap
) -> None:
    uncited = []
    for ref in shipped_map.references.values():
        page = shipped_site / "references" / ref.slug / "index.html"
        links = article(page).select("ul.evmap-citing li a[href]")
        if not links or not all(_target(page, a["href"]).is_file() for a in links):
            uncited.append(ref.key)
    assert uncited == []


def test_overview_citations_are_resolved(shipped_site: Path) -> None:
    source = (REPO / "docs/overview.md").read_text("utf-8")
    keys = set(re.findall(r"@([A-Za-z0-9_-]+)", source))
    assert len(keys) >= 10
    page = article(shipped_site / "overview/index.html")
    assert "[@" not in page.get_text()
    # Linked to their reference pages (evmap's own citations), and listed.
    linked = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.select("a.evmap-cite")}
    assert sorted(keys - linked) == []
    listed = page.select("ul.evmap-bibliography li")
    assert len(listed) == len(keys)
