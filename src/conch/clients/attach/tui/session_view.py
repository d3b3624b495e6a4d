"""A host session's conversation on screen, kept in step with the events that come in.

The feed (session_feed.py) says what each event added or changed; this view turns that into
one widget touched per change, with the widgets the app itself uses (widgets/restored.py):
a finished command is the CommandBlock a restart shows, a running one a live CommandBlock
whose output grows as the host streams it (the same coalesced redraw as the app's), an open
agent turn the app's live AgentTurn, fed the agent's events one by one (text streams into
it, tool calls and plans show as they come), a notice a Notice. A permission request is a
SharedPermission in its turn: every client shows it, the journal's decision settles it.
The history shown on attach mounts its recent items only, as a restored session does (the
older ones wait behind EarlierItems until scrolled to), and a long session folds its oldest
items there too (never under a view scrolled up to read: the app's ConversationPane says how
much lies below it). A full-screen program that another client started is said in its
running block's status line. ``on_command_ended`` is told each command's end once it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from conch.clients.attach.output_blobs import FetchBlob, blob_reader
from conch.clients.attach.session_feed import (
    FeedChange,
    ItemAdded,
    ItemChanged,
    OutputAdded,
    PermissionAsked,
    PermissionDecided,
    SessionFeed,
    TurnChange,
    TurnEventAdded,
    TurnStarted,
)
from conch.clients.attach.tui.shared_permission import LateNote, SharedPermission
from conch.output_buffer import BoundedOutput
from conch.sessions.records import Event
from conch.sessions.views import AgentTurnView, ConversationItem, ShellBlock
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.conversation_pane import ConversationPane
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.restored import (
    DEFAULT_SCROLLBACK_LINES,
    EARLIER_STEP,
    RECENT_ITEMS,
    finish_live_command,
    permission_outcome,
    restored_widget,
    restored_widgets,
)

LIVE_LIMIT = 40
"""Items mounted before the oldest fold into the EarlierItems line, as the app does
(conversation_trim.py): Textual lays out every mounted widget on each change, so without
it Enter → frame grew from 37 to 63 ms over 300 commands in an attached client."""
TRIM_COUNT = 15
"""How far under LIVE_LIMIT a fold goes."""


class SessionView(Vertical):
    DEFAULT_CSS = """
    SessionView { height: 1fr; }
    """

    def __init__(
        self,
        scrollback_lines: int = DEFAULT_SCROLLBACK_LINES,
        *,
        client_name: str = "",
        can_answer: bool = True,
    ) -> None:
        super().__init__()
        self.feed = SessionFeed()
        self.scrollback_lines = scrollback_lines
        self.client_name = client_name
        """This client's name at the host: a decision ``by`` it is this user's own."""
        self.can_answer = can_answer
        self._widgets: dict[int, Widget] = {}
        """Mounted widgets by item position (items behind EarlierItems are not here)."""
        self._questions: dict[int, list[SharedPermission]] = {}
        """Permission boxes of the open turns, by the turn's position, oldest first."""
        self._program_elsewhere: str | None = None
        """The full-screen program another client runs (the host may say so before this
        view has the command's block: the block says it once built)."""
        self._folding = False
        self.on_command_ended: Callable[[int], None] | None = None
        """Told the ``shell_start`` index of each command whose end was just shown."""

    def compose(self) -> ComposeResult:
        yield ConversationPane()

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

    @property
    def running_command(self) -> str:
        """The command that runs in the session now ("" when none does)."""
        position = self.feed.running_position
        item = self.feed.item(position) if position is not None else None
        return item.command if isinstance(item, ShellBlock) else ""

    def waiting_permission(self) -> SharedPermission | None:
        """The oldest permission request not yet answered here or settled (what Tab
        focuses)."""
        for position in sorted(self._questions):
            for box in self._questions[position]:
                if box.is_open and not box.sent:
                    return box
        return None

    async def show_history(
        self, events: Iterable[Event], fetch_blob: FetchBlob | None = None
    ) -> None:
        """The session as it is on attach: every event folded, the recent items mounted,
        open turns live (built from what they got so far). ``fetch_blob`` reads big outputs
        from the host, so a restored command shows as the app's does (output_blobs.py)."""
        for event in events:
            self.feed.apply(event)
        view = self.feed.view()
        split = max(0, len(view.items) - RECENT_ITEMS)
        read_blob = await blob_reader(view.items, split, fetch_blob) if fetch_blob else None
        widgets = restored_widgets(
            view, read_blob, recent=RECENT_ITEMS, scrollback_lines=self.scrollback_lines
        )
        offset = 1 if split else 0  # widgets[0] is then the EarlierItems line
        for position in range(split, len(view.items)):
            slot = offset + position - split
            if self._is_live(position):
                widgets[slot] = self._widget_for(position, view.items[position])
            self._widgets[position] = widgets[slot]
        await self.conversation.add_blocks(widgets)
        for position in range(split, len(view.items)):
            await self._catch_up(position)

    async def add_events(self, events: Iterable[Event]) -> None:
        """Live events, folded and shown (a re-attach's overlap is skipped by the feed)."""
        for event in events:
            for change in self.feed.apply(event):
                await self._show(change)
                self._tell_if_ended(change)
        if len(self._widgets) > LIVE_LIMIT and not self._folding:
            self._fold_oldest()

    def _tell_if_ended(self, change: FeedChange) -> None:
        item = change.item if isinstance(change, ItemChanged) else None
        told = self.on_command_ended
        if told is not None and isinstance(item, ShellBlock) and item.state == "finished":
            told(item.index)

    async def _show(self, change: FeedChange) -> None:
        if isinstance(change, OutputAdded):
            block = self._widgets.get(change.position)
            if isinstance(block, CommandBlock):
                if change.skipped:
                    block.output.skip(change.skipped)
                block.output.append(change.text)
                block.output_arrived()
            return
        if isinstance(change, TurnStarted | TurnEventAdded | PermissionAsked | PermissionDecided):
            turn = self._widgets.get(change.position)
            if isinstance(turn, AgentTurn):
                await self._apply_to_turn(turn, change)
            return
        if isinstance(change, ItemAdded):
            widget = self._widget_for(change.position, change.item)
            self._widgets[change.position] = widget
            await self.conversation.add_block(widget)
            return
        old = self._widgets.get(change.position)
        if old is None:
            return  # not mounted (behind EarlierItems): built from the feed when shown
        if (isinstance(old, CommandBlock) and isinstance(change.item, ShellBlock)
                and finish_live_command(old, change.item)):  # fmt: skip
            return
        widget = self._widget_for(change.position, change.item)
        self._widgets[change.position] = widget
        late = {box.tool_call_id: box.late_note
                for box in self._questions.pop(change.position, []) if box.late_note}  # fmt: skip
        await self.conversation.mount(widget, after=old)
        await old.remove()
        await self._catch_up(change.position)
        await self._keep_late_notes(widget, late)

    async def _keep_late_notes(self, turn: Widget, late: dict[str, str]) -> None:
        """The turn ended and is shown whole: a box that said this user's key came too late
        says so still (the end often comes in the same batch as the decision)."""
        for prompt in turn.query(PermissionPrompt):
            note = late.pop(prompt.request.tool_call.tool_call_id, None)
            if note:
                await prompt.mount(LateNote(note))

    def _fold_oldest(self) -> None:
        """Fold the oldest mounted items into one EarlierItems line that rebuilds each from
        the feed when scrolled to (so it shows the item as it is then, not as it was). A
        running command and open turns stay mounted: they are live."""
        conversation = self.conversation
        if not conversation.is_following:
            return  # never move what the user scrolled up to read
        mounted = sorted(self._widgets)
        keep_from = mounted[len(mounted) - (LIVE_LIMIT - TRIM_COUNT)]
        live = [p for p in mounted if self._is_live(p)]
        if live:
            keep_from = min(keep_from, *live)
        if keep_from not in self._widgets or keep_from == mounted[0]:
            return
        first_kept = self._widgets[keep_from]
        for position in [p for p in mounted if p < keep_from]:
            del self._widgets[position]
        # Everything before the first kept item goes: the folded items, the old EarlierItems
        # line and any items it had brought back while the user scrolled up.
        children = list(conversation.children)
        gone = children[: children.index(first_kept)]
        lines = self.scrollback_lines
        factories = [partial(self._rebuilt, position, lines) for position in range(keep_from)]
        self._folding = True
        self.run_worker(self._replace(gone, EarlierItems(factories, EARLIER_STEP)))

    async def _replace(self, gone: list[Widget], earlier: EarlierItems) -> None:
        try:
            conversation = self.conversation
            await conversation.remove_children(gone)
            first = next(iter(conversation.children), None)
            await conversation.mount(earlier, before=first)
            conversation.follow()
        finally:
            self._folding = False

    def _rebuilt(self, position: int, lines: int) -> Widget:
        return restored_widget(self.feed.item(position), None, scrollback_lines=lines)

    def _is_live(self, position: int) -> bool:
        return position == self.feed.running_position or self.feed.is_open_turn(position)

    def _widget_for(self, position: int, item: ConversationItem) -> Widget:
        if position == self.feed.running_position:
            return self._live_block(item)
        if isinstance(item, AgentTurnView) and self.feed.is_open_turn(position):
            context = item.context if item.context.agent else None
            turn = AgentTurn(item.prompt, context, queued=item.state == "queued")
            turn.journal_index = item.index
            return turn
        return restored_widget(item, None, scrollback_lines=self.scrollback_lines)

    async def _catch_up(self, position: int) -> None:
        """A live turn mounted late gets what its turn streamed so far."""
        turn = self._widgets.get(position)
        if isinstance(turn, AgentTurn) and self.feed.is_open_turn(position):
            self._questions.pop(position, None)
            for change in self.feed.turn_log(position):
                await self._apply_to_turn(turn, change)

    async def _apply_to_turn(self, turn: AgentTurn, change: TurnChange) -> None:
        if isinstance(change, TurnStarted):
            turn.start()
        elif isinstance(change, TurnEventAdded):
            await turn.apply(change.event)
        elif isinstance(change, PermissionAsked):
            box = SharedPermission(change.request, change.turn, turn.base,
                                   can_answer=self.can_answer)  # fmt: skip
            self._questions.setdefault(change.position, []).append(box)
            await turn.show_question(box)
        else:
            decided = change.decided
            for box in self._questions.get(change.position, []):
                if box.is_open and box.tool_call_id == decided.tool_call_id:
                    # No name: the one window on the session answered, which is this one.
                    mine = decided.option_id is None or decided.by in ("", self.client_name)
                    box.decided(permission_outcome(decided), decided.by, mine=mine)
                    return

    def _live_block(self, item: ConversationItem) -> Widget:
        """A running command, as the app shows one: its output grows as it streams."""
        assert isinstance(item, ShellBlock)
        output = BoundedOutput(self.scrollback_lines, None)  # the journal keeps it all
        for piece in item.output:  # a big piece: its end, and its lines counted
            skipped, text = (0, piece) if isinstance(piece, str) else piece.live_piece()
            if skipped:
                output.skip(skipped)
            output.append(text)
        block = CommandBlock(item.command, item.cwd, output)
        block.journal_index = item.index
        self._say_elsewhere(block)
        return block
