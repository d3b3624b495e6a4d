"""Under a failed command: "did you mean …?" or "send it to the agent?".

A Question: it never acts on its own and never takes keys typed at the prompt. Tab
gives it the focus; then Enter or `y` accepts, `n` or Esc dismisses. It lapses when the
user edits the prompt or runs something else (the app says when), so it never stands in
the way of the next command, nor of Tab completing it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from conch.tui.widgets.question import Question
from conch_plugins.shell_mode.failure_offer import Offer


class ErrorOffer(Question):
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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "accept", "Accept"),
        Binding("n,escape", "decline", "Dismiss"),
    ]

    class Accepted(Message):
        def __init__(self, offer: Offer) -> None:
            super().__init__()
            self.offer = offer

    def __init__(self, offer: Offer) -> None:
        super().__init__()
        self.offer = offer
        self._outcome = ""
        """How it ended ("accepted", "dismissed"); "" while open."""

    @property
    def done(self) -> bool:
        return self.settled

    def compose(self) -> ComposeResult:
        yield Static(self._text(), markup=False)

    def _text(self) -> str:
        if self._outcome:
            return f"{self.offer.message}  ({self._outcome})"
        action = "run it" if self.offer.kind == "correction" else "send it"
        keys = f"Tab, then Enter: {action} · Esc: dismiss · typing dismisses"
        return f"{self.offer.message}   {keys}"

    def action_accept(self) -> None:
        if self._finish("accepted"):
            self.post_message(self.Accepted(self.offer))

    def action_decline(self) -> None:
        self._finish("dismissed")

    def dismiss_quietly(self) -> None:
        """The user moved on (edited the prompt, ran something else): the offer lapses."""
        self._finish("dismissed")

    def _finish(self, outcome: str) -> bool:
        if not self.settle():
            return False
        self._outcome = outcome
        self.add_class("-done")
        # It may lapse before it was drawn (the user typed as it arrived): then it is drawn
        # as it ended.
        for text in self.query(Static):
            text.update(self._text())
        return True
