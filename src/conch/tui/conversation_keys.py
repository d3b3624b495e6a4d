"""Moving through the conversation and copying from it, with keys that work while typing.

The prompt keeps the focus, so these are the app's bindings (its actions call here):
PageUp/PageDown (and their Shift variants, which terminals often send for scrollback),
Ctrl+PageUp/Ctrl+PageDown to the start of the previous/next block, Ctrl+Home/Ctrl+End
(Home and End stay with the prompt's cursor). Ctrl+C copies the text selected with the
mouse when there is some, and otherwise keeps its meaning (interrupt, or clear the
prompt). Ctrl+Y copies a whole block: the lowest command or agent turn that begins on
screen, so the latest one while following, the one being read when scrolled up.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import App, SystemCommand
from textual.css.query import NoMatches
from textual.widget import Widget

from conch.tui.screen_parts import ScreenParts
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch_plugins.shell_mode.cwd import shorten_home

CONVERSATION_ACTIONS = frozenset(
    {"copy_selection", "scroll_pages", "scroll_blocks", "scroll_top", "scroll_bottom", "copy_block"}
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

    def __init__(self, app: App[None], parts: ScreenParts, shell: ShellController) -> None:
        self.app = app
        self.parts = parts
        self.shell = shell

    # -- scrolling -------------------------------------------------------------------

    def _conversation_shown(self) -> Conversation | None:
        """The conversation, when it is what the user sees (not under a picker)."""
        try:
            conversation = self.parts.conversation
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
        screen = self.parts.conversation.screen
        text = screen.get_selected_text()
        if not text:
            self.app.notify("Nothing is selected: drag over text (or double-click a block) first.")
            return
        screen.clear_selection()
        said = f"Copied {_describe(text)}."
        if self.shell.running_block is not None:
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
        conversation = self.parts.conversation
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
