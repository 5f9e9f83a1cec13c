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
import html as html_module
import math
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import escape

from evmap.adapters.markdown_toc import NAME as TOC_EXTENSION
from evmap.adapters.markdown_toc import toc_comment
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
from evmap.core.config import ConfigError, Settings, load_settings, placeholder_reason
from evmap.core.gitinfo import SourceHistory
from evmap.core.pipeline import check, format_map_references
from evmap.core.problems import ContentError, FailedWithProblems
from evmap.site.assets import ASSETS, SCRIPTS, STYLESHEETS
from evmap.site.csl_json import project_store
from evmap.site.history import read_site_history
from evmap.site.incremental import page_inputs
from evmap.site.linked_data import map_info
from evmap.site.render import (
    PreflightError,
    Renderer,
    make_environment,
    template_error,
    template_file,
)
from evmap.site.urls import SECTION, PageSpec, Urls

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


def derived_config_path(config_file: Path) -> Path:
    """Where the derived configuration of ``config_file`` goes: ``mkdocs.generated.yml``."""
    return config_file.with_name(f"{config_file.stem}.generated{config_file.suffix or '.yml'}")


UNSEARCHED = frozenset({"matrix", "network", "reference-index"})
"""Pages the builder's search leaves out: one table, drawing or list of the whole map, whose
text grows with it (Zensical refuses a search section of more than 65,536 words, which a
map of 10,000 claims exceeds), and none of it missing elsewhere: every cell and node links
to the pages that search finds, every reference of the list has its own page."""


SEARCH_WORDS = 50_000
"""The most words one section of a generated page may give the builder's search.

Zensical 0.0.73 fails the whole build when one section of a page (the text between two
headings) has more than 65,536 words ("token positions") for its search index; a pathway
with about 380 claims has that many in its Claims section. A longer section is kept out of
search (``data-search-exclude``, which Zensical and Material honour), with a margin for
the difference between this count and Zensical's."""

_TAG = re.compile(r"<[^>]*>")
# Zensical's (and Material's) default search separator: what splits a text into words.
_SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
_SECTION = re.compile(r"<h2(?=[\s>])")


def search_words(html: str) -> int:
    """How many words the search index would take from ``html`` (its text, not its tags)."""
    return sum(1 for word in _SEPARATOR.split(html_module.unescape(_TAG.sub(" ", html))) if word)


def unsearched_sections(body: str, limit: int = SEARCH_WORDS) -> tuple[str, list[str]]:
    """``body`` with each ``<h2>`` section of more than ``limit`` words kept out of search.

    Returns the body and the ids of the sections left out. A section is measured only
    when its HTML is long enough to hold that many words (two characters each at least).
    """
    starts = [m.start() for m in _SECTION.finditer(body)]
    left_out: list[str] = []
    parts: list[str] = []
    done = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        section = body[start:end]
        if len(section) > 2 * limit and search_words(section) > limit:
            match = re.match(r'<h2[^>]*\bid="([^"]*)"', section)
            left_out.append(match.group(1) if match else "")
            parts.append(body[done:start] + "<h2 data-search-exclude" + section[3:])
            done = end
    return "".join(parts) + body[done:], left_out


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


# -- the project's configuration, read and written with its tags ----------------


