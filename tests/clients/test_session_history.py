"""The attach client's Up/Down history: the host's journal lines, the old history file and the
session's own events merged in time order, each line once; nothing is written."""

from __future__ import annotations

from pathlib import Path

from conch.clients.attach.session_history import SessionHistory
from conch.history import HistoryEntry, HistoryStore
from conch.sessions import events as ev
from conch.sessions.records import Event


def typed(idx: int, at: float, text: str, mode: str = "shell") -> Event:
    return Event("s1", idx, at, ev.USER_INPUT, ev.USER, ev.user_input(text, mode, "/w"))


def test_lines_from_the_journal_and_the_events_are_kept_once_in_time_order(
    tmp_path: Path,
) -> None:
    history = SessionHistory(tmp_path / "history.jsonl")
    history.add_events([typed(3, 30.0, "echo here"), typed(4, 40.0, "echo there", "auto")])
    journal = [HistoryEntry("echo earlier", "shell", "/w", 10.0),
               HistoryEntry("echo here", "shell", "/w", 30.0)]  # fmt: skip
    history.merge(journal)
    assert [e.text for e in history.entries] == ["echo earlier", "echo here", "echo there"]
    history.add_events([typed(5, 50.0, "ls"), typed(3, 30.0, "echo here")])  # a re-attach
    assert [e.text for e in history.entries][-2:] == ["echo there", "ls"]
    assert len(history.entries) == 4
    assert not (tmp_path / "history.jsonl").exists(), "the host journals; nothing is written"


def test_the_old_history_file_is_read_and_the_limit_keeps_the_newest(tmp_path: Path) -> None:
    old = HistoryStore(tmp_path / "history.jsonl")
    old.append("echo from-the-file", "shell")
    history = SessionHistory(tmp_path / "history.jsonl", max_entries=2)
    history.merge(history.read_file())
    history.add_events(
        [typed(1, old.entries[0].time + 1, "a"), typed(2, old.entries[0].time + 2, "b")]
    )
    assert [e.text for e in history.entries] == ["a", "b"]
