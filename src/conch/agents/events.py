"""What an agent turn produces, as small frozen records the UI renders.

Both backends (ACP agents and Conch's own tool loop over an OpenAI-compatible
API) translate what they receive into these events; the UI renders only
these. Each has a ``kind`` so the session journal can store it as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ToolKind = Literal["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other"]
ToolStatus = Literal["pending", "in_progress", "completed", "failed"]


@dataclass(frozen=True)
class TurnContext:
    """Snapshot taken when a prompt is sent; every tool call of the turn uses it,
    even if the user changes mode, agent or directory meanwhile."""

    cwd: str
    mode: str
    agent: str
    model: str
    started_at: float
    project_root: str
    """Writes outside this directory need the user's explicit permission."""


@dataclass(frozen=True)
class MessageChunk:
    text: str
    kind: Literal["message_chunk"] = "message_chunk"


@dataclass(frozen=True)
class ThoughtChunk:
    text: str
    kind: Literal["thought_chunk"] = "thought_chunk"


@dataclass(frozen=True)
class FileDiff:
    """A file change: ``old_text`` None means a new file."""

    path: str
    old_text: str | None
    new_text: str


@dataclass(frozen=True)
class ToolCall:
    """A tool call starting (or its full state, when first seen)."""

    tool_call_id: str
    title: str
    tool_kind: ToolKind = "other"
    status: ToolStatus = "pending"
    raw_input: str = ""
    """The arguments as the agent sent them (JSON text)."""
    content: str = ""
    """Text output so far (command output, file excerpt)."""
    diffs: tuple[FileDiff, ...] = ()
    locations: tuple[str, ...] = ()
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True)
class ToolCallUpdate:
    """A change to a known tool call; None fields are unchanged, content is appended."""

    tool_call_id: str
    status: ToolStatus | None = None
    title: str | None = None
    content: str | None = None
    diffs: tuple[FileDiff, ...] = ()
    kind: Literal["tool_call_update"] = "tool_call_update"


@dataclass(frozen=True)
class PlanEntry:
    content: str
    status: Literal["pending", "in_progress", "completed"] = "pending"
    priority: Literal["high", "medium", "low"] = "medium"


@dataclass(frozen=True)
class PlanUpdate:
    """The whole current plan (each update replaces the previous one)."""

    entries: tuple[PlanEntry, ...]
    kind: Literal["plan"] = "plan"


@dataclass(frozen=True)
class AvailableCommands:
    """Slash commands the agent offers: (name, description)."""

    commands: tuple[tuple[str, str], ...]
    kind: Literal["available_commands"] = "available_commands"


@dataclass(frozen=True)
class ModeUpdate:
    """The agent's own session mode changed (e.g. ``plan`` / ``code``)."""

    mode_id: str
    kind: Literal["mode_update"] = "mode_update"


@dataclass(frozen=True)
class PermissionDecided:
    """What the user chose for a permission request (journaled)."""

    tool_call_id: str
    option_id: str | None
    """None: the request was cancelled (the turn ended first)."""
    option_kind: str = ""
    kind: Literal["permission_decided"] = "permission_decided"


@dataclass(frozen=True)
class TurnEnded:
    stop_reason: str
    """end_turn, cancelled, max_tokens, max_turn_requests, refusal."""
    kind: Literal["turn_ended"] = "turn_ended"


@dataclass(frozen=True)
class AgentError:
    """The turn failed; ``hint`` says what the user can do about it."""

    message: str
    hint: str = ""
    kind: Literal["agent_error"] = "agent_error"


@dataclass(frozen=True)
class AgentUnavailable:
    """No agent can take this prompt; ``text`` says why and how to configure one."""

    text: str
    kind: Literal["agent_unavailable"] = "agent_unavailable"


AgentEvent = (
    MessageChunk
    | ThoughtChunk
    | ToolCall
    | ToolCallUpdate
    | PlanUpdate
    | AvailableCommands
    | ModeUpdate
    | PermissionDecided
    | TurnEnded
    | AgentError
    | AgentUnavailable
)


# -- permissions ---------------------------------------------------------------

PermissionKind = Literal["allow_once", "allow_always", "reject_once", "reject_always"]


@dataclass(frozen=True)
class PermissionOption:
    option_id: str
    name: str
    option_kind: PermissionKind


@dataclass(frozen=True)
class PermissionRequest:
    """The agent asks before a tool acts; the UI shows the tool and its diff."""

    tool_call: ToolCall
    options: tuple[PermissionOption, ...]
    reason: str = ""
    """Why Conch asks on top of the agent (e.g. a write outside the project)."""


STANDARD_OPTIONS = (
    PermissionOption("allow_once", "Allow once", "allow_once"),
    PermissionOption("allow_always", "Always allow", "allow_always"),
    PermissionOption("reject_once", "Reject", "reject_once"),
)
"""Options Conch offers for its own tools (ACP agents send their own)."""


@dataclass(frozen=True)
class Decision:
    option_id: str | None
    option_kind: str = ""
    by: str = ""
    """Who answered, when the question showed in several clients ("" when the one person
    at the app, or at the one window on a host session, did)."""

    @property
    def allowed(self) -> bool:
        return self.option_kind.startswith("allow")
