"""Project settings: where content, library and templates live, and check severities.

The MkDocs plugin builds :class:`Settings` from its own configuration; the CLI
reads the ``evmap`` entry of ``mkdocs.yml`` so that both always agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml

from evmap.core.citing import parse_doi
from evmap.core.errors import EvmapError
from evmap.core.inputs import check_file
from evmap.core.licenses import LICENSES, License
from evmap.core.problems import Check, Problem, Severity, default_severity, did_you_mean

__all__ = [
    "DEFAULTS",
    "DOI_EXPECTED_SINCE",
    "OPTIONS",
    "OPTION_NAMES",
    "PACKAGE_TEMPLATES",
    "SITE_FIELDS",
    "Address",
    "ConfigError",
    "Curator",
    "Option",
    "Settings",
    "load_settings",
    "parse_severities",
    "placeholder_problems",
    "placeholder_reason",
    "setting_lines",
    "settings_from_options",
]

SITE_FIELDS = ("site_name", "site_description", "site_url", "repo_url", "copyright")
"""What :func:`load_settings` keeps of mkdocs.yml's own settings (see ``Settings.site``)."""

# Journal articles from this year on are expected to have a DOI (Crossref began in 2000).
DOI_EXPECTED_SINCE = 2000


# evmap's own page templates, assets and theme override (package data).
def _package_templates() -> Path:
    """evmap's own templates: inside the installed package (the wheel ships them there),
    or, running from a checkout of the repository, its top-level ``templates/`` folder,
    the one copy they are kept in (the build maps it into the package)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent.parent / "templates"


PACKAGE_TEMPLATES = _package_templates()


class ConfigError(EvmapError):
    """The project configuration (mkdocs.yml, plugin options) is unusable."""


@dataclass(frozen=True)
class Address:
    """An address the site's configuration gives (``site_url``, ``repo_url``), and where.

    Attributes:
        key: The setting, e.g. ``site_url``.
        value: The address as written.
        line: Its line in the configuration file (0 when not known).
    """

    key: str
    value: str
    line: int = 0


# Host names reserved for examples and tests (RFC 2606, RFC 6761): never a real site.
_RESERVED_HOSTS = re.compile(
    r"(?:^|\.)(?:example\.(?:com|net|org)|example|invalid|test|localhost)$", re.IGNORECASE
)
# Repository owners that name no one (a scaffold's or a tutorial's placeholder).
_PLACEHOLDER_OWNERS = re.compile(r"^(?:example|your)(?:[-_].*)?$", re.IGNORECASE)


def placeholder_reason(address: str) -> str | None:
    """Why ``address`` cannot be where a lab's site or repository lives, or None.

    An address that is not http(s) with a host, a host reserved for examples
    (``example.org``, ``*.test``, ``*.invalid``, ``localhost``), or a repository owner
    that is a placeholder (``example-lab``, ``your-org``).
    """
    parts = urlsplit(address)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return "it is not an http(s) address with a host name"
    if _RESERVED_HOSTS.search(host):
        return f"{host} is reserved for examples and leads to no lab's site"
    owner = parts.path.strip("/").split("/")[0]
    if owner and _PLACEHOLDER_OWNERS.match(owner):
        return f"'{owner}' is a placeholder, not the lab's account"
    return None


def placeholder_problems(settings: Settings) -> list[Problem]:
    """A warning for each address of the configuration that is a placeholder: the links,
    the bundle's "hosted site" line and the repository facts would lead nowhere."""
    config = settings.relative(settings.config_file) if settings.config_file else "mkdocs.yml"
    found = []
    for address in settings.addresses:
        why = placeholder_reason(address.value)
        if why is not None:
            found.append(
                Problem(
                    config,
                    address.line,
                    f"{address.key} '{address.value}' is a placeholder ({why}); set the real "
                    f"address, or remove {address.key} until there is one",
                    Check.PLACEHOLDER_ADDRESS,
                )
            )
    return found


def setting_lines(config_file: Path) -> dict[str, int]:
    """The line of each top-level setting of ``config_file`` (first one wins); {} when
    the file cannot be read."""
    try:
        text = config_file.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


