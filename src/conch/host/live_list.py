"""The ids of the sessions the host runs, kept on disk so a host killed with -9 is followed
by one that runs them again.

A host that stops cleanly empties the list (it stopped its sessions on purpose); one that
dies leaves it, and the next host reopens each session as a restart of the app does.
Written whole to a temporary file and renamed over the old one: a crash mid-write leaves
the old list, never half of one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conch import paths


def live_list_path() -> Path:
    return paths.state_dir() / "host-sessions.json"


def load_live_list(path: Path) -> list[str]:
    try:
        ids = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [str(i) for i in ids] if isinstance(ids, list) else []


def save_live_list(path: Path, ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(ids, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
