"""Events folded into a session's input history (Up/Down recall): its user_input events."""

from __future__ import annotations

from collections.abc import Iterable

from conch.history import HistoryEntry
from conch.sessions import events as ev
from conch.sessions.records import Event


class HistoryProjector:
    """The session's input history (for Up/Down recall), oldest first."""

    def __init__(self) -> None:
        self.entries: list[HistoryEntry] = []

    def apply(self, event: Event) -> None:
        if event.kind != ev.USER_INPUT:
            return
        payload = event.payload
        self.entries.append(
            HistoryEntry(
                str(payload.get("text", "")),
                str(payload.get("mode", "")),
                str(payload.get("cwd", "")),
                event.time,
            )
        )

    def view(self) -> tuple[HistoryEntry, ...]:
        return tuple(self.entries)


def rebuild_history(events: Iterable[Event]) -> tuple[HistoryEntry, ...]:
    projector = HistoryProjector()
    for event in events:
        projector.apply(event)
    return projector.view()
