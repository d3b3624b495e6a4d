"""How long something took, in the words both the blocks and the Markdown export use."""

from __future__ import annotations

import pytest

from conch.elapsed import format_duration
from conch.tui.widgets import durations


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.34, "340 ms"),
        (0.9994, "999 ms"),
        (1.0, "1.0 s"),
        (2.5, "2.5 s"),
        (59.9, "59.9 s"),
        (60.0, "1 min 0 s"),
        (185.7, "3 min 5 s"),
    ],
)
def test_a_duration_reads_in_ms_seconds_or_minutes(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_the_blocks_use_the_same_formatter_as_the_export() -> None:
    assert durations.format_duration is format_duration
