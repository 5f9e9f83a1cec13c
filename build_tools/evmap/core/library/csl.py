"""The citation style: read and checked by evmap before pandoc ever sees it.

A CSL style is XML from outside the lab (the Zotero style repository, a
colleague), and pandoc trusts it: a *dependent* style makes pandoc fetch its
parent over HTTP during the build, a DOCTYPE can declare entities, a 60 MB
style kept pandoc busy for a quarter of an hour, and a style pandoc cannot
parse used to turn every reference into its bare key. So evmap reads the style
itself, with lxml set to fetch nothing, load no DTD and expand no entity, and
refuses, each at its line:

* a file over :data:`MAX_STYLE_BYTES`, XML that is not well formed, any DOCTYPE;
* a root that is not ``<style>`` in the CSL namespace, a style without
  ``<citation>`` or ``<bibliography>``, a macro called but not defined, macros
  calling one another in a circle, or a macro unfolding into more than
  :data:`MAX_MACRO_CALLS` calls (pandoc would never finish);
* a style pandoc refuses (it formats one plain article with it, once per style);
* a dependent style whose parent is not a file evmap can read: the parent named
  by ``<link rel="independent-parent" href=".../styles/apa"/>`` is ``apa.csl``
  in the dependent style's folder, the folder above it (the style repository's
  layout: ``dependent/``), or among the styles shipped with evmap; never fetched.

pandoc then receives the independent style only (the parent, with the
dependent's ``default-locale`` applied, as CSL processors do), written to a
file of its own (see :mod:`evmap.core.library.pandoc`); a style that sets no
et-al limit gets one no list reaches, so that BibTeX's ``and others`` reads as
its "et al." (:func:`_et_al_for_others`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

from evmap.core.errors import EvmapError
from evmap.core.inputs import check_file
from evmap.core.problems import Check, Problem

__all__ = [
    "CSL_NAMESPACE",
    "DEFAULT_STYLE",
    "MAX_MACRO_CALLS",
    "MAX_STYLE_BYTES",
    "CitationStyle",
    "StyleError",
    "default_style",
    "default_style_path",
    "load_style",
    "read_style",
]

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
DEFAULT_STYLE = "evmap-author-date.csl"
# The largest styles of the Zotero repository are a few hundred KB.
MAX_STYLE_BYTES = 1024 * 1024
# Macro calls one macro may unfold into: a real style's layout a few thousand at most.
MAX_MACRO_CALLS = 100_000

_NS = f"{{{CSL_NAMESPACE}}}"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PARENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class CitationStyle:
    """A CSL style as pandoc receives it, and what identifies its output.

    Attributes:
        path: Where it was read: project-relative (or the shipped style's file name).
        digest: Digest of :attr:`text` (part of every cache key).
        own_labels: The style's citations are author-date labels; otherwise
            (numeric and note styles) labels come from evmap's default style.
        protect_titles: Show titles as written (evmap's default style); other
            styles get pandoc's casing (sentence case for English titles).
        text: The independent style handed to pandoc (a dependent one's parent).
    """

    path: str
    digest: str
    own_labels: bool = True
    protect_titles: bool = False
    text: bytes = b""


class StyleError(EvmapError):
    """The citation style cannot be used; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.path}:{p.line}: {p.message}" for p in problems))
        self.problems = problems


def _styles_folder() -> Path:
    return Path(str(resources.files("evmap.core.library").joinpath("styles")))


def default_style_path() -> Path:
    """evmap's own CSL style, shipped with the package."""
    return _styles_folder() / DEFAULT_STYLE


@functools.cache
def default_style() -> CitationStyle:
    """evmap's own style (titles shown as written)."""
    path = default_style_path()
    return _style(path.name, path.read_bytes(), etree.fromstring(path.read_bytes()), True)


def load_style(
    path: Path | None,
    root: Path | None = None,
    relative: Callable[[Path], str] | None = None,
) -> CitationStyle:
    """The style at ``path`` (evmap's default when None), checked.

    ``root`` is the project (a dependent style's parent must be inside it; default:
    the style's folder); ``relative`` names files in messages.

    Raises:
        StyleError: naming each problem at its line.
    """
    style, problems = read_style(path, root, relative)
    if problems:
        raise StyleError(problems)
    return style


def read_style(
    path: Path | None,
    root: Path | None = None,
    relative: Callable[[Path], str] | None = None,
) -> tuple[CitationStyle, list[Problem]]:
    """The style at ``path`` and its problems; evmap's default style when it has some
    (the problems fail the check, so nothing is formatted with it)."""
    if path is None:
        return default_style(), []
    root = (root or path.parent).resolve()
    reader = _StyleReader(root, relative or (lambda p: p.as_posix()))
    found = reader.read(path, dependent_allowed=True)
    if found is None or reader.problems:
        return default_style(), reader.problems
    # pandoc's own verdict, on one plain article (pandoc imports this module, hence here).
    from evmap.core.library.pandoc import style_failure

    failure = style_failure(found)
    if failure is not None:
        return default_style(), [Problem(found.path, *failure, Check.FILE_SHAPE)]
    return found, []


class _StyleReader:
    """Reads one style (and its parent), collecting problems."""

    def __init__(self, root: Path, relative: Callable[[Path], str]) -> None:
        self.root = root
        self.relative = relative
        self.problems: list[Problem] = []

    def problem(self, path: Path, line: int, message: str, check: Check = Check.FILE_SHAPE) -> None:
        self.problems.append(Problem(self.relative(path), line, message, check))

    def read(self, path: Path, dependent_allowed: bool) -> CitationStyle | None:
        data = self.read_bytes(path)
        if data is None:
            return None
        element = self.parse(path, data)
        if element is None:
            return None
        if element.tag != _NS + "style":
            name = etree.QName(element).localname
            self.problem(
                path,
                element.sourceline or 1,
                f"not a CSL style: the root element is <{name}>, expected <style> in the CSL "
                f"namespace ({CSL_NAMESPACE}); set 'csl' to a .csl style file",
            )
            return None
        link = element.find(f"{_NS}info/{_NS}link[@rel='independent-parent']")
        if link is None:
            return self.independent(path, data, element)
        if not dependent_allowed:
            self.problem(
                path,
                link.sourceline or 1,
                "this parent style is itself a dependent style; evmap follows one level: "
                "use an independent style as the parent",
            )
            return None
        parent = self.parent(path, link)
        if parent is None:
            return None
        locale = element.get("default-locale")
        if locale:  # the dependent style's language, over its parent's (as CSL says)
            parent_element = etree.fromstring(parent.text, _parser())
            text = _with_attributes(parent.text, parent_element, {"default-locale": locale})
            return _style(parent.path, text, parent_element, False)
        return parent

    def read_bytes(self, path: Path) -> bytes | None:
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_STYLE_BYTES + 1)
                size = len(data) if len(data) <= MAX_STYLE_BYTES else path.stat().st_size
        except OSError as exc:
            self.problem(path, 0, f"cannot read the citation style: {exc.strerror}")
            return None
        if size > MAX_STYLE_BYTES:
            self.problem(
                path,
                0,
                f"the citation style is {size:,} bytes, over the limit of {MAX_STYLE_BYTES:,}; "
                "a CSL style is a few dozen KB: check that 'csl' names the right file",
            )
            return None
        return data

    def parse(self, path: Path, data: bytes) -> etree._Element | None:
        declared = _DOCTYPE.search(data)
        if declared is not None:
            self.problem(
                path,
                data.count(b"\n", 0, declared.start()) + 1,
                f"the citation style declares a {declared.group(1).decode().upper()}; evmap reads "
                "styles without DTDs or entities (they can read files and fetch addresses): "
                "remove it",
            )
            return None
        try:
            element = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else 0
            message = " ".join(str(exc.msg or exc).split())
            message = re.sub(r", line \d+, column \d+$", "", message)
            self.problem(
                path,
                line,
                f"the citation style is not well-formed XML ({message}); fix it, or take the "
                "style again from where it came from",
            )
            return None
        if element.getroottree().docinfo.doctype:  # cannot pass the search above; kept as a guard
            self.problem(path, 1, "the citation style declares a DOCTYPE; remove it")
            return None
        return element

    def parent(self, path: Path, link: etree._Element) -> CitationStyle | None:
        """The independent parent named by ``link``: a file of the project or of evmap."""
        href = (link.get("href") or "").strip()
        name = href.rstrip("/").rsplit("/", 1)[-1]
        folders = [path.parent, path.parent.parent, _styles_folder()]
        if _PARENT_NAME.fullmatch(name):
            for folder in folders:
                candidate = folder / f"{name}.csl"
                shipped = folder == _styles_folder()
                if not shipped and (self.root not in candidate.parents or not candidate.exists()):
                    continue
                if shipped and not candidate.is_file():
                    continue
                if not shipped:
                    refused = check_file(candidate, self.root, self.relative, Check.FILE_ACCESS)
                    if refused is not None:
                        self.problems.append(refused)
                        return None
                parent = self.read(candidate, dependent_allowed=False)
                if parent is None:
                    return None
                return parent
        self.problem(
            path,
            link.sourceline or 1,
            f"the style is a dependent style of '{href}', which evmap does not fetch; put that "
            f"parent style beside this one as {name or '<name>'}.csl (from the style "
            "repository) or set 'csl' to an independent style",
        )
        return None

    def independent(self, path: Path, data: bytes, element: etree._Element) -> CitationStyle | None:
        found = len(self.problems)
        for part in ("citation", "bibliography"):
            if element.find(_NS + part) is None:
                self.problem(
                    path,
                    element.sourceline or 1,
                    f"the citation style has no <{part}>; evmap shows in-text labels and full "
                    "references, so it needs a style that has both",
                )
        self.check_macros(path, element)
        if len(self.problems) > found:
            return None
        return _style(self.relative(path), _et_al_for_others(data, element), element, False)

    def check_macros(self, path: Path, element: etree._Element) -> None:
        """Every macro called is defined, and no macro calls itself, directly or not."""
        defined = {m.get("name", ""): m for m in element.iterfind(_NS + "macro")}
        calls: dict[str, list[etree._Element]] = {}
        for caller in element.iter(etree.Element):
            called = caller.get("macro")
            if called is None or caller.tag not in (_NS + "text", _NS + "key"):
                continue
            owner = next((a for a in caller.iterancestors(_NS + "macro")), None)
            calls.setdefault(owner.get("name", "") if owner is not None else "", []).append(caller)
            if called not in defined:
                self.problem(
                    path,
                    caller.sourceline or 1,
                    f"the citation style calls macro '{called}', which it does not define; "
                    "define it or remove the call",
                )
        names = {name: [c.get("macro", "") for c in found] for name, found in calls.items()}
        cycle = _macro_cycle(names)
        if cycle:
            self.problem(
                path,
                defined[cycle[0]].sourceline or 1,
                f"the citation style's macros call one another in a circle "
                f"({' -> '.join(cycle)}); pandoc would never finish: break the circle",
            )
            return
        sizes = _expansions(names)
        # Said once, at the first macro to go over (those calling it go over too).
        over = [
            name
            for name, size in sizes.items()
            if size > MAX_MACRO_CALLS
            and name in defined
            and all(sizes.get(c, 1) <= MAX_MACRO_CALLS for c in names[name])
        ]
        if over:
            name = min(over, key=lambda n: defined[n].sourceline or 0)
            self.problem(
                path,
                defined[name].sourceline or 1,
                f"the citation style's macro '{name}' unfolds into more than "
                f"{MAX_MACRO_CALLS:,} macro calls (macros calling macros several times each); "
                "pandoc would take hours: simplify it",
            )


def _et_al_for_others(data: bytes, element: etree._Element) -> bytes:
    """The style with an et-al limit on ``<citation>`` and ``<bibliography>`` where it
    sets none.

    pandoc writes BibTeX's ``and others`` as the style's "et al." only under such a
    limit; without one it prints "and others". No list of names is that long, so
    nothing else changes.
    """
    if element.get("et-al-min") is not None:
        return data
    for part in ("citation", "bibliography"):
        found = element.find(_NS + part)
        if found is not None and found.get("et-al-min") is None:
            data = _with_attributes(data, found, {"et-al-min": "10000", "et-al-use-first": "9999"})
    return data


def _with_attributes(data: bytes, element: etree._Element, values: dict[str, str]) -> bytes:
    """``data`` with ``values`` set on ``element``'s start tag, written in place, so that
    every line stays where it was (pandoc's complaints are reported at the file's lines)."""
    lines = data.split(b"\n")
    index = (element.sourceline or 1) - 1
    name = etree.QName(element).localname.encode()
    line = lines[index]
    start = re.search(rb"<(?:[\w.-]+:)?" + re.escape(name) + rb"(?=[\s/>])", line)
    end = line.find(b">", start.end()) if start is not None else -1
    if start is None or end < 0:  # a tag over several lines: rewritten whole instead
        root = etree.fromstring(data, _parser())  # data as changed so far, lines kept
        same = [e for e in root.iter(element.tag) if e.sourceline == element.sourceline]
        (same[0] if same else root).attrib.update(values)
        written: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
        return written
    tag = line[start.start() : end]
    for key, value in values.items():
        written = f'{key}="{value}"'.encode()
        pattern = rb"\s" + re.escape(key.encode()) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')"
        if re.search(pattern, tag):
            tag = re.sub(pattern, b" " + written, tag)
        else:
            closing = len(tag) - 1 if tag.endswith(b"/") else len(tag)
            tag = tag[:closing].rstrip() + b" " + written + tag[closing:]
    lines[index] = line[: start.start()] + tag + line[end:]
    return b"\n".join(lines)


def _macro_cycle(calls: dict[str, list[str]]) -> list[str]:
    """One circle of macro calls (its names, the first repeated at the end), if any."""
    done: set[str] = set()
    for start in sorted(calls):
        path = [start]
        todo = [iter(calls.get(start, []))]
        while todo:
            step = next(todo[-1], None)
            if step is None:
                done.add(path.pop())
                todo.pop()
            elif step in path:
                return [*path[path.index(step) :], step]
            elif step not in done:
                path.append(step)
                todo.append(iter(calls.get(step, [])))
    return []


def _expansions(calls: dict[str, list[str]]) -> dict[str, int]:
    """How many macro calls each macro unfolds into (itself included), without recursion.

    ``calls`` holds no circle (see :func:`_macro_cycle`); sizes are capped just over
    :data:`MAX_MACRO_CALLS`, so doubling macros cost no more than counting to it.
    """
    sizes: dict[str, int] = {}
    for start in sorted(calls):
        todo = [start]
        while todo:
            name = todo[-1]
            waiting = [c for c in calls.get(name, []) if c not in sizes and c in calls]
            if waiting:
                todo.extend(dict.fromkeys(waiting))
                continue
            todo.pop()
            total = 1 + sum(sizes.get(c, 1) for c in calls.get(name, []))
            sizes[name] = min(total, MAX_MACRO_CALLS + 1)
    return sizes


def _parser() -> etree.XMLParser:
    """An XML parser that reads nothing but the text it is given."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def _style(path: str, text: bytes, element: etree._Element, protect: bool) -> CitationStyle:
    kind = element.find(f"{_NS}info/{_NS}category[@citation-format]")
    format_ = kind.get("citation-format") if kind is not None else None
    own_labels = format_ is None or format_ in ("author-date", "author", "label")
    digest = hashlib.blake2b(text, digest_size=16).hexdigest()
    return CitationStyle(path, digest, own_labels, protect, text)
