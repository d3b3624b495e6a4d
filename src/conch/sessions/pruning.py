"""What each session takes on disk, and pruning old command output to win that space back.

Big outputs are stored once, as blobs referenced from their event (pending.py). Pruning
drops the blobs of sessions not used for a while: each event keeps the output's last
characters (the tail it already held) behind a line saying how much was pruned and when, so
the conversation, the commands and their endings stay readable and replayable. Sessions
another process has open are left alone. The file then shrinks with VACUUM, which needs
no other connection open; when one is (Conch runs), the space is reused inside the file and
the report says so. Part of the Journal (a mixin).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from conch.sessions import events as ev
from conch.sessions.database import Database
from conch.sessions.pending import dumps

DAY = 86_400.0


@dataclass(frozen=True)
class PruneReport:
    outputs: int
    """Stored outputs dropped (their tails kept)."""
    bytes_dropped: int
    """Their size."""
    file_before: int
    file_after: int
    """The journal's size on disk (with its WAL) before and after."""
    sessions_open: int
    """Sessions skipped because a Conch has them open."""
    shrunk: bool
    """False: VACUUM could not run (a Conch has the journal open); the space is reused."""


class Pruning:
    """The Journal's storage accounting and pruning."""

    _db: Database
    path: Path

    def session_sizes(self) -> dict[str, int]:
        """Session id -> bytes its events and stored outputs take (roughly, before SQLite's
        own page overhead)."""
        sizes: dict[str, int] = {}
        for session_id, size in self._db.read(
            "SELECT session_id, sum(length(CAST(payload AS BLOB))) FROM events GROUP BY session_id"
        ):
            sizes[str(session_id)] = int(size or 0)
        for session_id, size in self._db.read(
            "SELECT session_id, sum(size) FROM blobs GROUP BY session_id"
        ):
            sizes[str(session_id)] = sizes.get(str(session_id), 0) + int(size or 0)
        return sizes

    def prune_outputs(self, older_than_days: float, is_open: set[str]) -> PruneReport:
        """Drop the stored outputs of sessions last used more than ``older_than_days`` ago,
        except the sessions in ``is_open``."""
        before = self.disk_size()
        cutoff = time.time() - older_than_days * DAY
        stamp = time.strftime("%Y-%m-%d")
        outputs = dropped = 0
        old = [str(row[0]) for row in self._db.read(
            "SELECT id FROM sessions WHERE last_used_at < ?", (cutoff,))]  # fmt: skip
        skipped = [session_id for session_id in old if session_id in is_open]
        for session_id in (session_id for session_id in old if session_id not in is_open):
            with self._db.write() as conn:
                for idx, payload in conn.execute(
                    "SELECT idx, payload FROM events WHERE session_id = ? AND kind = ? "
                    "AND json_extract(payload, '$.ref') IS NOT NULL",
                    (session_id, ev.SHELL_OUTPUT),
                ).fetchall():
                    data = json.loads(payload)
                    size = int(data.get("size", 0))
                    note = f"[… {size:,} bytes of output pruned on {stamp}; the last part:]\n"
                    kept = {key: value for key, value in data.items()
                            if key not in ("ref", "size", "tail")}  # fmt: skip
                    text = dumps({**kept, "text": note + str(data.get("tail", ""))})
                    conn.execute(
                        "UPDATE events SET payload = ? WHERE session_id = ? AND idx = ?",
                        (text, session_id, idx),
                    )
                    conn.execute("DELETE FROM blobs WHERE id = ?", (int(data["ref"]),))
                    outputs += 1
                    dropped += size
        shrunk = self._vacuum() if outputs else True
        return PruneReport(outputs, dropped, before, self.disk_size(), len(skipped), shrunk)

    def disk_size(self) -> int:
        """The journal file and its WAL, in bytes."""
        total = 0
        for file in (self.path, Path(f"{self.path}-wal")):
            with contextlib.suppress(FileNotFoundError):
                total += file.stat().st_size
        return total

    def _vacuum(self) -> bool:
        with self._db.lock:
            try:
                self._db.conn.execute("VACUUM")
                self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                return False
        return True
