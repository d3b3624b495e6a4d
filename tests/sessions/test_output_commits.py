"""When a command's output is committed: batched in the app, at once after a quiet spell in
the host (clients that follow a session see output only once it is committed)."""

from __future__ import annotations

import time
from pathlib import Path

from conch.session_recorder import SessionRecorder
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch_plugins.shell_mode.command_result import CommandResult

DELAY = 0.2


def committed_output(journal: Journal, session_id: str) -> list[str]:
    return [str(e.payload["text"]) for e in journal.events(session_id)
            if e.kind == ev.SHELL_OUTPUT]  # fmt: skip


def quiet_recording(tmp_path: Path, at_once: bool) -> tuple[Journal, str, SessionRecorder]:
    journal = Journal.open(tmp_path / "journal.sqlite")
    session = journal.create_session(str(tmp_path), "shell", "")
    return journal, session.id, SessionRecorder(journal, session.id, DELAY, at_once)


def test_the_host_commits_a_line_after_a_quiet_spell_at_once(tmp_path: Path) -> None:
    journal, session_id, recorder = quiet_recording(tmp_path, at_once=True)
    recording = recorder.shell_started("tail -f log", str(tmp_path))
    time.sleep(DELAY * 1.5)  # sets up the quiet spell; the check below does not wait
    recording.output("a line after a while\n")
    assert committed_output(journal, session_id) == ["a line after a while\n"]
    recording.output("and one right after it\n")
    assert committed_output(journal, session_id) == ["a line after a while\n"], "batched"
    recording.finished(CommandResult("tail -f log", 0, str(tmp_path), 1.0))
    journal.close()


def test_the_app_batches_even_a_line_after_a_quiet_spell(tmp_path: Path) -> None:
    journal, session_id, recorder = quiet_recording(tmp_path, at_once=False)
    recording = recorder.shell_started("tail -f log", str(tmp_path))
    time.sleep(DELAY * 1.5)
    recording.output("a line after a while\n")
    assert committed_output(journal, session_id) == []
    recording.finished(CommandResult("tail -f log", 0, str(tmp_path), 1.0))
    assert committed_output(journal, session_id) == ["a line after a while\n"]
    journal.close()
