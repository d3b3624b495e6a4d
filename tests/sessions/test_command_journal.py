"""A command's start is journaled while the command runs; its early output still comes after.

Real journal (SQLite); the test holds the start back with an Event to play a slow fsync.
"""

from __future__ import annotations

import threading

from conch.command_journal import CommandJournal
from conch.session_recorder import SessionRecorder, ShellRecording
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch_plugins.shell_mode.command_result import CommandResult


def test_output_before_the_start_is_on_disk_is_journaled_after_it_in_order(
    journal: Journal,
) -> None:
    session = journal.create_session("/w", "shell", "fake").id
    recorder = SessionRecorder(journal, session)
    disk_is_slow = threading.Event()

    def start() -> ShellRecording:
        disk_is_slow.wait(10)
        recorder.user_input("echo hi", "shell", "/w")
        return recorder.shell_started("echo hi", "/w")

    command = CommandJournal(start, lambda write: write())
    command.output("h")
    command.output("i\n")
    disk_is_slow.set()
    recording = command.started()
    assert recording is not None
    command.output("more\n")
    recording.finished(CommandResult("echo hi", 0, "/w", 0.01))

    kinds = [(event.kind, event.payload.get("text")) for event in journal.events(session)]
    assert kinds == [
        (ev.USER_INPUT, "echo hi"),
        (ev.SHELL_START, None),
        (ev.SHELL_OUTPUT, "hi\nmore\n"),
        (ev.SHELL_END, None),
    ]
