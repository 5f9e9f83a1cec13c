"""Table-driven validation tests: one case per rule, asserting the exact message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CLAIM, TINY, write_project


def run_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], *args: str
) -> tuple[int, list[str]]:
    project = write_project(tmp_path / "p", {**TINY, **files})
    code, out, _ = project.check(*args, capsys=capsys)
    return code, out.splitlines()


ERROR_CASES = [
    pytest.param(
        CLAIM.replace(
            """  evidence:
    - stance: supports
      finding: Something was found.
      model: {species: mouse, paradigm: CSDS}
      type: in-vivo
      citations: [wei2021]
""",
            "  evidence: []\n",
        ),
        "content/claims/new.yml:5: claim 'c1' has no evidence; add at least one item under 'evidence'",
        id="claim-without-evidence",
    ),
    pytest.param(
        CLAIM.replace("citations: [wei2021]", "citations: []"),
        "content/claims/new.yml:10: claim 'c1': evidence item 1: has no citation; "
        "list at least one key of references.bib under 'citations'",
        id="evidence-without-citation",
    ),
    pytest.param(
        CLAIM.replace("      citations: [wei2021]\n", ""),
        "content/claims/new.yml:6: claim 'c1': evidence item 1: has no source; list the study "
        "under 'citations' (and, if you read it in a review, the review under 'via')",
        id="evidence-missing-citations-field",
    ),
    pytest.param(
        CLAIM.replace("citations: [wei2021]", "citations: [wei2012]"),
        "content/claims/new.yml:10: claim 'c1': evidence item 1: citation key 'wei2012' "
        "is not in the BibTeX library; did you mean 'wei2021'?",
        id="unknown-citation-key",
    ),
    pytest.param(
        CLAIM.replace("citations: [wei2021]", "citations: [nobody1999]"),
        "content/claims/new.yml:10: claim 'c1': evidence item 1: citation key 'nobody1999' "
        "is not in the BibTeX library; add the entry to the library",
        id="unknown-citation-key-no-suggestion",
    ),
    pytest.param(
        CLAIM.replace("compounds: [arketamine]", "compounds: [arketamin]"),
        "content/claims/new.yml:3: claim 'c1': unknown compound 'arketamin'; did you mean "
        "'arketamine'?; add it under content/compounds/ or fix the id",
        id="unknown-compound",
    ),
    pytest.param(
        CLAIM.replace("pathways: [bdnf-trkb]", "pathways: [bdnf-trk]"),
        "content/claims/new.yml:4: claim 'c1': unknown pathway 'bdnf-trk'; did you mean "
        "'bdnf-trkb'?; add it under content/pathways/ or fix the id",
        id="unknown-pathway",
    ),
    pytest.param(
        CLAIM.replace("id: c1", "id: trkb-needed"),
        "content/claims/new.yml:1: claim id 'trkb-needed' is already used at "
        "content/claims/core.yml:19; ids must be unique, rename one of them",
        id="duplicate-id-across-files",
    ),
    pytest.param(
        CLAIM.replace("citations: [wei2021]", "citaton: [wei2021]"),
        "content/claims/new.yml:10: claim 'c1': evidence item 1: unknown field 'citaton'; "
        "expected one of: blinded, citations, compounds, design, finding, indirect, locator, model, "
        "note, pathways, randomised, read, sample_size, stance, type, via; did you mean 'citations'?",
        id="unknown-field-typo",
    ),
    pytest.param(
        CLAIM.replace("compounds: [arketamine]", "compounds: arketamine"),
        "content/claims/new.yml:3: claim 'c1': 'compounds' must be a list, got the text 'arketamine'",
        id="wrong-type",
    ),
    pytest.param(
        CLAIM.replace("stance: supports", "stance: support"),
        "content/claims/new.yml:6: claim 'c1': evidence item 1: 'stance' is the text 'support'; "
        "expected one of: supports, contradicts, mixed; did you mean 'supports'?",
        id="value-outside-allowed-set",
    ),
    pytest.param(
        CLAIM.replace("type: in-vivo", "type: in vivo"),
        "content/claims/new.yml:9: claim 'c1': evidence item 1: 'type' is the text 'in vivo'; "
        "expected one of: in-vitro, ex-vivo, in-vivo, clinical, review; did you mean 'in-vivo'?",
        id="evidence-type-outside-set",
    ),
    pytest.param(
        CLAIM.replace("id: c1", "id: C 1"),
        "content/claims/new.yml:1: claim 'C 1': 'id' is 'C 1'; expected a lowercase id of "
        "letters, digits and single hyphens, e.g. 'bdnf-trkb'",
        id="id-unfit-for-url",
    ),
    pytest.param(
        CLAIM.replace("  statement: A statement long enough to read.\n", ""),
        "content/claims/new.yml:1: claim 'c1': missing required field 'statement'",
        id="missing-required-field",
    ),
    pytest.param(
        CLAIM.replace(
            "  pathways: [bdnf-trkb]\n",
            "  pathways: [bdnf-trkb]\n  asserts:\n    - {relation: not-through, pathways: [mtorc1]}\n",
        ),
        "content/claims/new.yml:6: claim 'c1': asserts rule 1: pathway 'mtorc1' is not one of "
        "the claim's pathways (bdnf-trkb); name the claim's own pathways or fix the id",
        id="asserts-rule-names-another-pathway",
    ),
    pytest.param(
        CLAIM.replace(
            "  pathways: [bdnf-trkb]\n",
            "  pathways: [bdnf-trkb]\n  asserts:\n    - {relation: not-through}\n"
            "    - {relation: other, compounds: [arketamine]}\n",
        ),
        "content/claims/new.yml:7: claim 'c1': asserts rule 2 (other) covers no pair that an "
        "earlier rule does not already cover, so it never applies; remove it, or narrow the "
        "earlier rule",
        id="asserts-rule-shadowed",
    ),
    pytest.param(
        CLAIM.replace("  pathways: [bdnf-trkb]\n", "  pathways: [bdnf-trkb]\n  asserts: maybe\n"),
        "content/claims/new.yml:5: claim 'c1': 'asserts' is the text 'maybe'; expected one of: "
        "through, not-through, other",
        id="asserts-unknown-relation",
    ),
    pytest.param(
        CLAIM.replace("type: in-vivo", "type: in-vivo\n      design: randomised-controlled"),
        "content/claims/new.yml:6: claim 'c1': evidence item 1: 'design' (randomised-controlled) "
        "is for clinical studies, but the item's type is 'in-vivo'; remove 'design' (for animal "
        "work, say whether randomisation and blinding were reported with 'randomised' and "
        "'blinded')",
        id="design-on-animal-item",
    ),
    pytest.param(
        CLAIM.replace("  pathways: [bdnf-trkb]\n", "  pathways: [bdnf-trkb]\n  former_ids: [c1]\n"),
        "content/claims/new.yml:5: claim 'c1': former id 'c1' is the id of this claim "
        "(content/claims/new.yml:1); a former id must be one no claim has now: remove it from "
        "'former_ids'",
        id="former-id-is-own-id",
    ),
    pytest.param(
        CLAIM.replace("  pathways: [bdnf-trkb]\n", "  pathways: [bdnf-trkb]\n  former_ids: [old]\n")
        + CLAIM.replace("id: c1", "id: c2").replace(
            "  pathways: [bdnf-trkb]\n", "  pathways: [bdnf-trkb]\n  former_ids: [old]\n"
        ),
        "content/claims/new.yml:16: claim 'c2': former id 'old' is also listed by claim 'c1' "
        "(content/claims/new.yml:1); an old address can lead to one claim only: keep it on the "
        "claim that took over the old one",
        id="former-id-listed-twice",
    ),
]


@pytest.mark.parametrize(("claims", "expected"), ERROR_CASES)
def test_validation_error_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], claims: str, expected: str
) -> None:
    code, lines = run_check(tmp_path, capsys, {"content/claims/new.yml": claims})
    assert code == 1
    assert lines == expected.split("\n")


def test_validation_collects_every_problem_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = CLAIM.replace("stance: supports", "stance: nope") + CLAIM.replace("c1", "c2").replace(
        "pathways: [bdnf-trkb]", "pathways: [x-y]"
    )
    code, lines = run_check(
        tmp_path,
        capsys,
        {
            "content/claims/new.yml": bad,
            "content/compounds/bad.yml": "id: b\nname: B\nkind: salt\n",
        },
    )
    assert code == 1
    assert [line.split(":")[0:2] for line in lines] == [
        ["content/claims/new.yml", "6"],
        ["content/claims/new.yml", "14"],
        ["content/compounds/bad.yml", "3"],
    ]


def test_validation_compound_parent_unknown_and_cycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "content/compounds/a.yml": "id: a\nname: A\nkind: drug\nparent: b\n",
        "content/compounds/b.yml": "id: b\nname: B\nkind: drug\nparent: a\n",
        "content/compounds/c.yml": "id: c\nname: C\nkind: drug\nparent: ketamin\n",
    }
    code, lines = run_check(tmp_path, capsys, files)
    assert code == 1
    assert lines == [
        "content/compounds/a.yml:4: compound 'a': parents form a cycle (a -> b -> a); "
        "a compound cannot descend from itself",
        "content/compounds/b.yml:4: compound 'b': parents form a cycle (b -> a -> b); "
        "a compound cannot descend from itself",
        "content/compounds/c.yml:4: compound 'c': parent: unknown compound 'ketamin'; "
        "did you mean 'ketamine'?; add it under content/compounds/ or fix the id",
    ]


MISSING_DOI = (
    "references.bib:21: warning: reference 'nodoi2020' has no DOI, which journal articles from "
    "2000 on usually have (evmap option 'doi_expected_since'); add its 'doi' field if it has one"
)
# (entry, warning, exit code under --strict): a missing DOI is advice, never fatal alone.
WARNING_CASES = [
    pytest.param(
        "@article{nodoi2020, author={No, D.}, title={T}, journal={J}, year={2020}}\n",
        MISSING_DOI,
        0,
        id="missing-doi",
    ),
    pytest.param(
        "@article{wei2021b, author={Wei, Y.}, title={Same}, journal={J}, year={2021}, "
        "doi={10.1038/S41380-021-01121-1}}\n",
        "references.bib:21: warning: reference 'wei2021b' has the same DOI "
        "(10.1038/S41380-021-01121-1) as 'wei2021' (line 13); if they are one work, keep one "
        "entry and cite it",
        1,
        id="duplicate-doi",
    ),
]


@pytest.mark.parametrize(("extra_bib", "expected", "strict_code"), WARNING_CASES)
def test_validation_warning_message_and_strict(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra_bib: str,
    expected: str,
    strict_code: int,
) -> None:
    project = write_project(tmp_path / "p")
    bib = project.read("references.bib") + "\n" + extra_bib
    project.write("references.bib", bib)
    # Cite the new entry (except when testing "uncited") so that only one warning shows.
    if "lonely" not in extra_bib:
        key = extra_bib.split("{", 1)[1].split(",", 1)[0]
        project.write("content/claims/new.yml", CLAIM.replace("[wei2021]", f"[{key}]"))
    code, out, _ = project.check(capsys=capsys)
    assert code == 0
    assert out.splitlines() == [expected]
    code, out, _ = project.check("--strict", capsys=capsys)
    assert code == strict_code
    assert out.splitlines() == [expected]


# (entry, warned): only journal articles from doi_expected_since (2000) on are asked for a DOI.
DOI_EXPECTED = [
    pytest.param("@article{k, author={A, B}, title={T}, journal={J}, year={2020}}", True),
    pytest.param("@article{k, author={A, B}, title={T}, journaltitle={J}, date={2000-05}}", True),
    pytest.param("@article{k, author={A, B}, title={T}, journal={J}, year={1999}}", False),
    pytest.param(  # (no date: incomplete-reference, acknowledged here, is another check)
        "@article{k, author={A, B}, title={T}, journal={J}, evmap-ignore={incomplete-reference}}",
        False,
        id="no-year",
    ),
    pytest.param(
        "@article{k, author={A, B}, title={T}, journal={J}, year={2020}, entrysubtype={newspaper}}",
        False,
    ),
    pytest.param("@inproceedings{k, author={A, B}, title={T}, booktitle={P}, year={2020}}", False),
    pytest.param("@book{k, author={A, B}, title={T}, publisher={P}, year={2020}}", False),
    pytest.param("@phdthesis{k, author={A, B}, title={T}, school={S}, year={2020}}", False),
    pytest.param("@misc{k, author={A, B}, title={T}, year={2020}}", False),
]


@pytest.mark.parametrize(("entry", "warned"), DOI_EXPECTED)
def test_validation_doi_expected_of_recent_journal_articles_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, warned: bool
) -> None:
    project = write_project(tmp_path / "p")
    project.write("references.bib", project.read("references.bib") + "\n" + entry + "\n")
    project.write("content/claims/new.yml", CLAIM.replace("[wei2021]", "[k]"))
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out.count("has no DOI")) == (0, int(warned))
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "  - evmap:\n", "  - evmap:\n      doi_expected_since: 2021\n"
        ),
    )
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")


INCOMPLETE = [
    pytest.param(
        "@article{k, title={T}, journal={J}, year={2020}, doi={10.1/x}}",
        "references.bib:21: warning: reference 'k' has no author, so it is cited by its title "
        "and 'n.d.'; add it from the work's record, or, when no record shows it, list 'author' "
        "under 'not_seen' in its reference note (content/references/) with the 'record' it was "
        "read from",
        id="article-without-author",
    ),
    pytest.param(
        "@book{k, editor={A, B}, title={T}, publisher={P}}",
        "references.bib:21: warning: reference 'k' has no date, so it is cited by its title and "
        "'n.d.'; add it from the work's record, or, when no record shows it, list 'year' under "
        "'not_seen' in its reference note (content/references/) with the 'record' it was read "
        "from",
        id="book-without-date",
    ),
    pytest.param("@online{k, title={CTAN}, url={https://ctan.org}}", "", id="web-page"),
    pytest.param("@book{k, translator={A, B}, title={T}, year={1960}}", "", id="translated"),
]


@pytest.mark.parametrize(("entry", "expected"), INCOMPLETE)
def test_validation_cited_entry_without_author_or_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, expected: str
) -> None:
    """A paper or book cited without who or when reads as a title and 'n.d.': strict fails,
    unless the reference note says the record did not show it."""
    project = write_project(tmp_path / "p")
    project.write("references.bib", project.read("references.bib") + "\n" + entry + "\n")
    project.write("content/claims/new.yml", CLAIM.replace("[wei2021]", "[k]"))
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out.strip()) == ((1, expected) if expected else (0, ""))
    if expected:
        project.write(
            "content/references/notes.yml",
            "- {key: k, record: 'The publisher page', not_seen: [author, year]}\n",
        )
        assert project.check("--strict", capsys=capsys)[:2] == (0, "")


def test_validation_severity_configurable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    project.write(
        "references.bib",
        project.read("references.bib").replace("  doi = {10.1038/s41380-021-01121-1},\n", ""),
    )
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.count("has no DOI")) == (0, 1)
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "      validation: {placeholder-address: ignore",
            "      validation: {placeholder-address: ignore, missing-doi: error",
        ),
    )
    code, out, _ = project.check(capsys=capsys)
    assert code == 1 and "references.bib:13: reference 'wei2021' has no DOI" in out
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace("missing-doi: error", "missing-doi: ignore"),
    )
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")


def test_validation_unknown_check_in_config_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "      validation: {placeholder-address: ignore",
            "      validation: {placeholder-address: ignore, missing-dio: error",
        ),
    )
    code, _, err = project.check(capsys=capsys)
    assert code == 2
    assert "validation: unknown check 'missing-dio'" in err


def test_validation_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(
        tmp_path,
        capsys,
        {"content/claims/new.yml": CLAIM.replace("[wei2021]", "[wei2012]")},
        "--format",
        "github",
    )
    assert code == 1
    assert lines == [
        "::error file=content/claims/new.yml,line=10::claim 'c1': evidence item 1: citation key "
        "'wei2012' is not in the BibTeX library; did you mean 'wei2021'?"
    ]


def test_validation_evmap_ignore_acknowledges_checks_on_one_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    library = project.read("references.bib")
    first = library.count("\n") + 2  # line of the first appended entry
    acknowledged = (
        "\n@article{nodoi2020, author={No, D.}, title={T}, journal={J}, year={2020},\n"
        "  evmap-ignore = {Missing-DOI, uncited-reference}}\n"
    )
    other = "@article{other2020, author={O, D.}, title={T}, journal={J}, year={2020}}\n"
    project.write("references.bib", library + acknowledged + other)
    project.write("content/claims/new.yml", CLAIM.replace("[wei2021]", "[other2020]"))
    # Only the entry without the field is still reported, strict or not.
    expected = [
        f"references.bib:{first + 2}: warning: reference 'other2020' has no DOI, which journal "
        "articles from 2000 on usually have (evmap option 'doi_expected_since'); add its 'doi' "
        "field if it has one"
    ]
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out.splitlines()) == (0, expected)
    project.write("references.bib", library + acknowledged)
    project.write("content/claims/new.yml", CLAIM)
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")

    # A name that is not a check (or not one about a single entry) is an error at
    # the field's line; the valid names of the field still apply.
    project.write(
        "references.bib",
        library + acknowledged.replace("uncited-reference", "uncited-refrence, schema"),
    )
    code, out, _ = project.check(capsys=capsys)
    assert code == 1
    allowed = "expected a comma-separated list of: duplicate-doi, incomplete-reference, missing-doi, uncited-reference"
    assert out.splitlines() == [
        f"references.bib:{first + 1}: reference 'nodoi2020': field 'evmap-ignore' names check "
        f"'schema', which cannot be ignored on one entry; {allowed}",
        f"references.bib:{first + 1}: reference 'nodoi2020': field 'evmap-ignore' names unknown "
        f"check 'uncited-refrence'; {allowed}; did you mean 'uncited-reference'?",
    ]
