"""Auto mode was not sure where a line goes: ask, and say why.

A Question, so it never takes keys typed at the prompt. The line stays in the prompt,
selected: Enter on the unchanged line takes the recommended choice, and typing (or any
edit) replaces or changes the line, which dismisses the question (the app does both).
Tab gives the box the focus; then Enter takes the recommendation, `s` runs the line in
the shell, `a` sends it to the agent, `c` runs the suggested correction, Esc goes back
to the prompt. Nothing runs before the user answers.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from conch.tui.widgets.question import Question

Choice = Literal["shell", "agent"]
_OUTCOMES = {"shell": "ran in the shell", "agent": "sent to the agent"}


class AskChoice(Question):
    DEFAULT_CSS = """
    AskChoice {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        border: round $accent;
        background: $surface;
    }
    AskChoice:focus { border: double $accent; }
    AskChoice > .ask-line { text-style: bold; }
    AskChoice > .ask-reason, AskChoice > .ask-keys { color: $text-muted; }
    AskChoice.-answered { border: none; border-left: outer $accent; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "recommended", "Recommended"),
        Binding("s", "choose('shell')", "Shell"),
        Binding("a", "choose('agent')", "Agent"),
        Binding("c", "correct", "Correction", show=False),
        Binding("escape", "leave", "Back to the prompt"),
    ]

    class Chosen(Message):
        """The user answered: run ``text`` in the shell, or send it to the agent."""

        def __init__(self, choice: Choice, text: str) -> None:
            super().__init__()
            self.choice: Choice = choice
            self.text = text

    def __init__(
        self, line: str, recommended: Choice, suggestion: str | None = None, reason: str = ""
    ) -> None:
        super().__init__()
        self.line = line
        self.recommended = recommended
        self.suggestion = suggestion
        self.reason = reason
        """Why the router could not tell (shown, so the question makes sense)."""

    @property
    def answered(self) -> bool:
        return self.settled

    def compose(self) -> ComposeResult:
        yield Static("Run this in the shell, or send it to the agent?", markup=False)
        yield Static(self.line, classes="ask-line", markup=False)
        if self.reason:
            yield Static(f"Not sure: {self.reason}.", classes="ask-reason", markup=False)
        keys = [f"Enter again: {self.recommended} (recommended)", "Tab, then s: shell",
                "a: agent"]  # fmt: skip
        if self.suggestion:
            keys.append(f"c: run `{self.suggestion}`")
        keys.append("editing the line dismisses")
        yield Static(" · ".join(keys), classes="ask-keys", markup=False)

    def action_recommended(self) -> None:
        self.action_choose(self.recommended)

    def action_correct(self) -> None:
        if self.suggestion:
            self._answer("shell", self.suggestion)

    def action_choose(self, choice: Choice) -> None:
        self._answer(choice, self.line)

    def dismiss(self) -> None:
        """The user edited the line instead of answering: nothing is sent anywhere."""
        if self.settle():
            self._show(f"{self.line}  → dismissed (the line was edited)")

    def _answer(self, choice: Choice, text: str) -> None:
        if not self.settle():
            return
        self.post_message(self.Chosen(choice, text))
        self._show(f"{text}  → {_OUTCOMES[choice]}")

    def _show(self, outcome: str) -> None:
        self.add_class("-answered")
        self.remove_children()
        self.mount(Static(outcome, markup=False))
