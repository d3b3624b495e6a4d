"""``/cancel N``: which queued prompt the user means, numbered as every client lists them.

The queue comes from the host's shared state (oldest first, numbered from 1), so N is the
same in every client. ``/cancel`` alone is the only queued prompt, when there is one.
Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class NothingToCancel(ValueError):
    """The user's ``/cancel`` names no queued prompt; ``str()`` says why, for the user."""


def prompt_to_cancel(line: str, queue: Sequence[Mapping[str, Any]]) -> str:
    """The id of the queued prompt ``/cancel [N]`` names."""
    words = line.split()[1:]
    if not queue:
        raise NothingToCancel("no prompt is queued")
    if not words:
        if len(queue) == 1:
            return str(queue[0]["id"])
        raise NothingToCancel(
            f"{len(queue)} prompts are queued: /cancel N picks one (1–{len(queue)})"
        )
    if len(words) > 1 or not words[0].isdigit() or not 1 <= int(words[0]) <= len(queue):
        raise NothingToCancel(f"/cancel takes a queued prompt's number, 1–{len(queue)}")
    return str(queue[int(words[0]) - 1]["id"])


def queue_lines(queue: Sequence[Mapping[str, Any]]) -> str:
    """The queue as every client shows it: numbered, with how to cancel."""
    if not queue:
        return ""
    listed = " · ".join(f"{n}. {item.get('text', '')}" for n, item in enumerate(queue, 1))
    return f"⏳ queued for the agent: {listed}   (/cancel N withdraws one)"
