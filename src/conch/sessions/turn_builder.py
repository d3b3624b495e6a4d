"""One agent turn while it is open: its parts, grown in the order the live turn showed them.

A turn keeps its parts (text, thoughts, tool calls, permissions…) in the order the live turn
showed them, cut where the live widget cuts them (views.TurnPart), so a restored turn reads
as it did: text written between two tool calls stays between them.

The builder is mutable (appending a chunk is O(1)) and frozen into an AgentTurnView when the
turn ends or a view is asked for; the conversation projector (conversation_projection.py)
feeds it the turn's events. Pure Python, no SQLite, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conch.agents.events import (
    AgentError,
    AgentUnavailable,
    FileDiff,
    MessageChunk,
    PermissionDecided,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.sessions.codec import CodecError, agent_event_from_json
from conch.sessions.views import (
    AgentTurnView,
    ErrorPart,
    PermissionView,
    PlanPart,
    TextPart,
    ThoughtPart,
    ToolCallView,
    TurnPart,
    TurnState,
)


@dataclass
class _ToolBuilder:
    call: ToolCall
    content: list[str]
    diffs: list[FileDiff]

    def freeze(self) -> ToolCallView:
        call = self.call
        return ToolCallView(
            call.tool_call_id,
            call.title,
            call.tool_kind,
            call.status,
            call.raw_input,
            "".join(self.content),
            tuple(self.diffs),
            call.locations,
        )


@dataclass
class _Run:
    """Answer text or thoughts still growing: the live turn's open segment or Thinking box."""

    is_thought: bool
    pieces: list[str] = field(default_factory=list)

    def freeze(self) -> TextPart | ThoughtPart:
        text = "".join(self.pieces)
        return ThoughtPart(text) if self.is_thought else TextPart(text)


class _PlanShown:
    """Where the plan first appeared; frozen with the latest entries, as live it is updated
    in place."""


_OpenPart = _Run | _ToolBuilder | _PlanShown | PermissionView | ErrorPart


@dataclass
class TurnBuilder:
    """One turn's parts, grown by the rules AgentTurn.apply follows live (see views.TurnPart)."""

    index: int
    prompt: str
    context: TurnContext
    parts: list[_OpenPart] = field(default_factory=list)
    tools: dict[str, _ToolBuilder] = field(default_factory=dict)
    """The latest announcement of each tool call id: its updates go there, as live."""
    plan: tuple[PlanEntry, ...] | None = None
    """None: no plan shown yet."""
    open_text: _Run | None = None
    """Where more answer text goes; None: the next text starts a new part."""
    open_thoughts: _Run | None = None
    asked: dict[str, int] = field(default_factory=dict)
    """Permission events per tool call whose PermissionDecided update has not come yet."""
    unanswered: dict[str, list[int]] = field(default_factory=dict)
    """Parts (by position) of questions asked and not yet answered, per tool call."""
    state: TurnState = "queued"
    stop_reason: str = ""
    agent_session: str = ""
    last_index: int = 0

    def freeze(self, state: TurnState | None = None) -> AgentTurnView:
        return AgentTurnView(
            self.index,
            self.prompt,
            self.context,
            tuple(self._frozen(part) for part in self.parts),
            state or self.state,
            self.stop_reason,
            self.agent_session,
            self.last_index,
        )

    def _frozen(self, part: _OpenPart) -> TurnPart:
        if isinstance(part, _Run | _ToolBuilder):
            return part.freeze()
        if isinstance(part, _PlanShown):
            return PlanPart(self.plan or ())
        return part

    def apply_agent_event(self, data: Any) -> None:
        try:
            event = agent_event_from_json(data)
        except CodecError as error:
            self.open_text = None
            self.parts.append(ErrorPart(f"(an agent update could not be read: {error})"))
            return
        if isinstance(event, MessageChunk | ThoughtChunk):
            self._write(event.text, is_thought=isinstance(event, ThoughtChunk))
            return
        self.open_text = None  # as live: anything else ends the segment being streamed
        if isinstance(event, ToolCall):
            self.open_thoughts = None
            tool = _ToolBuilder(event, [event.content], list(event.diffs))
            self.tools[event.tool_call_id] = tool
            self.parts.append(tool)
        elif isinstance(event, ToolCallUpdate):
            self._update_tool(event)
        elif isinstance(event, PlanUpdate):
            if self.plan is None:
                self.parts.append(_PlanShown())
            self.plan = event.entries
        elif isinstance(event, AgentError):
            self.parts.append(ErrorPart(event.message + (f"\n{event.hint}" if event.hint else "")))
        elif isinstance(event, AgentUnavailable):
            self.parts.append(ErrorPart(event.text, unavailable=True))
        elif isinstance(event, TurnEnded):
            self.stop_reason = event.stop_reason
        elif isinstance(event, PermissionDecided):
            self._decided(event)
        # AvailableCommands and ModeUpdate describe the agent, not the turn (see the projector):
        # no part, but they end the text segment above, as they do live.

    def ask_permission(self, permission: PermissionView) -> None:
        """The agent asked (a permission_asked event): the prompt appears here, ending the
        segment, and whatever the agent streams while the user decides comes after it."""
        self.open_text = None
        self.unanswered.setdefault(permission.tool_call_id, []).append(len(self.parts))
        self.parts.append(permission)
        self.asked[permission.tool_call_id] = self.asked.get(permission.tool_call_id, 0) + 1

    def add_permission(self, permission: PermissionView) -> None:
        """The user's answer (a permission event). It fills in the question asked earlier;
        journals from before questions were journaled have only the answer, so the prompt
        goes where the answer is (live, it came when asked, which ended the segment)."""
        waiting = self.unanswered.get(permission.tool_call_id)
        if waiting:
            self.parts[waiting.pop(0)] = permission
            return
        self.open_text = None
        self.parts.append(permission)
        self.asked[permission.tool_call_id] = self.asked.get(permission.tool_call_id, 0) + 1

    def _decided(self, decided: PermissionDecided) -> None:
        """The agent's own record of an answer. After a permission event for the same call it
        repeats that one (the user saw one prompt); alone, the request was cut short (a
        cancelled turn) and this is all the journal has of it."""
        waiting = self.asked.get(decided.tool_call_id, 0)
        if waiting:
            self.asked[decided.tool_call_id] = waiting - 1
            return
        known = self.tools.get(decided.tool_call_id)
        title = known.call.title if known else ""
        self.parts.append(
            PermissionView(decided.tool_call_id, title, decided.option_id, decided.option_kind, "")
        )

    def _write(self, text: str, *, is_thought: bool) -> None:
        run = self.open_thoughts if is_thought else self.open_text
        if run is None:
            run = _Run(is_thought)
            self.parts.append(run)
            if is_thought:
                self.open_thoughts = run
            else:
                self.open_text = run
        run.pieces.append(text)

    def _update_tool(self, update: ToolCallUpdate) -> None:
        known = self.tools.get(update.tool_call_id)
        if known is None:
            return  # the same rule as the live widget: updates of unknown calls are ignored
        call = known.call
        known.call = ToolCall(
            call.tool_call_id,
            update.title or call.title,
            call.tool_kind,
            update.status or call.status,
            call.raw_input,
            "",
            (),
            call.locations,
        )
        if update.content:
            known.content.append(update.content)
        known.diffs.extend(update.diffs)
