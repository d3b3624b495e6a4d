"""How long something took, and how long ago it was, as blocks and lists show it."""

from __future__ import annotations

import time

# Re-exported here, where the blocks look it up at each use: the snapshot tests pin it
# (monkeypatch this module's name) so pictures compare.
from conch.elapsed import format_duration as format_duration


def format_age(then: float, now: float) -> str:
    """``then`` relative to ``now``: "just now", "3 min ago", "2 h ago", "yesterday",
    "5 days ago"; past four weeks, the date."""
    seconds = max(0.0, now - then)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 28:
        return f"{days} days ago"
    return time.strftime("%Y-%m-%d", time.localtime(then))