@dataclass(frozen=True)
class Settings:
    """Where a project's inputs are, resolved to absolute paths.

    Attributes:
        root: The project root (the folder of mkdocs.yml); messages name files
            relative to it.
        content_dir: Folder holding ``compounds/``, ``pathways/`` and ``claims/``.
        bibtex_file: The BibTeX library (the first, when several are given).
        templates_dir: The project's own templates, overriding evmap's file by file
            (need not exist; see :attr:`template_dirs`).
        severities: Severity of each check where it differs from the default.
        bibtex_paths: Every library path as configured: files, and folders whose
            ``*.bib`` files are read in name order (see :meth:`library_files`).
        csl: The CSL citation style file; None for evmap's own default style.
        docs_dir: The folder of hand-written pages, whose ``[@key]`` citations are
            checked against the library (None: none are checked).
        page_shell: Render the theme around entity pages once per depth (adapters).
        edit_uri: Edit links of generated pages, relative to ``repo_url`` (None: derived).
        bundle_name: File name of the offline bundle (None: from ``site_name``).
        site_dir: Where the builder writes the site, as mkdocs.yml sets it (None: not
            known, the builder's own setting applies).
        trust_templates: Render the project's templates without Jinja's sandbox, and
            allow its theme overrides (the lab has reviewed them as code).
        config_file: The configuration file these settings come from (None: not known).
        addresses: ``site_url`` and ``repo_url`` as the configuration gives them.
        published_fields: BibTeX fields shown and published beyond the bibliographic
            ones (:data:`evmap.core.library.publish.BIBLIOGRAPHIC_FIELDS`), lower-cased.
        doi_expected_since: Journal articles from this year on should have a DOI
            (``missing-doi``); earlier ones and other kinds of work are not asked for one.
        license: The licence of the map's data (None: not stated).
        curators: Who curates the map, in the order given.
        version: The map's version as the exports state it ("" when not stated).
        leave_out_drafts: Leave draft claims out of the matrix and the summaries.
        doi: The DOI of an archived release of the map (shown on the home page), or None.
        release_tags: The git tags that mark releases (a ``git describe --match`` glob).
        site: What mkdocs.yml says of the site (:data:`SITE_FIELDS`, when set), for
            release notes and CITATION.cff; empty when the builder gave the options.
        purpose: What the map is for, in a paragraph, opening the home page ("" when
            not stated).
    """

    root: Path
    content_dir: Path
    bibtex_file: Path
    templates_dir: Path
    severities: Mapping[Check, Severity] = field(default_factory=dict)
    bibtex_paths: tuple[Path, ...] = ()
    csl: Path | None = None
    docs_dir: Path | None = None
    page_shell: bool = True
    edit_uri: str | None = None
    bundle_name: str | None = None
    site_dir: Path | None = None
    trust_templates: bool = False
    config_file: Path | None = None
    addresses: tuple[Address, ...] = ()
    published_fields: tuple[str, ...] = ()
    doi_expected_since: int = DOI_EXPECTED_SINCE
    license: License | None = None
    curators: tuple[Curator, ...] = ()
    version: str = ""
    leave_out_drafts: bool = False
    doi: str | None = None
    release_tags: str = "v*"
    site: Mapping[str, str] = field(default_factory=dict)
    purpose: str = ""

    @property
    def own_templates(self) -> Path | None:
        """The project's templates folder, when it has one that is not evmap's own (the
        repository evmap is developed in keeps evmap's templates at ``templates/``)."""
        folder = self.templates_dir
        if not folder.is_dir() or folder.resolve() == PACKAGE_TEMPLATES.resolve():
            return None
        return folder

    def author(self, name: str, email: str) -> Curator:
        """The curator a commit by ``name <email>`` is by (their ``emails`` in ``curators``),
        else someone of that name."""
        wanted = email.strip().lower()
        known = next((c for c in self.curators if wanted in c.emails), None)
        return known or Curator(name or email)

    def person(self, written: str) -> str:
        """A person as a claim's review names them: a commit e-mail of a curator becomes
        the curator's name; anything else is a name already."""
        wanted = written.strip().lower()
        known = next((c for c in self.curators if wanted in c.emails), None)
        return known.name if known is not None else written

    @property
    def sandboxed(self) -> bool:
        """Whether templates render in Jinja's sandbox: when the project has templates of
        its own (evmap's alone are trusted) and the lab has not said it trusts them."""
        return not self.trust_templates and self.own_templates is not None

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Where templates are looked up, in order: the project's ``templates_dir`` (when
        it exists), whose files override evmap's own (:data:`PACKAGE_TEMPLATES`) one by one."""
        own = (self.own_templates,) if self.own_templates is not None else ()
        return (*own, PACKAGE_TEMPLATES)

    def library_files(self) -> list[Path]:
        """The library files, in reading order: each configured file, and the ``*.bib``
        files of each configured folder sorted by name."""
        files: list[Path] = []
        for path in self.bibtex_paths or (self.bibtex_file,):
            if path.is_dir():
                files.extend(sorted(p for p in path.glob("*.bib") if p.is_file()))
            else:
                files.append(path)
        return files

    def severity(self, check: Check) -> Severity:
        """The configured severity of ``check``."""
        return self.severities.get(check, default_severity(check))

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, with ``/`` separators."""
        if path.is_absolute() and path.parts[: len(self.root.parts)] == self.root.parts:
            return path.relative_to(self.root).as_posix()  # the common case, no file-system call
        # Normalised, not resolved: a symbolic link is named by its own path.
        try:
            return Path(os.path.normpath(self.root / path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass(frozen=True, slots=True)
class Curator:
    """Someone who curates the map: a name, an ORCID iD and an affiliation ("" when not given),
    and the e-mails of their commits (lower case), which name them in the provenance of claims."""

    name: str
    orcid: str = ""
    affiliation: str = ""
    emails: tuple[str, ...] = ()

    @property
    def orcid_url(self) -> str:
        """The ORCID record's address, or ""."""
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


