"""Recognise a command that was cut short: an open quote, an `if` with no `fi`.

Conch sends each command whole (command_encoding), so bash never waits for a
continuation line; it reports a syntax error at the end of input instead.
This turns that error into words a user acts on.
"""

from __future__ import annotations

_MARKERS = (
    ("unexpected EOF while looking for matching", "an open quote or bracket"),
    ("syntax error: unexpected end of file", "an unfinished block (if/fi, do/done, {…})"),
)


def unfinished_reason(exit_status: int | None, output: str) -> str | None:
    """What is missing, when a command failed because its input was unfinished."""
    if exit_status != 2:
        return None
    for marker, reason in _MARKERS:
        if marker in output:
            return reason
    return None
