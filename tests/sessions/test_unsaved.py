"""A session the disk cannot take goes on unsaved when the journal is given UnsavedSessions
(the host): its events are told to the listeners and read back, never written; without it a
failed write raises (the app stops recording)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.pending import BLOB_THRESHOLD
from conch.sessions.records import Event
from conch.sessions.unsaved import UnsavedSessions


def refuse_inserts(path: Path) -> None:
    """As a full disk would: reads go on, every insert fails."""
    with sqlite3.connect(path) as database:
        database.execute("CREATE TRIGGER refuse BEFORE INSERT ON events "
                         "BEGIN SELECT RAISE(ABORT, 'disk is full'); END")  # fmt: skip


def test_a_failed_write_goes_on_unsaved_told_and_read_back(journal: Journal) -> None:
    stopped: list[tuple[str, str]] = []
    journal.unsaved = UnsavedSessions(lambda sid, error: stopped.append((sid, str(error))))
    told: list[Event] = []
    journal.subscribe(told.append)
    sid = journal.create_session("/w", "auto", "a").id
    saved = journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("saved", "info"))
    refuse_inserts(journal.path)
    with journal.batch(sid) as batch:
        batch.append(ev.NOTICE, ev.CONCH, ev.notice("kept", "info"))
        batch.append(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("y\n" * BLOB_THRESHOLD))
    after = journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("after", "info"))
    assert [(s, "disk is full" in e) for s, e in stopped] == [(sid, True)]
    assert not journal.is_saving(sid)
    assert [e.idx for e in told] == [saved, saved + 1, saved + 2, after] == [0, 1, 2, 3]
    assert told[2].payload["text"] == "y\n" * BLOB_THRESHOLD  # whole: no blob holds it
    assert [e.idx for e in journal.events(sid)] == [0, 1, 2, 3]
    assert [e.idx for e in journal.events(sid, after_index=1)] == [2, 3]
    journal.set_status(sid, "busy")  # skipped, not raised
    journal.release(sid)
    assert journal.is_saving(sid) and [e.idx for e in journal.events(sid)] == [0]


def test_without_unsaved_sessions_a_failed_write_raises(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    refuse_inserts(journal.path)
    with pytest.raises(sqlite3.Error):
        journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("lost", "info"))
