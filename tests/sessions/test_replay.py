"""The bounded replay for agents without session/load: within N turns and M characters, plain
text, and given to an agent session exactly once, restarts included."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.replay import (
    SHELL_TAIL_CHARS,
    build_replay,
    needs_replay,
    shorten,
    take_replay,
)
from conch.sessions.views import NoticeView
from tests.sessions.conftest import agent_turn, context, shell_command, unavailable_turn


def new_prompt(journal: Journal, session_id: str, text: str) -> int:
    return journal.append(session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, context()))


def session_with_turns(journal: Journal, count: int) -> str:
    sid = journal.create_session("/work/project", "agent", "fake").id
    for number in range(count):
        agent_turn(journal, sid, f"question {number}", f"answer {number}")
    return sid


@pytest.mark.parametrize("max_turns", [1, 3, 10])
def test_the_replay_holds_the_last_n_turns_oldest_first(journal: Journal, max_turns: int) -> None:
    sid = session_with_turns(journal, 12)
    replay = build_replay(rebuild_conversation(journal.events(sid)), max_turns=max_turns)
    assert replay is not None
    assert replay.turns == max_turns
    assert replay.text.count("User: ") == max_turns
    expected = [f"User: question {n}" for n in range(12 - max_turns, 12)]
    positions = [replay.text.index(line) for line in expected]
    assert positions == sorted(positions)
    assert f"question {11 - max_turns}\n" not in replay.text


def test_a_bound_too_small_for_any_useful_text_gives_no_replay(journal: Journal) -> None:
    sid = session_with_turns(journal, 3)
    assert build_replay(rebuild_conversation(journal.events(sid)), max_chars=150) is None


@pytest.mark.parametrize("max_chars", [400, 1000, 5000])
def test_the_replay_never_exceeds_m_characters(journal: Journal, max_chars: int) -> None:
    sid = journal.create_session("/w", "agent", "fake").id
    for number in range(8):
        agent_turn(journal, sid, f"question {number} " * 20, f"long answer {number} " * 40)
    replay = build_replay(rebuild_conversation(journal.events(sid)), max_chars=max_chars)
    assert replay is not None
    assert len(replay.text) <= max_chars
    assert "question 7" in replay.text  # the newest turn always leads


def test_the_replay_is_plain_user_and_assistant_text(journal: Journal) -> None:
    sid = session_with_turns(journal, 2)
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None
    assert "User: question 1\nAssistant: answer 1" in replay.text
    for raw in ("jsonrpc", '"kind"', "message_chunk", "{"):
        assert raw not in replay.text


def test_shell_commands_are_summarised_with_status_and_a_short_tail(journal: Journal) -> None:
    sid = journal.create_session("/w/p", "auto", "fake").id
    output = "".join(f"line {n}\n" for n in range(2000)) + "FAILED test_x\n"
    shell_command(journal, sid, "pytest", output, status=1, cwd="/w/p")
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None
    assert "User ran a shell command in /w/p: pytest (exit status 1)" in replay.text
    assert "FAILED test_x" in replay.text
    assert "line 0\n" not in replay.text
    assert len(replay.text) < SHELL_TAIL_CHARS + 600


def test_nothing_to_replay_gives_none(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("only a notice"))
    assert build_replay(rebuild_conversation(journal.events(sid))) is None


def test_shorten_keeps_both_ends_within_the_limit() -> None:
    text = "start " + "middle " * 100 + "end"
    short = shorten(text, 60)
    assert len(short) <= 60 and short.startswith("start") and short.endswith("end")
    assert shorten("tiny", 60) == "tiny"


def test_the_replay_is_injected_exactly_once_per_agent_session(journal_file: Path) -> None:
    with Journal.open(journal_file) as journal:
        sid = session_with_turns(journal, 3)  # answered by agent session ag-1
    # Restart: the agent cannot load ag-1 and starts ag-2.
    with Journal.open(journal_file) as journal:
        journal.claim(sid)
        prompt = new_prompt(journal, sid, "question after restart")
        text = take_replay(journal, sid, "ag-2", prompt, max_turns=2, max_chars=4000)
        assert text.count("User: ") == 2 and "question 2" in text
        assert "question after restart" not in text  # the prompt itself is sent as is
        assert take_replay(journal, sid, "ag-2", prompt) == ""  # asked again: not twice
        journal.append(sid, ev.TURN_START, ev.CONCH, ev.turn_start(prompt, "ag-2"))
        journal.append(sid, ev.TURN_END, ev.CONCH, ev.turn_end(prompt, "done"))
        later = new_prompt(journal, sid, "next question")
        assert take_replay(journal, sid, "ag-2", later) == ""
    # Another restart: an agent that loads ag-2 has the history; a fresh ag-3 does not.
    with Journal.open(journal_file) as journal:
        journal.claim(sid)
        assert take_replay(journal, sid, "ag-2", later) == ""
        again = take_replay(journal, sid, "ag-3", later)
        assert "question after restart" in again
        assert take_replay(journal, sid, "ag-3", later) == ""
        injected = [e for e in journal.events(sid) if e.kind == ev.REPLAY_INJECTED]
        assert [e.payload["agent_session"] for e in injected] == ["ag-2", "ag-3"]
        assert injected[0].payload["text"] == text


def test_the_first_prompt_of_a_session_gets_no_replay(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, "ls", "a\n")
    prompt = new_prompt(journal, sid, "hello")
    assert take_replay(journal, sid, "ag-1", prompt) == ""
    assert not needs_replay(journal.events(sid), "ag-1", prompt)


def test_a_fork_replays_the_copied_turns_to_its_new_agent_session(journal: Journal) -> None:
    sid = session_with_turns(journal, 2)
    fork = journal.fork(sid).id
    prompt = new_prompt(journal, fork, "in the fork")
    text = take_replay(journal, fork, "ag-fork", prompt)
    assert "question 0" in text and "question 1" in text


def test_the_conversation_says_when_a_replay_was_given(journal: Journal) -> None:
    sid = session_with_turns(journal, 2)
    prompt = new_prompt(journal, sid, "more")
    take_replay(journal, sid, "ag-new", prompt)
    notices = [
        i for i in rebuild_conversation(journal.events(sid)).items if isinstance(i, NoticeView)
    ]
    assert len(notices) == 1 and "last 2 turn(s)" in notices[0].text


def test_prompts_no_agent_took_are_never_replayed(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    unavailable_turn(journal, sid, "sent while no agent was configured")
    agent_turn(journal, sid, "question for the agent", "its answer")
    queued = new_prompt(journal, sid, "still queued when Conch stopped")
    journal.append(sid, ev.TURN_END, ev.CONCH, ev.turn_end(queued, "interrupted"))
    prompt = new_prompt(journal, sid, "after the restart")
    text = take_replay(journal, sid, "ag-2", prompt)
    assert "User: question for the agent\nAssistant: its answer" in text
    assert "no agent was configured" not in text and "still queued" not in text
    assert "the last 1 turn(s)" in text


def test_a_session_whose_prompts_reached_no_agent_gives_no_replay(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, "ls", "a\n")
    unavailable_turn(journal, sid, "hello?")
    prompt = new_prompt(journal, sid, "now an agent is configured")
    assert take_replay(journal, sid, "ag-1", prompt) == ""


def test_replayed_output_and_answers_have_no_carriage_returns(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, "make", "building\r\n\x1b[32mok\x1b[0m\r\n50%\r100%\r\n")
    agent_turn(journal, sid, "pasted\r\nlines", "fine")
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None
    assert "Output (end):\nbuilding\nok\n100%" in replay.text
    assert "User: pasted\nlines" in replay.text
    assert "\r" not in replay.text and "\x1b" not in replay.text
