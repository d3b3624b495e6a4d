"""What every question Conch asks shares: permission, shell-or-agent, the after-error offer.

The rule that keeps keys meant for the prompt out of questions: a question is answered
only by a key pressed while it visibly holds the focus, and it gets the focus only by the
user's own act (Tab, or a click). It must never focus itself: then keys typed for the
prompt, however fast or slow, however soon after the question appears, typed or pasted,
always land in the prompt. Once answered a question is final: it takes no more keys and
says so (``Settled``), and the app hands the focus back to the prompt. A Tab typed before
the question was there (handled after it came: the window was busy) is not that act: it was
meant for what the user saw (``was_there_when``).
"""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget


class QuestionMessage(Message):
    """What a question tells the app about itself; ``control`` is the question."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    @property
    def control(self) -> Question:
        return self.question


class Question(Vertical, can_focus=True):
    DEFAULT_CSS = """
    Question:focus { background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the prompt"),
    ]

    class Settled(QuestionMessage):
        """Answered (or dismissed) for good: the prompt takes the keys again."""

    class Left(QuestionMessage):
        """Esc while focused: back to the prompt, the question still open."""

    settled = False
    """True once answered or dismissed: no key changes it any more."""
    shown_at: float | None = None
    """When it was mounted, on the clock of a key's ``time`` (when it was typed)."""
    hand_back_to: Widget | None = None
    """Where the focus goes once answered, or on Esc (set by whoever gave the focus). Moved
    here and at once: a key typed right after the answer must not reach this question."""

    @property
    def is_open(self) -> bool:
        return not self.settled

    @property
    def takes_keys(self) -> bool:
        """Its answer keys still answer it (False once answered: later keys go back)."""
        return not self.settled

    def on_mount(self) -> None:
        if self.shown_at is None:  # first shown; a move in the view (a remount) is not new
            self.shown_at = monotonic()  # textual's event clock on Unix (textual._time)

    def was_there_when(self, typed_at: float | None) -> bool:
        """Whether a key typed at ``typed_at`` (None: not a key) was typed with this
        question there to be seen."""
        return typed_at is None or (self.shown_at is not None and self.shown_at <= typed_at)

    def settle(self) -> bool:
        """Make the answer final; False if it already was (the caller must not act twice)."""
        if self.settled:
            return False
        self.settled = True
        self._hand_back()
        self.can_focus = False
        self.post_message(self.Settled(self))
        return True

    def action_leave(self) -> None:
        self._hand_back()
        self.post_message(self.Left(self))

    async def on_key(self, event: events.Key) -> None:
        # Its answer keys are handled here, in the order the keys arrived, not as app
        # bindings: in a burst ("y" then "ls") all keys are queued here before the first
        # is handled, and the ones after the answer belong where the focus went.
        if not self.takes_keys:
            if self.hand_back_to is not None:
                event.stop()
                event.prevent_default()
                self.hand_back_to.post_message(events.Key(event.key, event.character))
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)
            return

    def _hand_back(self) -> None:
        if self.has_focus and self.hand_back_to is not None:
            self.screen.set_focus(self.hand_back_to)