@dataclass(frozen=True)
class Option:
    """One option of the ``evmap`` plugin entry in ``mkdocs.yml``.

    This table is the only definition: ``evmap check`` reads ``mkdocs.yml`` through
    it, and the builder plugin declares its options from it and has them checked
    here, so every command gives the same verdict on every option.
    """

    name: str
    default: Any
    help: str


OPTIONS: tuple[Option, ...] = (
    Option(
        "content_dir",
        "content",
        "Folder with compounds/, pathways/ and claims/, relative to mkdocs.yml.",
    ),
    Option(
        "bibtex_file",
        "references.bib",
        "The BibTeX/biblatex library, relative to mkdocs.yml: a file, a folder (its *.bib "
        "files in name order) or a list of files and folders.",
    ),
    Option(
        "csl",
        None,
        "The citation style: a CSL file relative to mkdocs.yml (e.g. styles/apa.csl). "
        'Default: evmap\'s own author-date style ("Berman et al., 2000").',
    ),
    Option(
        "templates_dir",
        "templates",
        "Templates overriding evmap's own, file by file, relative to mkdocs.yml "
        "(optional: a missing default folder means none are overridden).",
    ),
    Option(
        "page_shell",
        True,
        "Render the theme around pathway, compound and reference pages once per page "
        "depth and fill it in per page; false renders every page through the theme.",
    ),
    Option(
        "trust_templates",
        False,
        "Render the project's own templates without Jinja's sandbox and allow theme "
        "overrides (templates/theme/): templates are code, so set it only after reviewing "
        "them, and review every change to them as code.",
    ),
    Option(
        "validation",
        {},
        "Severity per check, e.g. {missing-doi: error, uncited-reference: ignore}.",
    ),
    Option(
        "edit_uri",
        None,
        "Path from repo_url to the folder of mkdocs.yml in edit mode, e.g. edit/main/: "
        "generated pages link to the YAML (or BibTeX) file they come from. Default: the "
        "builder's edit_uri without its docs folder (edit/main/docs/ gives edit/main/).",
    ),
    Option(
        "bundle_name",
        None,
        "File name of the offline bundle, <bundle_name>-<version>.zip (default: the "
        "slugified site_name).",
    ),
    Option(
        "published_fields",
        [],
        "BibTeX fields to show and publish besides the bibliographic ones (authors, titles, "
        "container, volume, pages, publisher, dates, DOI, PMID, URL, eprint, ISBN...), e.g. "
        "[note]. Everything else stays in the library: file, abstract, annotation, keywords "
        "and note never reach the site, its search or downloads/references.bib unless "
        "named here.",
    ),
    Option(
        "doi_expected_since",
        DOI_EXPECTED_SINCE,
        "A cited journal article from this year on without a DOI is a missing-doi warning "
        "(which never fails --strict on its own); conference papers, books, theses, reports "
        "and older articles are not asked for one.",
    ),
    Option(
        "license",
        None,
        "The licence of the map's data, as an SPDX identifier (e.g. CC-BY-4.0, CC0-1.0): "
        "stated on the home page, in every download and in the bundle's RO-Crate.",
    ),
    Option(
        "version",
        None,
        "The map's version as the linked data and the nanopublications state it (e.g. a "
        "release tag, or !ENV MAP_VERSION set by the workflow); the offline bundle states "
        "its own version label. Unset: not stated.",
    ),
    Option(
        "curators",
        [],
        "Who curates the map: a list of names, or of {name: ..., orcid: ..., affiliation: ..., "
        "emails: [...]}; credited in the linked data, the nanopublications, the bundle's "
        "RO-Crate and CITATION.cff; their commit e-mails (emails) name them in the provenance "
        "of claims (added and changed by whom), where other commits show their author's name.",
    ),
    Option(
        "require_review",
        False,
        "Every claim must be reviewed: a draft, or a claim without a review status, is a "
        "warning (unreviewed-claim), so evmap check --strict and strict builds fail on it.",
    ),
    Option(
        "leave_out_drafts",
        False,
        "Leave claims marked draft out of the matrix, the network and the evidence "
        "summaries (their pages still show them, marked as drafts).",
    ),
    Option(
        "doi",
        None,
        "The DOI of an archived release of the map (e.g. from Zenodo, 10.5281/zenodo.123), "
        "shown on the home page and written into CITATION.cff.",
    ),
    Option(
        "purpose",
        None,
        "What the map is for, in one paragraph of plain text: the home page opens with the "
        "site's name, its site_description and this paragraph, before where to start "
        "reading. Unset: the home page opens with the name and description alone.",
    ),
    Option(
        "release_tags",
        "v*",
        "The git tags that mark releases, as a glob (git describe --match): the bundle and "
        "the page footers are named by the release tag, and evmap release-notes compares "
        "with the previous one.",
    ),
)
OPTION_NAMES = tuple(o.name for o in OPTIONS)
DEFAULTS = {"content_dir": "content", "bibtex_file": "references.bib", "templates_dir": "templates"}


