"""The package's layers: the core and the site rendering import no builder; one module runs git.

The layers are ``evmap.core`` (load, validate, model), ``evmap.analysis`` (pure functions
of a map), ``evmap.site`` (pages, downloads and diffs of a map) and ``evmap.adapters``
(the MkDocs/ProperDocs plugin, the command line, builders). Only adapters may import a
site builder or a theme.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from evmap.site.urls import PageKind

PACKAGE = REPO / "build_tools" / "evmap"
NEUTRAL = ("core", "analysis", "site")
LAYERS = {"core": 0, "analysis": 1, "site": 2, "adapters": 3}
BUILDERS = ("mkdocs", "properdocs", "material", "zensical")


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (PACKAGE / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", modules(*NEUTRAL), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layout_neutral_module_imports_no_builder(path: Path) -> None:
    found = sorted(n for n in imported(path) if n.split(".")[0] in BUILDERS)
    assert found == [], f"{path.relative_to(PACKAGE)} imports a builder: {found}"


def test_layout_importing_the_core_loads_no_builder() -> None:
    # What a Zensical pre-build, a notebook or another builder's adapter would import.
    names = [
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in modules(*NEUTRAL)
    ]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{BUILDERS!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("path", modules(*LAYERS), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layout_layers_import_only_downwards(path: Path) -> None:
    layer = path.relative_to(PACKAGE).parts[0]
    upward = sorted(
        name
        for name in imported(path)
        if name.startswith("evmap.") and LAYERS.get(name.split(".")[1], -1) > LAYERS[layer]
    )
    assert upward == [], f"{path.relative_to(PACKAGE)} ({layer}) imports upwards: {upward}"


def test_layout_only_gitinfo_runs_git() -> None:
    runs_git = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(
            isinstance(node, ast.Constant) and node.value == "git"
            for node in ast.walk(ast.parse(p.read_text("utf-8")))
        )
    ]
    assert runs_git == ["core/gitinfo.py"]


def test_layout_package_has_no_loose_modules() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def _declared(tree: ast.Module) -> set[str] | None:
    """The names of a module's ``__all__``, or None when it has none."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            assert isinstance(node.value, ast.List | ast.Tuple)
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return None


