"""Storage that fails or fills up: a read-only data dir, a full state dir, a full journal
disk; and the space big outputs take (sizes, prune). Real tmpfs mounts, real SQLite."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conch.config import load_config
from conch.output_buffer import BoundedOutput
from conch.session_opening import open_session
from conch.session_recorder import SessionRecorder
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from conch.sessions_cli import main as sessions_main
from conch_plugins.shell_mode.command_result import CommandResult
from tests.hostile.conftest import remount_read_only, write_journal

Mount = Callable[[str], Path]


def test_a_read_only_data_dir_with_a_journal_runs_unsaved_with_a_notice(
    isolated_home: Path, tmpfs: Mount, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmpfs("4m")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    write_journal(journal_path(), str(isolated_home), sessions=1, lines=3)
    before = journal_path().read_bytes()
    remount_read_only(data)
    link = open_session(str(isolated_home), load_config(), None, new=False, resume=None)
    assert link.journal is None
    assert "not being saved" in link.problem and "cannot be written" in link.problem
    assert str(journal_path()) in link.problem
    assert journal_path().read_bytes() == before


def test_an_empty_read_only_data_dir_runs_unsaved_saying_why(
    isolated_home: Path, tmpfs: Mount, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmpfs("1m")
    remount_read_only(data)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    link = open_session(str(isolated_home), load_config(), None, new=False, resume=None)
    assert link.journal is None
    assert "cannot be written here (Read-only file system)" in link.problem


def test_a_full_state_dir_stops_the_spool_not_the_command(tmpfs: Mount) -> None:
    spool_dir = tmpfs("1m") / "output"
    output = BoundedOutput(max_lines=100, spool_dir=spool_dir)
    chunk = "y\n" * 32_768  # 64 KiB, as the pty reader hands it over
    for _ in range(50):  # 3.2 MB into a 1 MB file system
        output.append(chunk)
    output.close()
    assert output.spool_error == "No space left on device"
    assert 0 < output.spool_complete_lines < output.total_lines == 50 * 32_768
    assert output.snapshot()[-1] == "y"  # the command's output kept coming


def test_a_full_journal_disk_raises_a_typed_write_error_the_app_can_report(
    tmpfs: Mount,
) -> None:
    path = tmpfs("1m") / "journal.db"
    with Journal.open(path) as journal:
        session_id = journal.create_session("/", "auto", "").id
        big = "z" * 600_000
        with pytest.raises(Exception, match="full"):
            for _ in range(4):
                journal.append(session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(big))
        # Still readable, and what was committed is there.
        assert journal.last_index(session_id) >= 0


def test_a_full_journal_disk_during_a_command_is_reported_to_the_app_not_lost_in_a_thread(
    tmpfs: Mount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output is committed from a timer thread while the command is quiet; when that commit
    fails, the error must reach the app (through the next call), not die in the thread."""
    unhandled: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: unhandled.append(args.exc_value))
    path = tmpfs("1m") / "journal.db"
    with Journal.open(path) as journal:
        session_id = journal.create_session("/", "auto", "").id
        recording = SessionRecorder(journal, session_id).shell_started("cat big", "/")
        recording.output("w" * 2_000_000)  # the timer thread commits it, on a full disk
        for timer in [t for t in threading.enumerate() if isinstance(t, threading.Timer)]:
            timer.join(timeout=30)
        assert unhandled == []
        with pytest.raises(sqlite3.OperationalError, match="full"):
            # the app's record() turns this into its notice
            recording.finished(CommandResult("cat big", 0, "/", 0.1))


def test_the_session_list_shows_each_sessions_size(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journal(journal_path(), str(isolated_home), sessions=1, lines=2)
    assert sessions_main([]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert "SIZE" in header.split()
    assert "kB" in row  # 40,000 lines of seq output: 228.9 kB


def test_prune_drops_old_outputs_and_keeps_the_conversation(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (session_id,) = write_journal(journal_path(), str(isolated_home), sessions=1, lines=2)
    with Journal.open(journal_path()) as journal:
        before = [(event.kind, event.idx) for event in journal.events(session_id)]
        size_before = journal.session_sizes()[session_id]
    assert sessions_main(["prune", "--older-than", "1"]) == 0  # used just now: kept
    assert "Pruned 0 stored output(s)" in capsys.readouterr().out
    time.sleep(0.01)
    assert sessions_main(["prune", "--older-than", "0"]) == 0
    out = capsys.readouterr().out
    assert "Pruned 1 stored output(s) (228.9 kB)" in out and "the journal went from" in out
    with Journal.open(journal_path()) as journal:
        events = list(journal.events(session_id))
        assert [(event.kind, event.idx) for event in events] == before
        (output,) = [
            e for e in events if e.kind == ev.SHELL_OUTPUT and "40000" in e.payload["text"]
        ]
        assert "bytes of output pruned on" in output.payload["text"]
        assert output.payload["text"].endswith("39999\n40000\n")  # the tail is kept
        assert journal.session_sizes()[session_id] < size_before / 10
        assert journal.input_history(10)[-1].text == "echo session-0-line-1"
