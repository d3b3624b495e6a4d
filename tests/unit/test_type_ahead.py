"""Keys typed after Enter wait for the line to be handled, then act in order; the clock that
releases them anyway starts only when a key is held."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events

from conch.tui.key_order import HOLD_LIMIT, TypeAhead


class FakeTimer:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class Widget:
    def __init__(self) -> None:
        self.timers: list[tuple[float, Callable[[], Any]]] = []
        self.made: list[FakeTimer] = []

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> FakeTimer:
        self.timers.append((delay, callback))
        self.made.append(FakeTimer())
        return self.made[-1]


async def test_an_enter_that_holds_nothing_starts_no_clock() -> None:
    widget, replayed = Widget(), []

    async def replay(event: events.Key) -> None:
        replayed.append(event.key)

    ahead = TypeAhead(widget, replay)  # type: ignore[arg-type]
    ahead.hold()
    await ahead.release()
    assert widget.timers == [] and replayed == [] and not ahead.holding


async def test_held_keys_replay_in_order_and_an_enter_among_them_holds_the_rest() -> None:
    widget, replayed = Widget(), []
    ahead = TypeAhead(widget, None)  # type: ignore[arg-type]

    async def replay(event: events.Key) -> None:
        replayed.append(event.key)
        if event.key == "enter":
            ahead.hold()  # as the prompt's action_submit does

    ahead._replay = replay
    ahead.hold()
    for key in ("a", "backspace", "enter", "b"):
        assert ahead.take(events.Key(key, None))
    assert [delay for delay, _ in widget.timers] == [HOLD_LIMIT], "one clock, at the first key"

    await ahead.release()

    assert replayed == ["a", "backspace", "enter"] and widget.made[0].stopped
    assert ahead.holding, "the keys after the held Enter wait for its line"
    assert len(widget.timers) == 2, "with a clock of their own"
    await ahead.release()
    assert replayed == ["a", "backspace", "enter", "b"] and not ahead.holding
