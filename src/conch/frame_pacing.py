"""When the screen may draw its next frame: the pacing policy alone, no Textual.

Textual draws on a fixed grid of ticks. Conch's policy instead (measured in tmux 120x40):
- a change after a quiet spell is drawn at once;
- frames are spaced from the END of the last one, so a slow frame (10 ms with 40 blocks)
  leaves the loop time to take in output before the next;
- frames that come back to back (a flood) drop to 60 a second: drawing less leaves more of
  the loop to read output;
- a frame that carries a key's echo is never held back by that pacing;
- the frame after Enter may be held (≤ 15 ms) until the new block is mounted, so one frame
  shows both instead of two full repaints one after the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GAP = 1 / 240
"""Between the end of a frame and the start of the next, normally."""
BUSY_GAP = 1 / 60
"""The same while frames come back to back."""
BUSY_AFTER = 3
"""Frames started within BUSY_WINDOW of the last one's end before pacing drops to BUSY_GAP."""
BUSY_WINDOW = 0.025


class FramePacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._last_end = float("-inf")
        self._back_to_back = 0
        self._hold_until = float("-inf")
        self._urgent = False

    @property
    def is_busy(self) -> bool:
        """Frames come back to back: pacing is at BUSY_GAP."""
        return self._back_to_back >= BUSY_AFTER

    def delay(self) -> float:
        """Seconds from now before the next frame may be drawn (0: draw now)."""
        now = self.clock()
        if now < self._hold_until:
            return self._hold_until - now
        if self._urgent:
            return 0.0
        gap = BUSY_GAP if self.is_busy else GAP
        return max(0.0, self._last_end + gap - now)

    def frame_drawn(self, started: float, ended: float) -> None:
        """A frame was drawn from ``started`` to ``ended`` (clock times)."""
        if started - self._last_end <= BUSY_WINDOW:
            self._back_to_back += 1
        else:
            self._back_to_back = 0
        self._last_end = ended
        self._urgent = False

    def mark_urgent(self) -> None:
        """The next frame carries a key's echo: no pacing gap before it."""
        self._urgent = True

    def hold(self, seconds: float) -> None:
        """Draw nothing for up to ``seconds`` (until ``release``)."""
        self._hold_until = self.clock() + seconds

    def release(self) -> None:
        self._hold_until = float("-inf")
