"""Events folded into the conversation view (views.py): shell commands, agent turns, notices.

The live app and a restart must show the same thing, so both go through one fold:
``ConversationProjector.apply(event)`` is called live as events are committed (a journal
listener), and ``rebuild_conversation(events)`` runs the same ``apply`` over stored events.
A test checks that the two views are equal.

No half turns: a turn or shell command whose end is not in the journal is ``running`` while its
writer lives, and ``interrupted`` once it does not (``view(interrupted=True)``, or the closing
events the next writer appends, interruptions.py). It is never dropped and never finished.

Open turns and commands are kept in mutable builders (turn_builder.py, shell_builder.py) and
frozen when they end; pure Python, no SQLite, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from conch.agents.events import ModeUpdate, TurnContext
from conch.sessions import events as ev
from conch.sessions.codec import CodecError, from_json
from conch.sessions.records import Event
from conch.sessions.shell_builder import ShellBuilder
from conch.sessions.turn_builder import TurnBuilder
from conch.sessions.views import (
    ConversationItem,
    ConversationView,
    NoticeView,
    PermissionView,
    ShellBlock,
    TurnState,
)


class ConversationProjector:
    """Folds events into a ConversationView, one event at a time (live or on rebuild)."""

    def __init__(self) -> None:
        self._slots: list[ConversationItem | TurnBuilder | ShellBuilder] = []
        self._turns: dict[int, tuple[int, TurnBuilder]] = {}
        """Open turns: turn id -> (slot, builder)."""
        self._shell: tuple[int, ShellBuilder] | None = None
        self._background: tuple[int, ShellBuilder] | None = None
        """The latest block of output between commands: (slot, builder)."""
        self.cwd = ""
        self.mode = ""
        self.agent_mode = ""
        self.last_index = -1

    def apply(self, event: Event) -> None:
        """Fold ``event`` in. One with a negative index is in no journal (a private line's
        command, shown live by the host's clients only): it moves ``last_index`` not."""
        if event.idx >= 0:
            self.last_index = event.idx
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)

    def view(self, *, interrupted: bool = False) -> ConversationView:
        """The conversation now. ``interrupted``: the writer is gone, so anything still open
        is shown as interrupted instead of running."""
        items: list[ConversationItem] = []
        for slot in self._slots:
            if isinstance(slot, TurnBuilder):
                items.append(slot.freeze("interrupted" if interrupted else None))
            elif isinstance(slot, ShellBuilder):
                items.append(slot.freeze("interrupted" if interrupted else "running"))
            else:
                items.append(slot)
        return ConversationView(tuple(items), self.cwd, self.mode, self.agent_mode, self.last_index)

    @property
    def item_count(self) -> int:
        """How many items ``view()`` would hold, without freezing any."""
        return len(self._slots)

    def item(self, position: int) -> ConversationItem:
        """The item at ``position`` as ``view().items[position]`` would give it, frozen alone
        (a live client asks for the one item an event changed, not for all of them)."""
        slot = self._slots[position]
        if isinstance(slot, TurnBuilder):
            return slot.freeze(None)
        if isinstance(slot, ShellBuilder):
            return slot.freeze("running")
        return slot

    def is_open_at(self, position: int) -> bool:
        """Whether the item at ``position`` may still change (a running command or turn)."""
        return isinstance(self._slots[position], TurnBuilder | ShellBuilder)

    def last_index_at(self, position: int) -> int:
        """The index of the last event that changed the item at ``position``."""
        return self._slots[position].last_index

    @property
    def open_positions(self) -> list[int]:
        """Positions an event may change besides adding an item: open commands and turns,
        and the latest block of output between commands."""
        found = [slot for slot, _ in self._turns.values()]
        found += [opened[0] for opened in (self._shell, self._background) if opened is not None]
        return sorted(set(found))

    @property
    def open_shell_position(self) -> int | None:
        """The position of the shell command with no shell_end yet (None: none)."""
        return self._shell[0] if self._shell else None

    def turn_position(self, turn: int) -> int | None:
        """The position of the open turn whose prompt is event ``turn`` (None: not open)."""
        found = self._turns.get(turn)
        return found[0] if found is not None else None

    @property
    def open_turns(self) -> list[int]:
        """Ids of turns with no turn_end yet (queued or running)."""
        return sorted(self._turns)

    @property
    def open_shell(self) -> tuple[int, str] | None:
        """(start index, cwd) of a shell command with no shell_end yet."""
        return (self._shell[1].index, self._shell[1].cwd) if self._shell else None

    # -- handlers ---------------------------------------------------------------------

    def _user_input(self, event: Event) -> None:
        self.cwd = str(event.payload.get("cwd") or self.cwd)

    def _shell_start(self, event: Event) -> None:
        if self._shell is not None:
            # A start with the previous command still open: that one can no longer finish.
            self._close_shell(self._shell[1].freeze("interrupted"))
        cwd = str(event.payload.get("cwd", ""))
        builder = ShellBuilder(event.idx, str(event.payload.get("command", "")), cwd, event.time)
        builder.last_index = event.idx
        self._slots.append(builder)
        self._shell = (len(self._slots) - 1, builder)
        self.cwd = cwd or self.cwd

    def _shell_output(self, event: Event) -> None:
        if self._shell is None:
            self._background_output(event)
            return
        self._shell[1].add_output(event.idx, event.payload)

    def _background_output(self, event: Event) -> None:
        """Output between commands (a background job's): one block per run of it."""
        found = self._background
        if found is None or found[0] != len(self._slots) - 1:
            builder = ShellBuilder(event.idx, "", self.cwd)
            self._slots.append(builder)
            found = self._background = (len(self._slots) - 1, builder)
        slot, builder = found
        builder.add_output(event.idx, event.payload)
        self._slots[slot] = builder.freeze("background")

    def _shell_end(self, event: Event) -> None:
        if self._shell is not None:
            self._close_shell(self._shell[1].end(event.idx, event.payload, event.time))
        end_cwd = event.payload.get("cwd")
        if end_cwd:
            self.cwd = str(end_cwd)

    def _close_shell(self, block: ShellBlock) -> None:
        assert self._shell is not None
        self._slots[self._shell[0]] = block
        self._shell = None

    def _agent_prompt(self, event: Event) -> None:
        try:
            context = from_json(TurnContext, event.payload.get("context"))
        except CodecError:
            context = TurnContext("", "", "", "", event.time, "")
        builder = TurnBuilder(event.idx, str(event.payload.get("text", "")), context)
        builder.last_index = event.idx
        self._slots.append(builder)
        self._turns[event.idx] = (len(self._slots) - 1, builder)

    def _turn_event(self, event: Event) -> TurnBuilder | None:
        found = self._turns.get(_turn_id(event))
        if found is None:
            return None
        found[1].last_index = event.idx
        return found[1]

    def _turn_start(self, event: Event) -> None:
        turn = self._turn_event(event)
        if turn is not None:
            turn.state = "running"
            turn.agent_session = str(event.payload.get("agent_session", ""))

    def _agent_update(self, event: Event) -> None:
        data = event.payload.get("event")
        is_mode_update = isinstance(data, dict) and data.get("kind") == ModeUpdate.kind
        if is_mode_update:
            self.agent_mode = str(data.get("mode_id", ""))  # type: ignore[union-attr]
        turn = self._turn_event(event)
        if turn is not None:
            if turn.state == "queued":
                turn.state = "running"
            turn.apply_agent_event(data)  # a mode update too: live, it ends the text segment

    def _permission_asked(self, event: Event) -> None:
        turn = self._turn_event(event)
        if turn is not None:
            turn.ask_permission(_permission_view(event.payload, None))

    def _permission(self, event: Event) -> None:
        turn = self._turn_event(event)
        if turn is not None:
            decision = event.payload.get("decision")
            turn.add_permission(_permission_view(event.payload, decision))

    def _turn_end(self, event: Event) -> None:
        turn = self._turn_event(event)
        if turn is None:
            return
        status = str(event.payload.get("status", "done"))
        known: tuple[TurnState, ...] = ("done", "cancelled", "error", "interrupted")
        turn.state = next((state for state in known if state == status), "done")
        turn.stop_reason = str(event.payload.get("stop_reason") or turn.stop_reason)
        slot, builder = self._turns.pop(turn.index)
        self._slots[slot] = builder.freeze()

    def _mode_change(self, event: Event) -> None:
        self.mode = str(event.payload.get("mode", self.mode))

    def _cwd_change(self, event: Event) -> None:
        self.cwd = str(event.payload.get("cwd", self.cwd))

    def _notice(self, event: Event) -> None:
        text = str(event.payload.get("text", ""))
        level = str(event.payload.get("level", "info"))
        self._slots.append(NoticeView(event.idx, text, level, event.idx))

    def _replay_injected(self, event: Event) -> None:
        turns = int(event.payload.get("turns", 0))
        chars = int(event.payload.get("chars", 0))
        text = (
            f"The agent started a new session: the last {turns} turn(s) of this conversation "
            f"({chars:,} characters) were given to it with the next prompt."
        )
        self._slots.append(NoticeView(event.idx, text, "info", event.idx))


