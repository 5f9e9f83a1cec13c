"""`evmap diff` over real git revisions of the tiny project: each edit, its exact records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project, write_project
from evmap.adapters.cli import main
from evmap.core.model import Evidence, EvidenceType, ModelSystem, Source, Stance
from evmap.site.diff import Change, diff_projects, pair_evidence
from gitrepo import DAY, T0, Repo, git_env, init_repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("git_env")

CORE = "content/claims/core.yml"
BASE_URL = "https://lab.example.org/map"
TRKB_CLAIM_START = "- id: trkb-needed\n"
NEW_CLAIM = """\
- id: ampa-downstream
  statement: AMPA receptor activation follows NMDA receptor block.
  compounds: [ketamine]
  pathways: [nmdar-inhibition]
  evidence:
    - stance: mixed
      finding: Only some of the effect was blocked by NBQX.
      model: {species: mouse}
      type: in-vivo
      citations: [berman2000]
"""
NEW_EVIDENCE = """\
    - stance: mixed
      finding: Partial block in rats.
      model: {species: rat}
      type: in-vivo
      citations: [berman2000]
"""
ITEM_1 = """\
    - stance: supports
      finding: A single infusion relieved depression within hours.
      model: {species: human, paradigm: MDD trial}
      type: clinical
      citations: [berman2000]
"""
ITEM_2 = """\
    - stance: contradicts
      finding: The R-enantiomer acted without an NMDA-like imaging signature.
      model: {species: rat, paradigm: fMRI}
      type: review
      locator: Fig. 1
      citations: [wei2021]
