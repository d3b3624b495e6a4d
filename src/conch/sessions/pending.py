"""An event on its way into the journal: JSON checked up front, big outputs split off as blobs.

Preparing happens before any transaction opens, so a payload that cannot be stored (not JSON,
NaN) fails at the caller's ``append`` and never poisons a batch's later commit.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from conch.sessions import events as ev
from conch.sessions.records import JsonObject

BLOB_THRESHOLD = 64 * 1024
"""Shell output above this many bytes (UTF-8) is stored as a blob, referenced from its event."""
TAIL_CHARS = 2000
"""Characters of a blob's end kept inline in its event (previews, replays)."""


@dataclass
class PendingEvent:
    time: float
    kind: str
    sender: str
    payload: JsonObject
    text: str | None
    """The payload as JSON; None when ``blob`` is set (its ``ref`` is known only once stored)."""
    blob: bytes | None = None
    shown: JsonObject | None = None
    """The payload before masking, for the journal's listeners only (records.Event.shown)."""

    def json_with_ref(self, ref: int) -> str:
        return dumps({**self.payload, "ref": ref})


def prepare(
    kind: str, sender: str, payload: JsonObject, shown: JsonObject | None = None
) -> PendingEvent:
    """Stamp the time, check the JSON; shell output over BLOB_THRESHOLD becomes
    ``{size, tail, lines}`` plus a blob (the journal adds ``ref`` when it stores the blob):
    a window that follows the command live shows the tail and counts the lines (its
    ``shown`` is dropped: a listener gets the stored tail). ``shown``: the payload before
    its secrets were masked, never stored."""
    now = time.time()
    if kind == ev.SHELL_OUTPUT:
        text = payload.get("text")
        # 4 bytes per character at most: shorter texts cannot reach the threshold.
        if isinstance(text, str) and len(text) * 4 > BLOB_THRESHOLD:
            data = text.encode("utf-8")
            if len(data) > BLOB_THRESHOLD:
                rest = {key: value for key, value in payload.items() if key != "text"}
                stored: JsonObject = {**rest, "size": len(data), "tail": text[-TAIL_CHARS:],
                                      "lines": text.count("\n")}  # fmt: skip
                dumps(stored)
                return PendingEvent(now, kind, sender, stored, None, data)
    return PendingEvent(now, kind, sender, payload, dumps(payload), shown=shown)


def dumps(payload: object) -> str:
    """Compact JSON; NaN and infinities are refused (SQLite's json_valid rejects them)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