def parse_severities(raw: Mapping[str, str] | None) -> dict[Check, Severity]:
    """Turn ``{"missing-doi": "error"}`` into typed severities.

    Raises:
        ConfigError: for an unknown check or level, naming the accepted ones.
    """
    result: dict[Check, Severity] = {}
    for name, level in (raw or {}).items():
        try:
            check = Check(name)
        except ValueError:
            known = ", ".join(sorted(c.value for c in Check))
            raise ConfigError(
                f"validation: unknown check '{name}'; known checks: {known}"
                + did_you_mean(str(name), [c.value for c in Check])
            ) from None
        try:
            result[check] = Severity(level)
        except ValueError:
            raise ConfigError(
                f"validation: '{name}' has level '{level}'; expected error, warning or ignore"
            ) from None
    return result


def settings_from_options(
    root: Path,
    options: Mapping[str, Any],
    docs_dir: str | None = "docs",
    site_dir: str | None = None,
    config_file: Path | None = None,
    addresses: Mapping[str, str | None] | None = None,
) -> Settings:
    """Build settings from plugin options (paths relative to ``root``).

    ``docs_dir`` is the builder's folder of hand-written pages (MkDocs' ``docs_dir``),
    ``site_dir`` its site folder (both as mkdocs.yml sets them); ``config_file`` is
    mkdocs.yml itself and ``addresses`` its ``site_url`` and ``repo_url``.

    Raises:
        ConfigError: when an option has the wrong type.
    """
    _check_names(options)
    libraries = _library_options(options)
    csl = options.get("csl")
    if csl is not None and (not isinstance(csl, str) or not csl.strip()):
        raise ConfigError(f"evmap option 'csl' must be the path of a .csl file, got {csl!r}")
    values = _path_options(options)
    flags = _flag_options(options)
    texts = _text_options(options)
    severities = _severity_options(options, flags["require_review"])
    try:
        doi = parse_doi(texts["doi"])
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    license = _license(options.get("license"))
    curators = _curators(options.get("curators"))
    paths = tuple(_inside_project(root, p, "bibtex_file") for p in libraries)
    style = _style_path(root, csl) if csl else None
    _check_templates(root, options.get("templates_dir"), values["templates_dir"])
    published = _published_fields(options.get("published_fields"))
    since = _doi_year(options)
    return Settings(
        root=root,
        content_dir=_inside_project(root, values["content_dir"], "content_dir"),
        bibtex_file=paths[0],
        templates_dir=_inside_project(root, values["templates_dir"], "templates_dir"),
        severities=severities,
        bibtex_paths=paths,
        csl=style,
        docs_dir=(root / docs_dir).resolve() if docs_dir else None,
        page_shell=flags["page_shell"],
        trust_templates=flags["trust_templates"],
        edit_uri=texts["edit_uri"],
        bundle_name=texts["bundle_name"],
        site_dir=Path(os.path.normpath(root / site_dir)) if site_dir else None,
        config_file=config_file,
        addresses=_addresses(config_file, addresses or {}),
        published_fields=published,
        doi_expected_since=since,
        license=license,
        curators=curators,
        version=texts["version"] or "",
        leave_out_drafts=flags["leave_out_drafts"],
        doi=doi,
        release_tags=texts["release_tags"] or "v*",
        purpose=" ".join((texts["purpose"] or "").split()),
    )


