"""A followed session's events turned into conversation items, and what each event changed.

The host sends the journal's own event records: first the history, then live ones. The fold
is the one a restart uses (sessions/conversation_projection.py), so an attached client shows
what the app would show after a restart, and live what the app showed live. For each event
the feed says which items it added or changed, so a view touches one widget per event
instead of rebuilding the conversation; output of a running command comes as its new text
only (freezing the whole block per chunk would cost a copy of all its output each time).
Plain Python: no Textual, no sockets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conch.sessions import events as ev
from conch.sessions.conversation_projection import ConversationProjector
from conch.sessions.records import Event
from conch.sessions.views import ConversationItem, ConversationView


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
    """More output for the running command at ``position``."""

    position: int
    text: str


FeedChange = ItemAdded | ItemChanged | OutputAdded


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


def output_piece_text(payload: Mapping[str, Any]) -> str:
    """A shell_output event's text; a big one stored by reference shows its size and tail, as
    a restored block does (widgets/restored.py reads the whole blob only on export)."""
    if "ref" in payload:
        size = int(payload.get("size", 0))
        return f"[… {size:,} bytes stored in the journal; last part:]\n{payload.get('tail', '')}"
    return str(payload.get("text", ""))


class SessionFeed:
    """Events in, item changes out; ``view()`` is the whole conversation at any time."""

    def __init__(self) -> None:
        self._projector = ConversationProjector()

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

    def view(self) -> ConversationView:
        return self._projector.view()

    def item(self, position: int) -> ConversationItem:
        return self._projector.item(position)

    def apply(self, event: Event) -> list[FeedChange]:
        """Fold one event in; the items it added or changed, in position order. An event
        seen already (a re-attach overlaps) changes nothing."""
        projector = self._projector
        if event.idx <= projector.last_index:
            return []
        count = projector.item_count
        watched = [(p, projector.is_open_at(p)) for p in projector.open_positions]
        running = self.running_position
        projector.apply(event)
        changes: list[FeedChange] = []
        for position, was_open in watched:
            touched = projector.last_index_at(position) == event.idx
            if not touched and projector.is_open_at(position) == was_open:
                continue
            still_running = projector.is_open_at(position)
            if event.kind == ev.SHELL_OUTPUT and position == running and still_running:
                changes.append(OutputAdded(position, output_piece_text(event.payload)))
            else:
                changes.append(ItemChanged(position, projector.item(position)))
        changes += [ItemAdded(p, projector.item(p)) for p in range(count, projector.item_count)]
        return changes
