"""The offline teaching bundle: the site built for ``file://`` and zipped reproducibly.

Everything happens in a temporary folder; the project's ``mkdocs.yml``, its
``site/`` and its sources are never written. The steps:

1. check the content, as every build does (nothing is built on errors);
2. load ``mkdocs.yml`` and change the *loaded* configuration: no directory URLs,
   Material's ``offline`` plugin on, no repository link (Material would ask the
   GitHub API for stars), no web fonts, no analytics, no instant loading, and
   the iframe-worker shim as a local script instead of Material's CDN copy;
3. build, drop what only a web server uses (404 page, sitemaps) and what is never
   loaded offline (source maps, the JSON search index that the offline plugin's
   script copy replaces, search languages the site does not use), copy the shim
   (installed by ``npm ci`` at the version pinned in ``package-lock.json``) and its
   licence into the site, and add a README.txt saying what the bundle is and how to
   open it; every page's footer names the version and the date of the content;
4. refuse the bundle when any page or stylesheet would still load something
   over the network;
5. zip it into ``<name>-<version>.zip`` with sorted entries, fixed permissions
   and timestamps from ``SOURCE_DATE_EPOCH`` (byte-identical across builds), with
   ``ro-crate-metadata.json`` at the root of its folder: the bundle as an RO-Crate.
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from evmap import __version__
from evmap.adapters.build import BuildFailed, Verbosity, check_inputs, run_mkdocs
from evmap.adapters.output import (
    ZIP_COMMENT,
    OutputRefused,
    check_file_target,
    check_target,
    output_lock,
    zip_is_ours,
)
from evmap.core.config import Settings
from evmap.core.gitinfo import describe, source_date_epoch
from evmap.core.memo import Memo
from evmap.core.problems import FailedWithProblems
from evmap.site.crate import CRATE_FILE, crate_metadata
from evmap.site.export import DOWNLOADS, packed
from evmap.site.linked_data import map_info

__all__ = [
    "BUSY",
    "FILE_NAME",
    "NEVER_LOADED",
    "ONLINE_FEATURES",
    "SEARCH_LANGUAGES",
    "SERVER_ONLY",
    "SHIM_DIR",
    "SHIM_FILES",
    "SHIM_PACKAGE",
    "ZIP_EPOCH",
    "Bundle",
    "BundleFailed",
    "build_bundle",
    "bundle_name",
    "bundle_version",
    "content_date",
    "crate_text",
    "drop_unused",
    "find_iframe_worker",
    "offline_config",
    "readme_text",
    "remote_loads",
    "slugify",
    "write_zip",
]

# The npm package and file Material's offline plugin would load from unpkg.com.
SHIM_PACKAGE = "iframe-worker"
SHIM_FILES = {"shim/index.js": "shim.js", "LICENSE": "LICENSE"}
# Where the shim goes in the bundle. The path names "iframe-worker", which is what
# tells Material's offline plugin that a copy is already configured.
SHIM_DIR = "assets/javascripts/iframe-worker"
# Files only a web server uses; the 404 page also links by absolute paths.
SERVER_ONLY = ("404.html", "sitemap.xml", "sitemap.xml.gz")
# Never loaded from file://: source maps (for developers' tools), the JSON search index
# (the offline plugin writes search_index.js, which the pages load instead).
NEVER_LOADED = ("**/*.map", "search/search_index.json")
# Material's search languages other than English (loaded only for a site in another one).
SEARCH_LANGUAGES = "assets/javascripts/lunr"
# Theme features that fetch pages over HTTP and cannot work from file://.
ONLINE_FEATURES = frozenset({"navigation.instant", "navigation.instant.prefetch"})
# The earliest time a zip entry can carry (1980-01-01).
ZIP_EPOCH = 315532800
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What --name and --label may be: one file name, never a path."""


