"""Assembling one streamed chat-completions reply: its text, thoughts and tool calls.

Chunks arrive one at a time; StreamedReply turns each into the UI's events
and keeps what the conversation needs afterwards (the whole text, the tool
calls glued from their fragments, the finish reason). Must never: talk to
the server or decide what the reply means for the turn, and must stay lenient
with the small differences between servers (missing choices, where thinking
text is sent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conch.agents.events import AgentEvent, MessageChunk, ThoughtChunk

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionChunk


@dataclass
class ToolCallDraft:
    """A tool call assembled from streamed fragments."""

    call_id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass
class StreamedReply:
    """One streamed model reply, accumulated."""

    text: str = ""
    drafts: dict[int, ToolCallDraft] = field(default_factory=dict)
    finish_reason: str | None = None
    chunks: int = 0

    def absorb(self, chunk: ChatCompletionChunk) -> list[AgentEvent]:
        """Take in one chunk; the events it produces for the UI."""
        self.chunks += 1
        events: list[AgentEvent] = []
        for choice in (chunk.choices or [])[:1]:  # lenient: some servers omit them
            delta = choice.delta
            if delta is None:
                continue
            thought = _reasoning_text(delta.model_extra or {})
            if thought:
                events.append(ThoughtChunk(thought))
            if delta.content:
                self.text += delta.content
                events.append(MessageChunk(delta.content))
            for part in delta.tool_calls or ():
                draft = self.drafts.setdefault(part.index or 0, ToolCallDraft())
                draft.call_id = draft.call_id or (part.id or "")
                if part.function is not None:
                    draft.name += part.function.name or ""
                    draft.arguments += part.function.arguments or ""
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return events

    @property
    def calls(self) -> list[ToolCallDraft]:
        return [self.drafts[index] for index in sorted(self.drafts)]


def _reasoning_text(extra: dict[str, Any]) -> str:
    """Thinking text: llama.cpp and vLLM send ``reasoning_content``, others ``reasoning``."""
    value = extra.get("reasoning_content") or extra.get("reasoning")
    return value if isinstance(value, str) else ""