def _check_names(options: Mapping[str, Any]) -> None:
    """Refuse options that are no mapping, or that name an option evmap does not have."""
    if not isinstance(options, Mapping):
        raise ConfigError(
            "the 'evmap' plugin options must be a mapping (content_dir: ..., ...), "
            f"got {type(options).__name__}"
        )
    unknown = sorted(str(k) for k in options if k not in OPTION_NAMES)
    if unknown:
        raise ConfigError(
            f"unknown evmap option '{unknown[0]}'"
            + (
                did_you_mean(unknown[0], OPTION_NAMES)
                or f"; known options: {', '.join(OPTION_NAMES)}"
            )
        )


def _library_options(options: Mapping[str, Any]) -> list[str]:
    """The ``bibtex_file`` option as a list of paths (one path given alone is a list of one)."""
    libraries = options.get("bibtex_file")
    if libraries is None:
        libraries = [DEFAULTS["bibtex_file"]]
    elif isinstance(libraries, str):
        libraries = [libraries]
    if (
        not isinstance(libraries, list)
        or not libraries
        or not all(isinstance(p, str) and p.strip() for p in libraries)
    ):
        raise ConfigError(
            "evmap option 'bibtex_file' must be a file or folder path, or a list of them, "
            f"got {libraries!r}"
        )
    return libraries


def _path_options(options: Mapping[str, Any]) -> dict[str, str]:
    """The folder options with their defaults (``bibtex_file`` is read by _library_options)."""
    values = dict(DEFAULTS)
    for name in DEFAULTS:
        if name == "bibtex_file":
            continue
        value = options.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"evmap option '{name}' must be a folder or file path, got {value!r}")
        values[name] = value
    return values


_FLAGS = (
    ("page_shell", True),
    ("trust_templates", False),
    ("require_review", False),
    ("leave_out_drafts", False),
)
_TEXTS = ("edit_uri", "bundle_name", "version", "doi", "release_tags", "purpose")


def _flag_options(options: Mapping[str, Any]) -> dict[str, bool]:
    """The true-or-false options, with their defaults."""
    flags: dict[str, bool] = {}
    for name, default in _FLAGS:
        flag = options.get(name)
        if flag is None:
            flag = default
        if not isinstance(flag, bool):
            raise ConfigError(f"evmap option '{name}' must be true or false, got {flag!r}")
        flags[name] = flag
    return flags


def _text_options(options: Mapping[str, Any]) -> dict[str, str | None]:
    """The text options (None when absent); an empty text is refused."""
    texts: dict[str, str | None] = {}
    for name in _TEXTS:
        value = options.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"evmap option '{name}' must be a text, got {value!r}")
        texts[name] = value
    return texts


