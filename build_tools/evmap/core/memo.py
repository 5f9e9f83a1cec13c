"""What a process remembers between checks and builds: the one in-memory cache.

Parsing YAML files and BibTeX libraries and formatting references are the slow
steps; their results depend only on the bytes read (and evmap's code). A
:class:`Memo` keeps them for the life of whoever owns it and is passed in
explicitly: ``mkdocs serve`` keeps one per plugin, so a rebuild re-parses only the
files an edit changed; ``evmap build`` gives the same one to its check and to the
plugin; a test makes a fresh one to start clean. Nothing is remembered in module
globals. Between processes, the persistent cache on disk (:mod:`evmap.core.cache`)
plays the same part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Memo", "TextStore"]


class TextStore:
    """Formatted references of a :class:`Memo`, by context key, and the key each entry
    was last formatted under (see :mod:`evmap.core.library.formatting`).

    A reference's formatter holds the store it reads from. Pickled (in a parsed
    library kept on disk) it travels empty; the loader binds restored references to
    its memo's store (:func:`evmap.core.bibtex.bind_texts`).
    """

    __slots__ = ("done", "jobs", "latest")

    def __init__(self) -> None:
        self.done: dict[str, Any] = {}  # context key -> ReferenceText
        self.latest: dict[tuple[str, str], str] = {}  # (style, entry digest) -> context key
        # id(entry) -> (entry, style, its FormatJob): a page reads a reference's label
        # and text many times, and flattening the entry each time cost seconds at L.
        self.jobs: dict[int, tuple[Any, Any, Any]] = {}

    def __reduce__(self) -> tuple[type[TextStore], tuple[()]]:
        return (TextStore, ())


@dataclass(eq=False)
class Memo:
    """The in-memory caches of one owner (a command, a serving plugin, a test).

    Attributes:
        files: Parsed YAML files by (kind, path, content digest).
        libraries: Parsed libraries by (paths, content digest).
        texts: Formatted references.
        restored: Projects whose persistent cache has been read into this memo.
        unsaved: What was parsed per project and not yet written to the persistent
            cache (``mkdocs serve`` writes it at shutdown).
    """

    files: dict[Any, Any] = field(default_factory=dict)
    libraries: dict[Any, Any] = field(default_factory=dict)
    texts: TextStore = field(default_factory=TextStore)
    restored: set[Path] = field(default_factory=set)
    unsaved: dict[Path, Any] = field(default_factory=dict)
