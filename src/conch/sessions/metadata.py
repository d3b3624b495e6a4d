"""The journal's metadata table (key -> text): who created it, and the wiped journal it
replaced, if its creation found one (locations.StorageLoss). Part of the Journal (a mixin)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conch.sessions.database import Database
from conch.sessions.locations import StorageLoss

STORAGE_LOSS_KEY = "storage_loss"


class Metadata:
    """The Journal's metadata reads and writes."""

    _db: Database
    path: Path

    def meta(self, key: str) -> str | None:
        rows = self._db.read("SELECT value FROM metadata WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO metadata (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def recorded_storage_loss(self) -> StorageLoss | None:
        """The wiped journal this one replaced, if that was detected when it was created."""
        text = self.meta(STORAGE_LOSS_KEY)
        if text is None:
            return None
        data = json.loads(text)
        return StorageLoss(
            self.path,
            str(data["lost_root_id"]),
            float(data["last_seen_at"]),
            bool(data["replaced"]),
        )

    def _record_storage_loss(self, loss: StorageLoss) -> None:
        """Keep the loss found when this journal was created, for ``recorded_storage_loss``."""
        data = {
            "lost_root_id": loss.lost_root_id,
            "last_seen_at": loss.last_seen_at,
            "replaced": loss.replaced,
            "detected_at": time.time(),
        }
        self.set_meta(STORAGE_LOSS_KEY, json.dumps(data))
