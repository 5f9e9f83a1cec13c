"""Progress lines of long builds: how far, and an estimate of the time left."""

from __future__ import annotations

import pytest
from evmap.site.progress import Progress, duration


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.2, "0 s"), (7.4, "7 s"), (59.6, "1 min 00 s"), (125, "2 min 05 s")]
)
def test_progress_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_progress_reports_every_so_many_pages_with_the_time_left() -> None:
    now = [0.0]
    progress = Progress(3500, every=1000, clock=lambda: now[0])
    lines = []
    for _ in range(3500):
        now[0] += 0.01  # 10 ms a page
        lines.append(progress.step())
    reported = [line for line in lines if line is not None]
    assert reported == [
        "1000 of 3500 generated pages written in 10 s, about 25 s left",
        "2000 of 3500 generated pages written in 20 s, about 15 s left",
        "3000 of 3500 generated pages written in 30 s, about 5 s left",
    ]


def test_progress_short_builds_stay_quiet() -> None:
    progress = Progress(999, every=1000)
    assert not progress.reports
    assert all(progress.step() is None for _ in range(999))


def test_progress_weighs_pages_by_their_work() -> None:
    """A few heavy pages first (hub pathways), many light ones after (references)."""
    now = [0.0]
    work = [100.0] * 10 + [1.0] * 1990  # 1,000 + 1,990 units
    progress = Progress(len(work), every=1000, clock=lambda: now[0], work=sum(work))
    lines = []
    for units in work:
        now[0] += units * 0.01  # 10 ms a unit
        lines.append(progress.step(units))
    # After 1,000 pages (1,990 units in 19.9 s): 1,000 units left, about 10 s.
    assert [line for line in lines if line] == [
        "1000 of 2000 generated pages written in 20 s, about 10 s left"
    ]
