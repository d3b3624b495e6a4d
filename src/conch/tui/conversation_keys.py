"""Moving through the conversation and copying from it, with keys that work while typing.

The prompt keeps the focus, so these are the app's bindings (its actions call here):
PageUp/PageDown (and their Shift variants, which terminals often send for scrollback),
Ctrl+PageUp/Ctrl+PageDown to the start of the previous/next block, Ctrl+Home/Ctrl+End
(Home and End stay with the prompt's cursor). Ctrl+C copies the text selected with the
mouse when there is some, and otherwise keeps its meaning (interrupt, or clear the
prompt). Ctrl+Y copies a whole block: the lowest command or agent turn that begins on
screen, so the latest one while following, the one being read when scrolled up.

Both windows use it, the app and ``conch attach``: each gives its own bindings
(CONVERSATION_BINDINGS, COPY_SELECTION_BINDING before its own Ctrl+C), answers
``check_action`` with ``is_enabled`` and adds ``commands()`` to its palette. What it needs
from the window comes as two callables: where the conversation is, and whether a command
runs (which Ctrl+C interrupts once the selection is copied).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.widget import Widget

from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch_plugins.shell_mode.cwd import shorten_home

CONVERSATION_ACTIONS = frozenset(
    {"copy_selection", "scroll_pages", "scroll_blocks", "scroll_top", "scroll_bottom", "copy_block"}
)
COPY_SELECTION_BINDING = Binding("ctrl+c", "copy_selection", "Copy", priority=True)
"""With text selected Ctrl+C copies it; otherwise (disabled) the window's next Ctrl+C binding
takes the key: list it first."""
CONVERSATION_BINDINGS = (
    # Priority: the prompt (a scroll view) has PageUp/PageDown bindings of its own.
    # Off the conversation's screen these keys are disabled and fall through to lists.
    Binding("pageup", "scroll_pages(-1)", "Scroll", key_display="PgUp/PgDn", priority=True),
    Binding("pagedown", "scroll_pages(1)", "Scroll down", show=False, priority=True),
    Binding("shift+pageup", "scroll_pages(-1)", "Scroll up", show=False, priority=True),
    Binding("shift+pagedown", "scroll_pages(1)", "Scroll down", show=False, priority=True),
    Binding("ctrl+pageup", "scroll_blocks(-1)", "Previous block", show=False, priority=True),
    Binding("ctrl+pagedown", "scroll_blocks(1)", "Next block", show=False, priority=True),
    Binding("ctrl+home", "scroll_top", "Top", show=False, priority=True),
    # The footer has no room for it; the line under a scrolled-up view names it.
    Binding("ctrl+end", "scroll_bottom", "Bottom", show=False, priority=True),
    Binding("ctrl+y", "copy_block", "Copy block", show=False, priority=True),
)
COPY_LIMIT = 1_000_000
"""Characters sent to the clipboard at most. OSC 52 carries the text base64-encoded through
the terminal in one escape sequence; a block holds at most ``ui.scrollback_lines`` lines, but
a line can be very long."""


def block_text(block: Widget) -> str | None:
    """What "copy block" copies: the command and its output, or the prompt and the answer."""
    if isinstance(block, CommandBlock):
        output = block.plain_output()
        return f"$ {block.command}\n{output}" if output else f"$ {block.command}"
    if isinstance(block, AgentTurn):
        answer = block.answer_text.strip()
        return f"✦ {block.prompt}\n\n{answer}" if answer else f"✦ {block.prompt}"
    return None


def block_name(block: Widget) -> str:
    if isinstance(block, CommandBlock):
        return f"`{block.command}`"
    if isinstance(block, AgentTurn):
        return "the agent's answer"
    return "the block"


class ConversationKeys:
    """Scrolling and copying keys for the conversation, while the prompt has the focus."""

    def __init__(
        self,
        app: App[Any],
        conversation: Callable[[], Conversation],
        is_running: Callable[[], bool],
    ) -> None:
        self.app = app
        self._conversation = conversation
        """The window's conversation (raises NoMatches before it is composed)."""
        self._is_running = is_running
        """Whether Ctrl+C, once nothing is selected, interrupts a running command."""

    # -- scrolling -------------------------------------------------------------------

    def _conversation_shown(self) -> Conversation | None:
        """The conversation, when it is what the user sees (not under a picker)."""
        try:
            conversation = self._conversation()
        except NoMatches:
            return None  # not composed yet
        return conversation if conversation.screen is self.app.screen else None

    def scroll_pages(self, pages: float) -> None:
        conversation = self._conversation_shown()
        if conversation is not None:
            conversation.page(pages)

    def scroll_blocks(self, step: int) -> None:
        conversation = self._conversation_shown()
        if conversation is not None:
            conversation.to_block(step)

    def scroll_top(self) -> None:
        conversation = self._conversation_shown()
        if conversation is not None:
            conversation.to_top()

    def scroll_bottom(self) -> None:
        conversation = self._conversation_shown()
        if conversation is not None:
            conversation.follow()

    def is_enabled(self, action: str) -> bool:
        """Whether one of CONVERSATION_ACTIONS applies now.

        False hides a binding from the footer and lets the key fall through (Ctrl+C then
        interrupts or clears as before). The footer asks again when ConversationPane sees
        the position or the selection change."""
        conversation = self._conversation_shown()
        if conversation is None:
            return False  # a picker or the palette is in front: its lists take these keys
        if action == "copy_selection":
            return bool(conversation.screen.selections)
        if action in ("scroll_pages", "scroll_blocks"):
            return conversation.overflows
        return True

    # -- copying ---------------------------------------------------------------------

    def copy_selection(self) -> None:
        screen = self._conversation().screen
        text = screen.get_selected_text()
        if not text:
            self.app.notify("Nothing is selected: drag over text (or double-click a block) first.")
            return
        screen.clear_selection()
        said = f"Copied {_describe(text)}."
        if self._is_running():
            said += " Ctrl+C again interrupts the command."
        self._copy(text, said)

    def copy_block(self) -> None:
        block = self.block_to_copy()
        if block is None:
            self.app.notify("Nothing to copy yet: no command or agent turn on screen.")
            return
        text = block_text(block) or ""
        said = f"Copied {block_name(block)}: {_describe(text)}."
        if isinstance(block, CommandBlock) and block.output.spool_path is not None:
            where = shorten_home(str(block.output.spool_path))
            said += f" That is the part shown; the full output is in {where}."
        self._copy(text, said)

    def block_to_copy(self) -> Widget | None:
        """The lowest command or agent turn that begins on screen (or above it)."""
        conversation = self._conversation()
        view_bottom = conversation.scroll_y + conversation.scrollable_content_region.height
        for block in reversed(list(_copyable(conversation))):
            if block.virtual_region.y < view_bottom:
                return block
        return None

    def _copy(self, text: str, said: str) -> None:
        if len(text) > COPY_LIMIT:
            text = text[-COPY_LIMIT:]
            said += f" Only the last {COPY_LIMIT:,} characters fit in the clipboard."
        self.app.copy_to_clipboard(text)
        self.app.notify(said, timeout=3)

    def commands(self) -> Iterator[SystemCommand]:
        """The palette's entries for moving through and copying from the conversation."""
        yield SystemCommand("Scroll up a page", "PageUp", lambda: self.scroll_pages(-1))
        yield SystemCommand("Scroll down a page", "PageDown", lambda: self.scroll_pages(1))
        yield SystemCommand(
            "Scroll to the previous block",
            "Ctrl+PageUp: where it begins",
            lambda: self.scroll_blocks(-1),
        )
        yield SystemCommand(
            "Scroll to the next block", "Ctrl+PageDown", lambda: self.scroll_blocks(1)
        )
        yield SystemCommand("Scroll to the top", "Ctrl+Home", self.scroll_top)
        yield SystemCommand(
            "Scroll to the bottom", "Ctrl+End: follow new output again", self.scroll_bottom
        )
        yield SystemCommand(
            "Copy block",
            "Ctrl+Y: the command and its output (or prompt and answer) lowest on screen",
            self.copy_block,
        )
        yield SystemCommand("Copy selected text", "Ctrl+C with text selected", self.copy_selection)


def _copyable(conversation: Conversation) -> Iterator[Widget]:
    for child in conversation.children:
        if isinstance(child, (CommandBlock, AgentTurn)):
            yield child


def _describe(text: str) -> str:
    lines = text.count("\n") + 1
    return f"{lines:,} line{'s' if lines != 1 else ''}"
