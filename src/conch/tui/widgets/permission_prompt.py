"""The agent asks before a tool acts: show the tool and its diff; Tab, then one key.

A Question: it answers only keys pressed while the user has given it the focus (Tab),
so nothing typed at the prompt ever allows or rejects a tool. Resolves a future with
the user's Decision; then shrinks, for good, to a one-line record of what was decided,
with the option's own label (the journal keeps it, so a restored session reads the same).
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from conch.agents.events import Decision, PermissionOption, PermissionRequest
from conch.tui.widgets.diff_view import DiffView
from conch.tui.widgets.question import Question

_LETTERS = {"allow_once": "y", "allow_always": "a", "reject_once": "n", "reject_always": "N"}


class PermissionPrompt(Question):
    DEFAULT_CSS = """
    PermissionPrompt {
        height: auto;
        margin: 0 0 0 1;
        padding: 0 1;
        border: round $warning;
        background: $surface;
    }
    PermissionPrompt:focus { border: round $accent; }
    PermissionPrompt > .permission-title { text-style: bold; color: $warning; }
    PermissionPrompt > .permission-reason { color: $error; }
    PermissionPrompt > .permission-keys { color: $text; margin-top: 1; }
    PermissionPrompt.-decided { border: none; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 10)),
        Binding("y", "choose_kind('allow_once')", "Allow once"),
        Binding("a", "choose_kind('allow_always')", "Always"),
        Binding("n", "choose_kind('reject_once')", "Reject"),
    ]

    def __init__(
        self,
        request: PermissionRequest,
        answer: asyncio.Future[Decision] | None,
        base: str | None = None,
    ) -> None:
        """``answer`` None: nothing waits for this request (see ``answered``)."""
        super().__init__()
        self.base = base
        self.request = request
        self.answer = answer
        self._outcome: str | None = None

    @classmethod
    def answered(cls, request: PermissionRequest, outcome: str) -> PermissionPrompt:
        """The one-line record of a request answered before this view existed (a restored
        turn): what was chosen (``outcome``) for which tool; it takes no keys."""
        prompt = cls(request, None)
        prompt._outcome = outcome
        prompt.add_class("-decided")
        prompt.settled = True
        prompt.can_focus = False
        return prompt

    def compose(self) -> ComposeResult:
        call = self.request.tool_call
        if self._outcome is not None:
            yield Static(f"{self._outcome}: {call.title}", markup=False)
            return
        yield Static(f"Allow the agent to run: {call.title}?", classes="permission-title")
        if self.request.reason:
            yield Static(f"⚠ {self.request.reason}", classes="permission-reason")
        if call.raw_input and not call.diffs:
            yield Static(call.raw_input, markup=False)
        for diff in call.diffs:
            yield DiffView(diff, self.base)
        yield Static(self._keys_text(), classes="permission-keys", markup=False)

    def _keys_text(self) -> str:
        options = "   ".join(self._label(i, o) for i, o in enumerate(self.request.options))
        return f"Tab, then: {options}   (Esc: back to the prompt)"

    def _label(self, index: int, option: PermissionOption) -> str:
        letter = _LETTERS.get(option.option_kind)
        keys = f"{index + 1}" + (f"/{letter}" if letter else "")
        return f"[{keys}] {option.name}"

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self.request.options):
            self._decide(self.request.options[index])

    def action_choose_kind(self, kind: str) -> None:
        for option in self.request.options:
            if option.option_kind == kind:
                self._decide(option)
                return

    def _decide(self, option: PermissionOption) -> None:
        if self.settled:
            return  # final: a later key never relabels what was decided
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(Decision(option.option_id, option.option_kind))
        self.show_outcome(option.name)

    def show_outcome(self, what: str) -> None:
        """Shrink, for good, to one line: what was decided for which tool."""
        if not self.settle():
            return
        self.add_class("-decided")
        self.remove_children()
        self.mount(Static(f"{what}: {self.request.tool_call.title}", markup=False))
