"""The app's side of the questions it asks: which one Tab answers, and when they lapse.

Questions (permission requests, "shell or agent?", the after-error offer) never take
the focus themselves (see widgets/question.py). Here: Tab gives the waiting one the focus
(and gives it back to the prompt), an answered one hands the focus back to the prompt,
Enter on the ambiguous line still in the prompt takes the recommended route, and an edit
of the prompt makes an open "shell or agent?" or after-error offer lapse.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widget import Widget

from conch.tui.screen_parts import ScreenParts
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.ask_choice import AskChoice, Choice
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.question import Question
from conch_plugins.shell_mode.natural_language import reads_as_request
from conch_plugins.shell_mode.routing import Route


class QuestionController:
    """The open questions, and where the focus goes when one is asked or answered."""

    def __init__(
        self, app: App[None], parts: ScreenParts, running_turn: Callable[[], AgentTurn | None]
    ) -> None:
        self.app = app
        self.parts = parts
        self.running_turn = running_turn
        """The agent's running turn, if any: only it can ask for a permission."""
        self.open_ask: AskChoice | None = None
        """The latest "shell or agent?" question; its line waits in the prompt, selected."""
        self.open_ask_typed = ""
        """The line exactly as typed (what the prompt holds while the question is open)."""
        self.open_offer: ErrorOffer | None = None
        """The latest offer under a failed command; an edit or the next command makes it
        lapse."""
        self._offer_prompt = ""
        """What the prompt held when the offer appeared: a change of it is an edit."""

    def pending_permission(self) -> PermissionPrompt | None:
        """The waiting permission request, if any. The running turn tracks its own
        requests: no walk over the whole conversation (Textual re-checks this binding
        often)."""
        turn = self.running_turn()
        return turn.waiting_permission if turn is not None else None

    def waiting_question(self, typed_at: float | None = None) -> Question | None:
        """What Tab answers: a permission request first (the agent is blocked on it). None
        when the Tab was typed (at ``typed_at``) before it came: that Tab completes."""
        for question in (self.pending_permission(), self.open_ask, self.open_offer):
            if question is not None and question.is_open:
                return question if question.was_there_when(typed_at) else None
        return None

    def answer_question(self, typed_at: float | None = None) -> None:
        """Tab: to the waiting question, or from it back to the prompt."""
        question = self.waiting_question(typed_at)
        if question is None:
            return
        prompt = self.parts.prompt_bar.input
        question.hand_back_to = prompt  # now: the answer key may follow in the same burst
        self._focus_now(prompt if self.app.focused is question else question)

    def _focus_now(self, widget: Widget) -> None:
        """Move the focus before the next key is handled. (``Widget.focus`` defers the move
        to a callback, and keys already queued, such as the `y` right after a Tab, would
        overtake it and land in the old place.)"""
        widget.screen.set_focus(widget)

    def focused(self, widget: Widget) -> None:
        """However it got the focus (Tab, a click), an answered question hands it back."""
        if isinstance(widget, Question):
            widget.hand_back_to = self.parts.prompt_bar.input

    def settled(self, question: Question) -> None:
        if question is self.open_ask:
            self.open_ask = None
        if question is self.open_offer:
            self.open_offer = None
        if self.app.focused is None or self.app.focused is question:
            self._focus_now(self.parts.prompt_bar.input)

    def left(self) -> None:
        self._focus_now(self.parts.prompt_bar.input)

    # -- "shell or agent?" ------------------------------------------------------

    def ask_where(self, route: Route, typed: str, line: str) -> None:
        """Ask where ``line`` goes; what was ``typed`` stays in the prompt, selected, so
        that Enter again takes the recommendation and typing replaces it (dismissing the
        question)."""
        self.lapse()
        recommended: Choice = "agent" if reads_as_request(route.text) else "shell"
        self.open_ask = AskChoice(line, recommended, route.suggestion, route.reason)
        self.open_ask_typed = typed
        self.parts.conversation.add_block(self.open_ask)
        prompt = self.parts.prompt_bar.input
        prompt.value = typed
        prompt.select_all()

    def answer_by_enter(self, text: str) -> bool:
        """Enter on the unchanged ambiguous line: the recommended route. True if taken."""
        ask = self.open_ask
        if ask is None or not ask.is_open or text != self.open_ask_typed:
            return False
        ask.action_recommended()
        return True

    def ask_answered(self) -> None:
        """The line was waiting in the prompt for this answer: it goes now."""
        prompt = self.parts.prompt_bar.input
        if prompt.value == self.open_ask_typed:
            prompt.value = ""

    # -- the after-error offer ----------------------------------------------------

    def show_offer(self, offer: ErrorOffer) -> None:
        self.open_offer = offer
        self._offer_prompt = self.parts.prompt_bar.input.value
        self.parts.conversation.add_block(offer)

    def lapse(self) -> None:
        """Something else was run: open offers and questions about earlier lines lapse."""
        if self.open_offer is not None:
            self.open_offer.dismiss_quietly()
            self.open_offer = None
        if self.open_ask is not None:
            self.open_ask.dismiss()
            self.open_ask = None

    def prompt_edited(self) -> None:
        # The prompt's value now, not the event's: the app's own resets post Changed
        # events too, and by the time they arrive the line may be back.
        value = self.parts.prompt_bar.input.value
        ask = self.open_ask
        if ask is not None and value != self.open_ask_typed:
            ask.dismiss()
        offer = self.open_offer
        if offer is not None and value != self._offer_prompt:
            offer.dismiss_quietly()

    def forget(self) -> None:
        """The session changed: its questions are gone with its conversation."""
        self.open_offer = self.open_ask = None
