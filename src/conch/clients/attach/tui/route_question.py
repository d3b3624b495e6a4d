"""Auto mode's "shell or agent?" in the attach client: the host said ``ask``.

As in the app (tui/question_controller.py): the box never takes keys typed at the prompt;
the line stays in the prompt, selected, so Enter again on the unchanged line takes the
recommended route, any edit dismisses the question, and Tab gives the box the focus for
its own keys (s, a, c). Only the line's journey differs: the answer goes back to the host
as a ``submit`` in the chosen mode.
"""

from __future__ import annotations

from textual.widgets import Input

from conch.clients.attach.tui.session_view import SessionView
from conch.tui.widgets.ask_choice import AskChoice, Choice
from conch_plugins.shell_mode.natural_language import reads_as_request


class RouteQuestion:
    """The open "shell or agent?" box, if any, and the line it is about."""

    def __init__(self, prompt: Input, view: SessionView) -> None:
        self.prompt = prompt
        self.view = view
        self.open: AskChoice | None = None
        self.typed = ""
        """The line as typed (what the prompt holds while the question is open)."""

    def ask(self, typed: str, line: str, reason: str, suggestion: str | None) -> AskChoice:
        """Show the question under the conversation; the typed line waits in the prompt."""
        self.lapse()
        recommended: Choice = "agent" if reads_as_request(line) else "shell"
        self.open = AskChoice(line, recommended, suggestion, reason)
        self.typed = typed
        self.view.conversation.add_block(self.open)
        self.prompt.value = typed
        self.prompt.select_all()
        return self.open

    def waiting(self) -> AskChoice | None:
        return self.open if self.open is not None and self.open.is_open else None

    def answer_by_enter(self, text: str) -> bool:
        """Enter on the unchanged line: the recommended route (True if taken)."""
        ask = self.waiting()
        if ask is None or text != self.typed:
            return False
        ask.action_recommended()
        return True

    def answered(self) -> None:
        """The line goes now: it leaves the prompt if it still waits there."""
        if self.prompt.value == self.typed:
            self.prompt.value = ""
        self.open = None

    def prompt_changed(self) -> None:
        """Any edit of the waiting line dismisses the question (nothing is sent)."""
        ask = self.waiting()
        if ask is not None and self.prompt.value != self.typed:
            self.lapse()

    def lapse(self) -> None:
        if self.open is not None:
            self.open.dismiss()
            self.open = None