def _severity_options(options: Mapping[str, Any], require_review: bool) -> dict[Check, Severity]:
    """The ``validation`` option's severities; ``require_review`` warns of unreviewed claims."""
    validation = options.get("validation")
    if validation is not None and not isinstance(validation, Mapping):
        raise ConfigError(
            "evmap option 'validation' must map check names to error, warning or ignore, "
            f"got {validation!r}"
        )
    severities = parse_severities(validation)
    if require_review:
        severities.setdefault(Check.UNREVIEWED_CLAIM, Severity.WARNING)
    return severities


def _check_templates(root: Path, given: Any, folder: str) -> None:
    """Refuse a ``templates_dir`` that was given but is no folder."""
    if given is not None and not (root / folder).is_dir():
        raise ConfigError(
            f"evmap option 'templates_dir': no such folder: {given} (relative to mkdocs.yml); "
            "create it with the templates to override, or leave the option out to use "
            "evmap's own"
        )


def _doi_year(options: Mapping[str, Any]) -> int:
    """The ``doi_expected_since`` option: a year of four digits."""
    since = options.get("doi_expected_since", DOI_EXPECTED_SINCE)
    since = DOI_EXPECTED_SINCE if since is None else since
    if isinstance(since, bool) or not isinstance(since, int) or not 1000 <= since <= 9999:
        raise ConfigError(
            f"evmap option 'doi_expected_since' must be a year such as 2000, got {since!r}"
        )
    return since


def _addresses(config_file: Path | None, given: Mapping[str, str | None]) -> tuple[Address, ...]:
    """The addresses mkdocs.yml gives, with their lines."""
    lines = setting_lines(config_file) if config_file is not None else {}
    return tuple(
        Address(key, value, lines.get(key, 0))
        for key, value in sorted(given.items())
        if isinstance(value, str) and value.strip()
    )


def _style_path(root: Path, csl: str) -> Path:
    """The ``csl`` option as a file of the project, or why it cannot be read.

    Raises:
        ConfigError: for a path outside the project, a link leading outside it, a
            folder, a special file or a missing file: each for what it is.
    """
    path = _inside_project(root, csl, "csl")
    refused = check_file(path, root, lambda p: p.as_posix(), Check.FILE_ACCESS)
    if refused is not None:
        raise ConfigError(f"evmap option 'csl': {csl} {refused.message}")
    if path.is_dir():
        raise ConfigError(
            f"evmap option 'csl': {csl} is a folder; give the path of a CSL style file in it, "
            "e.g. styles/apa.csl"
        )
    if not path.is_file():
        raise ConfigError(
            f"evmap option 'csl': no such file: {csl} (relative to mkdocs.yml); give the path "
            "of a CSL style file, e.g. styles/apa.csl, or leave 'csl' out for the default style"
        )
    return path


def _published_fields(value: Any) -> tuple[str, ...]:
    """The ``published_fields`` option: BibTeX field names, lower-cased, sorted.

    Raises:
        ConfigError: when it is not a list of field names.
    """
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(name, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name) for name in value
    ):
        raise ConfigError(
            "evmap option 'published_fields' must be a list of BibTeX field names, e.g. "
            f"[note], got {value!r}"
        )
    return tuple(sorted({name.lower() for name in value}))


def _license(value: Any) -> License | None:
    """The licence named by the ``license`` option (None when it is left out)."""
    if value is None:
        return None
    if isinstance(value, str) and value in LICENSES:
        return LICENSES[value]
    known = ", ".join(LICENSES)
    _refuse(
        f"evmap option 'license' must be the SPDX identifier of a data licence, got {value!r}; "
        f"known: {known}" + (did_you_mean(value, LICENSES) if isinstance(value, str) else "")
    )


_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


