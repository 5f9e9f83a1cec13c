"""Shared fixtures: tiny real projects written into a temp dir and built with real MkDocs."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from evmap.adapters.build import build_site, fresh_plugins
from evmap.adapters.cli import main
from evmap.adapters.mkdocs_plugin import EvidenceMapPlugin
from evmap.core.config import PACKAGE_TEMPLATES
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE_TEMPLATES  # evmap's own; a project may override them in templates/

MKDOCS_YML = """\
site_name: Tiny map
site_url: https://example.org/tiny/
use_directory_urls: {directory_urls}
theme:
  name: material
  font: false
  features: [navigation.prune, content.tooltips]
plugins:
  - search
  - evmap:
{options}"""
# The fixture's site_url is example.org, reserved for examples: a placeholder evmap warns about.
FIXTURE_OPTIONS = "      validation: {placeholder-address: ignore}\n"

# The smallest project that exercises every page kind and both stances.
TINY: dict[str, str] = {
    "docs/about.md": "# About\n\nA hand-written page citing [@berman2000].\n",
    "content/compounds/ketamine.yml": """\
        id: ketamine
        name: Ketamine
        kind: racemate
        synonyms: ["(R,S)-ketamine"]
        summary: The racemic mixture.
        """,
    "content/compounds/arketamine.yml": """\
        id: arketamine
        name: Arketamine
        kind: enantiomer
        parent: ketamine
        """,
    "content/pathways/nmdar-inhibition.yml": """\
        id: nmdar-inhibition
        name: NMDA receptor inhibition
        category: receptor
        related: [bdnf-trkb]
        summary: Blocking NMDA receptors.
        """,
    "content/pathways/bdnf-trkb.yml": """\
        id: bdnf-trkb
        name: BDNF-TrkB signalling
        category: neurotrophic
        """,
    "content/claims/core.yml": """\
        - id: nmdar-main-route
          statement: NMDA receptor block is the main route of ketamine's antidepressant effect.
          compounds: [ketamine, arketamine]
          pathways: [nmdar-inhibition]
          evidence:
            - stance: supports
              finding: A single infusion relieved depression within hours.
              model: {species: human, paradigm: MDD trial}
              type: clinical
              citations: [berman2000]
              compounds: [ketamine]
            - stance: contradicts
              finding: The R-enantiomer acted without an NMDA-like imaging signature.
              model: {species: rat, paradigm: fMRI}
              type: review
              locator: Fig. 1
              citations: [wei2021]
              compounds: [arketamine, ketamine]
        - id: trkb-needed
          statement: TrkB signalling is needed for the effect of arketamine.
          compounds: [arketamine]
          pathways: [bdnf-trkb, nmdar-inhibition]
          evidence:
            - stance: supports
              finding: A TrkB antagonist blocked the effect in stressed mice.
              model: {species: mouse, paradigm: CSDS}
              type: in-vivo
              citations: [wei2021, berman2000]
              pathways: [bdnf-trkb]
        """,
    "references.bib": """\
        @article{berman2000,
          author = {Berman, Robert M. and Cappiello, Angela and Anand, Amit},
          title = {Antidepressant effects of ketamine in depressed patients},
          journal = {Biological Psychiatry},
          year = {2000},
          volume = {47},
          number = {4},
          pages = {351--354},
          doi = {10.1016/S0006-3223(99)00230-9},
          pmid = {10686270},
        }

        @article{wei2021,
          author = {Wei, Yan and Chang, Lijia and Hashimoto, Kenji},
          title = {Molecular mechanisms underlying the antidepressant actions of arketamine: beyond the {NMDA} receptor},
          journal = {Molecular Psychiatry},
          year = {2021},
          doi = {10.1038/s41380-021-01121-1},
        }
        """,
}


# One valid claim on the tiny project's compounds, pathways and references, for
# tests that break it in one place at a time.
CLAIM = """\
- id: c1
  statement: A statement long enough to read.
  compounds: [arketamine]
  pathways: [bdnf-trkb]
  evidence:
    - stance: supports
      finding: Something was found.
      model: {species: mouse, paradigm: CSDS}
      type: in-vivo
      citations: [wei2021]
"""


@dataclass
class Project:
    """A project folder on disk with helpers to edit, check and build it."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text("utf-8")

    def check(self, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        code = main(["check", "-f", str(self.config), *args])
        out, err = capsys.readouterr()
        return code, out, err

    def build(self, strict: bool = True, site: str = "site") -> Path:
        return build_site(self.config, self.root / site, strict=strict)


def write_project(
    root: Path, files: Mapping[str, str] = TINY, directory_urls: bool = True
) -> Project:
    """Write ``files`` and an mkdocs.yml into ``root``."""
    project = Project(root)
    project.write(
        "mkdocs.yml",
        MKDOCS_YML.format(directory_urls=str(directory_urls).lower(), options=FIXTURE_OPTIONS),
    )
    for rel, text in files.items():
        project.write(rel, text)
    return project


def pytest_configure(config: pytest.Config) -> None:
    """Keep evmap's persistent cache of this test run out of the user's cache folder."""
    if "EVMAP_CACHE_DIR" not in os.environ:
        os.environ["EVMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="evmap-test-cache-")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The tiny project, valid as written."""
    return write_project(tmp_path / "tiny")


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project built once per test process (strictly), for read-only tests."""
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("shipped") / "site", strict=True)


@pytest.fixture(scope="session")
def tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project built once for all read-only HTML tests."""
    project = write_project(tmp_path_factory.mktemp("tiny-site"))
    return project.build()


def soup(path: Path) -> BeautifulSoup:
    """Parse a built HTML page."""
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def article(path: Path) -> BeautifulSoup:
    """The main content of a built Material page."""
    found = soup(path).select_one("article.md-content__inner")
    assert found is not None, f"no article in {path}"
    return found


SoupOf = Callable[[Path], BeautifulSoup]


@contextmanager
def serving(
    config_file: Path, site: Path, dirty: bool = False
) -> Iterator[Callable[[], EvidenceMapPlugin]]:
    """Rebuild as `mkdocs serve` does: configuration read again, plugin instances kept
    (``dirty``: as `evmap serve` and `mkdocs serve --dirty` do, keeping the site folder)."""
    with fresh_plugins():
        first = load_config(str(config_file), site_dir=str(site))
        first.plugins.on_startup(command="serve", dirty=dirty)

        def rebuild() -> EvidenceMapPlugin:
            config = load_config(str(config_file), site_dir=str(site))
            build(config, dirty=dirty)
            plugin = config.plugins["evmap"]
            assert isinstance(plugin, EvidenceMapPlugin)
            return plugin

        try:
            yield rebuild
        finally:
            first.plugins.on_shutdown()
