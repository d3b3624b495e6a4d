"""A long session keeps only its recent blocks mounted; older ones come back on scroll.

Textual lays out every mounted widget on each change, so Enter → frame grew with the session
(bench/long_session.py). Everything shown is in the journal, so when more than LIVE_LIMIT
blocks are mounted and the view follows the bottom (never while the user has scrolled up to
read), the oldest go (down to TRIM_COUNT under the limit) into an EarlierItems line that
rebuilds them from the journal when it is scrolled into view, exactly as a restored session
does. Nothing is lost: the widgets go, the journal keeps
every event.
"""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widget import Widget

from conch.config import LoadedConfig
from conch.sessions.projections import rebuild_conversation
from conch.sessions.views import ConversationItem
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.widgets.earlier_items import BlockFactory, EarlierItems
from conch.tui.widgets.restored import EARLIER_STEP, ReadBlob, restored_widget

LIVE_LIMIT = 40
"""Blocks mounted before the oldest are folded away (a restore mounts 30)."""
TRIM_COUNT = 15
"""How far under LIVE_LIMIT a trim goes (a trim costs one rebuild of the session's view)."""
CHECK_EVERY = 0.5
"""Seconds between looks at the block count (a list length): often enough that a quick run
of commands never mounts many more than LIVE_LIMIT (each one costs every layout)."""


class ConversationTrim:
    """Folds the oldest blocks of a long conversation into an EarlierItems line."""

    def __init__(
        self, app: App[None], parts: ScreenParts, binding: SessionBinding, loaded: LoadedConfig
    ) -> None:
        self.app = app
        self.parts = parts
        self.binding = binding
        self.scrollback_lines = loaded.config.ui.scrollback_lines
        self._trimming = False

    def start(self) -> None:
        self.app.set_interval(CHECK_EVERY, self._trim_if_long)

    def _trim_if_long(self) -> None:
        if self._trimming or self.binding.link.journal is None or self.binding.recorder is None:
            return
        conversation = self.parts.conversation
        blocks = [c for c in conversation.children if not isinstance(c, EarlierItems)]
        if len(blocks) <= LIVE_LIMIT or not conversation.is_following:
            return
        fold = len(blocks) - (LIVE_LIMIT - TRIM_COUNT)  # back to TRIM_COUNT under the limit
        kept = [b for b in blocks[fold:] if journal_index(b) is not None]
        if not kept:
            return
        self._trimming = True
        self.app.run_worker(self._trim(blocks[:fold], journal_index(kept[0]) or 0))

    async def _trim(self, folded: list[Widget], cutoff: int) -> None:
        try:
            journal, recorder = self.binding.link.journal, self.binding.recorder
            if journal is None or recorder is None:
                return
            session = recorder.session_id
            view = await asyncio.to_thread(lambda: rebuild_conversation(journal.events(session)))
            older = [item for item in view.items if item.index < cutoff]
            conversation = self.parts.conversation
            if not conversation.is_following:
                return  # the user scrolled up meanwhile: do not move what they read
            lines = self.scrollback_lines
            factories = [_factory(journal.read_blob, item, lines) for item in older]
            earlier = EarlierItems(factories, EARLIER_STEP)
            stale = [c for c in conversation.children if isinstance(c, EarlierItems)]
            first_kept = next(
                (c for c in conversation.children if c not in folded and c not in stale),
                None,
            )
            await conversation.remove_children([*stale, *folded])
            if first_kept is not None and first_kept.parent is conversation:
                await conversation.mount(earlier, before=first_kept)
            conversation.follow()
        finally:
            self._trimming = False


def journal_index(widget: Widget) -> int | None:
    """The journal index of the event that started this block, when it has one."""
    index = getattr(widget, "journal_index", None)
    return index if isinstance(index, int) else None


def _factory(read_blob: ReadBlob, item: ConversationItem, lines: int) -> BlockFactory:
    return lambda: restored_widget(item, read_blob, scrollback_lines=lines)
