"""Where the journal lives, and how Conch notices that it was wiped.

The journal is ``$XDG_DATA_HOME/conch/journal.db`` (sessions are user data, not cache or
state); session write locks sit beside it in ``locks/``.

A journal that disappears must not look like "no sessions yet". Each journal's root id is
copied into a small marker file in the config dir (``sessions-root.json``, one entry per journal
path), which is the directory users are least likely to wipe together with the data. When the
marker names a root but the journal is missing, or holds a different root, the sessions of
that root are gone and Conch says so (``StorageLoss``).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from conch import paths, private


def journal_path() -> Path:
    return paths.data_dir() / "journal.db"


def root_marker_path() -> Path:
    return paths.config_dir() / "sessions-root.json"


def locks_dir(journal: Path) -> Path:
    return journal.parent / "locks"


@dataclass(frozen=True)
class StorageLoss:
    """Sessions that existed and are gone: the journal was deleted or replaced."""

    journal: Path
    lost_root_id: str
    last_seen_at: float
    """When Conch last opened that journal."""
    replaced: bool
    """True: a different journal is there now. False: no journal file at all."""

    @property
    def message(self) -> str:
        seen = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.last_seen_at))
        how = "was replaced by another one" if self.replaced else "was deleted"
        return (
            f"The session journal {self.journal} {how}: the sessions it held (root "
            f"{self.lost_root_id[:8]}, last opened {seen}) are gone and cannot be restored."
        )


def read_marker(marker: Path) -> dict[str, dict[str, object]]:
    """Journal path -> {root_id, seen_at}; an unreadable marker counts as empty."""
    try:
        raw = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    journals = raw.get("journals") if isinstance(raw, dict) else None
    if not isinstance(journals, dict):
        return {}
    return {str(key): value for key, value in journals.items() if isinstance(value, dict)}


def check_storage(journal: Path, marker: Path, current_root_id: str | None) -> StorageLoss | None:
    """Compare the marker with what is on disk (``current_root_id`` None: no journal file)."""
    entry = read_marker(marker).get(str(journal.resolve()))
    if entry is None:
        return None
    root_id = entry.get("root_id")
    if not isinstance(root_id, str) or root_id == current_root_id:
        return None
    seen_at = entry.get("seen_at")
    return StorageLoss(
        journal,
        root_id,
        float(seen_at) if isinstance(seen_at, int | float) else 0.0,
        replaced=current_root_id is not None,
    )


def remember_root(journal: Path, marker: Path, root_id: str) -> None:
    """Record ``root_id`` as the root of ``journal`` (atomic replace of the marker file)."""
    journals = read_marker(marker)
    journals[str(journal.resolve())] = {"root_id": root_id, "seen_at": time.time()}
    private.make_dir(marker.parent)
    text = json.dumps({"journals": journals}, indent=1, sort_keys=True) + "\n"
    fd, temp = tempfile.mkstemp(prefix=".sessions-root.", dir=marker.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, marker)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