@dataclass(frozen=True)
class Tagged:
    """A YAML value with an application tag (``!ENV``, ``!!python/name:...``), kept as written."""

    tag: str
    value: Any


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml keeping the tags builders resolve themselves."""


class _ConfigDumper(yaml.SafeDumper):
    """Writes a configuration read by :class:`_ConfigLoader`, tags included."""


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Several lines (not_in_nav, exclude_docs) read best as a literal block.
    style = "|" if "\n" in data.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ConfigDumper.add_representer(Tagged, _represent_tagged)
_ConfigDumper.add_representer(str, _represent_str)


def read_config(config_file: Path) -> dict[str, Any]:
    """The mapping of ``config_file``, application tags kept (see :class:`Tagged`).

    Raises:
        ConfigError: when it is not a YAML mapping (load_settings reported the rest).
    """
    try:
        data = yaml.load(config_file.read_bytes().decode("utf-8-sig"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_file}: cannot read it: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{config_file}: expected a mapping of settings, got {data!r}")
    return data


def _is_evmap(plugin: Any) -> bool:
    return plugin == "evmap" or (isinstance(plugin, dict) and "evmap" in plugin)


def _script_path(item: Any) -> str:
    return str(item.get("path", "")) if isinstance(item, dict) else str(item)


def derive_config(
    original: Mapping[str, Any],
    docs_dir: str,
    nav: list[Any] | None,
    not_in_nav: Sequence[str],
    site_dir: str | None = None,
) -> dict[str, Any]:
    """The configuration a builder reads beside the project's, evmap's part done.

    Args:
        original: The project's mkdocs.yml as read by :func:`read_config`.
        docs_dir: The generated docs folder, relative to mkdocs.yml.
        nav: The nav to use when the project sets none (None: keep the project's).
        not_in_nav: gitignore-style patterns of pages deliberately left out of the nav.
        site_dir: Where the builder writes the site, relative to mkdocs.yml
            (None: the project's site_dir).

    Returns:
        A new mapping, in the original's key order: ``docs_dir`` is the generated
        folder, the evmap plugin is removed (no builder other than MkDocs could run
        it, and its work is done), evmap's stylesheet, scripts and Markdown
        extension (:mod:`evmap.adapters.markdown_toc`) are listed, and
        ``edit_uri`` is dropped: builders derive each page's edit link from its
        path below docs_dir, which for a generated page is no file of the
        repository, and Zensical reads no per-page edit link.
    """
    config: dict[str, Any] = dict(original)
    repo = config.get("repo_url")
    if isinstance(repo, str) and placeholder_reason(repo) is not None:
        # No link to, or facts fetched from, a repository that is not there.
        config.pop("repo_url", None)
    config["docs_dir"] = docs_dir
    if site_dir is not None:
        config["site_dir"] = site_dir
    for key in ("edit_uri", "edit_uri_template"):
        config.pop(key, None)
    plugins = config.get("plugins")
    if isinstance(plugins, list):
        config["plugins"] = [p for p in plugins if not _is_evmap(p)]
    elif isinstance(plugins, dict):
        config["plugins"] = {k: v for k, v in plugins.items() if k != "evmap"}
    css = list(config.get("extra_css") or [])
    config["extra_css"] = css + [s for s in STYLESHEETS if s not in css]
    scripts = list(config.get("extra_javascript") or [])
    listed = {_script_path(s) for s in scripts}
    config["extra_javascript"] = scripts + [s for s in SCRIPTS if s not in listed]
    extensions = config.get("markdown_extensions")
    if isinstance(extensions, dict):
        config["markdown_extensions"] = {**extensions, TOC_EXTENSION: extensions.get(TOC_EXTENSION)}
    else:
        listed = {next(iter(e)) if isinstance(e, dict) else e for e in extensions or []}
        extra = [] if TOC_EXTENSION in listed else [TOC_EXTENSION]
        config["markdown_extensions"] = [*(extensions or []), *extra]
    if config.get("nav") is None and nav is not None:
        config["nav"] = nav
    if not_in_nav:
        before = config.get("not_in_nav")
        lines = [*(str(before).splitlines() if isinstance(before, str) else []), *not_in_nav]
        config["not_in_nav"] = "\n".join(dict.fromkeys(line for line in lines if line)) + "\n"
    return config


def dump_config(config: Mapping[str, Any], header: str) -> str:
    """``config`` as YAML (keys in order, tags as read), after ``header``."""
    body: str = yaml.dump(
        dict(config),
        Dumper=_ConfigDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=math.inf,
    )
    return header + body


# -- pages -------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?)^((?:---|\.\.\.)[ \t]*(?:\n|\Z))", re.S | re.M)


def front_matter(meta: Mapping[str, Any]) -> str:
    """A YAML front matter block holding ``meta``."""
    text: str = yaml.safe_dump(dict(meta), sort_keys=False, allow_unicode=True, width=math.inf)
    return f"---\n{text}---\n"


def add_meta(markdown: str, key: str, value: str) -> str:
    """``markdown`` with ``key: value`` in its front matter, unless the page sets ``key``.

    A page without front matter gets one; a page whose front matter is not a
    mapping is left as it is (the builder reports it).
    """
    match = _FRONT_MATTER.match(markdown)
    line: str = yaml.safe_dump({key: value}, allow_unicode=True, width=math.inf)
    if match is None:
        return f"---\n{line}---\n\n{markdown}"
    try:
        data = yaml.safe_load(match.group(2)) if match.group(2).strip() else {}
    except yaml.YAMLError:
        return markdown
    if not isinstance(data, dict) or key in data:
        return markdown
    return match.group(1) + match.group(2) + line + markdown[match.start(3) :]


def generated_page(
    spec: PageSpec, body: str, date: str | None, toc: list[dict[str, Any]] | None = None
) -> str:
    """The Markdown file of a generated page: front matter, its TOC line, then its HTML body.

    The title arrives HTML-escaped: neither Zensical's nor MkDocs' templates
    escape ``page.title`` (a name such as ``<b>`` would otherwise be markup). The
    table of contents is read by :mod:`evmap.adapters.markdown_toc`. Pages of
    :data:`UNSEARCHED` are kept out of the builder's search.
    """
    meta: dict[str, Any] = {"title": str(escape(spec.title))}
    if spec.hide:
        meta["hide"] = list(spec.hide)
    if spec.kind in UNSEARCHED:
        meta["search"] = {"exclude": True}
    if date is not None:
        meta["revision_date"] = date
    return front_matter(meta) + "\n" + toc_comment(toc or []) + body.rstrip("\n") + "\n"


def default_nav(plan: Sequence[PageSpec], docs: Sequence[str]) -> list[Any]:
    """A nav for projects that set none: home, the indexes and views, then hand-written pages.

    Entity pages stay out of it (as with the plugin), so its size does not grow with the map.
    """
    nav: list[Any] = [{str(escape(spec.title)): spec.src} for spec in plan if not spec.subject]
    return nav + sorted(docs)


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
    try:
        result = check(settings).raise_errors(strict)
    except ContentError as exc:
        raise GenerateFailed(exc.report(), exc.problems) from None
    try:
        format_map_references(settings, result.map)
    except FormatError as exc:
        raise GenerateFailed(f"evmap: {exc}") from None

    if links is LinkStyle.SOURCE:
        urls: Urls = SourceUrls()
    else:
        urls = Urls(original.get("use_directory_urls", True) is not False)
    repo_url = original.get("repo_url")
    renderer = Renderer(
        result.map,
        make_environment(settings.template_dirs, settings.sandboxed),
        urls,
        history=read_site_history(
            settings, result.map, repo_url if isinstance(repo_url, str) else None
        ),
        leave_out_drafts=settings.leave_out_drafts,
    )
    renderer.info = map_info(
        settings,
        str(original.get("site_name") or ""),
        str(original.get("site_description") or ""),
        str(original.get("site_url") or ""),
    )
    renderer.csl = project_store(settings.root)
    written = _written_files(settings.docs_dir)
    renderer.docs = frozenset(p for p in written if p.endswith(".md"))
    plan = renderer.plan()
    downloads = renderer.download_files(
        ", ".join(settings.relative(p) for p in settings.library_files())
    )
    clashes = sorted(set(written) & {*(s.src for s in plan), *ASSETS, *downloads, MARKER})
    if clashes:
        raise GenerateFailed(
            "evmap: these pages are generated from the content and must not exist in "
            f"{settings.relative(settings.docs_dir or project_dir)}: " + ", ".join(clashes)
        )
    try:
        renderer.preflight()
    except PreflightError as exc:
        raise _template_failure(exc.error, exc.page, settings) from None

    docs_dir = settings.docs_dir
    docs_sources = {settings.relative(docs_dir / p) for p in renderer.docs} if docs_dir else set()
    inputs = {spec.src: page_inputs(spec, renderer.map) for spec in plan}
    history = SourceHistory.read(
        project_dir, docs_sources | {p for s in inputs.values() for p in s}
    )
    config = derive_config(
        original,
        Path(os.path.relpath(out, project_dir)).as_posix(),
        default_nav(plan, sorted(renderer.docs)),
        [f"/{folder}/" for folder in sorted(SECTION.values())],
        Path(os.path.relpath(site, project_dir)).as_posix() if site_dir is not None else None,
    )
    header = HEADER.format(source=config_file.name)

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out, BUSY):
            remove_stale(out)
            staging = staging_folder(out)
            try:
                writer = _Writer(staging)
                unsearched: list[str] = []
                for spec in plan:
                    try:
                        body = renderer.render(spec)
                    except jinja2.TemplateError as exc:
                        raise _template_failure(exc, spec.src, settings) from None
                    date = history.date(inputs[spec.src])
                    if spec.kind not in UNSEARCHED:
                        body, left_out = unsearched_sections(body)
                        unsearched += [f"{spec.src}#{section}" for section in left_out]
                    toc = renderer.toc(spec)
                    writer.write(spec.src, generated_page(spec, body, date, toc))
                _copy_written(writer, settings, written, renderer, history)
                for asset in ASSETS:
                    writer.copy(asset, template_file(settings.template_dirs, asset))
                for path, content in downloads.items():
                    writer.write(path, content)
                mark(staging, Made.GENERATED)
                pending = derived.with_name(f".{derived.name}.tmp")
                pending.write_text(dump_config(config, header), "utf-8")
                swap_in(staging, out)
                pending.replace(derived)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                derived.with_name(f".{derived.name}.tmp").unlink(missing_ok=True)
    except OutputRefused as exc:
        raise GenerateFailed(str(exc)) from None
    except OSError as exc:
        where = exc.filename or out
        raise GenerateFailed(
            f"evmap: cannot write {out}: {exc.strerror or type(exc).__name__} ({where}); check "
            "that the folder and its parent are writable, or pass -o to generate elsewhere"
        ) from None
    return Generated(out, derived, len(plan), len(renderer.docs), writer.count, tuple(unsearched))


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
