"""How a working directory is shown to the user."""

from __future__ import annotations

import os


def shorten_home(path: str, home: str | None = None) -> str:
    """``/home/ann/src`` → ``~/src``; other paths unchanged."""
    home = (home if home is not None else os.path.expanduser("~")).rstrip("/")
    if home and (path == home or path.startswith(home + "/")):
        return "~" + path[len(home) :]
    return path
