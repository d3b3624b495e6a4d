"""Up/Down and Ctrl+R in ``conch attach``: the lines typed in every session, as the app has.

The app reads the journal's input history (history.py JournalHistory); the attach client
cannot open the journal, the host owns it, so it gets the same lines from the host
(``input_history``) and the old history file's read-only, as the app does. Lines typed
since in the attached session come from its ``user_input`` events, whichever client typed
them, so a line sent from another window is recalled here too. Both sources hold the
session's own lines; the journal's time and text tell one line from another, so each is
kept once. Nothing is written: the host journals every line it is sent. Plain Python: no
Textual, no sockets.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from conch.history import HistoryEntry, HistoryStore
from conch.sessions import events as ev
from conch.sessions.records import Event


class SessionHistory(HistoryStore):
    """The entries Up/Down walk, oldest first: the journal's, then this session's as typed."""

    def __init__(self, path: Path, max_entries: int = 10000) -> None:
        super().__init__(path, max_entries)
        self._seen: set[tuple[float, str]] = set()

    def load(self) -> None:
        """The old history file (read only); the journal's lines come from ``merge``."""
        super().load()
        self._seen = {(entry.time, entry.text) for entry in self.entries}

    def read_file(self) -> list[HistoryEntry]:
        """The old history file's lines, leaving this history as it is (for a thread)."""
        old = HistoryStore(self.path, self.max_entries)
        old.load()
        return old.entries

    def merge(self, entries: Iterable[HistoryEntry]) -> None:
        """Add lines the host's journal holds; those here already are kept once."""
        new = [entry for entry in entries if (entry.time, entry.text) not in self._seen]
        if not new:
            return
        self._seen.update((entry.time, entry.text) for entry in new)
        if self.entries and min(entry.time for entry in new) < self.entries[-1].time:
            self.entries = sorted(self.entries + new, key=lambda entry: entry.time)
        else:  # a line just typed: newer than any (no sort per line of a long history)
            self.entries.extend(new)
        del self.entries[: -self.max_entries]

    def add_events(self, events: Iterable[Event]) -> None:
        """The session's events as they come: its ``user_input`` lines join the history."""
        typed: list[HistoryEntry] = []
        for event in events:
            line = event.payload
            if event.kind == ev.USER_INPUT and line.get("text"):
                mode, cwd = str(line.get("mode", "")), str(line.get("cwd", ""))
                typed.append(HistoryEntry(str(line["text"]), mode, cwd, event.time))
        if typed:
            self.merge(typed)

    def append(self, text: str, mode: str, cwd: str = "") -> HistoryEntry:
        """Never called for a line sent to the host (its journal entry comes back as an
        event); kept in memory only, like JournalHistory's."""
        entry = HistoryEntry(text, mode, cwd)
        self.entries.append(entry)
        return entry
