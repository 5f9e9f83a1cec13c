"""Contradiction flags: evidence on one claim, or one compound-pathway pair, pointing both ways."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evmap.core.model import Evidence, Stance
from evmap.core.vocab import model_words, species_of

__all__ = ["Contradiction", "find_contradiction", "find_pair_contradiction", "model_label"]


def model_label(ev: Evidence) -> str:
    """The model of an evidence item with its type, e.g. ``"mouse, CSDS (in-vivo)"``
    (species by their labels, as pages show them)."""
    modelled = species_of(ev.model.species).modelled
    what = model_words(ev.model) if modelled else (ev.model.paradigm or "no model")
    return f"{what} ({ev.type.value})"


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Evidence pointing both ways: the models on each side, in order of first mention."""

    supports: tuple[str, ...]
    contradicts: tuple[str, ...]

    def describe(self) -> str:
        """One line: ``"supports: mouse, CSDS (in-vivo); contradicts: human, MDD (clinical)"``."""
        return f"supports: {' / '.join(self.supports)}; contradicts: {' / '.join(self.contradicts)}"


def find_contradiction(evidence: Iterable[Evidence]) -> Contradiction | None:
    """A :class:`Contradiction` when the items include both supports and contradicts, else None.

    Mixed items alone do not make a contradiction: they lower the grade instead.
    """
    return find_pair_contradiction((ev.stance, ev) for ev in evidence)


def find_pair_contradiction(sides_of: Iterable[tuple[Stance, Evidence]]) -> Contradiction | None:
    """A :class:`Contradiction` among items each given with the stance that counts.

    On a claim that is the item's own stance; on a compound-pathway pair, its stance
    on the pair's question (:func:`evmap.analysis.matrix.pair_stance`), so only items
    answering one question can make a pair contested.
    """
    sides: dict[Stance, list[Evidence]] = {Stance.SUPPORTS: [], Stance.CONTRADICTS: []}
    for stance, ev in sides_of:
        if stance in sides:
            sides[stance].append(ev)
    if not (sides[Stance.SUPPORTS] and sides[Stance.CONTRADICTS]):
        return None  # the models are named only where they are shown: contested cells
    return Contradiction(
        tuple(dict.fromkeys(model_label(ev) for ev in sides[Stance.SUPPORTS])),
        tuple(dict.fromkeys(model_label(ev) for ev in sides[Stance.CONTRADICTS])),
    )
