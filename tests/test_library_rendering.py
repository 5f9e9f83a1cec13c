# ruff: noqa: RUF001  (en dashes are the expected output)
"""References that rendered wrongly in real libraries, each as a small case of our own.

Found by formatting a large research group's library and biblatex's examples:
``and others`` printed literally, a volume of a multi-volume work losing its own
title, LaTeX left in ``type`` fields and in math, "15 edition", a cited ``@set``
reported as missing, a PubMed ``eprint`` without its link, and empty or padded
fields leaving " ," and ", :".
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import CLAIM, article, write_project
from evmap.core.bibtex import format_references, load_library_files, load_style
from evmap.site.search import read_entries

CASES = [
    pytest.param(
        "@article{k, author = {Virtanen, Pauli and Gommers, Ralf and others}, title = {SciPy},"
        " journal = {Nature Methods}, volume = {17}, pages = {261--272}, year = {2020}}",
        "Virtanen et al., 2020",
        "Pauli Virtanen, Ralf Gommers, et al. SciPy. <em>Nature Methods</em>, 17:261–272, 2020.",
        id="and-others",
    ),
    pytest.param(
        "@incollection{k, author = {Acan, A.}, title = {Memory}, booktitle = {ANTS 2004 }, "
        "editor = {Dorigo, Marco and others}, pages = {73--84}, year = {2004}}",
        "Acan, 2004",
        "A. Acan. Memory. In Marco Dorigo et al., eds., <em>ANTS 2004</em>, pages 73–84, 2004.",
        id="editors-and-others-and-a-trailing-space",
    ),
    pytest.param(
        "@book{k, author = {Knuth, Donald E.}, title = {The {\\TeX book}}, date = 1984, "
        "maintitle = {Computers \\& Typesetting}, volume = {A}, publisher = {Addison-Wesley}, "
        "location = {Reading, Mass.}}",
        "Knuth, 1984",
        "Donald E. Knuth. <em>Computers &amp; Typesetting</em>, volume A: <em>The TeXbook</em>. "
        "Addison-Wesley, Reading, Mass., 1984.",
        id="volume-of-a-multi-volume-work",
    ),
    pytest.param(
        "@book{k, author = {Doe, Jane}, title = {Lectures}, series = {Lecture Notes in Physics},"
        " volume = {15}, edition = {15}, publisher = {Springer}, year = {2010}}",
        "Doe, 2010",
        "Jane Doe. <em>Lectures</em>. Lecture Notes in Physics, volume 15, 15th edition, "
        "Springer, 2010.",
        id="ordinal-edition-and-series-volume",
    ),
    pytest.param(
        '@thesis{k, author = {M{\\"u}ller, Anna}, title = {Arbeit}, '
        "type = {Beitr\\\"age zur pr\\'esent\\'e \\emph{Forschung}}, institution = {Uni},"
        " year = {2001}}",
        "Müller, 2001",
        "Anna Müller. <em>Arbeit</em>. Beiträge zur présenté Forschung, Uni, 2001.",
        id="latex-in-type",
    ),
    pytest.param(
        "@article{k, author = {D'Agostino, Ralph}, title = {Distributions of $b_2$ and "
        "$\\surd b_1$, $\\frac{1}{2}$ and $x^{n+1}$}, journal = {Biometrika}, volume = {60},"
        " number = {3}, pages = {613--622}, year = {1973}}",
        "D’Agostino, 1973",
        "Ralph D’Agostino. Distributions of <em>b</em><sub>2</sub> and √<em>b</em><sub>1</sub>, "
        "1/2 and <em>x</em><sup><em>n</em>+1</sup>. <em>Biometrika</em>, 60(3):613–622, 1973.",
        id="math",
    ),
    pytest.param(
        "@article{k, author = {Allahverdi, Ali}, title = {Flowshops}, journal = {IJAMT},"
        " pages = {1--15}, year = {2013}}",
        "Allahverdi, 2013",
        "Ali Allahverdi. Flowshops. <em>IJAMT</em>, pages 1–15, 2013.",
        id="pages-without-volume",
    ),
    pytest.param(
        "@inbook{k, author = {Chapman, Chris}, title = {A Chapter}, booktitle = {The Book},"
        " pages = {1--2}, year = {2000}}",
        "Chapman, 2000",
        "Chris Chapman. A Chapter. In <em>The Book</em>, pages 1–2, 2000.",
        id="chapter-without-editors",
    ),
]


@pytest.mark.parametrize(("bib", "label", "expected"), CASES)
def test_rendering(bib: str, label: str, expected: str) -> None:
    library = load_library_files([("references.bib", bib + "\n")])
    assert library.problems == []
    format_references(library.references)
    (ref,) = library.references
    assert (ref.label, ref.html) == (label, expected)


def test_rendering_and_others_in_a_style_without_et_al(tmp_path: Path) -> None:
    style_file = tmp_path / "plain.csl"
    style_file.write_text(
        textwrap.dedent(
            """\
            <?xml version="1.0" encoding="utf-8"?>
            <style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
              <info><title>T</title><id>t</id><updated>2026-01-01T00:00:00+00:00</updated></info>
              <citation><layout><names variable="author"><name form="short"/></names>
              </layout></citation>
              <bibliography><layout><names variable="author"><name/></names></layout>
              </bibliography>
            </style>
            """
        ),
        "utf-8",
    )
    bib = "@misc{k, author = {Virtanen, Pauli and others}, title = {T}, year = 2020}\n"
    library = load_library_files([("references.bib", bib)], load_style(style_file))
    format_references(library.references)
    assert (library.references[0].label, library.references[0].text) == (
        "Virtanen et al.",
        "Pauli Virtanen et al.",
    )


SET_AND_PUBMED = """
@set{standard, entryset = {glashow,weinberg}}
@article{glashow, author = {Glashow, Sheldon and others}, title = {Partial Symmetries},
  journaltitle = {Nucl. Phys.}, volume = {22}, date = {1961}, pages = {579--588}}
