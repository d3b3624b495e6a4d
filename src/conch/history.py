"""Conch's own command history: every submitted line, tagged with its mode.

HistoryStore keeps JSON lines under the XDG state dir (used when sessions are not
being saved); JournalHistory reads the session journal instead, where every line is
journaled as it is submitted. Either way what reaches the disk has its secrets masked, and
a private line (leading space) is never appended at all. A corrupt line is skipped (and
counted), never fatal.
No Textual here.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

from conch import private
from conch.secret_masking import mask_secrets


@dataclass(frozen=True)
class HistoryEntry:
    text: str
    mode: str
    """The mode the line was typed in: auto, shell or agent."""
    cwd: str = ""
    time: float = 0.0


class HistoryStore:
    """Append-only history file plus the entries loaded from it."""

    def __init__(self, path: Path, max_entries: int = 10000) -> None:
        self.path = path
        self.max_entries = max_entries
        self.entries: list[HistoryEntry] = []
        self.skipped_lines = 0

    def load(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return
        entries: list[HistoryEntry] = []
        self.skipped_lines = 0
        for line in lines[-self.max_entries :]:
            try:
                raw = json.loads(line)
                entry = HistoryEntry(
                    str(raw["text"]),
                    str(raw["mode"]),
                    str(raw.get("cwd", "")),
                    float(raw.get("time", 0)),
                )
                entries.append(entry)
            except (ValueError, KeyError, TypeError):
                self.skipped_lines += 1
        self.entries = entries

    def append(self, text: str, mode: str, cwd: str = "") -> HistoryEntry:
        """Kept as typed in memory (Up runs it again); written with secrets masked."""
        entry = HistoryEntry(text, mode, cwd, time.time())
        self.entries.append(entry)
        private.make_dir(self.path.parent)
        stored = replace(entry, text=mask_secrets(text))
        line = json.dumps(asdict(stored), ensure_ascii=False) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        return entry

    def search(self, needle: str, limit: int = 200) -> list[HistoryEntry]:
        """Newest first, each text once, case-insensitive substring match."""
        needle = needle.lower()
        seen: set[str] = set()
        found: list[HistoryEntry] = []
        for entry in reversed(self.entries):
            if entry.text in seen or needle not in entry.text.lower():
                continue
            seen.add(entry.text)
            found.append(entry)
            if len(found) >= limit:
                break
        return found


class HistoryCursor:
    """Up/Down recall over a store, remembering the draft being typed."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.index: int | None = None
        self.draft = ""

    @property
    def is_recalling(self) -> bool:
        return self.index is not None

    def previous(self, current_text: str) -> HistoryEntry | None:
        entries = self.store.entries
        if not entries:
            return None
        if self.index is None:
            self.draft = current_text
            self.index = len(entries)
        if self.index == 0:
            return entries[0]
        self.index -= 1
        return entries[self.index]

    def next(self) -> HistoryEntry | None:
        """The next newer entry, or None when back at the draft."""
        if self.index is None:
            return None
        self.index += 1
        if self.index >= len(self.store.entries):
            self.index = None
            return None
        return self.store.entries[self.index]

    def reset(self) -> None:
        self.index = None
        self.draft = ""


class JournalHistory(HistoryStore):
    """Up/Down and Ctrl+R over the lines typed in every session, read from the journal.

    The journal is the one record of what was typed (each line is journaled as it is
    submitted), so appending here only updates the list in memory. Lines from before the
    journal existed, in the old history file, come first and are kept as they were.
    """

    def __init__(self, path: Path, journal: InputHistory, max_entries: int = 10000) -> None:
        super().__init__(path, max_entries)
        self.journal = journal

    def load(self) -> None:
        super().load()  # the old history file, read only
        typed = self.journal.input_history(self.max_entries)
        self.entries = (self.entries + typed)[-self.max_entries :]

    def append(self, text: str, mode: str, cwd: str = "") -> HistoryEntry:
        entry = HistoryEntry(text, mode, cwd, time.time())
        self.entries.append(entry)
        return entry


class InputHistory(Protocol):
    def input_history(self, limit: int) -> list[HistoryEntry]: ...