def _defined(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level (in try/if blocks too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names.add(name.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if not p.name.startswith("__"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layout_every_module_says_what_it_offers(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    declared = _declared(tree)
    assert declared is not None, "no __all__"
    assert sorted(declared - _defined(tree)) == [], "listed in __all__ but not defined"


def test_layout_modules_use_only_what_others_offer() -> None:
    # A name another module of evmap (or a test) imports is part of its module's
    # offer: it must be in that module's __all__.
    offers = {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): _declared(
            ast.parse(p.read_text("utf-8"))
        )
        for p in MODULES
    }
    missing = set()
    for path in [*PACKAGE.rglob("*.py"), *(PACKAGE.parents[1] / "tests").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in offers:
                offered = offers[node.module] or set()
                missing.update(
                    f"{node.module}.{a.name} (imported by {path.name})"
                    for a in node.names
                    if a.name not in offered
                )
    assert sorted(missing) == []


def test_layout_one_exception_base() -> None:
    from evmap.core.errors import EvmapError

    raised = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in ("Exception", "ImportError", "ValueError")
                for b in node.bases
            ):
                raised.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    # Only the base itself, a private signal of the library reader, and (alongside the
    # base) the missing builder, an ImportError, derive from Python's exceptions.
    assert sorted(raised) == [
        "adapters/builder.py:BuilderMissing",
        "core/errors.py:EvmapError",
        "core/library/reader.py:_Unclean",
    ]
    import evmap.adapters.builder as builder

    assert issubclass(builder.BuilderMissing, EvmapError)


def _empty_container(node: ast.expr | None) -> bool:
    """``{}``, ``[]``, ``set()``, ``dict()``, ``defaultdict(...)``, ``OrderedDict()``..."""
    if isinstance(node, (ast.Dict, ast.List, ast.Set)):
        return not getattr(node, "keys", None) and not getattr(node, "elts", None)
    if isinstance(node, ast.Call) and not node.keywords:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "defaultdict":
            return len(node.args) <= 1
        return not node.args and name in {
            "dict",
            "list",
            "set",
            "OrderedDict",
            "WeakValueDictionary",
        }
    return False


@pytest.mark.parametrize("path", modules("."), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layout_no_module_level_cache(path: Path) -> None:
    """What a process remembers lives in one explicit object (evmap.core.memo.Memo), never
    in a module global a test would have to reset: no module starts an empty container."""
    tree = ast.parse(path.read_text("utf-8"))
    found = [
        ast.unparse(node)
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _empty_container(node.value)
    ]
    assert found == [], f"{path.name}: module-level containers {found}"


def test_layout_no_module_level_cache_catches_one() -> None:
    tree = ast.parse(
        "_DONE: dict[str, str] = {}\nNAMES = ('a',)\n_SEEN = set()\nM = dict(zip(a, b))\n"
    )
    values = [n.value for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
    assert [_empty_container(v) for v in values] == [True, False, True, False]


CACHES = {"cache", "lru_cache"}
"""functools' memoising decorators."""
ALLOWED_CACHES = {
    # Constant for the life of the process: read from evmap's own files or installed packages.
    "core/cache.py:code_version": "a digest of evmap's own code, fixed once imported",
    "core/identifiers.py:registry_pattern": "bioregistry's pattern of a prefix (a package)",
    "core/library/csl.py:default_style": "evmap's own citation style, a file of the package",
    "core/library/pandoc.py:pandoc_path": "the pandoc binary the process runs",
    "core/library/pandoc.py:pandoc_version": "that binary's version",
    "core/schema.py:entry_validator": "the published schemas, files of the package",
    "core/schema.py:fast_validator": "the same schemas, compiled",
    "core/schema.py:load_schema": "the same schemas, read",
    "core/vocab.py:category_order": "the pathway schema's categories",
    # Introspection of the model's classes: fixed once the classes exist.
    "core/entries.py:_item_readers": "the evidence fields' readers, from the model's metadata",
    "core/kinds.py:_field_names": "a model class's fields",
    "core/model.py:yaml_fields": "a model class's YAML fields",
    "site/nanopub.py:_fields": "the evidence fields a nanopublication writes",
    # Pure functions of their (hashable, immutable) arguments: no state of a map or build.
    "analysis/network.py:_order_layers_memo": "a layout of given layers and edges (2 kept)",
    "core/gitinfo.py:format_date": "a date of a timestamp (4,096 kept)",
    "core/library/pandoc.py:style_failure": "pandoc's verdict on a style's bytes (8 kept)",
    "core/reference.py:reference_slug": "the URL segment of a citation key",
    "site/export_bibtex.py:_line_starts": "line offsets of a text (4 kept)",
}
"""Module-level memoised functions, each with why it holds no state of a map or build."""


def _memoised(tree: ast.Module) -> list[str]:
    """Functions of a module (at its top level) decorated with functools' caches."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in CACHES:
                found.append(node.name)
    return found


def test_layout_module_level_caches_are_listed_with_their_reason() -> None:
    found = {
        f"{path.relative_to(PACKAGE).as_posix()}:{name}"
        for path in modules(".")
        for name in _memoised(ast.parse(path.read_text("utf-8")))
    }
    assert sorted(found) == sorted(ALLOWED_CACHES)


def test_layout_module_level_caches_catches_each_spelling() -> None:
    tree = ast.parse(
        "@functools.cache\ndef a(): ...\n@lru_cache(maxsize=2)\ndef b(): ...\n"
        "@cache\ndef c(): ...\n@property\ndef d(): ...\ndef e(): ...\n"
    )
    assert _memoised(tree) == ["a", "b", "c"]


ADAPTERS = ("adapters/mkdocs_plugin.py", "adapters/generate.py")
"""The adapters that build a site's pages: each through the one build sequence."""
STEPS = {"check", "format_map_references", "Renderer", "plan", "download_files", "preflight"}
"""The build sequence's steps (evmap.site.prepare): no adapter calls one itself."""


def _calls(tree: ast.AST) -> set[str]:
    """The names of what ``tree`` calls: ``f(...)`` and ``x.f(...)`` alike."""
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }


@pytest.mark.parametrize("name", ADAPTERS)
def test_layout_adapters_run_the_one_build_sequence(name: str) -> None:
    tree = ast.parse((PACKAGE / name).read_text("utf-8"))
    assert "evmap.site.prepare" in imported(PACKAGE / name)
    calls = _calls(tree)
    assert {"prepare_site", "lay_out"} <= calls
    assert sorted(calls & STEPS) == []


def test_layout_adapters_run_the_one_build_sequence_catches_a_step() -> None:
    tree = ast.parse("site = prepare_site(s)\nsite.lay_out(t, d)\nrenderer.preflight()\n")
    assert sorted(_calls(tree) & STEPS) == ["preflight"]


def test_layout_templates_live_at_the_top_of_the_repository() -> None:
    """One copy of evmap's templates, at the top (the layout the lab asked for); the shipped
    site renders through it, and the package finds it from a checkout."""
    from evmap.core.config import PACKAGE_TEMPLATES, load_settings

    top = PACKAGE.parents[1] / "templates"
    assert (top / "pathway.html").is_file() and (top / "assets" / "evmap.css").is_file()
    assert not (PACKAGE / "templates").exists()
    assert PACKAGE_TEMPLATES.resolve() == top.resolve()
    settings = load_settings(PACKAGE.parents[1] / "mkdocs.yml")
    assert settings.template_dirs == (PACKAGE_TEMPLATES,)  # evmap's own: no override
    assert not settings.sandboxed


_NAMED = re.compile(r"\bevmap(?:\.[a-z_]+)+")
STALE_NAMES: dict[str, str] = {}
"""Module paths the package's text names that no longer exist, until that text is fixed."""


def _resolves(name: str) -> bool:
    """Whether ``evmap.a.b.c`` is a module, or a module's attribute (at any depth)."""
    parts = name.split(".")
    for cut in range(len(parts), 1, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_layout_module_paths_named_in_the_package_exist() -> None:
    named = {
        match.group(0)
        for path in modules(".")
        for match in _NAMED.finditer(path.read_text("utf-8"))
    }
    # Not module paths: a logger's name, a made-up host, an attribute of a module object.
    named -= {"evmap.serve", "evmap.invalid", "evmap.__file__", "evmap.css"}
    stale = sorted(name for name in named if not _resolves(name))
    assert stale == sorted(STALE_NAMES)


MODULE_LINES = 600
LONG_MODULES = {
    "core/config.py": "every setting with its type, default, check and help text, in one place",
    "site/contexts.py": "the typed context of every page kind, each field documented for templates",
}
"""Modules allowed over :data:`MODULE_LINES` lines, with the reason."""


def test_layout_modules_are_small_but_the_listed_ones() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in modules(".")
        if (lines := len(path.read_text("utf-8").splitlines())) > MODULE_LINES
    }
    assert sorted(long) == sorted(LONG_MODULES), long


_KIND_VALUES = {kind.value for kind in PageKind}


def _string_kind_comparisons(text: str, name: str) -> list[str]:
    """``kind == "pathway"``, ``spec.kind in ("home", ...)``...: a page kind compared as a
    string rather than as :class:`evmap.site.urls.PageKind`."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        names = [s.attr if isinstance(s, ast.Attribute) else getattr(s, "id", "") for s in sides]
        if not any(name.endswith("kind") for name in names):
            continue
        for side in sides:
            items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            for item in items:
                if isinstance(item, ast.Constant) and item.value in _KIND_VALUES:
                    found.append(f"{name}:{node.lineno}: {item.value!r}")
    return found


def test_layout_page_kinds_are_compared_as_the_enum() -> None:
    found = [
        hit
        for path in modules("site")
        if path != PACKAGE / "site" / "urls.py"
        for hit in _string_kind_comparisons(path.read_text("utf-8"), str(path.relative_to(PACKAGE)))
    ]
    assert found == []


def test_layout_string_kind_comparisons_are_found() -> None:
    text = 'if spec.kind == "pathway" or kind in ("home", "x") or page.kind != "claim":\n    pass\n'
    assert _string_kind_comparisons(text, "sample.py") == [
        "sample.py:1: 'pathway'",
        "sample.py:1: 'home'",
    ]
