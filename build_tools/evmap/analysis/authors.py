"""Author lists of the library, read from their LaTeX source: who wrote each paper.

A BibTeX ``author`` field is LaTeX: names separated by ``and`` at brace depth 0,
each written ``First von Last``, ``von Last, First`` or ``von Last, Jr, First``;
a name wholly in braces is a corporate author (``{World Health Organization}``);
``and others`` ends a list that was cut short; accents are commands
(``M{\\"u}ller``, ``\\L{}ukasz``). Certainty (:mod:`evmap.analysis.studies`) asks
whether two papers come from one research group, so a name is reduced to what
identifies a person across papers: the family name (with its particles) and
the given name, as far as both are written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["AuthorList", "Person", "latex_text", "parse_authors"]

# Accent commands and the combining mark each stands for (the letter keeps its accent
# in names shown to readers; comparisons drop accents altogether).
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
# Letters written as commands.
_LETTERS = {
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ss": "ß",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    # A dotless i or j only ever carries an accent in names: the letter itself.
    "i": "i",
    "j": "j",
    "&": "&",
}
_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*(\{\\?[A-Za-z]\}|\\?[A-Za-z])|\\([cvuHkrdb])(?:\s+|(?=\{))(\{\\?[A-Za-z]\}|\\?[A-Za-z])"
)
_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij&])(?![A-Za-z])(?:\{\})?")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*|\\.")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _letter(text: str) -> str:
    """The letter of an accent's argument: ``{u}``, ``\\i``, ``o``."""
    text = text.strip("{}")
    if text.startswith("\\"):
        return _LETTERS.get(text[1:], text[1:])
    return text


def latex_text(source: str) -> str:
    """Plain text of a name written in LaTeX: accents applied, commands and braces dropped."""
    if "\\" not in source and "{" not in source and "~" not in source:
        return unicodedata.normalize("NFC", " ".join(source.split()))

    def accent(match: re.Match[str]) -> str:
        mark = match.group(1) or match.group(3)
        base = _letter(match.group(2) or match.group(4))
        return base + _ACCENTS[mark]

    text = _ACCENT.sub(accent, source)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _COMMAND.sub("", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return unicodedata.normalize("NFC", " ".join(text.split()))


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def _folded(text: str) -> str:
    """Lower case, accents dropped, only letters and digits: what comparisons use."""
    if text.isascii():
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Person:
    """One author as identified across papers.

    Attributes:
        family: The family name with its particles, as readers see it (``van der Berg``).
        given: The given names as written (``Kenji``, ``K.``, ``J. C.``; "" for a
            corporate author or a family name alone).
        corporate: Whether the name was wholly in braces (an institution).
    """

    family: str
    given: str = ""
    corporate: bool = False
    # Folded once: a large library compares names millions of times.
    key: str = field(init=False, compare=False, repr=False)
    """The folded family name: people are compared on it first."""
    first: str = field(init=False, compare=False, repr=False)
    """The folded first given name (or initial), "" when none is written."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", _folded(self.family))
        parts = [part for part in re.split(r"[\s.\-]+", self.given) if part]
        object.__setattr__(self, "first", _folded(parts[0]) if parts else "")

    def same_as(self, other: Person) -> bool:
        """Whether the two names can be one person.

        Family names must agree (accents and case aside) and the first initials
        too; when both spell the first given name out, it must agree as well
        (``Kenji`` and ``K.`` can be one person, ``Kenji`` and ``Kazutaka`` cannot).
        Corporate names agree only with themselves.
        """
        if self.key != other.key or not self.key:
            return False
        if self.corporate or other.corporate:
            return self.corporate == other.corporate
        mine, theirs = self.first, other.first
        if not mine or not theirs:
            return True
        if mine[:1] != theirs[:1]:
            return False
        if len(mine) > 1 and len(theirs) > 1:
            return mine == theirs
        return True


@dataclass(frozen=True, slots=True)
class AuthorList:
    """The authors of a paper, in order.

    Attributes:
        people: The named authors.
        complete: False when the list ends ``and others`` (its last author is unknown).
    """

    people: tuple[Person, ...]
    complete: bool = True
    keys: frozenset[str] = field(init=False, compare=False, repr=False)
    """The folded family names of its people (comparisons start from them)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(p.key for p in self.people))

    @property
    def last(self) -> Person | None:
        """The last author, when the list names every author."""
        return self.people[-1] if self.people and self.complete else None

    def shared_with(self, other: AuthorList) -> list[Person]:
        """The authors of this paper who also wrote ``other``."""
        if self.keys.isdisjoint(other.keys):
            return []
        return [
            p
            for p in self.people
            if p.key in other.keys and any(p.same_as(q) for q in other.people)
        ]


def _split_top(text: str, separator: re.Pattern[str]) -> list[str]:
    """``text`` split at ``separator`` where no brace is open."""
    if "{" not in text:
        return separator.split(text)
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|" + separator.pattern, text, separator.flags):
        found = match.group()
        if found == "{":
            depth += 1
        elif found == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _words(text: str) -> list[str]:
    return [w for w in _split_top(text.strip(), re.compile(r"\s+")) if w]


def _is_particle(word: str) -> bool:
    """A ``von`` word: its first letter at brace depth 0 is lower case (BibTeX's rule)."""
    plain = latex_text(word) if not word.startswith("{") else ""
    return bool(plain) and plain[0].islower()


def _person(name: str) -> Person | None:
    name = name.strip()
    if not name:
        return None
    if name.isascii() and not any(c in name for c in "{\\~"):  # no LaTeX to read
        return _plain_person(name)
    if (
        name.startswith("{")
        and name.endswith("}")
        and len(_split_top(name, re.compile(r"\s+"))) == 1
    ):
        inner = name[1:-1]
        # "{\"O}zt{\"u}rk"-like fragments are not corporate: only a group of words is.
        if " " in inner.strip():
            return Person(latex_text(inner), corporate=True)
    parts = [p.strip() for p in _split_top(name, re.compile(r","))]
    if len(parts) >= 2:
        family = parts[0]
        given = parts[-1] if len(parts) == 2 else parts[2]
        return Person(latex_text(family), latex_text(given))
    words = _words(name)
    if len(words) == 1:
        return Person(latex_text(words[0]))
    # First von Last: von starts at the first lower-case word; Last is never empty.
    first_particle = next((i for i, w in enumerate(words[:-1]) if _is_particle(w)), None)
    if first_particle is None:
        return Person(latex_text(words[-1]), latex_text(" ".join(words[:-1])))
    return Person(
        latex_text(" ".join(words[first_particle:])), latex_text(" ".join(words[:first_particle]))
    )


def _plain_person(name: str) -> Person:
    """A name with no braces or commands (most of a library): the same rules, read fast."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) >= 2:
        given = parts[-1] if len(parts) == 2 else parts[2]
        return Person(" ".join(parts[0].split()), " ".join(given.split()))
    words = name.split()
    if len(words) == 1:
        return Person(words[0])
    first_particle = next((i for i, w in enumerate(words[:-1]) if w[0].islower()), None)
    if first_particle is None:
        return Person(words[-1], " ".join(words[:-1]))
    return Person(" ".join(words[first_particle:]), " ".join(words[:first_particle]))


def parse_authors(field: str) -> AuthorList:
    """The authors of a BibTeX ``author`` (or ``editor``) field written in LaTeX."""
    people: list[Person] = []
    complete = True
    for name in _split_top(" ".join(field.split()), _AND):
        if name.strip().lower() == "others":
            complete = False
            continue
        person = _person(name)
        if person is not None:
            people.append(person)
    return AuthorList(tuple(people), complete)
