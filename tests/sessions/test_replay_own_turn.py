"""The turn being started does not count as the agent session having the history: its own
turn_start may be committed (the live turn is flushed every 0.2 s) before the replay is read."""

from __future__ import annotations

from pathlib import Path

from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.replay import take_replay
from tests.sessions.test_replay import new_prompt, session_with_turns


def test_a_replay_is_given_even_when_the_new_turns_own_start_is_already_committed(
    journal_file: Path,
) -> None:
    with Journal.open(journal_file) as journal:
        sid = session_with_turns(journal, 2)  # answered by agent session ag-1
    with Journal.open(journal_file) as journal:  # restart: a fresh agent session ag-2
        journal.claim(sid)
        prompt = new_prompt(journal, sid, "question after restart")
        journal.append(sid, ev.TURN_START, ev.CONCH, ev.turn_start(prompt, "ag-2"))
        text = take_replay(journal, sid, "ag-2", prompt)
        assert "User: question 1" in text
        assert take_replay(journal, sid, "ag-2", prompt) == "", "still only once"
