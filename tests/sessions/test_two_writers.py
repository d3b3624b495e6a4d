"""Never two writers: a session another process holds is read-only here, or forked."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.errors import ReadOnlySessionError, SessionBusyError
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.views import AgentTurnView
from tests.sessions.conftest import Child, agent_turn


def held_by_child(journal_file: Path, children: list[Child]) -> tuple[str, Child]:
    """A session with one turn, created here, released, then claimed by a child process."""
    with Journal.open(journal_file) as journal:
        sid = journal.create_session("/w", "auto", "fake").id
        agent_turn(journal, sid, "first question", "first answer")
    child = Child("hold", str(journal_file), sid)
    children.append(child)
    child.expect("claimed")
    return sid, child


def test_the_second_process_is_told_who_holds_the_session(
    journal_file: Path, children: list[Child]
) -> None:
    sid, child = held_by_child(journal_file, children)
    with Journal.open(journal_file) as journal:
        with pytest.raises(SessionBusyError) as busy:
            journal.claim(sid)
        assert busy.value.holder_pid == child.process.pid
        assert str(child.process.pid) in str(busy.value)
        assert journal.is_writer_alive(sid)


def test_the_second_process_can_read_but_not_write(
    journal_file: Path, children: list[Child]
) -> None:
    sid, _ = held_by_child(journal_file, children)
    with Journal.open(journal_file) as journal:
        with pytest.raises(SessionBusyError):
            journal.claim(sid)
        view = rebuild_conversation(journal.events(sid))
        assert [item.prompt for item in view.items if isinstance(item, AgentTurnView)] == [
            "first question"
        ]
        with pytest.raises(ReadOnlySessionError):
            journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("sneaky"))
        with pytest.raises(ReadOnlySessionError):
            journal.batch(sid)
        with pytest.raises(ReadOnlySessionError):
            journal.set_status(sid, "busy")
        with pytest.raises(SessionBusyError):
            journal.rename(sid, "renamed behind its back")
        with pytest.raises(SessionBusyError):
            journal.delete(sid)
        assert journal.get_session(sid).title is None


def test_the_second_process_can_fork_the_held_session(
    journal_file: Path, children: list[Child]
) -> None:
    sid, _ = held_by_child(journal_file, children)
    with Journal.open(journal_file) as journal:
        fork = journal.fork(sid)
        assert fork.parent_id == sid
        agent_turn(journal, fork.id, "second question", "in the fork")
        prompts = [
            item.prompt
            for item in rebuild_conversation(journal.events(fork.id)).items
            if isinstance(item, AgentTurnView)
        ]
        assert prompts == ["first question", "second question"]
        assert journal.last_index(sid) < journal.last_index(fork.id)


def test_the_session_is_free_again_once_the_holder_is_killed(
    journal_file: Path, children: list[Child]
) -> None:
    sid, child = held_by_child(journal_file, children)
    child.kill()
    with Journal.open(journal_file) as journal:
        assert not journal.is_writer_alive(sid)
        journal.claim(sid)
        journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("mine now"))


def test_the_session_is_free_again_once_the_holder_closes_it(
    journal_file: Path, children: list[Child]
) -> None:
    sid, child = held_by_child(journal_file, children)
    assert child.process.stdin is not None
    child.process.stdin.close()
    assert child.process.wait(timeout=30) == 0
    with Journal.open(journal_file) as journal:
        journal.claim(sid)


def test_two_journals_in_one_process_are_two_writers_too(journal_file: Path) -> None:
    with Journal.open(journal_file) as first, Journal.open(journal_file) as second:
        sid = first.create_session("/w", "auto", "a").id
        with pytest.raises(SessionBusyError):
            second.claim(sid)
        first.release(sid)
        second.claim(sid)
        with pytest.raises(SessionBusyError):
            first.claim(sid)