"""
ZARATE = """
@article{zarate2006,
  author = {Zarate, Carlos A. and Singh, Jaskaran B.},
  title = {A randomized trial of an NMDA antagonist in treatment-resistant major depression},
  journal = {Archives of General Psychiatry},
  year = {2006},
  doi = {10.1001/archpsyc.63.8.856},
}
"""

Edit = Callable[[Project], None]
# (what changed, entity, id, where, old, new, path, line)
Record = tuple[str, str, str, str, str, str, str, int]


def replace(path: str, old: str, new: str) -> Edit:
    def edit(project: Project) -> None:
        text = project.read(path)
        assert old in text, f"{old!r} not in {path}"
        project.write(path, text.replace(old, new, 1))

    return edit


def append(path: str, text: str) -> Edit:
    return lambda project: project.write(path, project.read(path) + text)


def write(path: str, text: str) -> Edit:
    return lambda project: project.write(path, text)


def delete(path: str) -> Edit:
    return lambda project: (project.root / path).unlink()


def record(change: Change) -> Record:
    return (
        change.what,
        change.entity.value,
        change.id,
        change.where,
        change.old,
        change.new,
        change.path,
        change.line,
    )


CASES: list[tuple[str, list[Edit], list[Record]]] = [
    (
        "statement-changed",
        [replace(CORE, "is the main route of", "is one route of")],
        [
            (
                "statement changed",
                "claim",
                "nmdar-main-route",
                "",
                "NMDA receptor block is the main route of ketamine's antidepressant effect.",
                "NMDA receptor block is one route of ketamine's antidepressant effect.",
                CORE,
                1,
            )
        ],
    ),
    (
        "stance-flipped",
        [replace(CORE, "supports\n      finding: A TrkB", "contradicts\n      finding: A TrkB")],
        [
            (
                "stance flipped",
                "claim",
                "trkb-needed",
                "evidence item 1 (wei2021, berman2000)",
                "supports",
                "contradicts",
                CORE,
                24,
            )
        ],
    ),
    (
        "citation-added",
        [replace(CORE, "citations: [berman2000]", "citations: [berman2000, wei2021]")],
        [
            (
                "citation added",
                "claim",
                "nmdar-main-route",
                "evidence item 1 (berman2000, wei2021)",
                "",
                "wei2021",
                CORE,
                10,
            )
        ],
    ),
    (
        "citation-removed",
        [replace(CORE, "citations: [wei2021, berman2000]", "citations: [wei2021]")],
        [
            (
                "citation removed",
                "claim",
                "trkb-needed",
                "evidence item 1 (wei2021)",
                "berman2000",
                "",
                CORE,
                24,
            )
        ],
    ),
    (
        "claim-added",
        [write("content/claims/ampa.yml", NEW_CLAIM)],
        [
            (
                "claim added",
                "claim",
                "ampa-downstream",
                "",
                "",
                "AMPA receptor activation follows NMDA receptor block.",
                "content/claims/ampa.yml",
                1,
            )
        ],
    ),
    (
        "claim-removed",
        [lambda project: project.write(CORE, project.read(CORE).split(TRKB_CLAIM_START)[0])],
        [
            (
                "claim removed",
                "claim",
                "trkb-needed",
                "",
                "TrkB signalling is needed for the effect of arketamine.",
                "",
                CORE,
                19,
            )
        ],
    ),
    (
        "compound-removed",
        [
            delete("content/compounds/arketamine.yml"),
            replace(CORE, "compounds: [ketamine, arketamine]", "compounds: [ketamine]"),
            replace(CORE, "compounds: [arketamine, ketamine]", "compounds: [ketamine]"),
            replace(CORE, "compounds: [arketamine]", "compounds: [ketamine]"),
        ],
        [
            ("compound unlinked", "claim", "nmdar-main-route", "", "arketamine", "", CORE, 1),
            (
                "compounds tested changed",
                "claim",
                "nmdar-main-route",
                "evidence item 2 (wei2021)",
                "arketamine, ketamine",
                "ketamine",
                CORE,
                12,
            ),
            ("compound linked", "claim", "trkb-needed", "", "", "ketamine", CORE, 21),
            ("compound unlinked", "claim", "trkb-needed", "", "arketamine", "", CORE, 19),
            (
                "compound removed",
                "compound",
                "arketamine",
                "",
                "Arketamine",
                "",
                "content/compounds/arketamine.yml",
                1,
            ),
        ],
    ),
    (
        "certainty-set",
        [
            replace(
                CORE,
                "effect of arketamine.\n",
                "effect of arketamine.\n  certainty: {grade: low, reason: One study.}\n",
            )
        ],
        [
            (
                "certainty set by the curators changed",
                "claim",
                "trkb-needed",
                "",
                "",
                "low (One study.)",
                CORE,
                19,
            )
        ],
    ),
    (
        "evidence-added",
        [append(CORE, NEW_EVIDENCE)],
        [
            (
                "evidence item added",
                "claim",
                "trkb-needed",
                "evidence item 2 (berman2000)",
                "",
                "mixed: Partial block in rats.",
                CORE,
                30,
            )
        ],
    ),
    (
        "model-changed",
        [replace(CORE, "{species: mouse, paradigm: CSDS}", "{species: rat, paradigm: CSDS}")],
        [
            (
                "species changed",
                "claim",
                "trkb-needed",
                "evidence item 1 (wei2021, berman2000)",
                "mouse",
                "rat",
                CORE,
                24,
            )
        ],
    ),
    (
        "home-pathway-changed",
        [
            replace(
                CORE,
                "pathways: [bdnf-trkb, nmdar-inhibition]",
                "pathways: [nmdar-inhibition, bdnf-trkb]",
            )
        ],
        [
            (
                "home pathway changed",
                "claim",
                "trkb-needed",
                "",
                "bdnf-trkb",
                "nmdar-inhibition",
                CORE,
                19,
            )
        ],
    ),
    (
        "pathway-renamed",
        [replace("content/pathways/bdnf-trkb.yml", "BDNF-TrkB signalling", "BDNF/TrkB signalling")],
        [
            (
                "name changed",
                "pathway",
                "bdnf-trkb",
                "",
                "BDNF-TrkB signalling",
                "BDNF/TrkB signalling",
                "content/pathways/bdnf-trkb.yml",
                1,
            )
        ],
    ),
    (
        "reference-added",  # cited by a hand-written page: uncited entries have no page
        [append("references.bib", ZARATE), append("docs/about.md", "\nAlso [@zarate2006].\n")],
        [
            (
                "reference added",
                "reference",
                "zarate2006",
                "",
                "",
                "Zarate & Singh, 2006",
                "references.bib",
                21,
            )
        ],
    ),
    (
        "evidence-reordered-and-comment-only",
        [
            lambda project: project.write(
                CORE, "# reordered\n" + project.read(CORE).replace(ITEM_1 + ITEM_2, ITEM_2 + ITEM_1)
            )
        ],
        [],
    ),
]


@pytest.fixture
def history(tmp_path: Path) -> tuple[Project, Repo, str]:
    """The tiny project committed once: (project, repository, base commit)."""
    project = write_project(tmp_path / "tiny")
    repo = init_repo(project.root)
    return project, repo, repo.commit("tiny map")


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diff_records_of_each_edit(
    history: tuple[Project, Repo, str], edits: list[Edit], expected: list[Record]
) -> None:
    project, repo, base = history
    for edit in edits:
        edit(project)
    head = repo.commit("edit")
    diff = diff_projects(base, head, project.config)
    assert [record(c) for c in diff.changes] == expected


def test_diff_core_and_cli_agree_in_every_format(
    history: tuple[Project, Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    project, repo, base = history
    replace(CORE, "supports\n      finding: A TrkB", "contradicts\n      finding: A TrkB")(project)
    replace(CORE, "citations: [berman2000]", "citations: [berman2000, wei2021]")(project)
    write("content/claims/ampa.yml", NEW_CLAIM)(project)
    head = repo.commit("edit")
    outputs = {}
    for fmt in ("text", "markdown", "github"):
        args = ["-f", str(project.config), "--format", fmt, "--base-url", BASE_URL + "/"]
        code = main(["diff", base, head, *args])
        out, err = capsys.readouterr()
        assert (code, err) == (0, "")
        outputs[fmt] = out
    diff = diff_projects(base, head, project.config)
    assert outputs["github"] == diff.github() + "\n"
    assert outputs["text"] == diff.text(BASE_URL + "/") + "\n"
    assert outputs["text"].splitlines() == [
        "what moves conclusions:",
        "  claim 'trkb-needed': evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
        "  claim 'trkb-needed': certainty grade changed: moderate -> \"very low\" (very low: no item supports the claim)",
        "content/claims/ampa.yml:1: claim 'ampa-downstream': claim added: \"AMPA receptor activation follows NMDA receptor block.\"",
        "    compounds: ketamine",
        "    pathways: nmdar-inhibition",
        '    evidence item 1 (berman2000): stance: mixed; finding: "Only some of the effect was blocked by NBQX."; model: mouse; study type: "in vivo"; citations: berman2000',
        "    certainty grade: very low (starts moderate: strongest mixed (no item supports the claim) evidence is in vivo; down one: a single study; down one: some evidence is mixed)",
        "content/claims/core.yml:10: claim 'nmdar-main-route': evidence item 1 (berman2000, wei2021): citation added: wei2021",
        "content/claims/core.yml:24: claim 'trkb-needed': evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
        "what this does to the map:",
        "  content/claims/core.yml:1: claim 'nmdar-main-route': certainty grade changed: "
        '"very low" -> low (starts moderate: strongest supporting evidence is clinical, '
        "design not recorded (taken as controlled, not randomised); "
        "down one: evidence points both ways)",
        "  content/claims/core.yml:19: claim 'trkb-needed': certainty grade changed: "
        'moderate -> "very low" (very low: no item supports the claim)',
        "  cell 'arketamine x bdnf-trkb': balance changed: \u25b21 -> \u25bc1",
        "  cell 'ketamine x nmdar-inhibition': balance changed: "
        '"\u25b21 \u25bc1" -> "\u25b21 \u25bc1 \u25c61"',
        "before this edit:",
        "  claim 'nmdar-main-route': added 2024-03-01 by Test Curator",
        "  claim 'trkb-needed': added 2024-03-01 by Test Curator",
        "pages touched:",
        "  https://lab.example.org/map/compounds/arketamine/",
        "  https://lab.example.org/map/compounds/ketamine/",
        "  https://lab.example.org/map/pathways/bdnf-trkb/",
        "  https://lab.example.org/map/pathways/nmdar-inhibition/",
        "  https://lab.example.org/map/references/berman2000/",
        "  https://lab.example.org/map/references/wei2021/",
        "evmap diff: 3 changes: 1 claim added, 2 claims changed",
    ]
    assert outputs["github"].splitlines() == [
        "::notice file=content/claims/ampa.yml,line=1::claim 'ampa-downstream': claim added: "
        '"AMPA receptor activation follows NMDA receptor block."',
        "::notice file=content/claims/core.yml,line=10::claim 'nmdar-main-route': "
        "evidence item 1 (berman2000, wei2021): citation added: wei2021",
        "::notice file=content/claims/core.yml,line=24::claim 'trkb-needed': "
        "evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
        "::notice file=content/claims/core.yml,line=1::claim 'nmdar-main-route': certainty grade "
        'changed: "very low" -> low (starts moderate: strongest supporting evidence is '
        "clinical, design not recorded (taken as controlled, not randomised); "
        "down one: evidence points both ways)",
        "::notice file=content/claims/core.yml,line=19::claim 'trkb-needed': certainty grade "
        'changed: moderate -> "very low" (very low: no item supports the claim)',
        "::notice::cell 'arketamine x bdnf-trkb': balance changed: \u25b21 -> \u25bc1",
        "::notice::cell 'ketamine x nmdar-inhibition': balance changed: "
        '"\u25b21 \u25bc1" -> "\u25b21 \u25bc1 \u25c61"',
    ]
    assert outputs["markdown"].splitlines() == [
        "### Evidence map",
        "",
        "3 changes: 1 claim added, 2 claims changed.",
        "",
        "**What moves conclusions**",
        "",
        "- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): evidence item 1 (wei2021, berman2000): stance flipped: supports → contradicts",
        '- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): certainty grade changed: moderate → "very low" (very low: no item supports the claim)',
        "",
        "**Claims**",
        "",
        '- claim [AMPA receptor activation follows NMDA receptor block.](https://lab.example.org/map/pathways/nmdar-inhibition/#claim-ampa-downstream) (`ampa-downstream`): claim added: "AMPA receptor activation follows NMDA receptor block."',
        "  - compounds: ketamine",
        "  - pathways: nmdar-inhibition",
        '  - evidence item 1 (berman2000): stance: mixed; finding: "Only some of the effect was blocked by NBQX."; model: mouse; study type: "in vivo"; citations: berman2000',
        "  - certainty grade: very low (starts moderate: strongest mixed (no item supports the claim) evidence is in vivo; down one: a single study; down one: some evidence is mixed)",
        "- claim [NMDA receptor block is the main route of ketamine's antidepressant effect.](https://lab.example.org/map/pathways/nmdar-inhibition/#claim-nmdar-main-route) (`nmdar-main-route`; added 2024-03-01 by Test Curator): evidence item 1 (berman2000, wei2021): citation added: wei2021",
        "- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`; added 2024-03-01 by Test Curator): evidence item 1 (wei2021, berman2000): stance flipped: supports → contradicts",
        "",
        "**What this does to the map**",
        "",
        "- claim [NMDA receptor block is the main route of ketamine's antidepressant effect.]"
        "(https://lab.example.org/map/pathways/nmdar-inhibition/#claim-nmdar-main-route) (`nmdar-main-route`): "
        'certainty grade changed: "very low" → low (starts moderate: strongest supporting '
        "evidence is clinical, design not recorded (taken as controlled, not randomised); "
        "down one: evidence points both ways)",
        "- claim [TrkB signalling is needed for the effect of arketamine.]"
        "(https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): "
        'certainty grade changed: moderate → "very low" (very low: no item supports the claim)',
        "- cell [Arketamine \u00d7 BDNF-TrkB signalling](https://lab.example.org/map/matrix/#cell-arketamine--bdnf-trkb) "
        "(`arketamine x bdnf-trkb`): balance changed: \u25b21 → \u25bc1",
        "- cell [Ketamine \u00d7 NMDA receptor inhibition]"
        "(https://lab.example.org/map/matrix/#cell-ketamine--nmdar-inhibition) (`ketamine x nmdar-inhibition`): "
        'balance changed: "\u25b21 \u25bc1" → "\u25b21 \u25bc1 \u25c61"',
        "",
        "**Pages touched** (6)",
        "",
        "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
        "- [Ketamine](https://lab.example.org/map/compounds/ketamine/)",
        "- [BDNF-TrkB signalling](https://lab.example.org/map/pathways/bdnf-trkb/)",
        "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
        "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
        "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
    ]


def test_diff_markdown_groups_changes_of_one_entry_and_lists_paths_without_base_url(
    history: tuple[Project, Repo, str],
) -> None:
    project, repo, base = history
    replace(CORE, "is the main route of", "is one route of")(project)
    replace(CORE, "locator: Fig. 1", "locator: Fig. 2")(project)
    head = repo.commit("edit")
    assert diff_projects(base, head, project.config).markdown().splitlines() == [
        "### Evidence map",
        "",
        "2 changes: 1 claim changed.",
        "",
        "**Claims**",
        "",
        "- claim NMDA receptor block is one route of ketamine's antidepressant effect. "
        "(`nmdar-main-route`; added 2024-03-01 by Test Curator)",
        "  - statement changed: NMDA receptor block is ~~the main~~ **one** route of "
        "ketamine's antidepressant effect.",
        '  - evidence item 2 (wei2021): locator changed: "Fig. 1" → "Fig. 2"',
        "",
        "**Pages touched** (5)",
        "",
        "- Arketamine: `compounds/arketamine/`",
        "- Ketamine: `compounds/ketamine/`",
        "- NMDA receptor inhibition: `pathways/nmdar-inhibition/`",
        "- Berman et al., 2000: `references/berman2000/`",
        "- Wei et al., 2021: `references/wei2021/`",
    ]


def test_diff_no_changes_in_every_format(history: tuple[Project, Repo, str]) -> None:
    project, _, base = history
    diff = diff_projects(base, "HEAD", project.config)
    assert diff.changes == ()
    assert diff.text() == "evmap diff: no changes to the evidence map"
    assert diff.markdown() == (
        "### Evidence map\n\nNo changes to claims, compounds, pathways or references."
    )
    assert diff.github() == ""


def test_diff_two_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_project(tmp_path / "old")
    new = write_project(tmp_path / "new")
    replace("content/pathways/bdnf-trkb.yml", "category: neurotrophic", "category: signalling")(new)
    code = main(["diff", str(old.root), str(new.root)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[0] == (
        "content/pathways/bdnf-trkb.yml:1: pathway 'bdnf-trkb': category changed: "
        "neurotrophic -> signalling"
    )


def test_diff_working_folder_against_a_revision(history: tuple[Project, Repo, str]) -> None:
    project, _, base = history
    delete("content/compounds/arketamine.yml")(project)
    replace(CORE, "compounds: [ketamine, arketamine]", "compounds: [ketamine]")(project)
    replace(CORE, "compounds: [arketamine, ketamine]", "compounds: [ketamine]")(project)
    replace(CORE, "compounds: [arketamine]", "compounds: [ketamine]")(project)
    diff = diff_projects(base, str(project.root), project.config)
    assert diff.summary() == "2 claims changed, 1 compound removed"


def test_diff_head_with_errors_exits_1_with_path_and_line(
    history: tuple[Project, Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    project, repo, base = history
    replace(CORE, "citations: [wei2021]\n", "citations: [wei2012]\n")(project)
    head = repo.commit("typo")
    code = main(["diff", base, head, "-f", str(project.config)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"evmap: {head}: the evidence map has errors",
        "content/claims/core.yml:17: claim 'nmdar-main-route': evidence item 2: citation key "
        "'wei2012' is not in the BibTeX library; did you mean 'wei2021'?",
        "evmap: 1 error, 0 warnings",
    ]


def test_diff_unknown_revision_exits_1(
    history: tuple[Project, Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _, _ = history
    code = main(["diff", "no-such-branch", "HEAD", "-f", str(project.config)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"evmap: 'no-such-branch' is neither a folder nor a git revision of {project.root}\n"
    )


def test_diff_project_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    project = write_project(tmp_path / "repo" / "map")
    repo = init_repo(tmp_path / "repo")
    (tmp_path / "repo" / "README").write_text("not the map\n")
    base = repo.commit("map in a subfolder")
    replace(CORE, "is the main route of", "is one route of")(project)
    head = repo.commit("edit")
    diff = diff_projects(base, head, project.config)
    assert [(c.kind.value, c.path) for c in diff.changes] == [("statement changed", CORE)]


def evidence(finding: str, stance: str = "supports", cites: tuple[str, ...] = ("a",)) -> Evidence:
    return Evidence(
        Stance(stance), finding, ModelSystem("mouse"), EvidenceType.IN_VIVO, cites, Source("x", 1)
    )


def test_diff_pair_evidence_prefers_identical_then_same_finding_then_citations() -> None:
    olds = [
        evidence("Alpha blocked the effect."),
        evidence("Beta had no effect.", cites=("b",)),
        evidence("Gamma was unrelated.", cites=("c",)),
    ]
    news = [
        evidence("Beta had no effect.", "contradicts", cites=("b",)),  # same finding
        evidence("Delta, a new item.", cites=("d",)),  # nothing alike: added
        evidence("Alpha blocked the effect."),  # identical
        evidence("Gamma was entirely unrelated.", cites=("c", "e")),  # reads alike
    ]
    assert pair_evidence(olds, news) == ([(1, 0), (0, 2), (2, 3)], [], [1])


def test_diff_reports_what_an_edit_does_to_the_map(history: tuple[Project, Repo, str]) -> None:
    """An item against a claim: the grade drops, the claim and its cell become contested."""
    project, repo, base = history
    against = (
        "      pathways: [bdnf-trkb]\n"
        "    - stance: contradicts\n"
        "      finding: A TrkB antagonist did not block the effect in rats.\n"
        "      model: {species: rat, paradigm: CSDS}\n"
        "      type: in-vivo\n"
        "      citations: [berman2000]\n"
        "      pathways: [bdnf-trkb]\n"
    )
    replace(CORE, "      pathways: [bdnf-trkb]\n", against)(project)
    diff = diff_projects(base, repo.commit("against"), project.config)
    assert [record(c) for c in diff.changes] == [
        (
            "evidence item added",
            "claim",
            "trkb-needed",
            "evidence item 2 (berman2000)",
            "",
            "contradicts: A TrkB antagonist did not block the effect in rats.",
            CORE,
            30,
        )
    ]
    assert [(c.entity.value, c.id, c.kind.value, c.old, c.new) for c in diff.derived] == [
        ("claim", "trkb-needed", "certainty grade changed", "moderate", "low"),
        (
            "claim",
            "trkb-needed",
            "now contested",
            "",
            "supports: mouse, CSDS (in-vivo); contradicts: rat, CSDS (in-vivo)",
        ),
        (
            "cell",
            "arketamine x bdnf-trkb",
            "now contested",
            "",
            "supports: mouse, CSDS (in-vivo); contradicts: rat, CSDS (in-vivo)",
        ),
        ("cell", "arketamine x bdnf-trkb", "balance changed", "\u25b21", "\u25b21 \u25bc1"),
    ]
    grade = diff.derived[0]
    assert grade.reason == (
        "starts moderate: strongest supporting evidence is in vivo; "
        "down one: evidence points both ways"
    )
    assert grade.title == "TrkB signalling is needed for the effect of arketamine."
    assert "**What this does to the map**" in diff.markdown()


def test_diff_groups_a_change_repeated_on_many_items(tmp_path: Path) -> None:
    old = write_project(tmp_path / "old")
    items = "".join(
        f"    - stance: supports\n"
        f"      finding: Review {n} says so.\n"
        f"      model: {{species: none, paradigm: opinion}}\n"
        f"      type: review\n"
        f"      citations: [wei2021]\n"
        for n in range(4)
    )
    claim_file = (
        "- id: many\n  statement: Many reviews agree.\n  compounds: [ketamine]\n"
        f"  pathways: [bdnf-trkb]\n  evidence:\n{items}"
    )
    old.write("content/claims/many.yml", claim_file)
    new = write_project(tmp_path / "new")
    new.write(
        "content/claims/many.yml", claim_file.replace("species: none", "species: unspecified")
    )
    diff = diff_projects(str(old.root), str(new.root), old.config)
    assert len(diff.changes) == 4
    assert diff.text().splitlines()[0] == (
        "4 evidence items: species changed: none -> unspecified (claims: many)"
    )
    assert "- 4 evidence items: species changed: none → unspecified (claims: many)" in (
        diff.markdown().splitlines()
    )
    assert len(diff.github().splitlines()) == 4  # annotations stay one per line


def test_diff_compares_every_declared_item_field(history: tuple[Project, Repo, str]) -> None:
    """Item fields are diffed as the model declares them: 'via' needs no code of its own."""
    project, repo, base = history
    replace(
        CORE,
        "      citations: [wei2021]\n",
        "      citations: [wei2021]\n      via: [berman2000]\n",
    )(project)
    diff = diff_projects(base, repo.commit("via"), project.config)
    assert [(c.what, c.where, c.old, c.new, c.field) for c in diff.changes] == [
        ("read via changed", "evidence item 2 (wei2021)", "", "berman2000", "via")
    ]


def test_diff_markdown_mentions_in_content_notify_nobody(
    history: tuple[Project, Repo, str],
) -> None:
    """Text from a claim reaches the pull-request comment, but an ``@name`` in it must not
    ping a GitHub user or team."""
    project, repo, base = history
    replace(
        CORE,
        "statement: NMDA receptor block is",
        "statement: As @octocat and @github/security-team say, NMDA receptor block is",
    )(project)
    repo.commit("mention")
    markdown = diff_projects(base, "HEAD", project.config).markdown()
    assert "@octocat" not in markdown and "@github" not in markdown
    assert "@&#8203;octocat and @&#8203;github/security-team" in markdown


def test_diff_flags_changed_code_for_review(history: tuple[Project, Repo, str]) -> None:
    project, repo, base = history
    project.write("templates/home.html", "<h1>Home</h1>\n")
    project.write("mkdocs.yml", project.read("mkdocs.yml") + "      trust_templates: true\n")
    project.write("docs/notes.md", "# Notes\n")
    repo.commit("code")
    diff = diff_projects(base, "HEAD", project.config)
    assert diff.code == ("mkdocs.yml", "templates/home.html")
    warning = (
        "This change edits files that run as code when the site is built (mkdocs.yml, "
        "templates/home.html): templates, mkdocs.yml, hooks, workflows and build code can run "
        "any command on whoever builds or serves the site; review them as code."
    )
    assert diff.text().splitlines()[0] == f"evmap diff: warning: {warning}"
    assert diff.markdown().splitlines()[:4] == [
        "### Evidence map",
        "",
        "> [!WARNING]",
        f"> {warning}",
    ]
    # Folders are not revisions: nothing to compare file by file.
    assert diff_projects(str(project.root), str(project.root), project.config).code == ()


# -- a diff a reviewer reads in a minute: representative edits, in every format ----------

ANA = ("Ana Li", "ana@lab.org")
BEN = ("Ben Ode", "ben@lab.org")
LONG_FINDING = (
    "A single infusion relieved depression within hours in patients whose depression had "
    "resisted two or more antidepressants, with the largest change on the first day and a "
    "return towards baseline over the following week, in a small crossover trial against saline."
)


def git_mv(old: str, new: str) -> Edit:
    def edit(project: Project) -> None:
        Repo(project.root).git("mv", old, new)

    return edit


# name: (edits committed as the base, a day after the tiny map; edits committed as the head)
REVIEW_EDITS: dict[str, tuple[list[Edit], list[Edit]]] = {
    "one-word-in-a-long-finding": (
        [replace(CORE, "A single infusion relieved depression within hours.", LONG_FINDING)],
        [replace(CORE, "on the first day", "on the second day")],
    ),
    "new-claim": ([], [write("content/claims/ampa.yml", NEW_CLAIM)]),
    "removed-claim": (
        [],
        [lambda project: project.write(CORE, project.read(CORE).split(TRKB_CLAIM_START)[0])],
    ),
    "stance-flip-two-grades": (
        [],
        [replace(CORE, "supports\n      finding: A TrkB", "contradicts\n      finding: A TrkB")],
    ),
    "status-change": (
        [
            replace(
                CORE,
                "  compounds: [arketamine]\n",
                "  compounds: [arketamine]\n  review: {status: draft}\n",
            )
        ],
        [
            replace(
                CORE,
                "review: {status: draft}",
                "review: {status: reviewed, by: [Cleo Park], date: 2024-03-05}",
            )
        ],
    ),
    "file-rename": ([], [git_mv(CORE, "content/claims/receptors.yml")]),
}
REVIEW_EXPECTED: dict[str, dict[str, list[str]]] = {
    "one-word-in-a-long-finding": {
        "text": [
            "content/claims/core.yml:6: claim 'nmdar-main-route': evidence item 1 (berman2000): finding changed: … antidepressants, with the largest change on the [-first-]{+second+} day and a return towards baseline over the …",
            "before this edit:",
            "  claim 'nmdar-main-route': added 2024-03-01 by Ana Li; last changed 2024-03-02 by Ben Ode",
            "pages touched:",
            "  https://lab.example.org/map/compounds/arketamine/",
            "  https://lab.example.org/map/compounds/ketamine/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "  https://lab.example.org/map/references/wei2021/",
            "evmap diff: 1 change: 1 claim changed",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "1 change: 1 claim changed.",
            "",
            "**Claims**",
            "",
            "- claim [NMDA receptor block is the main route of ketamine's antidepressant effect.](https://lab.example.org/map/pathways/nmdar-inhibition/#claim-nmdar-main-route) (`nmdar-main-route`; added 2024-03-01 by Ana Li; last changed 2024-03-02 by Ben Ode): evidence item 1 (berman2000): finding changed: … antidepressants, with the largest change on the ~~first~~ **second** day and a return towards baseline over the …",
            "",
            "**Pages touched** (5)",
            "",
            "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
            "- [Ketamine](https://lab.example.org/map/compounds/ketamine/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
            "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
        ],
        "github": [
            "::notice file=content/claims/core.yml,line=6::claim 'nmdar-main-route': evidence item 1 (berman2000): finding changed: … antidepressants, with the largest change on the [-first-]{+second+} day and a return towards baseline over the …",
        ],
    },
    "new-claim": {
        "text": [
            "content/claims/ampa.yml:1: claim 'ampa-downstream': claim added: \"AMPA receptor activation follows NMDA receptor block.\"",
            "    compounds: ketamine",
            "    pathways: nmdar-inhibition",
            '    evidence item 1 (berman2000): stance: mixed; finding: "Only some of the effect was blocked by NBQX."; model: mouse; study type: "in vivo"; citations: berman2000',
            "    certainty grade: very low (starts moderate: strongest mixed (no item supports the claim) evidence is in vivo; down one: a single study; down one: some evidence is mixed)",
            "what this does to the map:",
            '  cell \'ketamine x nmdar-inhibition\': balance changed: "▲1 ▼1" -> "▲1 ▼1 ◆1"',
            "pages touched:",
            "  https://lab.example.org/map/compounds/ketamine/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "evmap diff: 1 change: 1 claim added",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "1 change: 1 claim added.",
            "",
            "**Claims**",
            "",
            '- claim [AMPA receptor activation follows NMDA receptor block.](https://lab.example.org/map/pathways/nmdar-inhibition/#claim-ampa-downstream) (`ampa-downstream`): claim added: "AMPA receptor activation follows NMDA receptor block."',
            "  - compounds: ketamine",
            "  - pathways: nmdar-inhibition",
            '  - evidence item 1 (berman2000): stance: mixed; finding: "Only some of the effect was blocked by NBQX."; model: mouse; study type: "in vivo"; citations: berman2000',
            "  - certainty grade: very low (starts moderate: strongest mixed (no item supports the claim) evidence is in vivo; down one: a single study; down one: some evidence is mixed)",
            "",
            "**What this does to the map**",
            "",
            '- cell [Ketamine \u00d7 NMDA receptor inhibition](https://lab.example.org/map/matrix/#cell-ketamine--nmdar-inhibition) (`ketamine x nmdar-inhibition`): balance changed: "▲1 ▼1" → "▲1 ▼1 ◆1"',
            "",
            "**Pages touched** (3)",
            "",
            "- [Ketamine](https://lab.example.org/map/compounds/ketamine/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
        ],
        "github": [
            "::notice file=content/claims/ampa.yml,line=1::claim 'ampa-downstream': claim added: \"AMPA receptor activation follows NMDA receptor block.\"",
            '::notice::cell \'ketamine x nmdar-inhibition\': balance changed: "▲1 ▼1" -> "▲1 ▼1 ◆1"',
        ],
    },
    "removed-claim": {
        "text": [
            "content/claims/core.yml:19: claim 'trkb-needed': claim removed: \"TrkB signalling is needed for the effect of arketamine.\"",
            "    compounds: arketamine",
            "    pathways: bdnf-trkb, nmdar-inhibition",
            '    evidence item 1 (wei2021, berman2000): stance: supports; finding: "A TrkB antagonist blocked the effect in stressed mice."; model: "mouse, CSDS"; study type: "in vivo"; citations: "wei2021, berman2000"; pathways concerned: bdnf-trkb',
            "    certainty grade: moderate (starts moderate: strongest supporting evidence is in vivo)",
            "what this does to the map:",
            "  cell 'arketamine x bdnf-trkb': balance changed: ▲1 -> empty",
            "before this edit:",
            "  claim 'trkb-needed': added 2024-03-01 by Ana Li",
            "pages touched:",
            "  https://lab.example.org/map/compounds/arketamine/",
            "  https://lab.example.org/map/pathways/bdnf-trkb/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "  https://lab.example.org/map/references/wei2021/",
            "evmap diff: 1 change: 1 claim removed",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "1 change: 1 claim removed.",
            "",
            "**Claims**",
            "",
            '- claim TrkB signalling is needed for the effect of arketamine. (`trkb-needed`; added 2024-03-01 by Ana Li): claim removed: "TrkB signalling is needed for the effect of arketamine."',
            "  - compounds: arketamine",
            "  - pathways: bdnf-trkb, nmdar-inhibition",
            '  - evidence item 1 (wei2021, berman2000): stance: supports; finding: "A TrkB antagonist blocked the effect in stressed mice."; model: "mouse, CSDS"; study type: "in vivo"; citations: "wei2021, berman2000"; pathways concerned: bdnf-trkb',
            "  - certainty grade: moderate (starts moderate: strongest supporting evidence is in vivo)",
            "",
            "**What this does to the map**",
            "",
            "- cell [Arketamine \u00d7 BDNF-TrkB signalling](https://lab.example.org/map/matrix/#cell-arketamine--bdnf-trkb) (`arketamine x bdnf-trkb`): balance changed: ▲1 → empty",
            "",
            "**Pages touched** (5)",
            "",
            "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
            "- [BDNF-TrkB signalling](https://lab.example.org/map/pathways/bdnf-trkb/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
            "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
        ],
        "github": [
            "::notice file=content/claims/core.yml,line=19::claim 'trkb-needed': claim removed: \"TrkB signalling is needed for the effect of arketamine.\"",
            "::notice::cell 'arketamine x bdnf-trkb': balance changed: ▲1 -> empty",
        ],
    },
    "stance-flip-two-grades": {
        "text": [
            "what moves conclusions:",
            "  claim 'trkb-needed': evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
            "  claim 'trkb-needed': certainty grade changed: moderate -> \"very low\" (very low: no item supports the claim)",
            "content/claims/core.yml:24: claim 'trkb-needed': evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
            "what this does to the map:",
            "  content/claims/core.yml:19: claim 'trkb-needed': certainty grade changed: moderate -> \"very low\" (very low: no item supports the claim)",
            "  cell 'arketamine x bdnf-trkb': balance changed: ▲1 -> ▼1",
            "before this edit:",
            "  claim 'trkb-needed': added 2024-03-01 by Ana Li",
            "pages touched:",
            "  https://lab.example.org/map/compounds/arketamine/",
            "  https://lab.example.org/map/pathways/bdnf-trkb/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "  https://lab.example.org/map/references/wei2021/",
            "evmap diff: 1 change: 1 claim changed",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "1 change: 1 claim changed.",
            "",
            "**What moves conclusions**",
            "",
            "- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): evidence item 1 (wei2021, berman2000): stance flipped: supports → contradicts",
            '- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): certainty grade changed: moderate → "very low" (very low: no item supports the claim)',
            "",
            "**Claims**",
            "",
            "- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`; added 2024-03-01 by Ana Li): evidence item 1 (wei2021, berman2000): stance flipped: supports → contradicts",
            "",
            "**What this does to the map**",
            "",
            '- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): certainty grade changed: moderate → "very low" (very low: no item supports the claim)',
            "- cell [Arketamine \u00d7 BDNF-TrkB signalling](https://lab.example.org/map/matrix/#cell-arketamine--bdnf-trkb) (`arketamine x bdnf-trkb`): balance changed: ▲1 → ▼1",
            "",
            "**Pages touched** (5)",
            "",
            "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
            "- [BDNF-TrkB signalling](https://lab.example.org/map/pathways/bdnf-trkb/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
            "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
        ],
        "github": [
            "::notice file=content/claims/core.yml,line=24::claim 'trkb-needed': evidence item 1 (wei2021, berman2000): stance flipped: supports -> contradicts",
            "::notice file=content/claims/core.yml,line=19::claim 'trkb-needed': certainty grade changed: moderate -> \"very low\" (very low: no item supports the claim)",
            "::notice::cell 'arketamine x bdnf-trkb': balance changed: ▲1 -> ▼1",
        ],
    },
    "status-change": {
        "text": [
            "what moves conclusions:",
            "  claim 'trkb-needed': review status changed: draft -> \"reviewed by Cleo Park on 2024-03-05\"",
            "content/claims/core.yml:22: claim 'trkb-needed': review status changed: draft -> \"reviewed by Cleo Park on 2024-03-05\"",
            "before this edit:",
            "  claim 'trkb-needed': added 2024-03-01 by Ana Li; last changed 2024-03-02 by Ben Ode",
            "pages touched:",
            "  https://lab.example.org/map/compounds/arketamine/",
            "  https://lab.example.org/map/pathways/bdnf-trkb/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "  https://lab.example.org/map/references/wei2021/",
            "evmap diff: 1 change: 1 claim changed",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "1 change: 1 claim changed.",
            "",
            "**What moves conclusions**",
            "",
            '- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`): review status changed: draft → "reviewed by Cleo Park on 2024-03-05"',
            "",
            "**Claims**",
            "",
            '- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`; added 2024-03-01 by Ana Li; last changed 2024-03-02 by Ben Ode): review status changed: draft → "reviewed by Cleo Park on 2024-03-05"',
            "",
            "**Pages touched** (5)",
            "",
            "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
            "- [BDNF-TrkB signalling](https://lab.example.org/map/pathways/bdnf-trkb/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
            "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
        ],
        "github": [
            "::notice file=content/claims/core.yml,line=22::claim 'trkb-needed': review status changed: draft -> \"reviewed by Cleo Park on 2024-03-05\"",
        ],
    },
    "file-rename": {
        "text": [
            "content/claims/receptors.yml:1: claim 'nmdar-main-route': moved to another file: content/claims/core.yml -> content/claims/receptors.yml",
            "content/claims/receptors.yml:19: claim 'trkb-needed': moved to another file: content/claims/core.yml -> content/claims/receptors.yml",
            "before this edit:",
            "  claim 'nmdar-main-route': added 2024-03-01 by Ana Li",
            "  claim 'trkb-needed': added 2024-03-01 by Ana Li",
            "pages touched:",
            "  https://lab.example.org/map/compounds/arketamine/",
            "  https://lab.example.org/map/compounds/ketamine/",
            "  https://lab.example.org/map/pathways/bdnf-trkb/",
            "  https://lab.example.org/map/pathways/nmdar-inhibition/",
            "  https://lab.example.org/map/references/berman2000/",
            "  https://lab.example.org/map/references/wei2021/",
            "evmap diff: 2 changes: 2 claims changed",
        ],
        "markdown": [
            "### Evidence map",
            "",
            "2 changes: 2 claims changed.",
            "",
            "**Claims**",
            "",
            "- claim [NMDA receptor block is the main route of ketamine's antidepressant effect.](https://lab.example.org/map/pathways/nmdar-inhibition/#claim-nmdar-main-route) (`nmdar-main-route`; added 2024-03-01 by Ana Li): moved to another file: content/claims/core.yml → content/claims/receptors.yml",
            "- claim [TrkB signalling is needed for the effect of arketamine.](https://lab.example.org/map/pathways/bdnf-trkb/#claim-trkb-needed) (`trkb-needed`; added 2024-03-01 by Ana Li): moved to another file: content/claims/core.yml → content/claims/receptors.yml",
            "",
            "**Pages touched** (6)",
            "",
            "- [Arketamine](https://lab.example.org/map/compounds/arketamine/)",
            "- [Ketamine](https://lab.example.org/map/compounds/ketamine/)",
            "- [BDNF-TrkB signalling](https://lab.example.org/map/pathways/bdnf-trkb/)",
            "- [NMDA receptor inhibition](https://lab.example.org/map/pathways/nmdar-inhibition/)",
            "- [Berman et al., 2000](https://lab.example.org/map/references/berman2000/)",
            "- [Wei et al., 2021](https://lab.example.org/map/references/wei2021/)",
        ],
        "github": [
            "::notice file=content/claims/receptors.yml,line=1::claim 'nmdar-main-route': moved to another file: content/claims/core.yml -> content/claims/receptors.yml",
            "::notice file=content/claims/receptors.yml,line=19::claim 'trkb-needed': moved to another file: content/claims/core.yml -> content/claims/receptors.yml",
        ],
    },
}


@pytest.mark.parametrize("name", list(REVIEW_EDITS))
def test_diff_reads_in_a_minute_in_every_format(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Changed words marked, added and removed claims shown whole with their grade, what
    moves conclusions first, moves between files paired, every field labelled, and who
    added and last changed each claim before the edit; the CLI prints the same."""
    setup, edits = REVIEW_EDITS[name]
    project = write_project(tmp_path / "tiny")
    repo = init_repo(project.root)
    base = repo.commit("tiny map", when=T0, author=ANA)
    for edit in setup:
        edit(project)
    if setup:
        base = repo.commit("setup", when=T0 + DAY, author=BEN)
    for edit in edits:
        edit(project)
    head = repo.commit("edit", when=T0 + 2 * DAY, author=BEN)
    for fmt, expected in REVIEW_EXPECTED[name].items():
        args = ["-f", str(project.config), "--format", fmt, "--base-url", BASE_URL + "/"]
        assert main(["diff", base, head, *args]) == 0
        assert capsys.readouterr().out.splitlines() == expected, fmt


