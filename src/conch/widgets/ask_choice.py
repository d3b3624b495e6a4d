"""Auto mode was not sure where a line goes: ask, with one key.

Enter takes the recommended choice; `s` runs the line in the shell, `a` sends
it to the agent, `c` runs the suggested correction (for a mistyped command),
Esc puts the line back in the prompt. Nothing runs before the user answers.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from conch.widgets.type_ahead import TypeAheadGuard

Choice = Literal["shell", "agent", "edit"]
# Keys within this long after the question appears were typed ahead: ignored.
ANSWER_GUARD = 0.25


class AskChoice(Vertical, can_focus=True):
    DEFAULT_CSS = """
    AskChoice {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        border: round $accent;
        background: $surface;
    }
    AskChoice > .ask-line { text-style: bold; }
    AskChoice > .ask-keys { color: $text-muted; }
    AskChoice.-answered { border: none; border-left: outer $accent; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "recommended", "Recommended"),
        Binding("s", "choose('shell')", "Shell"),
        Binding("a", "choose('agent')", "Agent"),
        Binding("c", "correct", "Correction", show=False),
        Binding("escape", "choose('edit')", "Edit"),
    ]

    class Chosen(Message):
        """The user answered: run ``text`` in the shell, send it to the agent, or edit it."""

        def __init__(self, choice: Choice, text: str) -> None:
            super().__init__()
            self.choice: Choice = choice
            self.text = text

    def __init__(self, line: str, recommended: Choice, suggestion: str | None = None) -> None:
        super().__init__()
        self.line = line
        self.recommended = recommended
        self.suggestion = suggestion
        self.answered = False
        self._guard = TypeAheadGuard(ANSWER_GUARD)

    def compose(self) -> ComposeResult:
        yield Static("Run this in the shell, or send it to the agent?", markup=False)
        yield Static(self.line, classes="ask-line", markup=False)
        keys = [f"Enter: {self.recommended} (recommended)", "s: shell", "a: agent"]
        if self.suggestion:
            keys.append(f"c: run `{self.suggestion}`")
        keys.append("Esc: edit")
        yield Static("   ".join(keys), classes="ask-keys", markup=False)

    def on_mount(self) -> None:
        self._guard.restart()
        self.focus()

    def action_recommended(self) -> None:
        self.action_choose(self.recommended)

    def action_correct(self) -> None:
        if self.suggestion:
            self._answer("shell", self.suggestion)

    def action_choose(self, choice: Choice) -> None:
        self._answer(choice, self.line)

    def _answer(self, choice: Choice, text: str) -> None:
        if self.answered or not self._guard.accepts_keys:
            return
        self.answered = True
        self.post_message(self.Chosen(choice, text))
        self.add_class("-answered")
        self.can_focus = False
        self.remove_children()
        outcome = {"shell": "ran in the shell", "agent": "sent to the agent", "edit": "edited"}
        self.mount(Static(f"{text}  → {outcome[choice]}", markup=False))
