"""The site builder evmap drives: ProperDocs or MkDocs 1.x, whichever is installed.

ProperDocs is a maintained continuation of MkDocs 1.6 that runs MkDocs plugins and
themes unchanged; MkDocs 1.x has had no release since 2024. Both have the same API
under different package names, so the adapters import ``mkdocs.*`` and this module
(imported by :mod:`evmap.adapters` before any of them) decides what that name means:

1. inside a running builder, the one already loaded (``mkdocs build`` loads MkDocs;
   ``properdocs build`` loads ProperDocs, which maps ``mkdocs.*`` onto itself);
2. else ``EVMAP_BUILDER`` (``properdocs`` or ``mkdocs``) when set;
3. else ProperDocs when it is installed, else MkDocs.

Material for MkDocs declares a dependency on ``mkdocs``, so both packages are usually
installed; with ProperDocs chosen, ``mkdocs.*`` imports (evmap's, Material's) all load
ProperDocs, exactly as under the ``properdocs`` command.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

from evmap.core.errors import EvmapError

__all__ = ["BUILDERS", "NAME", "BuilderMissing", "choose", "require"]

BUILDERS = ("properdocs", "mkdocs")


class BuilderMissing(EvmapError, ImportError):
    """Neither builder is installed, or ``EVMAP_BUILDER`` names one that is not."""


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # a module in sys.modules without a spec
        return name in sys.modules
    except ImportError:  # a finder that refuses it
        return False


def choose(environ: dict[str, str] | None = None) -> str:
    """The builder to drive (see the module's documentation for the order)."""
    loaded = sys.modules.get("mkdocs")
    if loaded is not None:
        return "properdocs" if loaded.__name__ == "properdocs" else "mkdocs"
    wanted = (os.environ if environ is None else environ).get("EVMAP_BUILDER", "").strip()
    if wanted:
        if wanted not in BUILDERS:
            raise BuilderMissing(
                f"EVMAP_BUILDER={wanted!r}: evmap drives 'properdocs' or 'mkdocs'; "
                "unset it to use whichever is installed"
            )
        if not _installed(wanted):
            raise BuilderMissing(f"EVMAP_BUILDER={wanted!r}, but {wanted} is not installed")
        return wanted
    for name in BUILDERS:
        if _installed(name):
            return name
    raise BuilderMissing(
        "no site builder installed: pip install properdocs (or mkdocs) and mkdocs-material"
    )


def _activate(name: str) -> None:
    if name == "properdocs" and sys.modules.get("mkdocs") is None:
        # ProperDocs' own switch: every later `mkdocs.*` import loads `properdocs.*`.
        importlib.import_module("properdocs.replacement")


_PROBLEM: BuilderMissing | None = None
try:
    NAME = choose()
except BuilderMissing as _exc:  # reported by require(), when a command needs a builder
    NAME, _PROBLEM = "", _exc
else:
    _activate(NAME)


def require() -> str:
    """The builder's name (``properdocs`` or ``mkdocs``), for commands that build.

    Raises:
        BuilderMissing: none is installed, or ``EVMAP_BUILDER`` names no installed one.
    """
    if _PROBLEM is not None:
        raise _PROBLEM
    return NAME
