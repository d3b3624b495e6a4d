"""How long ago, as the session list says it."""

from __future__ import annotations

import time

import pytest

from conch.tui.widgets.durations import format_age

NOW = 1_750_000_000.0


@pytest.mark.parametrize(
    ("seconds_ago", "shown"),
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1 min ago"),
        (3 * 60 + 59, "3 min ago"),
        (3600, "1 h ago"),
        (23 * 3600, "23 h ago"),
        (86400, "yesterday"),
        (5 * 86400, "5 days ago"),
        (27 * 86400, "27 days ago"),
    ],
)
def test_recent_times_read_as_how_long_ago(seconds_ago: int, shown: str) -> None:
    assert format_age(NOW - seconds_ago, NOW) == shown


def test_older_times_read_as_the_date() -> None:
    then = NOW - 40 * 86400
    assert format_age(then, NOW) == time.strftime("%Y-%m-%d", time.localtime(then))


def test_a_clock_that_went_back_reads_as_just_now() -> None:
    assert format_age(NOW + 30, NOW) == "just now"
