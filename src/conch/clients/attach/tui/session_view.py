"""A host session's conversation on screen, kept in step with the events that come in.

The feed (session_feed.py) says what each event added or changed; this view turns that into
one widget touched per change, with the widgets the app itself uses (widgets/restored.py):
a finished command is the CommandBlock a restart shows, a running one a live CommandBlock
whose output grows as the host streams it (the same coalesced redraw as the app's), a notice
a Notice. The history shown on attach mounts its recent items only, as a restored session
does (the older ones wait behind EarlierItems until scrolled to). A full-screen program that
another client started is said in its running block's status line.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from conch.clients.attach.session_feed import (
    FeedChange,
    ItemAdded,
    ItemChanged,
    OutputAdded,
    SessionFeed,
)
from conch.output_buffer import BoundedOutput
from conch.sessions.records import Event
from conch.sessions.views import ConversationItem, ShellBlock
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.restored import (
    DEFAULT_SCROLLBACK_LINES,
    RECENT_ITEMS,
    restored_widget,
    restored_widgets,
)


class SessionView(Vertical):
    DEFAULT_CSS = """
    SessionView { height: 1fr; }
    """

    def __init__(self, scrollback_lines: int = DEFAULT_SCROLLBACK_LINES) -> None:
        super().__init__()
        self.feed = SessionFeed()
        self.scrollback_lines = scrollback_lines
        self._widgets: dict[int, Widget] = {}
        """Mounted widgets by item position (items behind EarlierItems are not here)."""
        self._program_elsewhere: str | None = None
        """The full-screen program another client runs (the host may say so before this
        view has the command's block: the block says it once built)."""

    def compose(self) -> ComposeResult:
        yield Conversation()

    @property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    def show_full_screen(self, program: str | None) -> None:
        """Say in the running block that ``program`` runs in another client (None: no more)."""
        self._program_elsewhere = program
        position = self.feed.running_position
        block = self._widgets.get(position) if position is not None else None
        if isinstance(block, CommandBlock) and block.result is None:
            self._say_elsewhere(block)
            block.refresh_frame()

    def _say_elsewhere(self, block: CommandBlock) -> None:
        program = self._program_elsewhere
        block.status_text = (
            f"running… · {program} is running in another client"
            if program
            else "running… (Ctrl+C interrupts)"
        )

    @property
    def is_running(self) -> bool:
        """Whether a command runs in the session now (typed lines go to it)."""
        return self.feed.running_position is not None

    def show_history(self, events: Iterable[Event]) -> None:
        """The session as it is on attach: every event folded, the recent items mounted."""
        for event in events:
            self.feed.apply(event)
        view = self.feed.view()
        widgets = restored_widgets(
            view, None, recent=RECENT_ITEMS, scrollback_lines=self.scrollback_lines
        )
        split = max(0, len(view.items) - RECENT_ITEMS)
        offset = 1 if split else 0  # widgets[0] is then the EarlierItems line
        running = self.feed.running_position
        for position in range(split, len(view.items)):
            if position == running:
                widgets[offset + position - split] = self._live_block(view.items[position])
            self._widgets[position] = widgets[offset + position - split]
        self.conversation.add_blocks(widgets)

    def add_events(self, events: Iterable[Event]) -> None:
        """Live events, folded and shown (a re-attach's overlap is skipped by the feed)."""
        for event in events:
            for change in self.feed.apply(event):
                self._show(change)

    def _show(self, change: FeedChange) -> None:
        if isinstance(change, OutputAdded):
            block = self._widgets.get(change.position)
            if isinstance(block, CommandBlock):
                block.output.append(change.text)
                block.output_arrived()
            return
        widget = self._widget_for(change.position, change.item)
        if isinstance(change, ItemAdded):
            self._widgets[change.position] = widget
            self.conversation.add_block(widget)
            return
        assert isinstance(change, ItemChanged)
        old = self._widgets.get(change.position)
        if old is None:
            return  # not mounted yet (behind EarlierItems): built from the feed when shown
        self._widgets[change.position] = widget
        self.conversation.mount(widget, after=old)
        old.remove()

    def _widget_for(self, position: int, item: ConversationItem) -> Widget:
        if position == self.feed.running_position:
            return self._live_block(item)
        return restored_widget(item, None, scrollback_lines=self.scrollback_lines)

    def _live_block(self, item: ConversationItem) -> Widget:
        """A running command, as the app shows one: its output grows as it streams."""
        assert isinstance(item, ShellBlock)
        output = BoundedOutput(self.scrollback_lines, None)  # the journal keeps it all
        output.append(item.output_text())
        block = CommandBlock(item.command, item.cwd, output)
        block.journal_index = item.index
        self._say_elsewhere(block)
        return block