def _permission_view(payload: Mapping[str, Any], decision: object) -> PermissionView:
    """A permission prompt from its event; ``decision`` None: asked, not answered yet."""
    request = payload.get("request")
    request = request if isinstance(request, dict) else {}
    call = request.get("tool_call")
    call = call if isinstance(call, dict) else {}
    answer = decision if isinstance(decision, dict) else {}
    option_id = answer.get("option_id")
    options = request.get("options")
    names = [
        option.get("name")
        for option in (options if isinstance(options, list) else [])
        if isinstance(option, dict) and option.get("option_id") == option_id
    ]
    return PermissionView(
        str(call.get("tool_call_id", "")),
        str(call.get("title", "")),
        str(option_id) if option_id is not None else None,
        str(answer.get("option_kind", "")),
        str(request.get("reason", "")),
        answered=decision is not None,
        option_name=str(names[0]) if names and option_id is not None else "",
        by=str(answer.get("by") or ""),
    )


def _turn_id(event: Event) -> int:
    turn = event.payload.get("turn")
    return turn if isinstance(turn, int) else -1


_HANDLERS: dict[str, Callable[[ConversationProjector, Event], None]] = {
    ev.USER_INPUT: ConversationProjector._user_input,
    ev.SHELL_START: ConversationProjector._shell_start,
    ev.SHELL_OUTPUT: ConversationProjector._shell_output,
    ev.SHELL_END: ConversationProjector._shell_end,
    ev.AGENT_PROMPT: ConversationProjector._agent_prompt,
    ev.TURN_START: ConversationProjector._turn_start,
    ev.AGENT_UPDATE: ConversationProjector._agent_update,
    ev.PERMISSION_ASKED: ConversationProjector._permission_asked,
    ev.PERMISSION: ConversationProjector._permission,
    ev.TURN_END: ConversationProjector._turn_end,
    ev.MODE_CHANGE: ConversationProjector._mode_change,
    ev.CWD_CHANGE: ConversationProjector._cwd_change,
    ev.NOTICE: ConversationProjector._notice,
    ev.REPLAY_INJECTED: ConversationProjector._replay_injected,
}


def rebuild_conversation(events: Iterable[Event], *, interrupted: bool = False) -> ConversationView:
    """The conversation from stored events: the same fold the live view uses."""
    projector = ConversationProjector()
    for event in events:
        projector.apply(event)
    return projector.view(interrupted=interrupted)