def test_diff_pairs_a_claim_renamed_with_former_ids(history: tuple[Project, Repo, str]) -> None:
    """A claim listing a removed claim's id under former_ids took it over: a rename (with
    what else changed), not a claim removed and another added; its history is the old id's."""
    project, repo, base = history
    replace(
        CORE,
        "- id: trkb-needed\n  statement: TrkB signalling is needed",
        "- id: trkb-required\n  former_ids: [trkb-needed]\n  statement: TrkB signalling is required",
    )(project)
    diff = diff_projects(base, repo.commit("rename"), project.config)
    assert [record(c) for c in diff.changes] == [
        ("renamed", "claim", "trkb-required", "", "trkb-needed", "trkb-required", CORE, 19),
        (
            "statement changed",
            "claim",
            "trkb-required",
            "",
            "TrkB signalling is needed for the effect of arketamine.",
            "TrkB signalling is required for the effect of arketamine.",
            CORE,
            19,
        ),
    ]
    assert diff.summary() == "1 claim changed"
    assert diff.history == {"trkb-required": "added 2024-03-01 by Test Curator"}
    assert diff.text().splitlines()[1] == (
        f"{CORE}:19: claim 'trkb-required': statement changed: TrkB signalling is "
        "[-needed-]{+required+} for the effect of arketamine."
    )


