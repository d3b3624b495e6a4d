"""The conversation Conch's own agent sends to the server, kept across turns.

It holds the chat-completions messages (system prompt, user prompts, replies,
tool results) and keeps them valid for the next request whatever happened:
every tool call answered, a turn that produced nothing undone. Must never:
talk to the server or run tools, or leave a tool call without a result (the
server refuses the next request if it does).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from conch.agents.events import TurnContext
from conch.agents.openai_stream import StreamedReply, ToolCallDraft
from conch.agents.openai_turn import Turn


def system_prompt(context: TurnContext) -> str:
    return (
        "You are a coding agent inside Conch, a terminal app where the user works on their "
        f"project. The working directory is {context.cwd}; the project root is "
        f"{context.project_root}. Use the tools to look at and change files; relative paths "
        "are relative to the working directory. Read a file before you edit it. run_command "
        "runs in the user's own bash (their environment, aliases and functions) in the "
        "working directory: it is their real machine, not a sandbox. The user approves each "
        "write and command and may refuse; when they refuse, do not retry the same thing, "
        "ask them instead. Answer briefly: the user reads your answers in a terminal."
    )


@dataclass(frozen=True)
class HistoryMark:
    """The conversation before a turn, to undo a turn that produced nothing."""

    length: int
    last_cwd: str | None


class Conversation:
    """The messages as sent to the server, and the working directory they last named."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        """The conversation as sent to the server, kept across turns."""
        self._last_cwd: str | None = None
        self._ids = itertools.count(1)

    def mark(self) -> HistoryMark:
        return HistoryMark(len(self.messages), self._last_cwd)

    def add_user_message(self, text: str, context: TurnContext) -> None:
        if not self.messages:
            self.messages.append({"role": "system", "content": system_prompt(context)})
        elif context.cwd != self._last_cwd:
            # A note in the user's message rather than a new system prompt: servers
            # that cache the prompt prefix (llama.cpp) keep their cache.
            text = f"(The working directory is now {context.cwd}.)\n\n{text}"
        self._last_cwd = context.cwd
        self.messages.append({"role": "user", "content": text})

    def add_assistant_message(self, reply: StreamedReply) -> list[ToolCallDraft]:
        """Record the reply; its tool calls, each with an id."""
        calls = reply.calls
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if calls:
            for call in calls:
                call.call_id = call.call_id or f"conch_call_{next(self._ids)}"
            message["tool_calls"] = [
                {
                    "id": call.call_id,
                    "type": "function",
                    # Servers such as llama.cpp re-parse these when building the
                    # next prompt and fail on invalid JSON; the tool result says why.
                    "function": {"name": call.name, "arguments": _valid_json_or_empty(call)},
                }
                for call in calls
            ]
        elif not reply.text:
            message["content"] = ""
        self.messages.append(message)
        return calls

    def add_tool_result(self, call_id: str, text: str) -> None:
        self.messages.append({"role": "tool", "tool_call_id": call_id, "content": text})

    def settle(self, mark: HistoryMark, turn: Turn) -> None:
        """Leave the conversation valid however the turn ended (no-op when it finished).

        A turn that got no answer at all is undone (the user will send it again);
        otherwise every tool call gets a result and the partial text is kept.
        """
        why = "the user cancelled the turn" if turn.is_cancelled else "the turn was cut short"
        added = self.messages[mark.length :]
        if not turn.partial_text and not any(m["role"] == "assistant" for m in added):
            del self.messages[mark.length :]
            self._last_cwd = mark.last_cwd
            return
        answered = {m.get("tool_call_id") for m in added if m["role"] == "tool"}
        for message in added:
            for call in message.get("tool_calls", ()):
                if call["id"] not in answered:
                    self.add_tool_result(call["id"], f"No result: {why}.")
        if turn.partial_text:
            self.messages.append({"role": "assistant", "content": turn.partial_text})


def _valid_json_or_empty(call: ToolCallDraft) -> str:
    try:
        json.loads(call.arguments or "{}")
    except json.JSONDecodeError:
        return "{}"
    return call.arguments or "{}"
