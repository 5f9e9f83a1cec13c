"""The one build sequence every adapter runs, whatever builder writes the pages.

:func:`prepare_site` checks the project and formats its references, then makes the
renderer; :meth:`PreparedSite.lay_out` plans the pages and the downloads, refuses a
hand-written file at the path of a generated one, and tries every template before
anything is written. The MkDocs plugin runs these steps across the builder's events,
``evmap generate`` in one go; each adds only what its builder needs (MkDocs' files,
or a folder written and swapped in). Nothing here imports a builder.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import jinja2

from evmap.core.config import Settings
from evmap.core.errors import EvmapError
from evmap.core.memo import Memo
from evmap.core.model import EvidenceMap
from evmap.core.pipeline import check, format_map_references
from evmap.core.problems import Problem
from evmap.site.assets import ASSETS
from evmap.site.csl_json import CslStore
from evmap.site.export import ExportCache
from evmap.site.history import SiteHistory
from evmap.site.linked_data import MapInfo
from evmap.site.render import Renderer, templates_stamp
from evmap.site.urls import PageSpec, Urls

__all__ = ["PagesClash", "PreparedSite", "SitePlan", "prepare_site"]


class PagesClash(EvmapError):
    """Files of the hand-written docs folder sit where generated pages or files go.

    Attributes:
        paths: The clashing paths, docs-relative, in name order.
    """

    def __init__(self, paths: Collection[str]) -> None:
        self.paths = tuple(sorted(paths))
        super().__init__(", ".join(self.paths))

    def message(self, docs_dir: object) -> str:
        """The build's error, naming the hand-written docs folder as the builder knows it."""
        return (
            "evmap: these pages are generated from the content and must not exist in "
            f"{docs_dir}: " + ", ".join(self.paths)
        )


@dataclass(frozen=True)
class SitePlan:
    """What a build writes besides the hand-written pages.

    Attributes:
        pages: Every generated page, in a stable order (home, indexes, views, entities).
        downloads: The downloads and data files, by site-relative path.
    """

    pages: list[PageSpec]
    downloads: Mapping[str, str | bytes]


@dataclass
class PreparedSite:
    """A checked map, its references formatted, and the renderer of its pages.

    Attributes:
        settings: The project.
        problems: What the check found that does not fail the build (warnings).
        renderer: Renders every generated page.
    """

    settings: Settings
    problems: list[Problem]
    renderer: Renderer
    _tried: object = field(default=None, repr=False)

    @property
    def map(self) -> EvidenceMap:
        """The evidence map."""
        return self.renderer.map

    def try_templates(self) -> None:
        """Compile every template and render one page of each kind (once per set of URLs).

        Raises:
            PreflightError: the template error and the page it came from.
        """
        if self._tried == self.renderer.urls:
            return
        self.renderer.preflight()
        self._tried = self.renderer.urls

    def tried(self) -> None:
        """Take the templates as tried: serving, they are unchanged since a build tried them."""
        self._tried = self.renderer.urls

    def lay_out(
        self,
        taken: Collection[str],
        docs: Collection[str],
        *,
        reserved: Collection[str] = (),
        exports: ExportCache | None = None,
    ) -> SitePlan:
        """Plan the pages and downloads, refuse clashes, then try every template.

        Args:
            taken: Paths the builder already has (the hand-written docs folder's files).
            docs: The hand-written pages among them, to link (the certainty rule's page).
            reserved: Further paths the adapter writes itself.
            exports: Each claim's part of the downloads, kept while serving.

        Raises:
            PagesClash: naming every path of ``taken`` a generated file would replace.
            PreflightError: for a broken template.
        """
        renderer = self.renderer
        pages = renderer.plan()
        library = ", ".join(self.settings.relative(p) for p in self.settings.library_files())
        downloads = renderer.download_files(library, exports)
        ours = {*(spec.src for spec in pages), *ASSETS, *downloads, *reserved}
        clashes = ours.intersection(taken)
        if clashes:
            raise PagesClash(clashes)
        generated = {spec.src for spec in pages}
        renderer.docs = frozenset(doc for doc in docs if doc not in generated)
        self.try_templates()
        return SitePlan(pages, downloads)


def prepare_site(
    settings: Settings,
    *,
    env: jinja2.Environment,
    urls: Urls,
    info: MapInfo,
    csl: CslStore,
    history: Callable[[EvidenceMap], SiteHistory | None],
    strict: bool = False,
    memo: Memo | None = None,
    persist: bool = True,
    serving: bool = False,
) -> PreparedSite:
    """Check the project, format its references and make the renderer of its pages.

    Args:
        settings: The project.
        env: The Jinja environment of the project's templates.
        urls: How pages link to each other.
        info: What the exports say of the map (:func:`evmap.site.linked_data.map_info`).
        csl: Where CSL-JSON items are kept.
        history: Reads the provenance of the checked map's claims.
        strict: Fail on warnings too.
        memo: What earlier checks in this process parsed.
        persist: Write what was parsed to the persistent cache now.
        serving: Keep rendered bodies for the next rebuild, and stamp the templates.

    Raises:
        ContentError: with every problem that fails the build.
        FormatError: when a reference cannot be formatted.
    """
    result = check(settings, persist=persist, memo=memo).raise_errors(strict)
    format_map_references(settings, result.map)
    renderer = Renderer(
        result.map,
        env,
        urls,
        keep_bodies=serving,
        stamp=templates_stamp(settings.template_dirs) if serving else None,
        history=history(result.map),
        leave_out_drafts=settings.leave_out_drafts,
    )
    renderer.info = info
    renderer.csl = csl
    return PreparedSite(settings, result.problems, renderer)
