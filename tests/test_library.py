# ruff: noqa: RUF001  (en dashes and Greek letters are the expected output)
"""Any lab's library: keys, DOIs, crossref/xdata, @string, biblatex, LaTeX, styles.

Fixtures are our own; each feature is read, checked and formatted (by pandoc, in
evmap's default CSL style unless said otherwise) with the exact expected output.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, TINY, Project, article, soup, write_project
from evmap.adapters.build import BuildFailed
from evmap.core.bibtex import format_references, load_library_files
from evmap.core.citations import find_citations
from evmap.core.library.links import doi_href
from evmap.core.model import reference_slug
from evmap.site.search import read_entries

FEATURES = r"""
% Our own fixture: one entry per feature.
@string{jcc = "Journal of Computational" # " Chemistry"}
@string{wiley = {Wiley}}

@article{knuth:1984,
  author = {Knuth, Donald E.},
  title = {Literate Programming},
  journal = {The Computer Journal},
  volume = {27}, number = {2}, pages = {97--111},
  year = {1984}, month = may,
  doi = {10.1093/comjnl/27.2.97},
}

@article{Doe/2020,
  author = {Doe, Jane and Roe, Richard},
  title = {Slash Keys},
  journaltitle = {Key Studies},
  date = {2020-02},
  doi = {10.5555/slash.2020},
}

@article{smith.2019+extra,
  author = {Smith, John and Jones, Mary and Brown, Peter},
  title = {Dots and Pluses},
  journal = {Key Studies},
  year = 2019,
}

@article{sici1997,
  author = {Lee, Kim},
  title = {An Old {SICI} {DOI}},
  journal = jcc,
  publisher = wiley,
  year = {1997},
  doi = {10.1002/(SICI)1096-987X(199704)18:5<664::AID-JCC7>3.0.CO;2-#},
}

@mvbook{series,
  title = {The Whole Series},
  editor = {Editor, Eve},
  publisher = {Oxford University Press},
  location = {Oxford},
  date = {2015},
}

@book{volume,
  title = {Volume One},
  crossref = {series},
}

@inbook{chapter,
  author = {Chapman, Chris},
  title = {A Chapter},
  pages = {20--40},
  crossref = {volume},
}

@xdata{pubdata,
  publisher = {Xdata Press},
  location = {Xville},
}

@book{xbook,
  author = {Xavier, Xena},
  title = {A Book With Xdata},
  date = {2018},
  xdata = {pubdata},
}

@report{who2019,
  author = {{World Health Organization}},
  title = {Global Report},
  institution = {WHO},
  date = {2019/2020},
}

@article{particles2005,
  author = {van der Waals, Johannes Diderik and de la Vall{\'e}e Poussin, Charles-Jean},
  title = {Particles},
  journaltitle = {Journal of Particles},
  date = {2005},
}

@article{markup2012,
  author = {M{\"u}ller, J{\"o}rg},
  title = {Growth of \emph{Escherichia coli} and $\sigma$-Algebras with \TeX},
  journal = {Journal of \textbf{Bold} Claims},
  year = {2012},
}

@online{preprint2020,
  author = {Bib, Lata},
  title = {A Preprint},
  date = {2020-01/2020-03},
  eprint = {2001.01234},
  eprinttype = {arxiv},
  urldate = {2021-03-04},
  url = {https://arxiv.org/abs/2001.01234},
  langid = {english},
}
"""

EXPECTED_HTML = {
    "knuth:1984": "Donald E. Knuth. Literate Programming. <em>The Computer Journal</em>, "
    "27(2):97–111, 1984. doi:10.1093/comjnl/27.2.97.",
    "sici1997": "Kim Lee. An Old SICI DOI. <em>Journal of Computational Chemistry</em>, 1997. "
    "doi:10.1002/(SICI)1096-987X(199704)18:5&lt;664::AID-JCC7&gt;3.0.CO;2-#.",
    # inbook -> book -> mvbook: the main title, then the volume's own title (pandoc's
    # volume-title, which evmap's style shows)
    "chapter": "Chris Chapman. A Chapter. In Eve Editor, ed., <em>The Whole Series</em>, "
    "<em>Volume One</em>, pages 20–40, Oxford University Press, Oxford, 2015.",
    "xbook": "Xena Xavier. <em>A Book With Xdata</em>. Xdata Press, Xville, 2018.",
    "who2019": "World Health Organization. <em>Global Report</em>. WHO, 2019–2020.",
    "markup2012": "Jörg Müller. Growth of <em>Escherichia coli</em> and <em>σ</em>-Algebras "
    "with TeX. <em>Journal of <strong>Bold</strong> Claims</em>, 2012.",
}
EXPECTED_LABELS = {
    "knuth:1984": "Knuth, 1984",
    "Doe/2020": "Doe & Roe, 2020",
    "smith.2019+extra": "Smith et al., 2019",
    "who2019": "World Health Organization, 2019–2020",
    "particles2005": "Waals & Vallée Poussin, 2005",
    "preprint2020": "Bib, 2020",
}


@pytest.fixture(scope="module")
def features() -> dict[str, object]:
    library = load_library_files([("references.bib", textwrap.dedent(FEATURES))])
    assert library.problems == []
    format_references(library.references)
    return {ref.key: ref for ref in library.references}


def test_library_reads_keys_biber_accepts_with_stable_readable_slugs(
    features: dict[str, object],
) -> None:
    assert sorted(features) == sorted(
        [
            "knuth:1984",
            "Doe/2020",
            "smith.2019+extra",
            "sici1997",
            "series",
            "volume",
            "chapter",
            "xbook",
            "who2019",
            "particles2005",
            "markup2012",
            "preprint2020",
        ]
    )
    assert reference_slug("knuth:1984") == "knuth-1984"
    assert reference_slug("Doe/2020") == "doe-2020"
    assert reference_slug("smith.2019+extra") == "smith-2019-extra"
    assert reference_slug("Müller:2019") == "muller-2019"


def test_library_formats_every_feature(features: dict[str, object]) -> None:
    for key, expected in EXPECTED_HTML.items():
        assert features[key].html == expected, key  # type: ignore[attr-defined]
    for key, label in EXPECTED_LABELS.items():
        assert features[key].label == label, key  # type: ignore[attr-defined]
    for ref in features.values():
        assert "\\" not in ref.html and "\\" not in ref.text  # type: ignore[attr-defined]
        assert "n.d." not in ref.text  # type: ignore[attr-defined]


def test_library_links_sici_doi_and_arxiv_percent_encoded(features: dict[str, object]) -> None:
    sici = features["sici1997"]
    assert sici.doi == "10.1002/(SICI)1096-987X(199704)18:5<664::AID-JCC7>3.0.CO;2-#"  # type: ignore[attr-defined]
    assert doi_href(sici.doi) == (  # type: ignore[attr-defined]
        "https://doi.org/10.1002/(SICI)1096-987X(199704)18:5%3C664::AID-JCC7%3E3.0.CO;2-%23"
    )
    assert features["preprint2020"].links["arxiv"] == "2001.01234"  # type: ignore[attr-defined]


def test_library_inheritance_and_macros(features: dict[str, object]) -> None:
    chapter = features["chapter"].entry_fields  # type: ignore[attr-defined]
    assert chapter["booktitle"] == "Volume One"
    assert chapter["maintitle"] == "The Whole Series"
    assert chapter["publisher"] == "Oxford University Press"
    assert features["sici1997"].entry_fields["journal"] == "Journal of Computational Chemistry"  # type: ignore[attr-defined]
    assert features["knuth:1984"].entry_fields["month"] == "May"  # type: ignore[attr-defined]
    requires = features["sici1997"].requires  # type: ignore[attr-defined]
    assert requires[0].startswith("@string{jcc") and requires[1].startswith("@string{wiley")
    assert [r.split("{")[1].split(",")[0] for r in features["chapter"].requires] == [  # type: ignore[attr-defined]
        "volume",
        "series",
    ]


@pytest.mark.parametrize(
    ("bib", "expected"),
    [
        pytest.param(
            "@inproceedings{orphan,\n  title = {T},\n  crossref = {nowhere},\n}\n",
            [
                "references.bib:3: reference 'orphan': crossref parent 'nowhere' is not in the "
                "BibTeX library; add that entry or remove the 'crossref' field"
            ],
            id="missing-parent",
        ),
        pytest.param(
            "@book{a,\n  title = {A},\n  crossref = {b},\n}\n"
            "@book{b,\n  title = {B},\n  crossref = {a},\n}\n",
            [
                "references.bib:3: reference 'a': crossref parents form a cycle (a -> b -> a); "
                "remove the 'crossref' field of one of them",
                "references.bib:7: reference 'b': crossref parents form a cycle (b -> a -> b); "
                "remove the 'crossref' field of one of them",
            ],
            id="cycle",
        ),
        pytest.param(
            "@book{x,\n  title = {X},\n  xdata = {gone},\n}\n",
            [
                "references.bib:3: reference 'x': xdata parent 'gone' is not in the BibTeX "
                "library; add that entry or remove the 'xdata' field"
            ],
            id="missing-xdata",
        ),
        pytest.param(
            "@article{bad,\n  title = {T},\n  doi = {not a doi},\n}\n",
            [
                "references.bib:3: reference 'bad': field 'doi' is 'not a doi'; expected a DOI "
                "such as 10.1038/mp.2015.176 (10.<registrant>/<suffix>); the entry is kept "
                "without this link"
            ],
            id="not-a-doi",
        ),
    ],
)
def test_library_errors_name_the_key_and_line(bib: str, expected: list[str]) -> None:
    library = load_library_files([("references.bib", bib)])
    assert sorted(f"{p.path}:{p.line}: {p.message}" for p in library.problems) == expected
    assert library.references  # the entries stay usable


def test_library_duplicate_keys_across_files_name_both_places() -> None:
    library = load_library_files(
        [
            ("a.bib", "@misc{same, title = {A}}\n"),
            ("b.bib", "\n@misc{Same, title = {B}}\n"),
        ]
    )
    assert [f"{p.path}:{p.line}: {p.message}" for p in library.problems] == [
        "b.bib:2: duplicate BibTeX key 'Same' (first defined at a.bib:1); keys must be unique, "
        "compared without case"
    ]


def test_citations_syntax_in_markdown() -> None:
    text = (
        "See [@a; @{knuth:1984}, p. 12] and [see @Doe/2020].\n"
        "`[@code]` and [a link](x) and [@b](url) stay.\n```\n[@fenced]\n```\n"
        "Mail [curators@example.org] or [ask: a@b.org].\n"
    )
    found = [
        (c.line, [(i.key, i.prefix, i.locator) for i in c.items]) for c in find_citations(text)
    ]
    assert found == [
        (1, [("a", "", ""), ("knuth:1984", "", "p. 12")]),
        (1, [("Doe/2020", "see", "")]),
    ]


# -- whole sites -------------------------------------------------------------------

CLAIMS = """\
- id: c1
  statement: A statement long enough to read.
  compounds: [arketamine]
  pathways: [bdnf-trkb]
  evidence:
    - stance: supports
      finding: Something was found.
      model: {species: mouse, paradigm: CSDS}
      type: in-vivo
      citations: [knuth:1984, Doe/2020, smith.2019+extra, chapter]
    - stance: contradicts
      finding: Something else was found.
      model: {species: mouse, paradigm: CSDS}
      type: in-vivo
      citations: [sici1997, who2019, particles2005, markup2012, preprint2020, xbook]
"""


def library_project(root: Path, style: str | None = None) -> Project:
    """The tiny project with two library files (the features and the tiny library)."""
    files = dict(TINY)
    files["content/claims/lab.yml"] = CLAIMS
    files["library/lab.bib"] = FEATURES
    files["library/tiny.bib"] = files.pop("references.bib")
    files["docs/about.md"] = (
        "# About\n\nA hand-written page citing [@berman2000; @{Doe/2020}, p. 12] and "
        "[@smith.2019+extra].\n"
    )
    project = write_project(root, files)
    options = "      bibtex_file: [library/tiny.bib, library/lab.bib]\n"
    options += "      validation: {missing-doi: ignore, placeholder-address: ignore}\n"
    if style:
        options += f"      csl: {style}\n"
    project.write(
        "mkdocs.yml",
        MKDOCS_YML.format(directory_urls="true", options=options),
    )
    return project


@pytest.fixture(scope="module")
def library_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return library_project(tmp_path_factory.mktemp("library")).build()


def _previews(site: Path) -> dict[str, str]:
    source = (site / "assets/evmap-references.js").read_text("utf-8")
    data: dict[str, str] = json.loads(
        source[source.index("window.evmapReferences = ") + 25 : source.rindex(";")]
    )
    return data


def test_library_site_pages_at_readable_urls(library_site: Path) -> None:
    for slug in ("knuth-1984", "doe-2020", "smith-2019-extra", "sici1997", "chapter"):
        assert (library_site / "references" / slug / "index.html").is_file(), slug
    page = article(library_site / "references/sici1997/index.html")
    hrefs = [a["href"] for a in page.select("p.evmap-reference-links a")]
    assert hrefs == [
        "https://doi.org/10.1002/(SICI)1096-987X(199704)18:5%3C664::AID-JCC7%3E3.0.CO;2-%23"
    ]
    key = page.select_one("dl.evmap-facts code")
    assert key is not None and key.get_text() == "sici1997"
    preprint = article(library_site / "references/preprint2020/index.html")
    assert "https://arxiv.org/abs/2001.01234" in [a["href"] for a in preprint.select("a")]


def test_library_site_uncited_entries_have_no_page(library_site: Path) -> None:
    # series and volume are crossref parents nobody cites; xdata entries are never cited
    for slug in ("series", "volume", "pubdata", "wei2021x"):
        assert not (library_site / "references" / slug).exists()


def test_library_site_hand_written_citations(library_site: Path) -> None:
    page = article(library_site / "about/index.html")
    cites = [(a.get_text(), a["href"]) for a in page.select("span.evmap-citation a.evmap-cite")]
    assert cites == [
        ("Berman et al., 2000", "../references/berman2000/"),
        ("Doe & Roe, 2020", "../references/doe-2020/"),
        ("Smith et al., 2019", "../references/smith-2019-extra/"),
    ]
    assert "Doe & Roe, 2020, p. 12" in page.get_text()
    listed = [li.get_text() for li in page.select("ul.evmap-bibliography li")]
    assert listed[1] == (
        "Doe & Roe, 2020: Jane Doe and Richard Roe. Slash Keys. Key Studies, 2020. "
        "doi:10.5555/slash.2020."
    )
    assert page.select("script[src='../assets/evmap-references.js']")
    previews = _previews(library_site)
    assert previews["doe-2020"] == (
        "Jane Doe and Richard Roe. Slash Keys. Key Studies, 2020. doi:10.5555/slash.2020."
    )


def test_library_site_no_latex_anywhere_but_the_bib(library_site: Path) -> None:
    from test_library_examples import LATEX, _text_of

    found = {}
    for path in sorted(library_site.rglob("*")):
        rel = str(path.relative_to(library_site))
        if path.suffix not in (".html", ".json", ".csv", ".js") or rel.startswith("assets/java"):
            continue
        if path.suffix == ".js" and path.name != "evmap-references.js":
            continue
        if rel == "downloads/references.csl.json":
            continue  # pandoc writes math as $\sigma$ in CSL-JSON, and reads it back as math
        text = _text_of(path)
        commands = sorted(set(LATEX.findall(text)))
        if commands or "n.d." in text:
            found[rel] = commands or ["n.d."]
    assert found == {}
    bib = (library_site / "downloads/references.bib").read_text("utf-8")
    assert "@string{jcc" in bib and "@mvbook{series" in bib and "\\emph{Escherichia coli}" in bib
    assert bib.index("@inbook{chapter") < bib.index("@book{volume") < bib.index("@mvbook{series")


def test_library_site_search_entries_use_the_formatted_text(library_site: Path) -> None:
    entry = next(d for d in read_entries(library_site) if d["location"] == "references/knuth-1984/")
    assert entry["title"] == "Knuth, 1984"
    assert entry["text"].startswith("Donald E. Knuth. Literate Programming. The Computer Journal")


# A small CSL style of our own: "TITLE (YEAR) / AUTHOR", labels "[AUTHOR YEAR]".
OTHER_STYLE = """\
<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Test style</title><id>test</id><updated>2026-01-01T00:00:00+00:00</updated>
  <category citation-format="label"/></info>
  <citation><layout prefix="[" suffix="]">
    <group delimiter=" "><names variable="author"><name form="short" et-al-min="2"
    et-al-use-first="1"/></names><date variable="issued"><date-part name="year"/></date></group>
  </layout></citation>
  <bibliography><layout>
    <group delimiter=" / "><group delimiter=" "><text variable="title" text-case="uppercase"/>
    <date variable="issued" prefix="(" suffix=")"><date-part name="year"/></date></group>
    <names variable="author"><name/></names></group>
  </layout></bibliography>
</style>
"""


def test_library_csl_style_switch_changes_every_formatted_reference(tmp_path: Path) -> None:
    project = library_project(tmp_path / "p", style="styles/test.csl")
    project.write("styles/test.csl", OTHER_STYLE)
    site = project.build()
    expected = "SLASH KEYS (2020) / Jane Doe, Richard Roe"
    page = article(site / "references/doe-2020/index.html")
    formatted = page.select_one("p.evmap-reference")
    assert formatted is not None and formatted.get_text() == expected
    assert _previews(site)["doe-2020"] == expected
    entry = next(d for d in read_entries(site) if d["location"] == "references/doe-2020/")
    assert entry["title"] == "Doe et al. 2020" and entry["text"].startswith(expected)
    about = article(site / "about/index.html")
    assert [a.get_text() for a in about.select("span.evmap-citation a")][1] == "Doe et al. 2020"
    assert f"Doe et al. 2020: {expected}" in [li.get_text() for li in about.select("li")]
    claim_page = soup(site / "pathways/bdnf-trkb/index.html")
    assert "Doe et al. 2020" in [a.get_text() for a in claim_page.select("td.r a")]


def test_library_unknown_key_on_a_hand_written_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    project.write("docs/about.md", "# About\n\nFine [@berman2000].\n\nBut [@bermann2000].\n")
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        1,
        [
            "docs/about.md:5: citation key 'bermann2000' is not in the BibTeX library; did you "
            "mean 'berman2000'?"
        ],
    )
    with pytest.raises(BuildFailed):
        project.build()


def test_library_uncited_entries_are_silent_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "p")
    project.write(
        "references.bib",
        project.read("references.bib") + "\n@article{lonely:2020, title = {Alone}}\n",
    )
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")
    config = project.read("mkdocs.yml").replace(
        "      validation: {placeholder-address: ignore",
        "      validation: {placeholder-address: ignore, uncited-reference: warning",
    )
    project.write("mkdocs.yml", config)
    code, out, _ = project.check(capsys=capsys)
    assert (code, out.splitlines()) == (
        0,
        ["references.bib:21: warning: reference 'lonely:2020' is not cited by any claim or page"],
    )


def test_library_folder_of_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path / "p")
    bib = project.read("references.bib")
    (project.root / "references.bib").unlink()
    first, second = bib.split("@article{wei2021")
    project.write("library/1-berman.bib", first)
    project.write("library/2-wei.bib", "@article{wei2021" + second)
    project.write(
        "mkdocs.yml",
        project.read("mkdocs.yml").replace(
            "  - evmap:\n", "  - evmap:\n      bibtex_file: library\n"
        ),
    )
    code, out, _ = project.check("--strict", capsys=capsys)
    assert (code, out) == (0, "")
    site = project.build()
    bib_download = (site / "downloads/references.bib").read_text("utf-8")
    assert bib_download.startswith(
        "% 2 references cited by the evidence map, taken from library/1-berman.bib, "
        "library/2-wei.bib."
    )


def test_library_hand_written_citations_without_directory_urls(tmp_path: Path) -> None:
    site = write_project(tmp_path / "p", directory_urls=False).build()
    page = article(site / "about.html")
    assert [a["href"] for a in page.select("a.evmap-cite")] == [
        "references/berman2000.html",
        "references/berman2000.html",
    ]
    assert page.select("script[src='assets/evmap-references.js']")


NUMERIC_STYLE = """\
<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Numeric test style</title><id>numeric-test</id>
  <updated>2026-01-01T00:00:00+00:00</updated><category citation-format="numeric"/></info>
  <citation><layout prefix="[" suffix="]"><text variable="citation-number"/></layout></citation>
  <bibliography second-field-align="flush"><layout>
    <text variable="citation-number" suffix=". "/>
    <group delimiter=", "><names variable="author"><name initialize-with=". "/></names>
    <text variable="title" font-style="italic"/></group>
  </layout></bibliography>
</style>
"""


def test_library_numeric_style_keeps_author_date_labels(tmp_path: Path) -> None:
    from evmap.core.bibtex import load_style

    csl = tmp_path / "numeric.csl"
    csl.write_text(NUMERIC_STYLE, "utf-8")
    style = load_style(csl)
    assert not style.own_labels
    library = load_library_files([("references.bib", textwrap.dedent(FEATURES))], style)
    refs = {ref.key: ref for ref in library.references}
    format_references([refs["Doe/2020"]])
    # numbers mean nothing on a site: the label is author-date, the reference the style's
    # (without its number; pandoc puts English titles in sentence case for such styles)
    assert refs["Doe/2020"].label == "Doe & Roe, 2020"
    assert refs["Doe/2020"].html == "J. Doe, R. Roe, <em>Slash keys</em>"
