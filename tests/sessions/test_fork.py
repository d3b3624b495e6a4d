"""Fork from any turn: a new session whose parent is the current one; forks of forks work."""

from __future__ import annotations

import pytest

from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.pending import BLOB_THRESHOLD
from conch.sessions.projections import rebuild_conversation
from conch.sessions.views import AgentTurnView, NoticeView, ShellBlock
from tests.sessions.conftest import agent_turn, context, shell_command


def prompts(journal: Journal, session_id: str) -> list[str]:
    view = rebuild_conversation(journal.events(session_id))
    return [item.prompt for item in view.items if isinstance(item, AgentTurnView)]


def test_a_fork_copies_events_up_to_the_chosen_turn(journal: Journal) -> None:
    sid = journal.create_session("/w/project", "agent", "fake", title="Parser work").id
    agent_turn(journal, sid, "one", "answer one")
    first = rebuild_conversation(journal.events(sid)).items[-1]
    agent_turn(journal, sid, "two", "answer two")
    fork = journal.fork(sid, at_index=first.last_index)
    assert (fork.parent_id, fork.forked_from_event) == (sid, first.last_index)
    assert (fork.cwd, fork.agent, fork.title) == ("/w/project", "fake", "Parser work (fork)")
    assert fork.agent_session_id is None  # the fork starts its own agent session
    copied = list(journal.events(fork.id))
    original = list(journal.events(sid))[: first.last_index + 1]
    assert [(e.idx, e.kind, e.payload) for e in copied[: len(original)]] == [
        (e.idx, e.kind, e.payload) for e in original
    ]
    assert prompts(journal, fork.id) == ["one"]
    notice = rebuild_conversation(journal.events(fork.id)).items[-1]
    assert isinstance(notice, NoticeView) and "Forked from Parser work" in notice.text


def test_fork_and_parent_are_independent_afterwards(journal: Journal) -> None:
    sid = journal.create_session("/w", "agent", "fake").id
    agent_turn(journal, sid, "shared", "yes")
    fork = journal.fork(sid).id
    agent_turn(journal, fork, "only in the fork", "ok")
    agent_turn(journal, sid, "only in the parent", "ok")
    assert prompts(journal, fork) == ["shared", "only in the fork"]
    assert prompts(journal, sid) == ["shared", "only in the parent"]


def test_a_fork_of_a_fork_keeps_the_parent_chain(journal: Journal) -> None:
    root = journal.create_session("/w", "agent", "fake").id
    agent_turn(journal, root, "a", "1")
    child = journal.fork(root).id
    agent_turn(journal, child, "b", "2")
    grandchild = journal.fork(child).id
    agent_turn(journal, grandchild, "c", "3")
    assert [record.id for record in journal.ancestors(grandchild)] == [child, root]
    assert prompts(journal, grandchild) == ["a", "b", "c"]
    assert prompts(journal, child) == ["a", "b"]
    assert [record.id for record in journal.forks_of(child)] == [grandchild]


def test_forking_mid_turn_closes_the_copied_turn_as_interrupted(journal: Journal) -> None:
    sid = journal.create_session("/w", "agent", "fake").id
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("long job", context()))
    journal.append(sid, ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
    fork = journal.fork(sid).id
    copied = rebuild_conversation(journal.events(fork)).items
    turns = [item for item in copied if isinstance(item, AgentTurnView)]
    assert [t.state for t in turns] == ["interrupted"]
    assert any(isinstance(i, NoticeView) and "fork" in i.text for i in copied)
    # the parent's turn is untouched: it is still running there
    parent_turns = rebuild_conversation(journal.events(sid)).items
    assert isinstance(parent_turns[0], AgentTurnView) and parent_turns[0].state == "running"


def test_a_fork_owns_copies_of_big_outputs(journal: Journal) -> None:
    sid = journal.create_session("/w", "shell", "fake").id
    big = "y\n" * BLOB_THRESHOLD
    shell_command(journal, sid, "yes | head", big)
    fork = journal.fork(sid).id
    journal.delete(sid, detach_forks=True)
    block = rebuild_conversation(journal.events(fork)).items[0]
    assert isinstance(block, ShellBlock)
    assert block.output_text(journal.read_blob) == big


def test_a_fork_takes_the_mode_at_its_cut(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    cut = journal.append(sid, ev.MODE_CHANGE, ev.USER, ev.mode_change("shell"))
    journal.append(sid, ev.MODE_CHANGE, ev.USER, ev.mode_change("agent"))
    assert journal.fork(sid, at_index=cut).mode == "shell"


def test_a_fork_at_an_index_that_does_not_exist_is_refused(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    agent_turn(journal, sid, "a", "b")
    with pytest.raises(ValueError):
        journal.fork(sid, at_index=journal.last_index(sid) + 1)
    assert len(journal.list_sessions()) == 1


def test_the_fork_is_claimed_by_the_journal_that_made_it(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    fork = journal.fork(sid)
    assert journal.is_claimed(fork.id)
    notice = list(journal.events(fork.id))
    assert [event.kind for event in notice] == ["notice"]
    assert "at its start" in notice[0].payload["text"]