def test_diff_headlines_what_moves_conclusions(history: tuple[Project, Repo, str]) -> None:
    """Contested lost on a claim and a pair, a new claim resting on one source: first."""
    project, repo, base = history
    replace(CORE, ITEM_2 + "      compounds: [arketamine, ketamine]\n", "")(project)
    write("content/claims/ampa.yml", NEW_CLAIM.replace("stance: mixed", "stance: supports"))(
        project
    )
    diff = diff_projects(base, repo.commit("edit"), project.config)
    assert [(c.entity.value, c.id, c.what, c.new) for c in diff.headline()] == [
        ("claim", "ampa-downstream", "now rests on one source", "berman2000"),
        (
            "claim",
            "nmdar-main-route",
            "no longer contested",
            "supports: human, MDD trial (clinical); contradicts: rat, fMRI (review)",
        ),
        (
            "cell",
            "ketamine x nmdar-inhibition",
            "no longer contested",
            "supports: human, MDD trial (clinical); contradicts: rat, fMRI (review)",
        ),
    ]
    assert diff.text().splitlines()[:4] == [
        "what moves conclusions:",
        "  claim 'ampa-downstream': now rests on one source: berman2000",
        "  claim 'nmdar-main-route': no longer contested: "
        '"supports: human, MDD trial (clinical); contradicts: rat, fMRI (review)"',
        "  cell 'ketamine x nmdar-inhibition': no longer contested: "
        '"supports: human, MDD trial (clinical); contradicts: rat, fMRI (review)"',
    ]
