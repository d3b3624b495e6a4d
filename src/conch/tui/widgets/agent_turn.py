"""A prompt sent to the agent and everything its turn produced, as it streams.

Applies agent events (conch.agents.events) in order: message text streams
into Markdown (a new segment after each tool call, so text and tools
interleave as they happened), thoughts fold away, tool calls get blocks,
the plan is shown once and updated in place. Message text is shown by
MarkdownSegment widgets, one per ~1,500 characters, so a long answer stays a
handful of widgets; only the last segment is rendered again as text arrives.

The journal's projection repeats these rules (sessions/views.py, TurnPart) so that a restored
turn shows the same widgets in the same order: a change here must be made there too.
"""

from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Collapsible, Static

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
from conch.tui.widgets import durations
from conch.tui.widgets.markdown_segment import MarkdownSegment
from conch.tui.widgets.markdown_split import find_cut
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.plan_view import PlanView
from conch.tui.widgets.tool_call_block import ToolCallBlock
from conch_plugins.shell_mode.cwd import shorten_home

# Chunks arriving faster than this are shown together. Each hand-over costs
# a re-render of the last segment (~3 ms) and a frame or two; at 20 a second
# frames stay under 50 ms apart while text streams (bench/agent_stream.py).
MESSAGE_FLUSH_INTERVAL = 0.05
# Past this length the streamed segment is cut at a paragraph break (see
# markdown_split): 800 to 3,000 measured the same; 1,500 re-renders in ~3 ms.
SEGMENT_CHARS = 1500

_ENDINGS = {
    "end_turn": ("✓ done", "-ok"),
    "cancelled": ("⊘ cancelled", "-cancelled"),
    "max_tokens": ("✗ stopped: the model hit its token limit", "-failed"),
    "max_turn_requests": ("✗ stopped: too many tool steps in one turn", "-failed"),
    "refusal": ("✗ the agent refused", "-failed"),
    "error": ("✗ failed", "-failed"),
}


def describe_ending(stop_reason: str) -> tuple[str, str]:
    """The status text (without the time) and CSS class of a turn that ended so."""
    return _ENDINGS.get(stop_reason, (f"ended: {stop_reason}", ""))


def thoughts_box(thoughts: Static) -> Collapsible:
    """The folded "Thinking" box around the agent's thoughts."""
    return Collapsible(thoughts, title="Thinking", classes="agent-thoughts")


def error_line(text: str, *, unavailable: bool = False) -> Static:
    """Why the turn failed; ``unavailable``: no agent could take the prompt (a warning)."""
    return Static(text, classes="-unavailable" if unavailable else "agent-error", markup=False)


def answer_segments(text: str) -> list[MarkdownSegment]:
    """A stretch of answer text that is already whole, cut into segments where streaming
    would cut it. Blank text still gets its (empty) segment, as the live turn mounts one for
    any text: the gap below it and ``answer_text`` stay the same."""
    segment = MarkdownSegment(text)
    segments = [segment]
    while len(segment.source) > SEGMENT_CHARS:
        cut = find_cut(segment.source, SEGMENT_CHARS, segment.preamble)
        if cut is None:
            break
        segment = segment.split_off(cut)
        segments.append(segment)
    return segments


