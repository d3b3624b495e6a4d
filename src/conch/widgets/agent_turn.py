"""A prompt sent to the agent and everything its turn produced, as it streams.

Applies agent events (conch.agents.events) in order: message text streams
into Markdown (a new segment after each tool call, so text and tools
interleave as they happened), thoughts fold away, tool calls get blocks,
the plan is shown once and updated in place.
"""

from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Collapsible, Markdown, Static
from textual.widgets.markdown import MarkdownStream

from conch.agents.events import (
    AgentError,
    AgentEvent,
    AgentUnavailable,
    Decision,
    MessageChunk,
    PermissionRequest,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.widgets import durations
from conch.widgets.permission_prompt import PermissionPrompt
from conch.widgets.plan_view import PlanView
from conch.widgets.tool_call_block import ToolCallBlock
from conch_plugins.shell_mode.cwd import shorten_home

# Every Markdown append re-lays out the conversation (~25 ms for a long
# answer); chunks arriving faster than this are handed over together.
MESSAGE_FLUSH_INTERVAL = 0.08
SEGMENT_CHARS = 1500

_ENDINGS = {
    "end_turn": ("✓ done", "-ok"),
    "cancelled": ("⊘ cancelled", "-cancelled"),
    "max_tokens": ("✗ stopped: the model hit its token limit", "-failed"),
    "max_turn_requests": ("✗ stopped: too many tool steps in one turn", "-failed"),
    "refusal": ("✗ the agent refused", "-failed"),
    "error": ("✗ failed", "-failed"),
}


class AgentTurn(Vertical):
    DEFAULT_CSS = """
    AgentTurn {
        height: auto;
        margin: 0 0 1 0;
        border-left: outer #9d6cdf;
        background: $surface;
    }
    AgentTurn > .agent-prompt { padding: 0 1; text-style: bold; }
    AgentTurn > .agent-context { padding: 0 1; color: $text-muted; }
    AgentTurn > Markdown { padding: 0 1; margin: 0; background: $surface; }
    AgentTurn > .agent-status { padding: 0 1; color: $text-muted; }
    AgentTurn.-ok > .agent-status { color: $success; }
    AgentTurn.-failed > .agent-status { color: $error; }
    AgentTurn > .agent-error { padding: 0 1; color: $error; }
    AgentTurn > .-unavailable { padding: 0 1; color: $warning; }
    AgentTurn > Collapsible.agent-thoughts { border: none; padding: 0; margin: 0 0 0 1; }
    AgentTurn > Collapsible.agent-thoughts Static { color: $text-muted; text-style: italic; }
    """

    def __init__(
        self, prompt: str, context: TurnContext | None = None, queued: bool = False
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.context = context
        self.answer_text = ""
        """All message text of the turn (for the journal, tests, the replay)."""
        self.tool_blocks: dict[str, ToolCallBlock] = {}
        self._stream: MarkdownStream | None = None
        self._unsent = ""
        self._segment_size = 0
        self._flusher: Timer | None = None
        self._thoughts: Static | None = None
        self._thought_text = ""
        self._plan: PlanView | None = None
        self._started = time.monotonic()
        self.queued = queued
        self.ended = False
        self._pending: list[tuple[asyncio.Future[Decision], PermissionPrompt]] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("✦ ", "bold"), self.prompt), classes="agent-prompt")
        if self.context is not None and self.context.agent != "none":
            yield Static(self._context_text(self.context), classes="agent-context", markup=False)
        status = "queued — runs after the current turn" if self.queued else "thinking…"
        yield Static(status + "  (Esc cancels)", classes="agent-status", markup=False)

    def start(self) -> None:
        """A queued turn begins."""
        self.queued = False
        self._started = time.monotonic()
        self._set_status("thinking…  (Esc cancels)")

    @property
    def _base(self) -> str | None:
        """Paths in diffs are shown relative to the turn's frozen cwd."""
        return self.context.cwd if self.context else None

    @staticmethod
    def _context_text(context: TurnContext) -> str:
        model = f" · {context.model}" if context.model else ""
        return f"{context.agent}{model} · in {shorten_home(context.cwd)}"

    async def apply(self, event: AgentEvent) -> None:
        if isinstance(event, MessageChunk):
            await self._write_message(event.text)
            return
        if not isinstance(event, ThoughtChunk):
            await self._end_segment()
        if isinstance(event, ThoughtChunk):
            await self._write_thought(event.text)
        elif isinstance(event, ToolCall):
            self._thoughts = None
            block = ToolCallBlock(event, self._base)
            self.tool_blocks[event.tool_call_id] = block
            await self._mount(block)
        elif isinstance(event, ToolCallUpdate):
            known = self.tool_blocks.get(event.tool_call_id)
            if known is not None:
                known.apply(event)
        elif isinstance(event, PlanUpdate):
            if self._plan is None:
                self._plan = PlanView()
                await self._mount(self._plan)
            self._plan.show(event.entries)
        elif isinstance(event, AgentError):
            text = event.message + (f"\n{event.hint}" if event.hint else "")
            await self._mount(Static(text, classes="agent-error", markup=False))
        elif isinstance(event, AgentUnavailable):
            await self._mount(Static(event.text, classes="-unavailable", markup=False))
            await self.finish(None)
        elif isinstance(event, TurnEnded):
            await self.finish(event.stop_reason)

    async def decide(self, request: PermissionRequest) -> Decision:
        """PermissionHandler: ask the user here, in this turn, and wait for one key."""
        await self._end_segment()
        answer: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        prompt = PermissionPrompt(request, answer, self._base)
        self._pending.append((answer, prompt))
        await self._mount(prompt)
        try:
            return await answer
        finally:
            self._pending = [(a, p) for a, p in self._pending if a is not answer]

    def cancel_pending_permissions(self) -> None:
        """The turn is ending: unanswered requests are answered "cancelled"."""
        for answer, prompt in self._pending:
            if not answer.done():
                answer.set_result(Decision(None))
                prompt.show_outcome("Cancelled")
        self._pending.clear()

    async def finish(self, stop_reason: str | None) -> None:
        """The turn is over: close the stream and say how it ended."""
        await self._end_segment()
        self.ended = True
        if stop_reason is None:
            self.query_one(".agent-status").remove()
            return
        text, css_class = _ENDINGS.get(stop_reason, (f"ended: {stop_reason}", ""))
        took = durations.format_duration(time.monotonic() - self._started)
        self._set_status(f"{text} · {took}")
        if css_class:
            self.add_class(css_class)

    def _set_status(self, text: str) -> None:
        for status in self.query(".agent-status").results(Static):
            status.update(text)

    async def _mount(self, widget: Static | Vertical | Collapsible | Markdown) -> None:
        await self.mount(widget, before=self.query_one(".agent-status"))

    async def _write_message(self, text: str) -> None:
        self.answer_text += text
        self._unsent += text
        if self._stream is None:
            markdown = Markdown()
            await self._mount(markdown)
            self._stream = Markdown.get_stream(markdown)
            await self._flush_message()
        if self._flusher is None:
            self._flusher = self.set_interval(MESSAGE_FLUSH_INTERVAL, self._flush_message)

    async def _flush_message(self) -> None:
        if not self._unsent or self._stream is None:
            return
        text, self._unsent = self._unsent, ""
        boundary = text.rfind("\n\n")
        if self._segment_size + len(text) > SEGMENT_CHARS and boundary >= 0 and "```" not in text:
            # Start a fresh Markdown widget at a paragraph break: appending to
            # a long document re-measures all of it on every flush.
            await self._stream.write(text[: boundary + 2])
            await self._stream.stop()
            markdown = Markdown()
            await self._mount(markdown)
            self._stream = Markdown.get_stream(markdown)
            self._segment_size = 0
            text = text[boundary + 2 :]
        self._segment_size += len(text)
        if text:
            await self._stream.write(text)

    async def _write_thought(self, text: str) -> None:
        self._thought_text += text
        if self._thoughts is None:
            self._thought_text = text
            self._thoughts = Static("", markup=False)
            box = Collapsible(self._thoughts, title="Thinking", classes="agent-thoughts")
            await self._mount(box)
        self._thoughts.update(self._thought_text)

    async def _end_segment(self) -> None:
        if self._flusher is not None:
            self._flusher.stop()
            self._flusher = None
        await self._flush_message()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
            self._segment_size = 0
