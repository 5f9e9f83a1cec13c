"""Progress of a long build: one line per so many pages, with an estimate of time left.

Builder-neutral: the MkDocs/ProperDocs plugin and ``evmap generate`` report through it.
The estimate is the rate so far applied to the pages still to come, so it settles as
the build goes on; it is rounded to whole seconds (minutes and seconds past a minute).
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["EVERY", "Progress", "duration"]

EVERY = 1000
"""Pages between two progress lines."""


def duration(seconds: float) -> str:
    """``"7 s"``, ``"1 min 05 s"``: a time for a progress line."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


class Progress:
    """Counts pages written and says, every ``every`` pages, how far and how long to go."""

    def __init__(
        self, total: int, every: int = EVERY, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.total = total
        self.every = every
        self.clock = clock
        self.done = 0
        self.started = clock()

    @property
    def reports(self) -> bool:
        """Whether this build is long enough to report at all."""
        return self.every > 0 and self.total >= self.every

    def step(self) -> str | None:
        """Count one page; the line to print when a report is due, else None."""
        self.done += 1
        if not self.reports or self.done % self.every or self.done >= self.total:
            return None
        elapsed = self.clock() - self.started
        left = elapsed / self.done * (self.total - self.done)
        return (
            f"{self.done} of {self.total} generated pages written in {duration(elapsed)}, "
            f"about {duration(left)} left"
        )
