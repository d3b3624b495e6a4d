"""The app's side of the questions it asks: which one Tab answers, and when they lapse.

Questions (permission requests, "shell or agent?", the after-error offer) never take
the focus themselves (see widgets/question.py). Here: Tab gives the waiting one the focus
(and gives it back to the prompt), an answered one hands the focus back to the prompt,
Enter on the ambiguous line still in the prompt takes the recommended route, and an edit
of the prompt makes an open "shell or agent?" or after-error offer lapse.
"""

from __future__ import annotations

from textual import events, on
from textual.widget import Widget
from textual.widgets import Input

from conch.tui.app_base import ConchAppBase
from conch.tui.widgets.ask_choice import AskChoice, Choice
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.question import Question
from conch_plugins.shell_mode.natural_language import reads_as_request
from conch_plugins.shell_mode.routing import Route


class QuestionKeys(ConchAppBase):
    _open_ask: AskChoice | None = None
    """The latest "shell or agent?" question; its line waits in the prompt, selected."""
    _open_ask_typed = ""
    """The line exactly as typed (what the prompt holds while the question is open)."""
    _open_offer: ErrorOffer | None = None
    """The latest offer under a failed command; an edit or the next command makes it lapse."""
    _offer_prompt = ""
    """What the prompt held when the offer appeared: a change of it is an edit."""

    def pending_permission(self) -> PermissionPrompt | None:
        """The waiting permission request, if any. Only the running turn can ask,
        and it tracks its own requests: no walk over the whole conversation
        (Textual re-checks this binding often)."""
        turn = self.agents.current
        return turn.waiting_permission if turn is not None else None

    def waiting_question(self) -> Question | None:
        """What Tab answers: a permission request first (the agent is blocked on it)."""
        for question in (self.pending_permission(), self._open_ask, self._open_offer):
            if question is not None and question.is_open:
                return question
        return None

    def action_answer_question(self) -> None:
        """Tab: to the waiting question, or from it back to the prompt."""
        question = self.waiting_question()
        if question is None:
            return
        prompt = self.prompt_bar.input
        question.hand_back_to = prompt  # now: the answer key may follow in the same burst
        self._focus_now(prompt if self.focused is question else question)

    def _focus_now(self, widget: Widget) -> None:
        """Move the focus before the next key is handled. (``Widget.focus`` defers the move
        to a callback, and keys already queued, such as the `y` right after a Tab, would
        overtake it and land in the old place.)"""
        widget.screen.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer_question":
            return self.waiting_question() is not None
        return super().check_action(action, parameters)

    @on(events.DescendantFocus)
    def _question_focused(self, event: events.DescendantFocus) -> None:
        # However it got the focus (Tab, a click), an answered question hands it back here.
        if isinstance(event.widget, Question):
            event.widget.hand_back_to = self.prompt_bar.input

    def on_question_settled(self, message: Question.Settled) -> None:
        if message.question is self._open_ask:
            self._open_ask = None
        if message.question is self._open_offer:
            self._open_offer = None
        if self.focused is None or self.focused is message.question:
            self._focus_now(self.prompt_bar.input)

    def on_question_left(self, _message: Question.Left) -> None:
        self._focus_now(self.prompt_bar.input)

    # -- "shell or agent?" ------------------------------------------------------

    def ask_where(self, route: Route, typed: str, line: str) -> None:
        """Ask where ``line`` goes; what was ``typed`` stays in the prompt, selected, so
        that Enter again takes the recommendation and typing replaces it (dismissing the
        question)."""
        self.lapse_questions()
        recommended: Choice = "agent" if reads_as_request(route.text) else "shell"
        self._open_ask = AskChoice(line, recommended, route.suggestion, route.reason)
        self._open_ask_typed = typed
        self.conversation.add_block(self._open_ask)
        prompt = self.prompt_bar.input
        prompt.value = typed
        prompt.select_all()

    def answer_by_enter(self, text: str) -> bool:
        """Enter on the unchanged ambiguous line: the recommended route. True if taken."""
        ask = self._open_ask
        if ask is None or not ask.is_open or text != self._open_ask_typed:
            return False
        ask.action_recommended()
        return True

    # -- the after-error offer ----------------------------------------------------

    def show_offer(self, offer: ErrorOffer) -> None:
        self._open_offer = offer
        self._offer_prompt = self.prompt_bar.input.value
        self.conversation.add_block(offer)

    def lapse_questions(self) -> None:
        """Something else was run: open offers and questions about earlier lines lapse."""
        if self._open_offer is not None:
            self._open_offer.dismiss_quietly()
            self._open_offer = None
        if self._open_ask is not None:
            self._open_ask.dismiss()
            self._open_ask = None

    @on(Input.Changed, "#prompt-input")
    def _edits_dismiss_questions(self, _event: Input.Changed) -> None:
        # The prompt's value now, not the event's: the app's own resets post Changed
        # events too, and by the time they arrive the line may be back.
        value = self.prompt_bar.input.value
        ask = self._open_ask
        if ask is not None and value != self._open_ask_typed:
            ask.dismiss()
        offer = self._open_offer
        if offer is not None and value != self._offer_prompt:
            offer.dismiss_quietly()
