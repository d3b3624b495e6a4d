"""Closing what a dead writer (or a fork's cut) left open, so no view shows a half turn.

When a process is killed mid-turn or mid-command, the journal holds a prompt with no
``turn_end`` or a ``shell_start`` with no ``shell_end``. The next writer appends the missing
ends with status ``interrupted`` and a notice saying what happened: the record itself then
says the turn was interrupted, for every reader, instead of each view guessing.
"""

from __future__ import annotations

from collections.abc import Iterable

from conch.sessions import events as ev
from conch.sessions.pending import PendingEvent, prepare
from conch.sessions.projections import ConversationProjector
from conch.sessions.records import Event

KINDS_THAT_OPEN_OR_CLOSE = (ev.AGENT_PROMPT, ev.TURN_END, ev.SHELL_START, ev.SHELL_END)
"""The only kinds that decide whether something is open: recovery reads just these."""

CRASH_NOTE = (
    "Conch stopped before this finished (the process ended or was killed); what it had "
    "journaled is kept, and the rest is marked interrupted."
)


def closing_events(events: Iterable[Event], reason: str, note: str) -> list[PendingEvent]:
    """shell_end / turn_end events (``interrupted``, ``reason``) for what ``events`` leave open,
    followed by a notice with ``note``; empty when nothing is open."""
    projector = ConversationProjector()
    for event in events:
        projector.apply(event)
    closing: list[PendingEvent] = []
    shell = projector.open_shell
    if shell is not None:
        closing.append(
            prepare(ev.SHELL_END, ev.CONCH, ev.shell_end(None, shell[1], interrupted=True))
        )
    for turn in projector.open_turns:
        closing.append(prepare(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "interrupted", reason)))
    if closing:
        closing.append(prepare(ev.NOTICE, ev.CONCH, ev.notice(note, "warning")))
    return closing