class BundleFailed(FailedWithProblems):
    """The bundle could not be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Bundle:
    """A written bundle.

    Attributes:
        path: The zip file.
        files: How many files it holds.
        size: Its size in bytes.
    """

    path: Path
    files: int
    size: int


BUSY = (
    "evmap: another evmap bundle is writing {target} (it holds {lock}); wait for it to "
    "finish, or write the bundle into another folder with -o"
)
"""The message when another ``evmap bundle`` holds the lock of the same zip."""


def slugify(text: str, keep: str = "") -> str:
    """Lowercase ``text`` with runs of anything but ``a-z``, ``0-9`` (and ``keep``) as ``-``."""
    return re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", text.lower()).strip("-")


def bundle_version(root: Path, release_tags: str = "v*") -> str:
    """A version a person can read (:func:`~evmap.core.gitinfo.describe`, as a file-name
    slug): the release tag on the last commit (one matching the glob ``release_tags``, the
    plugin's option), else its date and short hash; evmap's version outside git."""
    return slugify(describe(root, release_tags), keep=".") or __version__


def content_date(epoch: int | None) -> str:
    """The date of the content: ``SOURCE_DATE_EPOCH`` (the last commit's time), else today."""
    return time.strftime("%Y-%m-%d", time.gmtime(epoch if epoch is not None else time.time()))


def readme_text(config: MkDocsConfig, version: str, date: str) -> str:
    """README.txt of the bundle: what it is, how to open it, where the hosted site lives."""
    lines = [
        f"{config.site_name}",
        "=" * len(config.site_name),
        "",
        f"Version {version}, content of {date}.",
        "",
    ]
    if config.site_description:
        lines += [config.site_description, ""]
    lines += [
        "How to open it",
        "--------------",
        "Unzip this folder anywhere (a USB stick will do), then open index.html in a web",
        "browser (double-click it, or drag it onto a browser window). Everything works",
        "without a network: pages, search, citation previews, the evidence matrix and",
        "network, and the downloads (downloads/evidence-map.json, .csv, references.bib,",
        "references.csl.json, nanopubs.trig and kgx/; a large map's are gzip-compressed, .gz).",
        "ro-crate-metadata.json describes the folder as an RO-Crate, for archives.",
        "",
    ]
    if config.site_url:
        lines += [
            "The hosted site, always the latest version:",
            f"  {config.site_url}",
            "",
        ]
    lines += [
        f"Made with evmap {__version__} (an evidence-map site generator) and MkDocs.",
        "",
    ]
    return "\n".join(lines)


def bundle_name(settings: Settings, config: MkDocsConfig) -> str:
    """The evmap plugin's ``bundle_name``, else the slugified ``site_name``."""
    return slugify(settings.bundle_name or config.site_name) or "evidence-map"


def find_iframe_worker(roots: Sequence[Path]) -> Path:
    """The installed iframe-worker package under the first of ``roots`` that has it.

    Raises:
        BundleFailed: when ``npm ci`` has not been run, saying where to run it.
    """
    for root in roots:
        package = root / "node_modules" / SHIM_PACKAGE
        if (package / "shim" / "index.js").is_file():
            return package
    where = next((r for r in roots if (r / "package.json").is_file()), roots[0])
    raise BundleFailed(
        f"the {SHIM_PACKAGE} shim (for offline search) is not installed; "
        f"run 'npm ci' (or 'npm install', without a package-lock.json) in {where}, "
        "where package.json pins it, or pass --iframe-worker DIR"
    )


def offline_config(config: MkDocsConfig, footer: str = "") -> None:
    """Turn a loaded MkDocs configuration into the offline one, in place.

    ``footer`` (plain text) replaces the copyright line of every page's footer.
    """
    from material.plugins.offline.plugin import OfflinePlugin

    if footer:
        config.copyright = html.escape(footer)
        plugin = config.plugins.get("evmap")
        if plugin is not None and hasattr(plugin, "version_footer"):
            plugin.version_footer = False  # this footer names the version already
    config.use_directory_urls = False
    config.repo_url = None
    config.edit_uri = None
    config.theme["font"] = False
    features = config.theme.get("features") or []
    config.theme["features"] = [f for f in features if f not in ONLINE_FEATURES]
    config.extra.pop("analytics", None)
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, f"{SHIM_DIR}/shim.js"]
    offline = config.plugins.get("material/offline")
    if offline is None:
        offline = OfflinePlugin()
        errors, _ = offline.load_config({}, config.config_file_path)
        if errors:  # pragma: no cover - the plugin has one boolean option
            raise BundleFailed(f"material/offline: {errors}")
        config.plugins["material/offline"] = offline
    offline.config["enabled"] = True


# Elements that make a browser load what they point at, and the attribute holding it.
_LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src"}
_LINK_RELS = frozenset({"stylesheet", "preload", "modulepreload", "preconnect", "prefetch", "icon"})


class _RemoteLoads(HTMLParser):
    """Collects elements that would make the browser load something over the network."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and _LINK_RELS.intersection(values.get("rel", "").split()):
            url = values.get("href", "")
        elif tag in _LOADING:
            url = values.get(_LOADING[tag], "")
        elif tag == "object":
            url = values.get("data", "")
        else:
            return
        if _is_remote(url):
            self.found.append(f"<{tag}> {url}")


_CSS_REMOTE = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""")


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(("http:", "https:", "//"))


