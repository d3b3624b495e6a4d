"""One tool call of an agent turn: status and title; output and diffs inside."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Collapsible, Static

from conch.agents.events import FileDiff, ToolCall, ToolCallUpdate
from conch.tui.widgets.diff_view import DiffView

STATUS_ICONS = {"pending": "○", "in_progress": "◐", "completed": "✓", "failed": "✗"}
# Plain one-cell glyphs: emoji are two cells wide, or boxes, in many terminals.
KIND_ICONS = {"read": "≡", "edit": "✎", "delete": "⌫", "move": "⇄", "search": "⌕",
              "execute": "$", "think": "…", "fetch": "⇣", "other": "•"}  # fmt: skip
# Tool output kept on screen; the agent got its own (truncated) copy.
MAX_OUTPUT_CHARS = 20_000


class ToolCallBlock(Collapsible):
    DEFAULT_CSS = """
    ToolCallBlock { height: auto; margin: 0 0 0 1; border: none; padding: 0; background: $surface; }
    ToolCallBlock.-failed CollapsibleTitle { color: $error; }
    ToolCallBlock.-completed CollapsibleTitle { color: $success; }
    ToolCallBlock .tool-output { height: auto; max-height: 20; overflow-y: auto; padding: 0 1; }
    """

    def __init__(self, call: ToolCall, base: str | None = None) -> None:
        self.call = call
        self.base = base
        self.output = call.content
        self.diff_count = 0
        super().__init__(title=self._title_text(), collapsed=not call.diffs)
        self.set_class(True, f"-{call.status}")

    def compose(self) -> ComposeResult:
        yield from super().compose()

    def on_mount(self) -> None:
        contents = self.query_one(Collapsible.Contents)
        contents.mount(Static(Text.from_ansi(self.output), classes="tool-output"))
        self._add_diffs(self.call.diffs)

    def apply(self, update: ToolCallUpdate) -> None:
        status = update.status or self.call.status
        for old in STATUS_ICONS:
            self.set_class(old == status, f"-{old}")
        self.call = ToolCall(
            self.call.tool_call_id,
            update.title or self.call.title,
            self.call.tool_kind,
            status,
            self.call.raw_input,
            self.call.content,
            self.call.diffs + update.diffs,
            self.call.locations,
        )
        self.title = self._title_text()
        if update.content:
            self.output = (self.output + update.content)[-MAX_OUTPUT_CHARS:]
            self.query_one(".tool-output", Static).update(Text.from_ansi(self.output))
        if update.diffs:
            self._add_diffs(update.diffs)
            self.collapsed = False

    def _add_diffs(self, diffs: tuple[FileDiff, ...]) -> None:
        contents = self.query_one(Collapsible.Contents)
        for diff in diffs:
            contents.mount(DiffView(diff, self.base))
            self.diff_count += 1

    def _title_text(self) -> str:
        icon = STATUS_ICONS.get(self.call.status, "?")
        kind = KIND_ICONS.get(self.call.tool_kind, "⚙")
        return f"{icon} {kind} {self.call.title}"