@article{weinberg, author = {Weinberg, Steven}, title = {A Model of Leptons},
  journaltitle = {Phys. Rev. Lett.}, volume = {19}, date = {1967}, pages = {1264--1266}}
@article{pubmed1999, author = {Doe, Jane}, title = {Found on PubMed}, journal = {J},
  year = {1999}, eprint = {10686270}, eprinttype = {pubmed}}
"""


def test_rendering_set_and_pubmed_eprint_on_the_site(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    project.write("references.bib", project.read("references.bib") + SET_AND_PUBMED)
    project.write("content/claims/new.yml", CLAIM.replace("[wei2021]", "[standard, pubmed1999]"))
    site = project.build()
    page = article(site / "references/standard/index.html")
    formatted = page.select_one("p.evmap-reference")
    expected = (
        "Sheldon Glashow et al. Partial Symmetries. Nucl. Phys., 22:579–588, 1961. Steven "
        "Weinberg. A Model of Leptons. Phys. Rev. Lett., 19:1264–1266, 1967."
    )
    assert formatted is not None and formatted.get_text() == expected
    assert page.h1 is not None and page.h1.get_text().startswith("Glashow et al., 1961")
    pubmed = article(site / "references/pubmed1999/index.html")
    assert [a["href"] for a in pubmed.select("p.evmap-reference-links a")] == [
        "https://pubmed.ncbi.nlm.nih.gov/10686270/"
    ]
    # "et al." in every output: page, preview, search entry, download untouched.
    source = (site / "assets/evmap-references.js").read_text("utf-8")
    previews = json.loads(source[source.index("= ") + 2 : source.rindex(";")])
    assert previews["standard"] == expected
    entry = next(d for d in read_entries(site) if d["location"] == "references/standard/")
    assert entry["text"].startswith("Sheldon Glashow et al.")
    bib = (site / "downloads/references.bib").read_text("utf-8")
    assert "@set{standard,\n  entryset = {glashow,weinberg}\n}" in bib
    assert "@article{weinberg," in bib and "and others" in bib
