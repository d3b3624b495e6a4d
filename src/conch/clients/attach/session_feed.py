"""A followed session's events turned into conversation items, and what each event changed.

The host sends the journal's own event records: first the history, then live ones. The fold
is the one a restart uses (sessions/conversation_projection.py), so an attached client shows
what the app would show after a restart, and live what the app showed live. For each event
the feed says which items it added or changed, so a view touches one widget per event
instead of rebuilding the conversation; output of a running command comes as its new text
only (freezing the whole block per chunk would cost a copy of all its output each time), and
an open agent turn gets its agent events one by one, as the app's live turn gets them (a
turn re-rendered whole per streamed word would cost more with every word). What an open
turn got so far is kept (``turn_log``), so a view that shows it late (on attach) can build
the live turn from it. Plain Python: no Textual, no sockets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conch.agents.events import AgentEvent, PermissionRequest
from conch.sessions import events as ev
from conch.sessions.codec import CodecError, agent_event_from_json, from_json
from conch.sessions.conversation_projection import ConversationProjector
from conch.sessions.records import Event
from conch.sessions.shell_builder import output_piece
from conch.sessions.views import AgentTurnView, ConversationItem, ConversationView, PermissionView


@dataclass(frozen=True)
class ItemAdded:
    position: int
    item: ConversationItem


@dataclass(frozen=True)
class ItemChanged:
    """The item at ``position`` is now ``item`` (a command ended, a turn grew, …)."""

    position: int
    item: ConversationItem


@dataclass(frozen=True)
class OutputAdded:
    """More output for the running command at ``position``: ``skipped`` lines that only the
    journal holds (a big piece is sent as its end), then ``text``."""

    position: int
    text: str
    skipped: int = 0


@dataclass(frozen=True)
class TurnStarted:
    """The queued turn at ``position`` was sent to the agent."""

    position: int


@dataclass(frozen=True)
class TurnEventAdded:
    """The open turn at ``position`` streamed ``event`` (text, a tool call, a plan, …)."""

    position: int
    event: AgentEvent


@dataclass(frozen=True)
class PermissionAsked:
    """The open turn at ``position`` (its prompt is event ``turn``) asks before a tool acts."""

    position: int
    turn: int
    request: PermissionRequest


@dataclass(frozen=True)
class PermissionDecided:
    """A question of the open turn at ``position`` was answered (``decided.by`` says who)."""

    position: int
    decided: PermissionView


TurnChange = TurnStarted | TurnEventAdded | PermissionAsked | PermissionDecided
FeedChange = ItemAdded | ItemChanged | OutputAdded | TurnChange
_TURN_KINDS = frozenset({ev.TURN_START, ev.AGENT_UPDATE, ev.PERMISSION_ASKED, ev.PERMISSION})


def event_from_wire(session_id: str, record: Mapping[str, Any]) -> Event:
    """The journal record an ``event`` frame carries (host/follower.py), as the journal's own
    type."""
    payload = record.get("payload")
    return Event(
        session_id,
        int(record["idx"]),
        float(record.get("time", 0.0)),
        str(record.get("kind", "")),
        str(record.get("sender", "")),
        payload if isinstance(payload, dict) else {},
    )


def live_output(payload: Mapping[str, Any]) -> tuple[int, str]:
    """A shell_output event as a live view takes it: the lines it skips, then its text (a
    big piece stored by reference gives its end: views.OutputRef.live_piece)."""
    piece = output_piece(payload)
    return (0, piece) if isinstance(piece, str) else piece.live_piece()


class SessionFeed:
    """Events in, item changes out; ``view()`` is the whole conversation at any time."""

    def __init__(self) -> None:
        self._projector = ConversationProjector()
        self._turn_logs: dict[int, list[TurnChange]] = {}

    @property
    def last_index(self) -> int:
        """The index of the last event applied (-1: none); a re-attach asks for what follows."""
        return self._projector.last_index

    @property
    def cwd(self) -> str:
        return self._projector.cwd

    @property
    def running_position(self) -> int | None:
        """The position of the command that runs now (None: no command runs)."""
        return self._projector.open_shell_position

    def is_open_turn(self, position: int) -> bool:
        """Whether the item at ``position`` is an agent turn that is queued or running."""
        return position in self._turn_logs

    def turn_log(self, position: int) -> list[TurnChange]:
        """What the open turn at ``position`` got so far, in order (to build it late)."""
        return list(self._turn_logs.get(position, ()))

    def view(self) -> ConversationView:
        return self._projector.view()

    def item(self, position: int) -> ConversationItem:
        return self._projector.item(position)

    def apply(self, event: Event) -> list[FeedChange]:
        """Fold one event in; the items it added or changed, in position order. An event
        seen already (a re-attach overlaps) changes nothing."""
        projector = self._projector
        if 0 <= event.idx <= projector.last_index:
            return []  # (a private line's events are in no journal: index -1, never seen)
        count = projector.item_count
        watched = [(p, projector.is_open_at(p)) for p in projector.open_positions]
        running = self.running_position
        turn = event.payload.get("turn") if event.kind in _TURN_KINDS else None
        turn_position = projector.turn_position(turn) if isinstance(turn, int) else None
        projector.apply(event)
        changes: list[FeedChange] = []
        for position, was_open in watched:
            touched = projector.last_index_at(position) == event.idx
            if not touched and projector.is_open_at(position) == was_open:
                continue
            still_open = projector.is_open_at(position)
            live = self._turn_change(position, event) if position == turn_position else None
            if event.kind == ev.SHELL_OUTPUT and position == running and still_open:
                skipped, text = live_output(event.payload)
                changes.append(OutputAdded(position, text, skipped))
            elif live is not None and still_open:
                self._turn_logs[position].append(live)
                changes.append(live)
            else:
                self._turn_logs.pop(position, None)
                changes.append(ItemChanged(position, projector.item(position)))
        for position in range(count, projector.item_count):
            item = projector.item(position)
            if isinstance(item, AgentTurnView) and projector.is_open_at(position):
                self._turn_logs[position] = []
            changes.append(ItemAdded(position, item))
        return changes

    def _turn_change(self, position: int, event: Event) -> TurnChange | None:
        """The change an event makes to an open turn, as its live widget takes it; None
        when the event cannot be read that way (then the whole item is shown again)."""
        payload = event.payload
        try:
            if event.kind == ev.TURN_START:
                return TurnStarted(position)
            if event.kind == ev.AGENT_UPDATE:
                return TurnEventAdded(position, agent_event_from_json(payload.get("event")))
            if event.kind == ev.PERMISSION_ASKED:
                request = from_json(PermissionRequest, payload.get("request"))
                return PermissionAsked(position, int(payload["turn"]), request)
        except CodecError:
            return None
        item = self._projector.item(position)
        if event.kind != ev.PERMISSION or not isinstance(item, AgentTurnView):
            return None
        asked = payload.get("request")
        call = asked.get("tool_call") if isinstance(asked, Mapping) else None
        tool_call_id = call.get("tool_call_id") if isinstance(call, Mapping) else None
        decided = [part for part in item.parts if isinstance(part, PermissionView)
                   and part.answered and part.tool_call_id == tool_call_id]  # fmt: skip
        return PermissionDecided(position, decided[-1]) if decided else None
