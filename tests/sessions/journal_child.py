"""A second process writing the journal, for the crash and two-process tests.

    python journal_child.py agent-turn DB     turns of prompt + batched updates; stops mid-turn
    python journal_child.py stream DB         the same, endlessly (killed at a random moment)
    python journal_child.py shell DB          a shell command with output; stops mid-command
    python journal_child.py hold DB SESSION   claims SESSION and holds it until stdin closes

Prints ``session ID`` first, then ``acked N`` after every commit that made event N durable
(the last index of that commit), and ``stopped`` where it waits to be killed. Flushes each
line, so the parent knows exactly what was acknowledged before its kill -9.
"""

from __future__ import annotations

import sys
import time

from conch.agents.events import MessageChunk, ToolCall, ToolCallUpdate, TurnContext, TurnEnded
from conch.sessions import events as ev
from conch.sessions.journal import Journal


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def context() -> TurnContext:
    return TurnContext("/tmp", "agent", "fake", "m", time.time(), "/tmp")


def one_turn(journal: Journal, session_id: str, number: int, *, finish: bool) -> None:
    """A prompt (acknowledged alone), then its updates in a batch flushed every 5 events."""
    text = f"question {number}"
    typed = ev.user_input(text, "agent", "/tmp")
    say(f"acked {journal.append(session_id, ev.USER_INPUT, ev.USER, typed)}")
    turn = journal.append(session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, context()))
    say(f"acked {turn}")
    with journal.batch(session_id, max_pending=5, max_delay=3600) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "agent-session-1"))
        call = ToolCall(f"call-{number}", "Read a file", "read", "in_progress")
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, call))
        for chunk in range(12):
            update = MessageChunk(f"answer {number} part {chunk}. ")
            batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, update))
            if batch.pending == 0:
                say(f"acked {batch.acked_index}")
        if not finish:
            batch.flush()
            say(f"acked {batch.acked_index}")
            say("stopped")
            time.sleep(600)
        done = ToolCallUpdate(f"call-{number}", status="completed", content="file text")
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, done))
        batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, TurnEnded("end_turn")))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    say(f"acked {batch.acked_index}")


def main(argv: list[str]) -> int:
    mode, db = argv[0], argv[1]
    journal = Journal.open(db)
    if mode == "hold":
        session_id = argv[2]
        journal.claim(session_id)
        say(f"session {session_id}")
        say("claimed")
        sys.stdin.readline()
        journal.close()
        return 0
    session_id = journal.create_session("/tmp", "auto", "fake").id
    say(f"session {session_id}")
    if mode == "agent-turn":
        for number in range(3):
            one_turn(journal, session_id, number, finish=True)
        one_turn(journal, session_id, 3, finish=False)
    elif mode == "stream":
        number = 0
        while True:
            one_turn(journal, session_id, number, finish=True)
            number += 1
    elif mode == "shell":
        start = ev.shell_start("make", "/tmp")
        say(f"acked {journal.append(session_id, ev.SHELL_START, ev.USER, start)}")
        for line in range(5):
            index = journal.append(
                session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(f"line {line}\n")
            )
            say(f"acked {index}")
        say("stopped")
        time.sleep(600)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