def _curators(value: Any) -> tuple[Curator, ...]:
    """The curators named by the ``curators`` option."""
    if value is None:
        return ()
    if not isinstance(value, list):
        _refuse(f"evmap option 'curators' must be a list of names, got {value!r}")
    curators = []
    for item in value:
        if isinstance(item, str) and item.strip():
            curators.append(Curator(item.strip()))
            continue
        if (
            isinstance(item, Mapping)
            and set(item) <= {"name", "orcid", "affiliation", "emails"}
            and isinstance(item.get("name"), str)
            and item["name"].strip()
        ):
            orcid = item.get("orcid", "")
            # ORCID's own form: four groups of four digits, the last may end in X.
            if orcid and not (isinstance(orcid, str) and _ORCID.fullmatch(orcid)):
                _refuse(
                    f"evmap option 'curators': ORCID iD {orcid!r} of {item['name']!r} is not "
                    "well formed; expected four groups of four digits, e.g. 0000-0002-1825-0097 "
                    "(without https://orcid.org/)"
                )
            affiliation = item.get("affiliation") or ""
            if not isinstance(affiliation, str):
                _refuse(
                    f"evmap option 'curators': affiliation of {item['name']!r} must be a text, "
                    f"got {affiliation!r}"
                )
            emails = item.get("emails") or []
            if not isinstance(emails, list) or not all(
                isinstance(e, str) and "@" in e for e in emails
            ):
                _refuse(
                    f"evmap option 'curators': emails of {item['name']!r} must be a list of the "
                    f"e-mails of their commits (git log --format=%ae), got {emails!r}"
                )
            known = tuple(dict.fromkeys(e.strip().lower() for e in emails))
            curators.append(Curator(item["name"].strip(), orcid or "", affiliation.strip(), known))
            continue
        _refuse(
            "evmap option 'curators' must list names or {name: ..., orcid: ..., affiliation: ..., "
            "emails: [...]} mappings, "
            f"got {item!r}"
        )
    return tuple(curators)


def _refuse(message: str) -> NoReturn:
    raise ConfigError(message)


def _inside_project(root: Path, value: str, option: str) -> Path:
    """``value`` (relative to ``root``) as an absolute path, links not followed.

    Raises:
        ConfigError: when it names a place outside the project (evmap reads only
            files inside the folder of mkdocs.yml; see :mod:`evmap.core.inputs`).
    """
    path = Path(os.path.normpath(root / value))
    if path != root and root not in path.parents:
        raise ConfigError(
            f"evmap option '{option}': {value} is outside the project (the folder of "
            "mkdocs.yml); evmap reads only files inside it, so copy them in"
        )
    return path


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the Python tags some themes use (``!!python/name``)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def load_settings(config_file: Path) -> Settings:
    """Read the ``evmap`` plugin options from an ``mkdocs.yml``.

    Raises:
        ConfigError: when the file is missing, unreadable or malformed, or has no
            evmap plugin; the message is one line starting with the file's path.
    """
    try:
        text = config_file.read_bytes().decode("utf-8-sig")
        data = yaml.load(text, Loader=_TolerantLoader)
        return _settings_from_document(config_file, data)
    except FileNotFoundError:
        raise ConfigError(
            f"{config_file}: no such file; run from the project root or pass -f"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{config_file}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{config_file}: not valid UTF-8; save it as UTF-8") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{config_file}: not valid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file}: not valid YAML: {' '.join(str(exc).split())}") from None
    except ConfigError as exc:
        raise ConfigError(f"{config_file}: {exc}") from None


def _settings_from_document(config_file: Path, data: Any) -> Settings:
    root = config_file.parent.resolve()
    plugins = data.get("plugins", []) if isinstance(data, dict) else []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    if not isinstance(plugins, list):
        raise ConfigError(f"'plugins' must be a list, got {plugins!r}")
    docs_dir = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
    docs_dir = docs_dir if isinstance(docs_dir, str) and docs_dir.strip() else "docs"
    site_dir = data.get("site_dir", "site") if isinstance(data, dict) else "site"
    site_dir = site_dir if isinstance(site_dir, str) and site_dir.strip() else "site"
    addresses = {k: data.get(k) for k in ("site_url", "repo_url")} if isinstance(data, dict) else {}
    site = {
        key: " ".join(value.split())
        for key in SITE_FIELDS
        if isinstance(data, dict) and isinstance(value := data.get(key), str) and value.strip()
    }
    for plugin in plugins:
        if plugin == "evmap" or (isinstance(plugin, dict) and "evmap" in plugin):
            options = plugin["evmap"] if isinstance(plugin, dict) else {}
            settings = settings_from_options(
                root, options or {}, docs_dir, site_dir, config_file.resolve(), addresses
            )
            return replace(settings, site=site)
    raise ConfigError("the 'evmap' plugin is not listed under 'plugins:'")
