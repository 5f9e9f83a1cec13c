"""Progress of a long build: one line per so many pages, with an estimate of time left.

Builder-neutral: the MkDocs/ProperDocs plugin and ``evmap generate`` report through it.
The estimate is the rate so far applied to the work still to come. Pages differ a
hundredfold (a hub pathway shows thousands of claims, a reference page a few lines), so
each page can be given its work (:meth:`Progress.step`); the estimate then holds from
the first line instead of settling only at the end. It is rounded to whole seconds.
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
        self,
        total: int,
        every: int = EVERY,
        clock: Callable[[], float] = time.perf_counter,
        work: float | None = None,
    ) -> None:
        """``total`` pages to write, ``work`` units in all (one a page when None)."""
        self.total = total
        self.every = every
        self.clock = clock
        self.done = 0
        self.work = float(total) if work is None else work
        self.work_done = 0.0
        self.started = clock()

    @property
    def reports(self) -> bool:
        """Whether this build is long enough to report at all."""
        return self.every > 0 and self.total >= self.every

    def step(self, work: float = 1.0) -> str | None:
        """Count one page of ``work`` units; the line to print when a report is due."""
        self.done += 1
        self.work_done += work
        if not self.reports or self.done % self.every or self.done >= self.total:
            return None
        elapsed = self.clock() - self.started
        left = elapsed / self.work_done * max(0.0, self.work - self.work_done)
        return (
            f"{self.done} of {self.total} generated pages written in {duration(elapsed)}, "
            f"about {duration(left)} left"
        )
