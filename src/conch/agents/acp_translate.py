"""ACP session updates and permission requests, translated into Conch events.

Pure translation: no I/O, no connection, no asyncio. The only state kept is
what ACP's update semantics force on us: a ``tool_call_update`` *replaces* a
tool call's content, while Conch's ``ToolCallUpdate`` *appends*, so the
translator remembers what each tool call has shown so far and emits only the
new part. It also remembers each tool call's latest full state, because a
permission request may name a tool call by id alone and the user still needs
to see its title and diff.

Imports the ACP SDK (slow to import): only the ACP backend loads this module,
and only when an agent starts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from acp.schema import (
    AgentMessageChunk,
    AgentPlanUpdate,
    AgentThoughtChunk,
    AudioContentBlock,
    AvailableCommandsUpdate,
    ContentToolCallContent,
    CurrentModeUpdate,
    EmbeddedResourceContentBlock,
    FileEditToolCallContent,
    ImageContentBlock,
    ResourceContentBlock,
    TerminalToolCallContent,
    TextContentBlock,
    TextResourceContents,
    ToolCallLocation,
    ToolCallProgress,
    ToolCallStart,
)
from acp.schema import PermissionOption as AcpPermissionOption
from acp.schema import ToolCallUpdate as AcpToolCallUpdate

from conch.agents.events import (
    AgentEvent,
    AvailableCommands,
    FileDiff,
    MessageChunk,
    ModeUpdate,
    PermissionOption,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    ToolKind,
)

ContentBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)
ToolContent = ContentToolCallContent | FileEditToolCallContent | TerminalToolCallContent

CONCH_TOOL_KINDS: frozenset[str] = frozenset(
    ("read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other")
)


def block_text(block: ContentBlock) -> str:
    """What a content block says, as text; non-text blocks become a short placeholder."""
    if isinstance(block, TextContentBlock):
        return block.text
    if isinstance(block, ResourceContentBlock):
        return f"[{block.title or block.name}]({block.uri})"
    if isinstance(block, EmbeddedResourceContentBlock):
        resource = block.resource
        if isinstance(resource, TextResourceContents):
            return resource.text
        return f"[binary resource {resource.uri}]"
    if isinstance(block, ImageContentBlock):
        return "[image]"
    return "[audio]"


def tool_kind(kind: str | None) -> ToolKind:
    """ACP's kind as Conch's; kinds Conch does not know (``switch_mode``) become ``other``."""
    if kind in CONCH_TOOL_KINDS:
        return kind  # type: ignore[return-value]
    return "other"


def raw_input_text(raw_input: Any) -> str:
    """The tool's arguments as JSON text ("" when the agent sent none)."""
    if raw_input is None:
        return ""
    try:
        return json.dumps(raw_input, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(raw_input)


def content_text(content: list[ToolContent] | None) -> str:
    """The text parts of a tool call's content, one per line."""
    return "\n".join(
        block_text(item.content)
        for item in content or ()
        if isinstance(item, ContentToolCallContent)
    )


def content_diffs(content: list[ToolContent] | None) -> tuple[FileDiff, ...]:
    return tuple(
        FileDiff(item.path, item.old_text, item.new_text)
        for item in content or ()
        if isinstance(item, FileEditToolCallContent)
    )


def terminal_ids(content: list[ToolContent] | None) -> tuple[str, ...]:
    """Terminals the agent embeds in a tool call (their output belongs to it)."""
    return tuple(
        item.terminal_id for item in content or () if isinstance(item, TerminalToolCallContent)
    )


def location_text(location: ToolCallLocation) -> str:
    return f"{location.path}:{location.line}" if location.line is not None else location.path


def permission_options(options: list[AcpPermissionOption]) -> tuple[PermissionOption, ...]:
    return tuple(PermissionOption(option.option_id, option.name, option.kind) for option in options)


@dataclass
class _Shown:
    """What the UI has been told about one tool call so far."""

    state: ToolCall
    text: str = ""
    diffs: set[FileDiff] = field(default_factory=set)


class UpdateTranslator:
    """Turns one session's ``session/update`` payloads into Conch events."""

    def __init__(self) -> None:
        self._tool_calls: dict[str, _Shown] = {}

    def translate(self, update: object) -> AgentEvent | None:
        """The event for one update, or None for updates Conch does not show.

        ``user_message_chunk`` (the agent echoing or replaying the user's own
        words), usage, session-info and config-option updates are dropped.
        """
        if isinstance(update, AgentMessageChunk):
            return MessageChunk(block_text(update.content))
        if isinstance(update, AgentThoughtChunk):
            return ThoughtChunk(block_text(update.content))
        if isinstance(update, ToolCallStart):
            return self._start(update)
        if isinstance(update, ToolCallProgress):
            return self._progress(update)
        if isinstance(update, AgentPlanUpdate):
            return PlanUpdate(
                tuple(PlanEntry(e.content, e.status, e.priority) for e in update.entries)
            )
        if isinstance(update, AvailableCommandsUpdate):
            return AvailableCommands(
                tuple((command.name, command.description) for command in update.available_commands)
            )
        if isinstance(update, CurrentModeUpdate):
            return ModeUpdate(update.current_mode_id)
        return None

    def known(self, tool_call_id: str) -> ToolCall | None:
        """The latest full state of a tool call, if it was announced."""
        shown = self._tool_calls.get(tool_call_id)
        return shown.state if shown else None

    def permission_request(
        self, tool_call: AcpToolCallUpdate, options: list[AcpPermissionOption]
    ) -> PermissionRequest:
        """The agent's permission request, with the tool call filled in from what is known."""
        base = self.known(tool_call.tool_call_id) or ToolCall(tool_call.tool_call_id, "")
        state = _merged(base, tool_call)
        if not state.title:
            state = replace(state, title=tool_call.tool_call_id)
        return PermissionRequest(state, permission_options(options))

    def _start(self, update: ToolCallStart) -> ToolCall:
        text = content_text(update.content)
        diffs = content_diffs(update.content)
        call = ToolCall(
            tool_call_id=update.tool_call_id,
            title=update.title,
            tool_kind=tool_kind(update.kind),
            status=update.status or "pending",
            raw_input=raw_input_text(update.raw_input),
            content=text,
            diffs=diffs,
            locations=tuple(location_text(loc) for loc in update.locations or ()),
        )
        self._tool_calls[update.tool_call_id] = _Shown(call, text, set(diffs))
        return call

    def _progress(self, update: ToolCallProgress) -> ToolCall | ToolCallUpdate:
        shown = self._tool_calls.get(update.tool_call_id)
        if shown is None:
            # An update for a tool call never announced: show it whole.
            start = ToolCallStart(
                tool_call_id=update.tool_call_id,
                title=update.title or update.tool_call_id,
                kind=update.kind,
                status=update.status,
                content=update.content,
                locations=update.locations,
                raw_input=update.raw_input,
                session_update="tool_call",
            )
            return self._start(start)
        appended: str | None = None
        new_diffs: tuple[FileDiff, ...] = ()
        if update.content is not None:
            text = content_text(update.content)
            appended = _appended(shown.text, text)
            shown.text = text
            diffs = content_diffs(update.content)
            new_diffs = tuple(diff for diff in diffs if diff not in shown.diffs)
            shown.diffs.update(diffs)
        shown.state = _merged(shown.state, update)
        return ToolCallUpdate(
            tool_call_id=update.tool_call_id,
            status=update.status,
            title=update.title,
            content=appended,
            diffs=new_diffs,
        )


def _appended(before: str, after: str) -> str | None:
    """The text to append so the UI shows ``after`` where it showed ``before``.

    ACP replaces content; Conch appends. When the new content extends the old
    (streamed output) only the tail is sent; when it is different, the whole
    new content is appended on a new line, since the UI cannot take text back.
    """
    if after == before:
        return None
    if after.startswith(before):
        return after[len(before) :]
    return ("\n" if before else "") + after


def _merged(state: ToolCall, update: AcpToolCallUpdate | ToolCallProgress) -> ToolCall:
    """A tool call's full state after an update (fields the update leaves None are kept)."""
    changes: dict[str, Any] = {}
    if update.title is not None:
        changes["title"] = update.title
    if update.kind is not None:
        changes["tool_kind"] = tool_kind(update.kind)
    if update.status is not None:
        changes["status"] = update.status
    if update.raw_input is not None:
        changes["raw_input"] = raw_input_text(update.raw_input)
    if update.content is not None:
        changes["content"] = content_text(update.content)
        changes["diffs"] = content_diffs(update.content)
    if update.locations is not None:
        changes["locations"] = tuple(location_text(loc) for loc in update.locations)
    return replace(state, **changes)
