"""How long something took, in the words Conch shows it: 340 ms, 2.5 s, 3 min 5 s.

Plain text, no Textual: the command blocks and the agent's status line say it on screen, and
``conch sessions export`` writes the same words into Markdown, so one formatter serves both.
"""

from __future__ import annotations


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s"
