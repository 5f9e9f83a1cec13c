"""The pre-build for builders without evmap's plugin: Zensical, or any MkDocs-compatible one.

``evmap generate`` writes what a builder reads as an ordinary project::

    generated/              the complete docs folder: the hand-written pages, their
                            [@key] citations resolved; every generated page as
                            Markdown (front matter, then its HTML body); evmap's
                            assets, the citation-preview data and the downloads
    mkdocs.generated.yml    the project's mkdocs.yml, derived: docs_dir is generated/,
                            the evmap plugin is gone, evmap's stylesheet and scripts
                            are listed, a nav when the project has none

and then ``zensical build -f mkdocs.generated.yml`` builds the site into the
project's site_dir. The derived configuration sits beside mkdocs.yml, so every
relative path in it (site_dir, theme.custom_dir, hooks) still leads where it led,
and Zensical, which wants docs_dir and site_dir inside the folder of its
configuration, accepts it. Nothing here imports a builder, so it runs where only
Zensical is installed. The project's own files are only read; the folder is
written into a staging folder beside it and swapped in whole once every page is
written (a failure leaves the last one as it was).

Links inside generated pages come in two styles (:class:`LinkStyle`): ``source``,
hrefs naming the target's Markdown file relative to the linking file, which Zensical
turns into page URLs and checks like Markdown links; and ``url``, hrefs already
relative to the built page, for builders that leave raw HTML alone (MkDocs 1.x,
ProperDocs).
"""

from __future__ import annotations

import enum
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from evmap.adapters.derived_config import (
    derive_config,
    derived_config_path,
    dump_config,
    read_config,
)
from evmap.adapters.generated_pages import (
    SEARCH_WORDS,
    UNSEARCHED,
    add_meta,
    default_nav,
    generated_page,
    search_words,
    unsearched_sections,
)
from evmap.adapters.output import (
    MARKER,
    Made,
    OutputRefused,
    check_file_target,
    check_target,
    mark,
    output_lock,
    remove_stale,
    staging_folder,
    swap_in,
)
from evmap.core.bibtex import FormatError
from evmap.core.config import Settings, load_settings
from evmap.core.gitinfo import SourceHistory
from evmap.core.problems import ContentError, FailedWithProblems
from evmap.site.assets import ASSETS
from evmap.site.csl_json import project_store
from evmap.site.history import read_site_history
from evmap.site.incremental import page_inputs
from evmap.site.linked_data import map_info
from evmap.site.prepare import PagesClash, SitePlan, prepare_site
from evmap.site.render import (
    PreflightError,
    Renderer,
    make_environment,
    template_error,
    template_file,
)
from evmap.site.urls import SECTION, Urls

__all__ = [
    "BUSY",
    "DEFAULT_OUT",
    "MARKER",
    "SEARCH_WORDS",
    "UNSEARCHED",
    "GenerateFailed",
    "Generated",
    "LinkStyle",
    "SourceUrls",
    "add_meta",
    "derive_config",
    "derived_config_path",
    "generate",
    "search_words",
    "unsearched_sections",
]

DEFAULT_OUT = "generated"
"""The docs folder written by default, beside mkdocs.yml."""
BUSY = (
    "evmap: another evmap generate is writing {target} (it holds {lock}); wait for it to "
    "finish, or generate into another folder with -o"
)
"""The message when another ``evmap generate`` holds the lock of the same folder."""
HEADER = "# Written by `evmap generate` from {source}: do not edit; run `evmap generate` again.\n"
"""The first line of a derived configuration (only a file starting so is overwritten)."""


class LinkStyle(enum.StrEnum):
    """How generated pages link to each other, to downloads and to assets."""

    SOURCE = "source"
    """The target's Markdown file (``../compounds/ketamine.md#about``), relative to the
    linking file: the builder resolves and checks it (Zensical does, in raw HTML too)."""
    URL = "url"
    """The target's URL relative to the built page (``../../compounds/ketamine/``), as the
    MkDocs plugin writes: for builders that copy raw HTML unchanged (MkDocs, ProperDocs)."""


@dataclass(frozen=True)
class SourceUrls(Urls):
    """Hrefs that name Markdown files: a page's "URL" is its source path.

    ``root`` leads from a page's file back to the docs folder, so ``root + url(src)``
    is the target's file relative to the linking one; the builder maps it to the
    target page's URL (and reports it when no such page exists).
    """

    directory_urls: bool = False

    def url(self, src: str) -> str:
        """The source path itself."""
        return src

    def root(self, src: str) -> str:
        """Relative prefix from the folder of ``src`` to the docs folder."""
        return "../" * src.count("/")


