"""Serving with dirty builds: only the files whose bytes change are written again.

MkDocs' dirty build (``mkdocs serve --dirty``, and ``evmap serve``) keeps the site
folder and skips every page whose ``File.is_modified()`` is False: it is neither
read nor rendered through the theme nor written. On its own that is unsafe (MkDocs
warns that navigation may be wrong): a generated file always counts as modified, a
hand-written page only when its own source is newer than its output, and files that
left the site stay behind. :class:`Rewrites` answers ``is_modified`` for every file
of the site instead, from what each file's output is made of:

- an entity page (pathway, compound, reference) is modified when its body is not the
  one the previous build rendered (:meth:`evmap.site.render.Renderer.adopt` decides
  that from the map), when its title or edit link changed, or when anything every
  page shows changed (the navigation with its titles, the configuration, the
  templates, the git history, the set of hand-written pages);
- every other page is always read (so the navigation has its titles) and is written
  only when its rendered content, table of contents or metadata, or anything every
  page shows, changed;
- a file with content in memory (downloads, preview data) when its content changed;
  a copied file when its source path, size or modification time changed;
- any file whose output is missing is modified, and files of the previous build that
  are no longer part of the site are removed (:meth:`Rewrites.finish`).

Material's search plugin, under a dirty build, keeps the entries of pages it did not
see again; :meth:`Rewrites.search_entries` keeps, for each page, the entries of its
last rendering, so the index equals a clean build's.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

__all__ = ["Rewrites", "nav_key"]


def _never() -> object:
    """A key equal to no other: the file is written whatever happened before."""
    return object()


class Rewrites:
    """What the previous build of a served site wrote, to write only what changed.

    One instance lives as long as the plugin (the server). Each build calls
    :meth:`start` from ``on_files``, :meth:`reading_done` from ``on_env``,
    :meth:`built` for every page the theme renders, and :meth:`finish` from
    ``on_post_build``; MkDocs calls the ``is_modified`` installed on each file.

    Attributes:
        written: Output paths (site-relative) written or copied by the last build.
        kept: How many files of the last build were left as they were.
    """

    def __init__(self) -> None:
        self._keys: dict[str, object] = {}  # output path -> key of what was written there
        self._new_keys: dict[str, object] = {}
        self._outputs: set[str] = set()  # output paths of the previous build's files
        self._site = ""
        self._reading = True
        # What every page showed in the last build, and a number that changes with it.
        self._common_seen: object = None
        self._generation = 0
        self._common: tuple[object, int] | None = None
        self._common_parts: Callable[[], object] = lambda: None
        self._search: dict[str, list[dict[str, Any]]] = {}
        self._built: set[str] = set()
        self.written: list[str] = []
        self.kept = 0

    # -- one build --------------------------------------------------------

    def start(
        self,
        config: MkDocsConfig,
        files: Files,
        entity_key: Callable[[File], tuple[object, bool] | None],
        common: Callable[[], object],
    ) -> None:
        """Install ``is_modified`` on every file of this build.

        Args:
            config: The build's configuration.
            files: Every file of the site (after the plugin added its own).
            entity_key: For an entity page, what its output is made of besides
                ``common``, and whether its body is rendered again in this build (it is
                then written whatever its key); None for every other file.
            common: What every page shows (called once per build, after the pages
                in the navigation were read).
        """
        self._site = config.site_dir
        self._reading = True
        self._common = None
        self._common_parts = common
        self._new_keys = {}
        self._built = set()
        self.written = []
        self.kept = 0
        for file in files:
            file.is_modified = self._decider(file, entity_key(file))  # type: ignore[method-assign]

    def reading_done(self) -> None:
        """Pages are read; from now on MkDocs asks whether to render and write them."""
        self._reading = False

    def built(self, page: Page) -> None:
        """``page`` is being rendered through the theme and written (``on_page_context``)."""
        self._built.add(page.url)

    def _common_key(self) -> int:
        """A number that changes when what every page shows changes (compared once)."""
        if self._common is None:
            parts = self._common_parts()
            same = parts == self._common_seen
            self._common = (parts, self._generation if same else self._generation + 1)
        return self._common[1]

    def forget(self) -> None:
        """A build failed, maybe halfway through writing: write every file next time."""
        self._keys = {}
        self._common_seen = None

    def _decider(self, file: File, entity: tuple[object, bool] | None) -> Callable[[], bool]:
        """The ``is_modified`` of one file."""
        dest = file.dest_uri
        if file.is_documentation_page():
            decided: list[bool] = []

            def page_modified() -> bool:
                if decided:  # asked again when writing: the same answer
                    return decided[0]
                if entity is not None:
                    key: object = ("entity", self._common_key(), entity[0])
                    decided.append(self._changed(dest, key, force=entity[1]))
                    return decided[0]
                if self._reading:
                    return True  # always read: its title and content are needed
                else:
                    key = ("page", self._common_key(), _page_key(file.page))
                decided.append(self._changed(dest, key))
                return decided[0]

            return page_modified

        def static_modified() -> bool:
            return self._changed(dest, _static_key(file))

        return static_modified

    def _changed(self, dest: str, key: object, force: bool = False) -> bool:
        """Whether ``dest`` must be written again for content of ``key`` (and record it)."""
        self._new_keys[dest] = key
        if force or self._keys.get(dest) != key:
            self.written.append(dest)
            return True
        if not os.path.isfile(os.path.join(self._site, dest)):
            self.written.append(dest)
            return True
        self.kept += 1
        return False

    def search_entries(
        self, entries: Iterable[dict[str, Any]], pages: Iterable[File]
    ) -> list[dict[str, Any]]:
        """The search entries of a clean build of ``pages``, from a dirty build's index.

        Pages rendered in this build take their latest entries (Material appends them
        after the entries it kept); the others keep the entries of their last rendering.
        """
        runs: dict[str, list[dict[str, Any]]] = {}
        last = None
        for entry in entries:
            url = str(entry.get("location", "")).partition("#")[0]
            if url != last or url not in runs:
                runs[url] = []  # a later run of the same page replaces an earlier one
                last = url
            runs[url].append(entry)
        search: dict[str, list[dict[str, Any]]] = {}
        out: list[dict[str, Any]] = []
        for file in pages:
            url = "" if file.url in (".", "./") else file.url  # as Page.url and Material say
            if url in self._built:
                found = runs.get(url, [])
            else:
                found = self._search.get(url, runs.get(url, []))
            search[url] = found
            out.extend(found)
        self._search = search
        return out

    def finish(self, files: Files) -> list[str]:
        """Remember what this build wrote; remove the files of the previous build that
        are no longer part of the site (only those: the theme's and other plugins'
        outputs are left alone). Returns the removed paths (site-relative)."""
        outputs = {f.dest_uri for f in files}
        removed = sorted(self._outputs - outputs)
        for dest in removed:
            path = Path(self._site, dest)
            if path.is_file():
                path.unlink()
            _remove_empty_parents(path.parent, Path(self._site))
        self._outputs = outputs
        if self._common is not None:
            self._common_seen, self._generation = self._common
        self._keys = {dest: self._new_keys.get(dest) or _never() for dest in outputs}
        return removed


def _remove_empty_parents(folder: Path, site: Path) -> None:
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty
            return
        folder = folder.parent


def _static_key(file: File) -> object:
    """What a copied or generated file's output is made of."""
    content = file._content  # public as File.content, but reading that may read the file
    if content is not None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return ("content", hashlib.blake2b(data, digest_size=20).digest())
    if file.abs_src_path is None:
        return _never()
    try:
        stat = os.stat(file.abs_src_path)
    except OSError:
        return _never()
    return ("copy", file.abs_src_path, stat.st_size, stat.st_mtime_ns)


def _page_key(page: Page | None) -> object:
    """What a page rendered through the theme is made of, besides what every page shows."""
    if page is None or page.content is None:
        return _never()
    return (
        page.title,
        page.content,
        repr(page.meta),
        page.edit_url,
        _toc_key(page.toc),
        page.canonical_url,
    )


def _toc_key(items: Iterable[Any]) -> tuple[object, ...]:
    return tuple((i.title, i.url, i.level, _toc_key(i.children)) for i in items)


def nav_key(nav: Navigation | None) -> object:
    """The navigation as every page shows it: titles, URLs and nesting.

    A page in the navigation that was not read yet has no title: the key is then
    one that equals nothing (every page is written again).
    """
    if nav is None:
        return None

    def item_key(item: Any) -> object:
        if isinstance(item, Section):
            return ("section", item.title, tuple(item_key(c) for c in item.children))
        if isinstance(item, Link):
            return ("link", item.title, item.url)
        if isinstance(item, Page):
            if item.markdown is None:
                return _never()
            return ("page", item.title, item.url)
        return ("other", repr(item))

    return tuple(item_key(i) for i in nav.items)
