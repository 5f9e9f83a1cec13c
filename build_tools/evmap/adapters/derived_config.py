"""The derived configuration ``evmap generate`` writes beside the project's mkdocs.yml.

The project's configuration is read with the application tags builders resolve
themselves (``!ENV``, ``!!python/name:...``) kept as written, evmap's part of it is
done (its plugin removed, its assets and Markdown extension listed), and the result is
written back in the original's key order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evmap.adapters.markdown_toc import NAME as TOC_EXTENSION
from evmap.core.config import ConfigError, placeholder_reason
from evmap.site.assets import SCRIPTS, STYLESHEETS

__all__ = [
    "Tagged",
    "derive_config",
    "derived_config_path",
    "dump_config",
    "read_config",
]


def derived_config_path(config_file: Path) -> Path:
    """Where the derived configuration of ``config_file`` goes: ``mkdocs.generated.yml``."""
    return config_file.with_name(f"{config_file.stem}.generated{config_file.suffix or '.yml'}")


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
