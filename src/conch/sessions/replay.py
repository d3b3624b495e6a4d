"""A bounded replay of the conversation for an agent that could not restore its own session.

After a restart (or in a fork) an agent without ACP ``session/load`` starts a blank session.
Its next prompt then gets the last N turns, at most M characters, as plain text ("User: …" /
"Assistant: …"; shell commands as the command, its exit status and the end of its output),
never raw JSON-RPC. It is prepended once: ``take_replay`` journals a ``replay_injected`` event
naming the agent session before handing the text out, so neither a second prompt nor a
restart gives the same agent session the history twice. A different agent session (the next
restart of an agent without load) has not seen it and gets its own replay.

Only what an agent saw or the user ran is replayed: a prompt answered by "no agent is
configured", or still queued when Conch stopped, never reached one. Output is given as the
terminal showed it (no CRLF, no colour codes, progress lines in their last state).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

from conch.secret_masking import mask_secrets
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import Event
from conch.sessions.terminal_text import as_shown
from conch.sessions.views import AgentTurnView, ConversationView, ShellBlock

DEFAULT_MAX_TURNS = 10
DEFAULT_MAX_CHARS = 12_000
SHELL_TAIL_CHARS = 600
"""Output kept per replayed shell command: the end, where errors and results are."""

HEADER = (
    "[Conch: the agent session was restarted, so here is the earlier conversation, "
    "the last {turns} turn(s), as context. It is not a new request.]\n\n"
)
FOOTER = "\n\n[End of the earlier conversation. The new request follows.]\n\n"


@dataclass(frozen=True)
class Replay:
    text: str
    """Ready to prepend to the prompt (header and footer included, at most max_chars)."""
    turns: int
    through_index: int
    """The last event index the replay covers."""


def build_replay(
    view: ConversationView,
    *,
    max_turns: int = DEFAULT_MAX_TURNS,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Replay | None:
    """The newest turns (agent turns and shell commands) that fit both bounds, oldest first;
    None when there is nothing to replay. The oldest kept turn is shortened to fit."""
    turns = [item for item in view.items if _was_seen(item)]
    chosen: list[str] = []
    through = -1
    for item in reversed(turns[-max_turns:] if max_turns > 0 else []):
        frame = len(HEADER.format(turns=len(chosen) + 1)) + len(FOOTER)
        separators = 2 * len(chosen)
        room = max_chars - frame - separators - sum(len(text) for text in chosen)
        text = mask_secrets(render_turn(item))  # journals written before masking hold secrets
        if len(text) > room:
            if room >= 80:  # a useful piece of the oldest turn still fits
                chosen.append(shorten(text, room))
                through = max(through, item.last_index)
            break
        chosen.append(text)
        through = max(through, item.last_index)
    if not chosen:
        return None
    body = "\n\n".join(reversed(chosen))
    text = HEADER.format(turns=len(chosen)) + body + FOOTER
    return Replay(text, len(chosen), through)


def _was_seen(item: object) -> TypeGuard[AgentTurnView | ShellBlock]:
    """A command the user ran, or a turn an agent took (see AgentTurnView.reached_agent)."""
    if isinstance(item, AgentTurnView):
        return item.reached_agent
    return isinstance(item, ShellBlock)


def render_turn(item: AgentTurnView | ShellBlock) -> str:
    """One turn as plain text."""
    if isinstance(item, ShellBlock):
        status = {
            "finished": f"exit status {item.exit_status}",
            "running": "still running",
            "interrupted": "interrupted",
        }[item.state]
        if item.finished and item.interrupted_by_user:
            status += ", stopped with Ctrl+C"
        lines = [f"User ran a shell command in {item.cwd}: {item.command} ({status})"]
        # A few more raw characters than kept: colour codes and redrawn lines shrink it.
        raw_tail = item.output_tail(SHELL_TAIL_CHARS * 4)
        tail = as_shown(raw_tail)[-SHELL_TAIL_CHARS:].strip("\n")
        if tail:
            lines.append(f"Output (end):\n{tail}")
        return "\n".join(lines)
    answer = item.text.replace("\r\n", "\n").strip()
    prompt = item.prompt.replace("\r\n", "\n")
    lines = [f"User: {prompt}", f"Assistant: {answer or '(no answer text)'}"]
    if item.tool_calls:
        used = ", ".join(f"{call.title} ({call.status})" for call in item.tool_calls)
        lines.append(f"(Tools used: {used})")
    if item.errors:
        lines.append(f"(Errors: {' / '.join(error.splitlines()[0] for error in item.errors)})")
    if item.state != "done":
        lines.append(f"(This turn was {item.state}.)")
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: its start and its end around a marker."""
    if len(text) <= limit:
        return text
    marker = "\n[…]\n"
    head = max(0, (limit - len(marker)) // 2)
    tail = max(0, limit - len(marker) - head)
    return text[:head] + marker + (text[-tail:] if tail else "")


def needs_replay(events: Iterable[Event], agent_session: str, before_index: int) -> bool:
    """Whether ``agent_session`` lacks the conversation before ``before_index``: there were
    agent turns then, and this agent session neither ran one nor got a replay. The start of
    the turn at ``before_index`` itself does not count: it may be committed (a live turn is
    flushed every 0.2 s) before the replay is read."""
    had_turns = False
    for event in events:
        marks_session = event.kind in (ev.TURN_START, ev.REPLAY_INJECTED)
        own_start = event.kind == ev.TURN_START and event.payload.get("turn") == before_index
        if marks_session and not own_start and event.payload.get("agent_session") == agent_session:
            return False
        if event.kind == ev.AGENT_PROMPT and event.idx < before_index:
            had_turns = True
    return had_turns


def take_replay(
    journal: Journal,
    session_id: str,
    agent_session: str,
    prompt_index: int,
    *,
    max_turns: int = DEFAULT_MAX_TURNS,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> str:
    """The text to prepend to the prompt journaled at ``prompt_index``, or "" when the agent
    session already has the history. Journals ``replay_injected`` (durably) first: exactly
    once per agent session, whatever restarts follow."""
    events = list(journal.events(session_id))
    if not needs_replay(events, agent_session, prompt_index):
        return ""
    view = rebuild_conversation(event for event in events if event.idx < prompt_index)
    if not any(isinstance(item, AgentTurnView) and item.reached_agent for item in view.items):
        return ""  # the earlier prompts reached no agent: this is the conversation's start
    replay = build_replay(view, max_turns=max_turns, max_chars=max_chars)
    if replay is None:
        return ""
    payload = ev.replay_injected(agent_session, replay.through_index, replay.text, replay.turns)
    journal.append(session_id, ev.REPLAY_INJECTED, ev.CONCH, payload)
    return replay.text
