"""Limits on what a library's text can grow into: @string macros, fields, braces.

A library file is at most 64 MiB (:data:`evmap.core.yamlio.MAX_LIBRARY_BYTES`),
but @string macros multiply text: forty lines of ``@string{a1 = a0 # a0}`` would
expand to a terabyte, and a chain of 200,000 macros each adding a character to
the one before holds 20 GB of expanded values. Both readers (the fast one and
pybtex) therefore expand macros through one :class:`Expansion` per library,
which refuses a macro that grows past :data:`MAX_VALUE_CHARS` or is defined
through more than :data:`MAX_MACRO_DEPTH` levels of other macros, and stops
expanding once macros have added :data:`MAX_EXPANDED_CHARS` characters in all.
Each refusal is one error at the line of the macro (or of the field where the
total ran out); what uses a refused macro reads it as empty text, silently, so
one cause gives one message.

pandoc receives entries with every macro already expanded (see
:mod:`evmap.core.library.formatting`), so it never expands a macro itself; the
fields it receives are at most :data:`MAX_VALUE_CHARS` long each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evmap.core.problems import Check, Problem

__all__ = [
    "MAX_BRACE_DEPTH",
    "MAX_EXPANDED_CHARS",
    "MAX_MACRO_DEPTH",
    "MAX_VALUE_CHARS",
    "Expansion",
    "field_too_long",
]

# A field or @string value, macros expanded: a long abstract is a few thousand
# characters; a title of a 60,000-character word is odd but read.
MAX_VALUE_CHARS = 100_000
# Macros defined through macros: real libraries nest two or three levels.
MAX_MACRO_DEPTH = 32
# Characters all macro uses of a library may add (the size cap of one file).
MAX_EXPANDED_CHARS = 64 * 1024 * 1024
# Braces nested in one value: pybtex's own limit, so both readers agree.
MAX_BRACE_DEPTH = 100


@dataclass
class Expansion:
    """The macro expansion of one library (all its files, read in order).

    Attributes:
        spent: Characters macro uses have added so far.
        problems: The refusals, one per cause.
        exhausted: :data:`MAX_EXPANDED_CHARS` was reached: macros now read as empty.
    """

    spent: int = 0
    problems: list[Problem] = field(default_factory=list)
    exhausted: bool = False

    def mark(self) -> tuple[int, int, bool]:
        """The state to go back to should a file be read again by the other reader."""
        return self.spent, len(self.problems), self.exhausted

    def restore(self, mark: tuple[int, int, bool]) -> None:
        """Forget what was spent and refused since :meth:`mark`."""
        self.spent, count, self.exhausted = mark
        del self.problems[count:]

    def spend(self, size: int) -> bool:
        """Count a macro use adding ``size`` characters; False once the total is reached
        (the caller then says where, once: :meth:`ran_out`)."""
        if self.exhausted:
            return False
        if self.spent + size <= MAX_EXPANDED_CHARS:
            self.spent += size
            return True
        self.exhausted = True
        return False

    def ran_out(self, path: str, line: int, where: str) -> None:
        """Say where the total was reached (``where``: ``entry 'x'``, ``@string 'y'``)."""
        self.problems.append(
            Problem(
                path,
                line,
                f"BibTeX: the @string macros of the library expand to more than "
                f"{MAX_EXPANDED_CHARS // (1024 * 1024)} MiB of text in all, reached in {where}; "
                "evmap stops expanding macros there: write repeated text out instead of "
                "building it from macros",
                Check.BIBTEX_SYNTAX,
            )
        )

    def check_macro(self, name: str, size: int, depth: int, path: str, line: int) -> bool:
        """Whether the macro ``name`` may be kept: ``size`` characters, defined through
        ``depth`` levels of other macros (0: its own text only).

        A refused macro is one error here; it then reads as empty text.
        """
        if depth > MAX_MACRO_DEPTH:
            message = (
                f"BibTeX: @string '{name}' is defined through {depth} levels of other "
                f"@string macros; at most {MAX_MACRO_DEPTH} are followed: define it with "
                "its own text"
            )
        elif size > MAX_VALUE_CHARS:
            message = (
                f"BibTeX: @string '{name}' expands to {size:,} characters; a value may hold at "
                f"most {MAX_VALUE_CHARS:,} once its macros are expanded: define it with its "
                "own text instead of repeating other macros"
            )
        else:
            return True
        self.problems.append(Problem(path, line, message, Check.BIBTEX_SYNTAX))
        return False


def field_too_long(key: str, name: str, size: int, path: str, line: int) -> Problem:
    """A field longer than :data:`MAX_VALUE_CHARS` (its entry is kept without it)."""
    return Problem(
        path,
        line,
        f"reference '{key}': field '{name}' is {size:,} characters long (macros expanded); a "
        f"field may hold at most {MAX_VALUE_CHARS:,}: shorten it (the entry is kept without "
        "this field)",
        Check.BIBTEX_FIELD,
    )