class AgentTurn(Vertical):
    journal_index: int | None = None
    """The journal index of the event that began this block (None: not journaled)."""

    DEFAULT_CSS = """
    AgentTurn {
        height: auto;
        margin: 0 0 1 0;
        border-left: outer #9d6cdf;
        background: $surface;
    }
    AgentTurn > .agent-prompt { padding: 0 1; text-style: bold; }
    AgentTurn > .agent-context { padding: 0 1; color: $text-muted; }
    AgentTurn > MarkdownSegment { padding: 0 1; margin: 0 0 1 0; background: $surface; }
    AgentTurn > MarkdownSegment.-open-fence { margin: 0; }
    AgentTurn > .agent-status { padding: 0 1; color: $text-muted; }
    AgentTurn.-ok > .agent-status { color: $success; }
    AgentTurn.-failed > .agent-status { color: $error; }
    AgentTurn.-interrupted > .agent-status { color: $warning; }
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
        self._live: MarkdownSegment | None = None
        """The segment of the answer that text is streaming into."""
        self._unsent = ""
        self._flusher: Timer | None = None
        self._thoughts: Static | None = None
        self._thought_text = ""
        self._plan: PlanView | None = None
        self._started = time.monotonic()
        self.queued = queued
        self.ended = False
        self._pending: list[tuple[asyncio.Future[Decision], PermissionPrompt]] = []
        self._ended_parts: list[Widget] | None = None
        self._ended_status: str | None = None

    @classmethod
    def already_ended(
        cls,
        prompt: str,
        context: TurnContext | None,
        parts: list[Widget],
        status: str | None,
        css_class: str = "",
    ) -> AgentTurn:
        """A turn that ran before this view existed (a restored session): composed whole, in
        one mount, with ``parts`` (answer segments, thoughts, tool calls, …, in the order they
        were shown) between the prompt and ``status`` (None: no status line). Nothing streams
        into it afterwards."""
        turn = cls(prompt, context)
        turn.ended = True
        turn._ended_parts = parts
        turn._ended_status = status
        turn.answer_text = "".join(p.source for p in parts if isinstance(p, MarkdownSegment))
        turn.tool_blocks = {p.call.tool_call_id: p for p in parts if isinstance(p, ToolCallBlock)}
        if css_class:
            turn.add_class(css_class)
        return turn

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("✦ ", "bold"), self.prompt), classes="agent-prompt")
        if self.context is not None and self.context.agent != "none":
            yield Static(self._context_text(self.context), classes="agent-context", markup=False)
        if self._ended_parts is not None:
            yield from self._ended_parts
            if self._ended_status is not None:
                yield Static(self._ended_status, classes="agent-status", markup=False)
            return
        status = "queued — runs after the current turn" if self.queued else "thinking…"
        yield Static(status + "  (Esc cancels)", classes="agent-status", markup=False)

    def start(self) -> None:
        """The turn begins; one that waited in the queue says it is thinking now."""
        if not self.queued:
            return
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
            await self._mount(error_line(text))
        elif isinstance(event, AgentUnavailable):
            await self._mount(error_line(event.text, unavailable=True))
            await self.finish(None)
        elif isinstance(event, TurnEnded):
            await self.finish(event.stop_reason)

    async def decide(self, request: PermissionRequest) -> Decision:
        """PermissionHandler: ask the user here, in this turn, and wait for one key."""
        answer: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        prompt = PermissionPrompt(request, answer, self._base)
        self._pending.append((answer, prompt))
        await self.show_question(prompt)
        try:
            return await answer
        finally:
            self._pending = [(a, p) for a, p in self._pending if a is not answer]

    async def show_question(self, prompt: PermissionPrompt) -> None:
        """Show a permission request where the turn is now (what streams next comes after
        it); whoever built it waits for its answer (``decide`` here, or another client)."""
        await self._end_segment()
        await self._mount(prompt)

    @property
    def base(self) -> str | None:
        """The cwd the turn's paths are relative to (None: unknown)."""
        return self._base

    @property
    def waiting_permission(self) -> PermissionPrompt | None:
        """The oldest request of this turn still waiting for the user."""
        return next((prompt for answer, prompt in self._pending if not answer.done()), None)

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
        text, css_class = describe_ending(stop_reason)
        took = durations.format_duration(time.monotonic() - self._started)
        self._set_status(f"{text} · {took}")
        if css_class:
            self.add_class(css_class)

    def _set_status(self, text: str) -> None:
        for status in self.query(".agent-status").results(Static):
            status.update(text)

    async def _mount(self, widget: Widget) -> None:
        await self.mount(widget, before=self.query_one(".agent-status"))

    async def _write_message(self, text: str) -> None:
        self.answer_text += text
        self._unsent += text
        if self._live is None:
            self._live = MarkdownSegment()
            await self._mount(self._live)
            await self._flush_message()
        if self._flusher is None:
            self._flusher = self.set_interval(MESSAGE_FLUSH_INTERVAL, self._flush_message)

    async def _flush_message(self) -> None:
        live = self._live
        if not self._unsent or live is None:
            return
        live.append(self._unsent)
        self._unsent = ""
        while len(live.source) > SEGMENT_CHARS:
            cut = find_cut(live.source, SEGMENT_CHARS, live.preamble)
            if cut is None:
                break
            # Split and mount before awaiting: no frame shows the rest twice or not at all.
            live = self._live = live.split_off(cut)
            await self.mount(live, before=self.query_one(".agent-status"))
            if self._live is not live:
                return  # the segment ended (a tool call) while it mounted

    async def _write_thought(self, text: str) -> None:
        self._thought_text += text
        if self._thoughts is None:
            self._thought_text = text
            self._thoughts = Static("", markup=False)
            await self._mount(thoughts_box(self._thoughts))
        self._thoughts.update(self._thought_text)

    async def _end_segment(self) -> None:
        if self._flusher is not None:
            self._flusher.stop()
            self._flusher = None
        await self._flush_message()
        self._live = None
