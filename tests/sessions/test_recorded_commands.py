"""Commands run in a real bash, journaled by the app's recorder, then exported and replayed.

The output is what a pty really gives (CRLF, colour codes, ``\\r`` progress lines), so these
check the export and the agent replay against the bytes a user's session holds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch.session_recorder import SessionRecorder
from conch.sessions.export import MAX_OUTPUT_LINES, session_markdown
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.replay import build_replay
from conch.sessions.views import ShellBlock
from conch_plugins.shell_mode.command_result import CommandResult, CommandSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions

WITHIN = 30.0
"""Generous bound for a command, only so that a bug fails instead of hanging."""


class RecordingSink(CommandSink):
    """Output teed to the journal, as the app's command block does it."""

    def __init__(self, recorder: SessionRecorder, command: str, cwd: str) -> None:
        self.recording = recorder.shell_started(command, cwd)

    def on_output(self, text: str) -> None:
        self.recording.output(text)


@pytest.fixture
def shell(isolated_home: Path) -> Iterator[PersistentBash]:
    started = PersistentBash(isolated_home, ShellOptions())
    started.start()
    yield started
    started.close()


def run(shell: PersistentBash, recorder: SessionRecorder, command: str) -> CommandResult:
    sink = RecordingSink(recorder, command, shell.cwd)
    result = shell.execute(command, sink, timeout=WITHIN)
    sink.recording.finished(result)
    return result


def blocks(journal: Journal, session_id: str) -> list[ShellBlock]:
    view = rebuild_conversation(journal.events(session_id))
    return [item for item in view.items if isinstance(item, ShellBlock)]


def test_seq_a_progress_line_and_colours_export_as_the_terminal_showed_them(
    journal: Journal, shell: PersistentBash
) -> None:
    sid = journal.create_session(shell.cwd, "shell", "none").id
    recorder = SessionRecorder(journal, sid)
    run(shell, recorder, "seq 1 100000")
    run(shell, recorder, "for i in 10 50 100; do printf '\\rfetching %s%%' $i; done; echo")
    run(shell, recorder, "printf '\\033[1;31mred\\033[0m and \\033[32mgreen\\033[0m\\n'")
    text = session_markdown(journal, sid)
    assert "\r" not in text and "\x1b" not in text
    assert len(text.splitlines()) < MAX_OUTPUT_LINES + 60
    assert (
        f"_Output: 100,000 lines; {100_000 - MAX_OUTPUT_LINES:,} in the middle are left out."
        in text
    )
    assert f"`conch sessions export {sid} --full`" in text
    assert "```\nfetching 100%\n```" in text
    assert "```\nred and green\n```" in text


def test_a_command_stopped_with_ctrl_c_keeps_its_duration_and_says_interrupted(
    journal: Journal, shell: PersistentBash
) -> None:
    sid = journal.create_session(shell.cwd, "shell", "none").id
    recorder = SessionRecorder(journal, sid)
    finished: list[CommandResult] = []
    worker = threading.Thread(target=lambda: finished.append(run(shell, recorder, "sleep 30")))
    worker.start()
    deadline = time.monotonic() + WITHIN
    while os.tcgetpgrp(shell.fd) == shell.pid:  # until sleep owns the terminal
        assert time.monotonic() < deadline, "sleep 30 never started"
        time.sleep(0.01)
    time.sleep(0.3)  # it has run a while: the duration must say so
    shell.interrupt()
    worker.join(WITHIN)
    assert finished and finished[0].interrupted
    (block,) = blocks(journal, sid)
    assert (block.exit_status, block.interrupted_by_user, block.state) == (130, True, "finished")
    assert block.duration is not None and 0.3 <= block.duration < 10
    assert block.duration == pytest.approx(finished[0].duration, abs=0.001)
    assert ", interrupted with Ctrl+C (exit status 130), after " in session_markdown(journal, sid)
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None and "sleep 30 (exit status 130, stopped with Ctrl+C)" in replay.text


def test_the_replay_gives_an_agent_the_output_without_crlf_or_colour_codes(
    journal: Journal, shell: PersistentBash
) -> None:
    sid = journal.create_session(shell.cwd, "shell", "none").id
    recorder = SessionRecorder(journal, sid)
    run(shell, recorder, "printf 'one\\ntwo\\n'; printf '\\033[31mFAILED\\033[0m\\n'")
    run(shell, recorder, "for i in 1 2 3; do printf '\\rstep %s' $i; done; echo")
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None
    assert "Output (end):\none\ntwo\nFAILED" in replay.text
    assert "Output (end):\nstep 3" in replay.text
    assert "\r" not in replay.text and "\x1b" not in replay.text