class GenerateFailed(FailedWithProblems):
    """Nothing was generated; the message says why, the last generated folder is intact."""


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote.

    Attributes:
        out_dir: The docs folder written.
        config_file: The derived configuration beside mkdocs.yml, for the builder's ``-f``.
        generated: Generated pages written (home, indexes, views, entity pages).
        written: Hand-written pages copied.
        files: Every file written into the docs folder.
        unsearched: Sections too long for the builder's search, left out of it
            (``pathways/mglur5.md#claims``; see :data:`SEARCH_WORDS`).
    """

    out_dir: Path
    config_file: Path
    generated: int
    written: int
    files: int
    unsearched: tuple[str, ...] = ()


# -- the folder ----------------------------------------------------------------------


def check_targets(out_dir: Path, derived: Path, settings: Settings, site_dir: Path) -> Path:
    """Refuse to write anywhere but what ``evmap generate`` may replace; return the folder.

    The docs folder is replaced whole, so it must be a place for output that evmap
    made (or a new one); the builder empties the site folder, so it must be one too
    (:func:`evmap.adapters.output.check_target`); and the derived configuration
    replaces only a file that ``evmap generate`` wrote.

    Raises:
        GenerateFailed: naming the folder or file and the rule it breaks.
    """
    derived_too = {"the derived configuration": derived.resolve()}
    try:
        out = check_target(
            out_dir,
            settings,
            what="the generated docs folder",
            fix=f"choose another folder with -o, e.g. -o {DEFAULT_OUT}",
            also={"the site folder": site_dir.resolve(), **derived_too},
        )
        check_target(
            site_dir,
            settings,
            what="the site (the builder empties its folder)",
            fix="choose another folder with -d, e.g. -d site",
            also={"the generated docs folder": out, **derived_too},
        )
        check_file_target(
            derived, settings, what="the derived configuration", fix="move mkdocs.yml's folder"
        )
    except OutputRefused as exc:
        raise GenerateFailed(str(exc)) from None
    if derived.exists():
        try:
            with derived.open(encoding="utf-8") as file:
                ours = file.readline().startswith(HEADER.split("{", 1)[0])
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise GenerateFailed(
                f"evmap: cannot write {derived}: the file exists and was not written by evmap "
                "generate; move it away (evmap generate writes its derived configuration there)"
            )
    return out


class _Writer:
    """Writes files below the staging docs folder, counting them."""

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.count = 0

    def write(self, path: str, content: str | bytes) -> None:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8", newline="\n")
        self.count += 1

    def copy(self, path: str, source: Path) -> None:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.count += 1


def _written_files(docs_dir: Path | None) -> list[str]:
    """Every file of the hand-written docs folder, docs-relative, in name order."""
    if docs_dir is None or not docs_dir.is_dir():
        return []
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file())


def _template_failure(exc: jinja2.TemplateError, page: str, settings: Settings) -> GenerateFailed:
    path, line, message = template_error(exc, settings.template_dirs)
    during = f" while rendering {page}" if page else ""
    return GenerateFailed(
        f"evmap: {settings.relative(Path(path))}:{line}: template error{during}: {message}; "
        "fix the template"
    )


def generate(
    config_file: Path,
    out_dir: Path | None = None,
    *,
    site_dir: Path | None = None,
    strict: bool = False,
    links: LinkStyle = LinkStyle.SOURCE,
) -> Generated:
    """Write the complete docs folder of a project and the configuration that builds it.

    Args:
        config_file: The project's mkdocs.yml (only read).
        out_dir: The docs folder to write (default: ``generated`` beside mkdocs.yml);
            replaced whole, so it must be one this function wrote, or new.
        site_dir: Where the derived configuration sends the builder's site
            (default: the project's ``site_dir``).
        strict: Fail on validation warnings too.
        links: How generated pages link (see :class:`LinkStyle`).

    Returns:
        What was written: the folder and ``mkdocs.generated.yml`` beside mkdocs.yml.

    Raises:
        ConfigError: when mkdocs.yml or the evmap options are unusable.
        GenerateFailed: on input problems (every one with its path and line), a
            template error (template and line), a file of docs_dir at the path of
            a generated one, an unsafe output folder, or a file-system failure.
    """
    settings = load_settings(config_file)
    project_dir = settings.root
    original = read_config(config_file)
    out = (out_dir if out_dir is not None else project_dir / DEFAULT_OUT).resolve()
    derived = derived_config_path(config_file.resolve())
    site = (site_dir or settings.site_dir or project_dir / "site").resolve()
    out = check_targets(out, derived, settings, site)
    written = _written_files(settings.docs_dir)
    renderer, plan = _prepare(settings, original, links, strict, written)
    config = derive_config(
        original,
        Path(os.path.relpath(out, project_dir)).as_posix(),
        default_nav(plan.pages, sorted(renderer.docs)),
        [f"/{folder}/" for folder in sorted(SECTION.values())],
        Path(os.path.relpath(site, project_dir)).as_posix() if site_dir is not None else None,
    )
    header = HEADER.format(source=config_file.name)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out, BUSY):
            remove_stale(out)
            staging = staging_folder(out)
            pending = derived.with_name(f".{derived.name}.tmp")
            try:
                writer = _Writer(staging)
                unsearched = _write_docs(writer, settings, renderer, plan, written)
                mark(staging, Made.GENERATED)
                pending.write_text(dump_config(config, header), "utf-8")
                swap_in(staging, out)
                pending.replace(derived)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                pending.unlink(missing_ok=True)
    except OutputRefused as exc:
        raise GenerateFailed(str(exc)) from None
    except OSError as exc:
        where = exc.filename or out
        raise GenerateFailed(
            f"evmap: cannot write {out}: {exc.strerror or type(exc).__name__} ({where}); check "
            "that the folder and its parent are writable, or pass -o to generate elsewhere"
        ) from None
    return Generated(
        out, derived, len(plan.pages), len(renderer.docs), writer.count, tuple(unsearched)
    )


def _write_docs(
    writer: _Writer,
    settings: Settings,
    renderer: Renderer,
    plan: SitePlan,
    written: Sequence[str],
) -> list[str]:
    """Write the docs folder: generated pages, hand-written ones, assets and downloads.

    Returns the sections left out of the builder's search (see :data:`SEARCH_WORDS`).
    """
    docs_dir = settings.docs_dir
    docs_sources = {settings.relative(docs_dir / p) for p in renderer.docs} if docs_dir else set()
    inputs = {spec.src: page_inputs(spec, renderer.map) for spec in plan.pages}
    history = SourceHistory.read(
        settings.root, docs_sources | {p for s in inputs.values() for p in s}
    )
    unsearched: list[str] = []
    for spec in plan.pages:
        try:
            body = renderer.render(spec)
        except jinja2.TemplateError as exc:
            raise _template_failure(exc, spec.src, settings) from None
        date = history.date(inputs[spec.src])
        if spec.kind not in UNSEARCHED:
            body, left_out = unsearched_sections(body)
            unsearched += [f"{spec.src}#{section}" for section in left_out]
        writer.write(spec.src, generated_page(spec, body, date, renderer.toc(spec)))
    _copy_written(writer, settings, written, renderer, history)
    for asset in ASSETS:
        writer.copy(asset, template_file(settings.template_dirs, asset))
    for path, content in plan.downloads.items():
        writer.write(path, content)
    return unsearched


def _prepare(
    settings: Settings,
    original: Mapping[str, Any],
    links: LinkStyle,
    strict: bool,
    written: Sequence[str],
) -> tuple[Renderer, SitePlan]:
    """The build sequence (:func:`evmap.site.prepare.prepare_site`), its failures as
    :class:`GenerateFailed`."""
    if links is LinkStyle.SOURCE:
        urls: Urls = SourceUrls()
    else:
        urls = Urls(original.get("use_directory_urls", True) is not False)
    repo_url = original.get("repo_url")
    info = map_info(
        settings,
        str(original.get("site_name") or ""),
        str(original.get("site_description") or ""),
        str(original.get("site_url") or ""),
    )
    try:
        site = prepare_site(
            settings,
            env=make_environment(settings.template_dirs, settings.sandboxed),
            urls=urls,
            info=info,
            csl=project_store(settings.root),
            history=lambda evidence_map: read_site_history(
                settings, evidence_map, repo_url if isinstance(repo_url, str) else None
            ),
            strict=strict,
        )
        plan = site.lay_out(written, [p for p in written if p.endswith(".md")], reserved=[MARKER])
    except ContentError as exc:
        raise GenerateFailed(exc.report(), exc.problems) from None
    except FormatError as exc:
        raise GenerateFailed(f"evmap: {exc}") from None
    except PagesClash as exc:
        docs = settings.relative(settings.docs_dir or settings.root)
        raise GenerateFailed(exc.message(docs)) from None
    except PreflightError as exc:
        raise _template_failure(exc.error, exc.page, settings) from None
    return site.renderer, plan


def _copy_written(
    writer: _Writer,
    settings: Settings,
    written: Sequence[str],
    renderer: Renderer,
    history: SourceHistory,
) -> None:
    """Copy the hand-written docs; Markdown pages get their citations and last-changed date."""
    docs_dir = settings.docs_dir
    if docs_dir is None:
        return
    for path in written:
        source = docs_dir / path
        if not path.endswith(".md"):
            writer.copy(path, source)
            continue
        markdown = source.read_text("utf-8-sig")
        if "@" in markdown:
            markdown = renderer.cite(markdown, path)
        date = history.date([settings.relative(source)])
        if date is not None:
            markdown = add_meta(markdown, "revision_date", date)
        writer.write(path, markdown)
