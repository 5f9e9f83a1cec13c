"""Only bibliographic fields leave the library: pages, search, downloads, the bundle.

A Zotero / Better BibTeX export carries ``file`` fields with user names and
local paths, abstracts (often the publisher's copyright), private annotations,
keywords and notes. None of it may reach any file of the built site or of the
offline bundle, unless the lab opts a field in with ``published_fields``.
"""

from __future__ import annotations

import gzip
import textwrap
from pathlib import Path

import pytest
from bundling import iframe_worker, source_date_epoch, unzip  # noqa: F401  (fixture)
from conftest import Project, article, write_project
from evmap.adapters.bundle import build_bundle
from evmap.core.bibtex import load_library_files

# ruff: noqa: F811, RUF001  (iframe_worker is redefined as an argument; en dashes are expected)

# berman2000 as Zotero with Better BibTeX exports it: every private field filled in.
ZOTERO = r"""
@string{biolpsych = {Biological Psychiatry}}

@article{berman2000,
  title = {Antidepressant Effects of Ketamine in Depressed Patients},
  author = {Berman, Robert M. and Cappiello, Angela and Anand, Amit},
  date = {2000-02-15},
  journaltitle = biolpsych,
  volume = {47},
  number = {4},
  pages = {351--354},
  doi = {10.1016/S0006-3223(99)00230-9},
  pmid = {10686270},
  abstract = {SECRETABSTRACT Background: A growing body of preclinical research...},
  annotation = {PRIVATEANNOTATION read twice; Alice thinks the n is too small},
  keywords = {kwprivate,ketamine},
  note = {NOTEPRIVATE ask Bob about the dose},
  file = {Full Text PDF:/Users/alice/Zotero/storage/ABCD1234/Berman2000.pdf:application/pdf;Snapshot:C\:\\Users\\bob\\Zotero\\storage\\EFGH5678\\snapshot.html:text/html},
  langid = {english},
  urldate = {2024-01-02},
  timestamp = {2024-01-02T10:00:00Z},
  groups = {lab-private-group},
  owner = {alice},
  mendeley-tags = {mendeleyprivate},
}
"""
SECRETS = [
    "SECRETABSTRACT",
    "PRIVATEANNOTATION",
    "kwprivate",
    "NOTEPRIVATE",
    "/Users/alice",
    "alice",
    "Users\\\\bob",
    "EFGH5678",
    "lab-private-group",
    "mendeleyprivate",
    "2024-01-02T10:00:00Z",
]


def zotero_project(root: Path, options: str = "") -> Project:
    project = write_project(root)
    bib = project.read("references.bib")
    start, end = bib.index("@article{berman2000"), bib.index("@article{wei2021")
    project.write("references.bib", bib[:start] + textwrap.dedent(ZOTERO) + "\n" + bib[end:])
    if options:
        project.write(
            "mkdocs.yml",
            project.read("mkdocs.yml").replace("  - evmap:\n", "  - evmap:\n" + options),
        )
    return project


def texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text (compressed ones uncompressed)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            found[str(path.relative_to(folder))] = data.decode("utf-8", "replace")
    return found


def leaks(folder: Path, secrets: list[str]) -> dict[str, list[str]]:
    return {
        name: [s for s in secrets if s.lower() in text.lower()]
        for name, text in texts(folder).items()
        if any(s.lower() in text.lower() for s in secrets)
    }


def test_published_library_site_and_bundle_hold_no_private_field(
    tmp_path: Path, iframe_worker: Path
) -> None:
    project = zotero_project(tmp_path / "p")
    assert "alice" in project.read("references.bib")  # the library does hold them
    site = project.build()
    assert leaks(site, SECRETS) == {}
    with source_date_epoch():
        bundle = build_bundle(
            project.config, tmp_path / "dist", strict=True, iframe_worker=iframe_worker
        )
    assert leaks(unzip(bundle, tmp_path / "usb"), SECRETS) == {}
    # What a reader needs is all there, as written (the macro with it).
    bib = (site / "downloads/references.bib").read_text("utf-8")
    assert bib.split("\n\n")[1:3] == [
        "@string{biolpsych = {Biological Psychiatry}}",
        "@article{berman2000,\n"
        "  title = {Antidepressant Effects of Ketamine in Depressed Patients},\n"
        "  author = {Berman, Robert M. and Cappiello, Angela and Anand, Amit},\n"
        "  date = {2000-02-15},\n"
        "  journaltitle = biolpsych,\n"
        "  volume = {47},\n"
        "  number = {4},\n"
        "  pages = {351--354},\n"
        "  doi = {10.1016/S0006-3223(99)00230-9},\n"
        "  pmid = {10686270},\n"
        "  langid = {english},\n"
        "  urldate = {2024-01-02}\n"
        "}",
    ]
    page = article(site / "references/berman2000/index.html")
    formatted = page.select_one("p.evmap-reference")
    assert formatted is not None and formatted.get_text() == (
        "Robert M. Berman, Angela Cappiello, and Amit Anand. Antidepressant Effects of Ketamine "
        "in Depressed Patients. Biological Psychiatry, 47(4):351–354, 2000. "
        "doi:10.1016/S0006-3223(99)00230-9."
    )


def test_published_fields_opted_in_reach_the_site(tmp_path: Path) -> None:
    project = zotero_project(tmp_path / "p", "      published_fields: [note]\n")
    site = project.build()
    assert leaks(site, [s for s in SECRETS if s != "NOTEPRIVATE"]) == {}
    page = article(site / "references/berman2000/index.html")
    formatted = page.select_one("p.evmap-reference")
    assert formatted is not None and "NOTEPRIVATE ask Bob about the dose" in formatted.get_text()
    bib = (site / "downloads/references.bib").read_text("utf-8")
    assert "  note = {NOTEPRIVATE ask Bob about the dose},\n" in bib


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("note", ("note",)),
        ("[Note, abstract]", ("abstract", "note")),
    ],
)
def test_published_fields_option(tmp_path: Path, value: str, expected: tuple[str, ...]) -> None:
    from evmap.core.config import load_settings

    project = zotero_project(tmp_path / "p", f"      published_fields: {value}\n")
    if value == "note":
        with pytest.raises(Exception, match="must be a list of BibTeX field names"):
            load_settings(project.config)
    else:
        assert load_settings(project.config).published_fields == expected


def test_published_fields_of_parents_and_macros() -> None:
    """A crossref parent is cut down too; a macro only its private fields use stays out."""
    text = textwrap.dedent(
        r"""
        @string{secret = {PRIVATE}}
        @string{oup = {Oxford University Press}}
        @book{volume,
          title = {The Volume},
          publisher = oup,
          abstract = secret,
          file = {/home/carol/volume.pdf},
        }
        @inbook{chapter,
          author = {Chapman, Chris},
          title = {A Chapter},
          crossref = {volume},
          annotation = secret,
        }
        """
    )
    library = load_library_files([("references.bib", text)])
    chapter = next(ref for ref in library.references if ref.key == "chapter")
    assert chapter.bibtex == (
        "@inbook{chapter,\n  author = {Chapman, Chris},\n  title = {A Chapter},\n"
        "  crossref = {volume}\n}"
    )
    assert chapter.requires == (
        "@string{oup = {Oxford University Press}}",
        "@book{volume,\n  title = {The Volume},\n  publisher = oup\n}",
    )
    assert "abstract" not in chapter.entry_fields and "file" not in chapter.entry_fields
    assert chapter.entry_fields["booktitle"] == "The Volume"
