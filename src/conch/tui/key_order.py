"""Keys act in the order they were typed, however they arrive.

Textual passes a key to the focused widget, which types a printable one at once; a key bound
to an action (Enter, Backspace, the arrows, Up for history) runs only once the key has
bubbled back up to the app, and by then the app has already passed the next keys on. When
keys come in a burst (typed ahead while Conch is busy, a fast typist, key-repeat) the text
overtook them: ``ls`` Enter ``pwd`` Enter ran ``lspwd``, and ``abc`` Backspace ``d`` left
``abcd``. A line editor runs the binding in the key's own turn (``run_binding_in_order``).

Enter then sends the line to the app, which takes it (clears the prompt, runs it) or puts
it back (a refused line stays to be edited) when its handler runs. Keys typed after Enter
wait for that (``TypeAhead``), so they edit the prompt the handled line left, as if typed
after it; a handler that takes long releases them after ``HOLD_LIMIT`` anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.timer import Timer
from textual.widget import Widget

HOLD_LIMIT = 0.5
"""Seconds keys typed after Enter wait at most for the line before them to be handled."""


async def run_binding_in_order(widget: Widget, key: str) -> bool:
    """Run the binding ``key`` has from ``widget`` up (the lookup the app does when the key
    reaches it: the focused widget's bindings first, then its screen's and the app's); True
    when one ran, and the key must then go no further."""
    return await widget.app._check_bindings(key)  # private: the lookup the app would do later


class TypeAhead:
    """The keys typed after Enter, held until the app has handled the line Enter sent."""

    def __init__(self, widget: Widget, replay: Callable[[events.Key], Awaitable[None]]) -> None:
        self._widget = widget
        self._replay = replay
        self._held: list[events.Key] | None = None
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self) -> None:
        """Enter sent a line: keys from now on wait for ``release``."""
        self._held = []

    def take(self, event: events.Key) -> bool:
        """Hold ``event`` if keys are held (True: it must go no further now). The first one
        held starts the clock for HOLD_LIMIT (most Enters hold nothing: no timer for them)."""
        if self._held is None:
            return False
        if not self._held:
            self._timer = self._widget.set_timer(HOLD_LIMIT, self.release)
        self._held.append(event)
        return True

    async def release(self) -> None:
        """The line was handled: the held keys act now, in order (an Enter among them sends
        its line and holds the keys after it again)."""
        held, self._held = self._held or [], None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        for index, event in enumerate(held):
            await self._replay(event)
            if self._held is not None:  # that key was an Enter
                rest = held[index + 1 :]
                if rest and not self._held:
                    self._timer = self._widget.set_timer(HOLD_LIMIT, self.release)
                self._held.extend(rest)
                return


class ScreenOnItsWay:
    """The keys typed between the key that asks for a screen and the screen showing.

    A window that must ask before it can show a screen (``conch attach``'s Ctrl+O asks the
    host which sessions are live) would leave the keys typed meanwhile to the widget that had
    them: Ctrl+O Down Enter typed fast recalled history in the prompt and sent the line.
    Held here instead (``take``, before the keys reach any widget), they go to the screen
    once it is up (``release``), in order. Esc among them means "never mind": the keys
    before it are dropped with the screen, which is not shown (``dismissed``), and the keys
    after it are not held.
    """

    def __init__(self) -> None:
        self._held: list[events.Key] | None = None
        self._releasing = False
        self.dismissed = False
        """Esc was typed before the screen showed: it must not show."""

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self) -> None:
        """The screen was asked for: keys from now on wait for it."""
        self._held = []
        self._releasing = self.dismissed = False

    def take(self, event: events.Key) -> bool:
        """Hold ``event`` if the screen is on its way (True: it must go no further now)."""
        if self._held is None:
            return False
        if event.key == "escape" and not self._releasing:
            self._held = None
            self.dismissed = True
        else:
            self._held.append(event)
        return True

    async def release(self, replay: Callable[[events.Key], Awaitable[None]]) -> None:
        """The screen is up (or will not come): each held key to ``replay``, in order; keys
        typed meanwhile wait their turn behind them."""
        held = self._held
        self._releasing = True  # an Esc from now on is the screen's own (it closes it)
        while held:
            await replay(held.pop(0))
        if self._held is held:
            self._held = None
