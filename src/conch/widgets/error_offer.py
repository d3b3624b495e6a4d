"""Under a failed command: "did you mean …?" or "send it to the agent?".

Never acts on its own. It takes the focus only when the prompt is empty (so
it never grabs keys typed for the next command); then Enter or `y` accepts,
and any other key dismisses it — a printable key is handed to the prompt,
so nothing typed is lost.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from conch.widgets.type_ahead import TypeAheadGuard, user_is_typing
from conch_plugins.shell_mode.route_decision import Offer

ANSWER_GUARD = 0.25


class ErrorOffer(Vertical, can_focus=True):
    DEFAULT_CSS = """
    ErrorOffer {
        height: auto;
        margin: 0 0 1 2;
        padding: 0 1;
        border-left: outer $warning;
        color: $warning;
    }
    ErrorOffer:focus { border-left: outer $accent; background: $boost; }
    ErrorOffer.-done { color: $text-muted; border-left: outer $panel; }
    """

    class Accepted(Message):
        def __init__(self, offer: Offer) -> None:
            super().__init__()
            self.offer = offer

    class Dismissed(Message):
        """Declined; ``key`` is the printable key that dismissed it, for the prompt."""

        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    def __init__(self, offer: Offer) -> None:
        super().__init__()
        self.offer = offer
        self.done = False
        self._guard = TypeAheadGuard(ANSWER_GUARD)

    def compose(self) -> ComposeResult:
        action = "run it" if self.offer.kind == "correction" else "send it"
        yield Static(f"{self.offer.message}   Enter/y: {action} · any other key: dismiss",
                     markup=False)  # fmt: skip

    def on_mount(self) -> None:
        self._guard.restart()
        if not user_is_typing(self.app):
            self.focus()

    def on_key(self, event: events.Key) -> None:
        if self.done:
            return
        event.stop()
        event.prevent_default()
        if not self._guard.accepts_keys:
            return
        if event.key in ("enter", "y"):
            self._finish("accepted")
            self.post_message(self.Accepted(self.offer))
        else:
            self._finish("dismissed")
            self.post_message(self.Dismissed(event.character if event.is_printable else None))

    def dismiss_quietly(self) -> None:
        """The user moved on (ran something else): the offer lapses."""
        if not self.done:
            self._finish("dismissed")

    def _finish(self, outcome: str) -> None:
        self.done = True
        self.can_focus = False
        self.add_class("-done")
        self.query_one(Static).update(f"{self.offer.message}  ({outcome})")