def remote_loads(site: Path) -> list[str]:
    """``path: element url`` for every network load in the site's HTML and CSS."""
    found = []
    for path in sorted(site.rglob("*.html")):
        parser = _RemoteLoads()
        parser.feed(path.read_text("utf-8"))
        found += [f"{path.relative_to(site).as_posix()}: {item}" for item in parser.found]
    for path in sorted(site.rglob("*.css")):
        for match in _CSS_REMOTE.finditer(path.read_text("utf-8")):
            found.append(f"{path.relative_to(site).as_posix()}: url {match.group(1)}")
    return found


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Files under ``folder`` as (posix relative path, path), sorted by path."""
    entries = [(p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file()]
    yield from sorted(entries)


def write_zip(folder: Path, target: Path, prefix: str, epoch: int | None) -> int:
    """Zip ``folder`` into ``target`` under ``prefix/``, reproducibly; return the file count.

    Entries are sorted, carry mode 0644 and the time ``epoch`` (the current time
    when None, 1980-01-01 at the earliest); the archive's comment marks it as evmap's
    (:data:`~evmap.adapters.output.ZIP_COMMENT`); the file is written aside and renamed.
    """
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6] if epoch is not None else time.gmtime()[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    count = 0
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            archive.comment = ZIP_COMMENT  # replaced later only because it says so
            for name, path in _files(folder):
                info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so that the mode below is honoured
                info.external_attr = 0o100644 << 16
                archive.writestr(info, path.read_bytes(), compresslevel=9)
                count += 1
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return count


def build_bundle(
    config_file: Path,
    out_dir: Path,
    *,
    strict: bool = False,
    iframe_worker: Path | None = None,
    name: str | None = None,
    version: str | None = None,
    verbosity: Verbosity = Verbosity.NORMAL,
) -> Bundle:
    """Build the offline bundle of ``config_file`` into ``out_dir/<name>-<version>.zip``.

    Args:
        config_file: The site's ``mkdocs.yml`` (left as it is).
        out_dir: Folder of the zip (created when missing).
        strict: Fail on warnings, as ``evmap build --strict``.
        iframe_worker: The installed ``iframe-worker`` npm package; default:
            ``node_modules/iframe-worker`` beside ``mkdocs.yml`` or in the evmap checkout.
        name: Overrides :func:`bundle_name`.
        version: Overrides :func:`bundle_version`.
        verbosity: What is shown while the builder runs.

    Raises:
        BundleFailed: on content errors (every one, with path and line), MkDocs
            errors, a missing shim or a page that would load from the network.
    """
    for option, given in (("--name", name), ("--label", version)):
        if given is not None and not FILE_NAME.fullmatch(given):
            raise BundleFailed(
                f"evmap: {option} {given!r} is not a file name; use letters, digits, '.', '-' "
                "and '_' only (the zip is <name>-<version>.zip inside -o)"
            )
    try:
        memo = Memo()
        settings = check_inputs(config_file, strict, memo)
        out = check_target(
            out_dir,
            settings,
            what="the bundle",
            fix="choose another folder with -o, e.g. -o dist",
            replace=False,
        )
    except BuildFailed as exc:
        raise BundleFailed(str(exc), exc.problems) from None
    except OutputRefused as exc:
        raise BundleFailed(str(exc)) from None
    package = iframe_worker or find_iframe_worker([settings.root])
    version = version or bundle_version(settings.root, settings.release_tags)
    epoch = source_date_epoch()
    date = content_date(epoch)
    footer = f"Version {version} \u00b7 content of {date} \u00b7 offline copy"
    with tempfile.TemporaryDirectory(prefix="evmap-bundle-") as tmp:
        site = Path(tmp) / "site"
        try:
            config = run_mkdocs(
                config_file,
                site,
                strict,
                adjust=lambda c: offline_config(c, footer),
                memo=memo,
                verbosity=verbosity,
            )
        except BuildFailed as exc:
            raise BundleFailed(str(exc)) from None
        for server_file in SERVER_ONLY:
            (site / server_file).unlink(missing_ok=True)
        drop_unused(site, config)
        (site / "README.txt").write_text(readme_text(config, version, date), "utf-8")
        (site / CRATE_FILE).write_text(crate_text(settings, config, site, version, date), "utf-8")
        for source, copy in SHIM_FILES.items():
            destination = site / SHIM_DIR / copy
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package / source, destination)
        remote = remote_loads(site)
        if remote:
            raise BundleFailed(
                "the bundle would load these from the network:\n" + "\n".join(remote)
            )
        label = f"{name or bundle_name(settings, config)}-{version}"
        target = out / f"{label}.zip"
        try:
            check_file_target(target, settings, what="the bundle", fix="choose another -o")
            target.parent.mkdir(parents=True, exist_ok=True)
            # The lock every command takes beside what it writes (see evmap.adapters.output).
            with output_lock(target, BUSY):
                if target.exists() and not zip_is_ours(target):
                    raise BundleFailed(
                        f"evmap: refusing to write the bundle at {target}: a file evmap did "
                        "not make is there; move it away, or choose another folder with -o"
                    )
                count = write_zip(site, target, label, epoch)
        except OutputRefused as exc:
            raise BundleFailed(str(exc)) from None
    return Bundle(target, count, target.stat().st_size)


def crate_text(
    settings: Settings, config: MkDocsConfig, site: Path, version: str, date: str
) -> str:
    """The bundle's ``ro-crate-metadata.json`` (:mod:`evmap.site.crate`): the map's name,
    version, licence and curators, and the files of ``site``."""
    info = dataclasses.replace(
        map_info(settings, config.site_name, config.site_description or "", config.site_url or ""),
        version=version,
    )
    files = [name for name, _ in _files(site)]
    return crate_metadata(info, files, [*DOWNLOADS, *map(packed, DOWNLOADS)], date)


def drop_unused(site: Path, config: MkDocsConfig) -> None:
    """Remove what no page loads from ``file://`` (see :data:`NEVER_LOADED`).

    Material's search loads language files only for a site whose search language is
    not English alone; for such a site they stay.
    """
    for pattern in NEVER_LOADED:
        for path in site.glob(pattern):
            path.unlink()
    search = config.plugins.get("search") or config.plugins.get("material/search")
    languages = getattr(search, "config", {}).get("lang") or [config.theme.get("language", "en")]
    if list(languages) == ["en"]:
        shutil.rmtree(site / SEARCH_LANGUAGES, ignore_errors=True)
