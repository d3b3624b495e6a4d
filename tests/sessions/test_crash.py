"""kill -9 of a process writing the journal loses no acknowledged event and leaves no half turn.

The writer is a real child process (journal_child.py) that prints ``acked N`` after each
commit; the test kills it with SIGKILL, then opens the journal as the next Conch would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation, rebuild_history
from conch.sessions.views import AgentTurnView, NoticeView, ShellBlock
from tests.sessions.conftest import Child


def assert_every_ack_survived(journal: Journal, session_id: str, acked: list[int]) -> None:
    indexes = [event.idx for event in journal.events(session_id)]
    assert acked, "the child acknowledged nothing before it was killed"
    assert indexes == list(range(len(indexes))), "the journal has gaps"
    assert max(acked) <= indexes[-1], f"acked {max(acked)} but the journal ends at {indexes[-1]}"


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_kill_mid_agent_turn_keeps_acked_events_and_shows_the_turn_interrupted(
    journal_file: Path, children: list[Child]
) -> None:
    child = Child("agent-turn", str(journal_file))
    children.append(child)
    child.expect("stopped")
    child.kill()

    with Journal.open(journal_file) as journal:
        sid = child.session_id
        assert_every_ack_survived(journal, sid, child.acked)
        # Read-only, before anyone claims it: the writer is dead, so open items are interrupted.
        assert not journal.is_writer_alive(sid)
        view = rebuild_conversation(journal.events(sid), interrupted=True)
        turns = [item for item in view.items if isinstance(item, AgentTurnView)]
        assert [turn.state for turn in turns] == ["done", "done", "done", "interrupted"]
        assert "answer 3 part 0." in turns[-1].text  # what was acked is shown

        # The next writer records the interruption in the journal itself.
        journal.claim(sid)
        view = rebuild_conversation(journal.events(sid))
        turns = [item for item in view.items if isinstance(item, AgentTurnView)]
        assert [turn.state for turn in turns] == ["done", "done", "done", "interrupted"]
        assert turns[-1].stop_reason == "crash"
        assert isinstance(view.items[-1], NoticeView) and "Conch stopped" in view.items[-1].text
        assert [entry.text for entry in rebuild_history(journal.events(sid))] == [
            f"question {n}" for n in range(4)
        ]
    assert integrity(journal_file) == "ok"


def test_kill_at_a_random_moment_of_a_stream_of_turns_loses_no_ack(
    journal_file: Path, children: list[Child]
) -> None:
    child = Child("stream", str(journal_file))
    children.append(child)
    while len(child.acked) < 60:  # several turns in, then kill wherever it is
        child.expect("acked")
    child.kill()

    assert integrity(journal_file) == "ok"
    with Journal.open(journal_file) as journal:
        sid = child.session_id
        assert_every_ack_survived(journal, sid, child.acked)
        journal.claim(sid)
        view = rebuild_conversation(journal.events(sid))
        turns = [item for item in view.items if isinstance(item, AgentTurnView)]
        assert turns and all(not turn.is_open for turn in turns)
        assert {turn.state for turn in turns[:-1]} == {"done"}
        assert turns[-1].state in ("done", "interrupted")


def test_kill_mid_shell_command_keeps_its_output_and_marks_it_interrupted(
    journal_file: Path, children: list[Child]
) -> None:
    child = Child("shell", str(journal_file))
    children.append(child)
    child.expect("stopped")
    child.kill()

    with Journal.open(journal_file) as journal:
        sid = child.session_id
        assert_every_ack_survived(journal, sid, child.acked)
        journal.claim(sid)
        view = rebuild_conversation(journal.events(sid))
        block = view.items[0]
        assert isinstance(block, ShellBlock)
        assert block.state == "interrupted" and not block.finished
        assert block.exit_status is None
        assert block.output_text() == "".join(f"line {n}\n" for n in range(5))


def test_a_clean_reclaim_appends_nothing(journal_file: Path) -> None:
    with Journal.open(journal_file) as journal:
        sid = journal.create_session("/w", "auto", "a").id
    with Journal.open(journal_file) as journal:
        journal.claim(sid)
        assert journal.last_index(sid) == -1


def test_a_session_left_busy_by_a_dead_writer_is_idle_again_when_claimed(
    journal_file: Path,
) -> None:
    with Journal.open(journal_file) as journal:
        sid = journal.create_session("/w", "auto", "a").id
        journal.set_status(sid, "busy")
    with Journal.open(journal_file) as journal:
        assert journal.get_session(sid).status == "busy"
        assert journal.claim(sid).status == "idle"
