"""The MkDocs plugin: wiring only. Every step calls the core.

``on_config`` loads and validates (nothing is written if that fails),
``on_files`` adds one virtual page per pathway, compound and reference plus the
home and index pages, ``on_page_content`` puts the core's rendered HTML in
place, and ``on_serve`` watches the content, library and templates.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from evmap.adapters.generated_pages import default_nav
from evmap.adapters.output import Made, OutputRefused, check_target, mark
from evmap.adapters.rewrites import Rewrites, nav_key
from evmap.adapters.shell import (
    SHELL_TEMPLATE,
    TOC_TEMPLATE,
    MemoryBytecodeCache,
    PageShells,
    stub_markdown_render,
)
from evmap.core.bibtex import FormatError
from evmap.core.config import (
    OPTIONS,
    ConfigError,
    Settings,
    placeholder_reason,
    settings_from_options,
)
from evmap.core.gitinfo import (
    HistoryState,
    SourceHistory,
    head_commit,
    repository_edit_uri,
    source_date_epoch,
)
from evmap.core.load import save_cache
from evmap.core.memo import Memo
from evmap.core.problems import ADVISORY, ContentError, Severity
from evmap.site.assets import ASSETS, SCRIPTS, STYLESHEETS
from evmap.site.csl_json import CslStore, project_store
from evmap.site.export import ExportCache
from evmap.site.history import SiteHistory, read_site_history
from evmap.site.incremental import page_inputs
from evmap.site.linked_data import map_info
from evmap.site.prepare import PagesClash, PreparedSite, prepare_site
from evmap.site.progress import EVERY, Progress
from evmap.site.render import (
    OWN_SEARCH_KINDS,
    PreflightError,
    Renderer,
    make_environment,
    template_error,
    template_file,
    template_files,
)
from evmap.site.search import SEARCH_WORKER, write_search
from evmap.site.urls import PageSpec, Urls

__all__ = [
    "PROGRESS_EVERY",
    "EvidenceMapConfig",
    "EvidenceMapPlugin",
]

log = get_plugin_logger(__name__)
# Long builds say how far they are every this many pages (INFO: `mkdocs build`
# shows it; `evmap build` prints it on stderr).
PROGRESS_EVERY = EVERY


class _Checked(base.BaseConfigOption[Any]):
    """An option taken as written (None when absent):
    :func:`evmap.core.config.settings_from_options` checks it and applies its default,
    as ``evmap check`` does, so the builder and the checker never disagree."""

    def __init__(self) -> None:
        super().__init__()
        self.default = None

    def run_validation(self, value: object) -> Any:
        return value


# The plugin's options, declared from the one table of them in the core (OPTIONS).
EvidenceMapConfig: type[base.Config] = type(
    "EvidenceMapConfig",
    (base.Config,),
    {
        "__doc__": "Options of the ``evmap`` plugin in ``mkdocs.yml`` (see ``OPTIONS``).",
        **{option.name: _Checked() for option in OPTIONS},
    },
)


class EvidenceMapPlugin(BasePlugin[EvidenceMapConfig]):  # type: ignore[valid-type]
    """Generates the evidence-map pages of a MkDocs site."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.site: PreparedSite | None = None
        self.renderer: Renderer | None = None
        self.previous: Renderer | None = None
        self.pages: dict[str, PageSpec] = {}
        self.history = SourceHistory()
        self.history_key: tuple[object, ...] | None = None
        # Provenance of claims from git, read once per build (see evmap.site.history).
        self.site_history: SiteHistory | None = None
        # Page footers name the map's version; the offline bundle writes its own footer.
        self.version_footer = True
        self.shells: PageShells | None = None
        self.written = 0
        self.progress = Progress(0)
        self.env: jinja2.Environment | None = None
        self.env_dirs: tuple[tuple[Path, ...], bool] = ((), False)
        self.serving = False
        # Serving: what each file was written from, so that a dirty rebuild writes only
        # the files that change (see evmap.adapters.rewrites).
        self.rewrites = Rewrites()
        self.exports = ExportCache()  # each claim's part of the downloads, while serving
        self.csl: CslStore | None = None  # CSL-JSON items, kept while serving
        self.csl_root: Path | None = None
        self.files: Files | None = None
        self.nav: Navigation | None = None
        self.preflighted: object = None
        self.theme_bytecode = MemoryBytecodeCache()
        # What this plugin's checks parsed: kept across `mkdocs serve` rebuilds;
        # `evmap build` hands over the memo of its own check (see adapters.build).
        self.memo = Memo()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps one plugin instance across ``mkdocs serve`` rebuilds.

        Serving, each rebuild re-renders only the entity pages an edit can change
        (see :mod:`evmap.site.incremental`) and reuses the theme's compiled templates;
        serving with dirty builds (``evmap serve``, ``mkdocs serve --dirty``) also
        writes only the files that change (:mod:`evmap.adapters.rewrites`).
        """
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        """Serving, what rebuilds parsed goes to the parse cache when the server stops."""
        if self.settings is not None:
            save_cache(self.settings, self.memo)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and validate everything before MkDocs writes anything."""
        root = Path(config.config_file_path).parent.resolve()
        try:
            options: dict[str, Any] = dict(self.config)
            self.settings = settings_from_options(
                root,
                {k: v for k, v in options.items() if v is not None},
                config.docs_dir,
                config.site_dir,
                Path(config.config_file_path).resolve(),
                {"site_url": config.site_url, "repo_url": config.repo_url},
            )
        except ConfigError as exc:
            raise PluginError(f"evmap: {exc}") from None
        if config.repo_url and placeholder_reason(config.repo_url) is not None:
            # No repository link, edit links or facts fetched from a repository that is
            # not there (the check warns about it): Material would ask GitHub's API.
            config.repo_url = None
            config.edit_uri = None
        self._add_theme_dirs(config)
        self.previous = self.renderer if self.serving else None
        self.site = self._prepare(config, self.settings)
        self.renderer = self.site.renderer
        if not self.serving:
            # A one-shot build keeps the map, MkDocs' files and the theme to the end:
            # the collector need not scan them for every page (see on_post_build).
            gc.freeze()
        for asset in STYLESHEETS:
            if asset not in config.extra_css:
                config.extra_css.append(asset)
        for script in SCRIPTS:
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        return config

    def _prepare(self, config: MkDocsConfig, settings: Settings) -> PreparedSite:
        """The build sequence's first steps (:func:`evmap.site.prepare.prepare_site`); what
        the check found is logged, a failure fails the build."""
        dirs = settings.template_dirs
        # One environment per set of template folders for the plugin's life: `mkdocs
        # serve` rebuilds then reuse compiled templates (Jinja still reloads edited ones).
        if self.env is None or self.env_dirs != (dirs, settings.sandboxed):
            self.env = make_environment(dirs, settings.sandboxed)
            self.env_dirs = (dirs, settings.sandboxed)
        if self.csl is None or self.csl_root != settings.root:
            self.csl, self.csl_root = project_store(settings.root), settings.root
        info = map_info(
            settings, config.site_name, config.site_description or "", config.site_url or ""
        )
        try:
            site = prepare_site(
                settings,
                env=self.env,
                urls=Urls(bool(config.use_directory_urls)),
                info=info,
                csl=self.csl,
                history=lambda evidence_map: self._read_site_history(evidence_map, config),
                strict=bool(config.strict),
                memo=self.memo,
                # Serving, the first build writes the parse cache like any check; later
                # rebuilds leave it to on_shutdown (a large map takes a while to write).
                persist=self.site is None or not self.serving,
                serving=self.serving,
            )
        except ContentError as exc:
            raise PluginError("evmap: the evidence map has errors:\n" + exc.report()) from None
        except FormatError as exc:
            raise PluginError(f"evmap: {exc}") from None
        for problem in site.problems:
            if problem.severity is Severity.WARNING:
                # Advice (a missing DOI) is said without failing a strict build.
                say = log.info if problem.check in ADVISORY else log.warning
                say(f"{problem.path}:{problem.line}: {problem.message}")
        return site

    def _add_theme_dirs(self, config: MkDocsConfig) -> None:
        """Theme overrides: the project's first, then evmap's own."""
        assert self.settings is not None
        if self.settings.page_shell:
            for folder in self.settings.template_dirs:
                theme_dir = str(folder / "theme")
                if (folder / "theme").is_dir() and theme_dir not in config.theme.dirs:
                    config.theme.dirs.append(theme_dir)

    def _read_site_history(self, evidence_map: Any, config: MkDocsConfig) -> SiteHistory:
        """Provenance of every claim (from git, once per build), kept for the next rebuild,
        and the footer's version."""
        assert self.settings is not None
        self.site_history = history = read_site_history(
            self.settings, evidence_map, config.repo_url, self.site_history, keep=self.serving
        )
        said = history.unavailable()
        if said:  # a shallow clone, in the build's output; outside git, with --verbose
            (log.info if history.provenance.state is HistoryState.SHALLOW else log.debug)(said)
        if self.version_footer:
            config.copyright = history.copyright(config.copyright)
        return history

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Refuse a site folder that is no place for output, and fail on a broken
        template, before MkDocs empties the site folder.

        MkDocs cleans ``site_dir`` right after this event: it must not be the project,
        a source folder or a folder evmap did not make
        (:func:`evmap.adapters.output.check_target`), and is marked as evmap's. Every
        template is compiled and one page of each kind rendered first, so ``mkdocs
        build`` with a broken template leaves the last site as it was (``evmap build``
        always does).
        """
        assert self.renderer is not None and self.settings is not None
        site = Path(config.site_dir)
        try:
            check_target(site, self.settings, what="the site", fix="set another site_dir")
        except OutputRefused as exc:
            raise PluginError(str(exc)) from None
        self.renderer.urls = Urls(bool(config.use_directory_urls))
        # Serving, the templates were tried when they last changed (rendering the views
        # once more costs a good part of a rebuild).
        tried = (self.renderer.stamp, self.renderer.urls) if self.serving else None
        assert self.site is not None
        if tried is not None and tried == self.preflighted:
            self.site.tried()
            return
        try:
            self.site.try_templates()
        except PreflightError as exc:
            raise self._template_failure(exc.error, exc.page) from None
        self.preflighted = tried
        site.mkdir(parents=True, exist_ok=True)
        mark(site, Made.SITE)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add the generated pages and assets as virtual files."""
        assert self.renderer is not None and self.settings is not None
        # Plugins listed after this one (Material's offline plugin) may have turned
        # directory URLs off in their on_config: read the setting as it ends up.
        self.renderer.urls = Urls(bool(config.use_directory_urls))
        assert self.site is not None
        try:
            plan = self.site.lay_out(
                {f.src_uri for f in files},
                [f.src_uri for f in files.documentation_pages()],
                exports=self.exports if self.serving else None,
            )
        except PagesClash as exc:
            raise PluginError(exc.message(config.docs_dir)) from None
        except PreflightError as exc:
            raise self._template_failure(exc.error, exc.page) from None
        self.pages = {}
        for spec in plan.pages:
            inclusion = InclusionLevel.NOT_IN_NAV if spec.subject else InclusionLevel.UNDEFINED
            files.append(File.generated(config, spec.src, content="", inclusion=inclusion))
            self.pages[spec.src] = spec
        for asset in ASSETS:
            source = template_file(self.settings.template_dirs, asset)
            files.append(File.generated(config, asset, abs_src_path=str(source)))
        for path, content in plan.downloads.items():
            files.append(File.generated(config, path, content=content))
        if self.previous is not None:
            reused = self.renderer.adopt(self.previous)
            log.debug(f"{reused} of {len(self.pages)} generated pages unchanged since last build")
            self.previous = None
        if config.nav is None:
            docs = [f.src_uri for f in files.documentation_pages() if f.src_uri not in self.pages]
            config.nav = default_nav(list(self.pages.values()), docs)
        self.history = self._read_history(files, config)
        self.files = files
        if self.serving:
            self.rewrites.start(config, files, self._entity_key, lambda: self._common_key(config))
        return files

    def _entity_key(self, file: File) -> tuple[object, bool] | None:
        """What an entity page's output is made of besides what every page shows (its
        spec: title, source, kind; the body follows from the map), and whether its body
        is rendered again in this build (see Renderer.adopt)."""
        spec = self.pages.get(file.src_uri)
        if spec is None or not spec.subject:
            return None
        assert self.renderer is not None
        if self.renderer.has_body(spec):
            return spec, False
        try:
            # Rendered now rather than when written: a page the edit did not change in
            # the end (a claim shown there only as a link) is not written again.
            return spec, not self.renderer.unchanged(spec)
        except jinja2.TemplateError as exc:
            raise self._template_failure(exc, spec.src) from None

    def _common_key(self, config: MkDocsConfig) -> object:
        """What every page shows: navigation, configuration, theme templates, history.

        (Page templates change bodies, which are compared themselves.)
        """
        assert self.renderer is not None and self.settings is not None
        theme = {
            name: path.read_bytes()
            for name, path in template_files(self.settings.template_dirs).items()
            if name.startswith("theme/")
        }
        try:
            config_bytes = Path(config.config_file_path).read_bytes()
        except OSError:
            config_bytes = b""
        return (
            nav_key(self.nav),
            config_bytes,
            repr(config.theme),
            repr(config.extra_css),
            repr([str(s) for s in config.extra_javascript]),
            theme,
            self.renderer.docs,
            self.renderer.urls,
            self.history,
            config.copyright,  # the footer names the version, "-dirty" after an edit
        )

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep the navigation: serving, a change to it (a title) rewrites every page."""
        self.nav = nav
        return nav

    def _read_history(self, files: Files, config: MkDocsConfig) -> SourceHistory:
        """Commit times of every source file (one ``git log``) and the edit URI of the root."""
        assert self.renderer is not None and self.settings is not None
        docs = {self.settings.relative(Path(path)) for path in _written_pages(files)}
        sources = {p for spec in self.pages.values() for p in page_inputs(spec, self.renderer.map)}
        edit_uri = self.settings.edit_uri
        if edit_uri is None:
            docs_dir = self.settings.relative(Path(config.docs_dir))
            edit_uri = repository_edit_uri(config.edit_uri, docs_dir)
        key: tuple[object, ...] | None = None
        if self.serving:
            # Serving, the history is read again only when a commit moved HEAD (a walk
            # through all of it for a file not yet committed costs each rebuild).
            head = head_commit(self.settings.root)
            key = (head, frozenset(docs | sources), config.repo_url, edit_uri, source_date_epoch())
            if head is not None and key == self.history_key:
                return self.history
        self.history_key = key
        return SourceHistory.read(
            self.settings.root, docs | sources, config.repo_url or None, edit_uri
        )

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Prepare page shells from the theme's own templates."""
        # Serving, pages whose table of contents is as in the last build reuse its HTML.
        tocs = self.shells.tocs if self.serving and self.shells is not None else None
        self.rewrites.reading_done()
        self.shells = None
        self.written = 0
        if self.serving:
            # MkDocs makes a new theme environment per build: keep its compiled templates.
            env.bytecode_cache = self.theme_bytecode
        work = sum(map(self.renderer.work, self.pages.values())) if self.renderer else None
        self.progress = Progress(len(self.pages), PROGRESS_EVERY, work=work)
        if self.progress.reports:
            log.info(f"writing {len(self.pages)} generated pages")
        if self.settings is not None and self.settings.page_shell:
            try:
                env.get_template(TOC_TEMPLATE)
                # As the theme includes it: with its `lang` macros imported.
                toc: jinja2.Template | None = env.from_string(
                    '{% import "partials/language.html" as lang with context %}'
                    f'{{% include "{TOC_TEMPLATE}" %}}'
                )
            except jinja2.TemplateNotFound:
                toc = None
            self.shells = PageShells(
                env.get_template("main.html"), toc, keep_tocs=self.serving, reuse=tocs
            )
        return env

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Give generated pages their title (their body comes in ``on_page_content``);
        turn the ``[@key]`` citations of hand-written pages into links and a reference list."""
        spec = self.pages.get(page.file.src_uri)
        if spec is None and self.renderer is not None and "@" in markdown:
            markdown = self.renderer.cite(markdown, page.file.src_uri)
        if spec is not None:
            # MkDocs theme templates do not autoescape: the title must arrive escaped.
            page.meta["title"] = str(escape(spec.title))
            if spec.hide:
                page.meta["hide"] = list(spec.hide)
            if (
                spec.subject
                and self.settings is not None
                and self.settings.page_shell
                and self.renderer is not None
            ):
                page.meta["template"] = SHELL_TEMPLATE
                stub_markdown_render(page, self.renderer.anchors(spec))
            if spec.kind in OWN_SEARCH_KINDS:
                # Entity and view pages get compact search entries of our own
                # (on_post_build) instead of Material parsing every page's HTML.
                page.meta["search"] = {"exclude": True}
            page.edit_url = self.history.edit_url(spec.source_path) or page.edit_url
        date = self.history.date(self._page_sources(page, spec))
        if date is not None:
            page.meta.setdefault("revision_date", date)  # shown by Material's source-file
        return markdown

    def _page_sources(self, page: Page, spec: PageSpec | None) -> set[str]:
        """The files a page is made from, project-relative."""
        if spec is not None and self.renderer is not None:
            return page_inputs(spec, self.renderer.map)
        if page.file.abs_src_path and self.settings is not None:
            return {self.settings.relative(Path(page.file.abs_src_path))}
        return set()

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace a generated page's body with the core's rendering."""
        spec = self.pages.get(page.file.src_uri)
        if spec is None or self.renderer is None:
            return html
        if page.meta.get("template") == SHELL_TEMPLATE:
            return ""  # rendered in on_page_context, when the page is written
        page.toc = get_toc(self.renderer.toc(spec))  # type: ignore[arg-type]
        page.present_anchor_ids = self.renderer.anchors(spec)  # for MkDocs' link checks
        return self._render(spec)

    def _render(self, spec: PageSpec) -> str:
        """A generated page's body; a template error names its template and line."""
        assert self.renderer is not None and self.settings is not None
        try:
            return self.renderer.render(spec)
        except jinja2.TemplateError as exc:
            raise self._template_failure(exc, spec.src) from None

    def _template_failure(self, exc: jinja2.TemplateError, page: str) -> PluginError:
        """The build error of a template error: template, line, and the page if any."""
        assert self.settings is not None
        path, line, message = template_error(exc, self.settings.template_dirs)
        where = self.settings.relative(Path(path))
        during = f" while rendering {page}" if page else ""
        return PluginError(
            f"evmap: {where}:{line}: template error{during}: {message}; fix the template"
        )

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Assemble a shell page: our body in the theme's chrome, rendered just in time.

        Rendering here, page by page, keeps only one page's HTML in memory at a time.
        """
        self.rewrites.built(page)
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return context
        self.written += 1
        line = self.progress.step(self.renderer.work(spec) if self.renderer else 1)
        if line is not None:
            log.info(line)
        if page.meta.get("template") != SHELL_TEMPLATE:
            return context
        assert self.renderer is not None and self.shells is not None
        toc = get_toc(self.renderer.toc(spec))  # type: ignore[arg-type]
        context["evmap_page_html"] = self.shells.render(  # type: ignore[typeddict-unknown-key]
            dict(context), page, self._render(spec), toc
        )
        page.content = ""
        return context

    @event_priority(-50)  # after the search plugin writes its index, before `offline` copies it
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Add the entity pages' entries to the search index (and unfreeze, see on_config)."""
        gc.unfreeze()
        if self.serving and self.files is not None:
            removed = self.rewrites.finish(self.files)
            log.debug(
                f"{len(self.rewrites.written)} files written, {self.rewrites.kept} unchanged, "
                f"{len(removed)} removed"
            )
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self.renderer is None or not index.is_file():
            return
        data = json.loads(index.read_text("utf-8"))
        if self.serving and self.files is not None:
            # A dirty build's index holds the entries of the pages it rendered again.
            data["docs"] = self.rewrites.search_entries(
                data["docs"], self.files.documentation_pages()
            )
        for spec in self.pages.values():
            data["docs"].extend(self.renderer.search_entries(spec))
        # The index split into shards a query loads on demand, read by evmap's worker
        # in place of Material's (which loads the whole index at the first search).
        assert self.settings is not None
        worker = template_file(self.settings.template_dirs, SEARCH_WORKER).read_text("utf-8")
        if write_search(Path(config.site_dir), data, worker) is None:
            index.write_text(json.dumps(data, separators=(",", ":")), "utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        """Give what the build held back to the collector (see on_config)."""
        gc.unfreeze()
        self.rewrites.forget()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild when content, the library or the templates change."""
        if self.settings is not None:
            for path in (
                self.settings.content_dir,
                *(self.settings.bibtex_paths or (self.settings.bibtex_file,)),
                *((self.settings.csl,) if self.settings.csl else ()),
                self.settings.templates_dir,  # the project's overrides (evmap's own are fixed)
            ):
                if path.exists():
                    server.watch(str(path))
        return server


def _written_pages(files: Files) -> list[str]:
    """Paths of the hand-written pages (files on disk, not generated)."""
    paths = []
    for file in files.documentation_pages():
        if file.abs_src_path and not file.generated_by:
            paths.append(file.abs_src_path)
    return paths
