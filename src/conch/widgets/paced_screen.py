"""The app's default screen, drawing frames when conch.frame_pacing says.

Textual's Screen draws from a timer on a fixed grid of ticks (``_update_timer``, resumed on
idle when something changed). This screen leaves that timer paused and schedules each
frame itself with the pacer's delay: at once after a quiet spell, spaced from the end of
the last frame, slower during a flood, never delayed for a key's echo, and held briefly
while a new block mounts (``hold_for``). It overrides two private Textual hooks
(``_on_idle``, ``_on_timer_update``); tests/pilot/test_frame_pacing_app.py fails if they
stop being called.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.screen import Screen

from conch.frame_pacing import FramePacer


class PacedScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__(id="_default")
        self.pacer = FramePacer()
        self.frames_drawn = 0
        self._pending: asyncio.TimerHandle | None = None

    def _needs_frame(self) -> bool:
        return bool(
            self._layout_required
            or self._scroll_required
            or self._repaint_required
            or self._recompose_required
            or self._dirty_widgets
        )

    async def _on_idle(self, event: events.Idle) -> None:
        event.prevent_default()  # Screen's own would resume its grid timer
        if not self.app._batch_count and self.is_current and self._needs_frame():
            self._schedule_frame()
            return
        await self._invoke_and_clear_callbacks()

    def _schedule_frame(self) -> None:
        if self._pending is not None:
            return
        delay = self.pacer.delay()
        if delay <= 0:
            self._draw()
        else:
            self._pending = asyncio.get_running_loop().call_later(delay, self._draw)

    def _draw(self) -> None:
        self._pending = None
        if self._needs_frame():
            self._on_timer_update()
        elif self._callbacks:
            self.call_next(self._invoke_and_clear_callbacks)

    def _on_timer_update(self) -> None:
        started = self.pacer.clock()
        super()._on_timer_update()
        self.pacer.frame_drawn(started, self.pacer.clock())
        self.frames_drawn += 1

    def _reschedule(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
            self._schedule_frame()

    def mark_urgent(self) -> None:
        """A key arrived: its echo is drawn without a pacing gap."""
        self.pacer.mark_urgent()
        self._reschedule()

    def hold_for(self, seconds: float) -> None:
        """Draw nothing for up to ``seconds`` unless ``release`` comes first."""
        self.pacer.hold(seconds)

    def release(self) -> None:
        self.pacer.release()
        self._reschedule()
        self.check_idle()
