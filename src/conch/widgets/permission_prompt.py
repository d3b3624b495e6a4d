"""The agent asks before a tool acts: show the tool and its diff, take one key.

Resolves a future with the user's Decision; then shrinks to a one-line record
of what was decided.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from conch.agents.events import Decision, PermissionOption, PermissionRequest
from conch.widgets.diff_view import DiffView
from conch.widgets.type_ahead import TypeAheadGuard, user_is_typing

# Seconds after a request appears during which its answer keys are ignored.
ANSWER_GUARD = 0.4

_LETTERS = {"allow_once": "y", "allow_always": "a", "reject_once": "n", "reject_always": "N"}


class PermissionPrompt(Vertical, can_focus=True):
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
        self._guard = TypeAheadGuard(ANSWER_GUARD)

    @classmethod
    def answered(cls, request: PermissionRequest, outcome: str) -> PermissionPrompt:
        """The one-line record of a request answered before this view existed (a restored
        turn): what was chosen (``outcome``) for which tool; it takes no keys."""
        prompt = cls(request, None)
        prompt._outcome = outcome
        prompt.add_class("-decided")
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
        return "   ".join(self._label(i, option) for i, option in enumerate(self.request.options))

    def on_mount(self) -> None:
        if self._outcome is not None:
            return  # a record: nothing to answer, so it never takes the focus
        self._guard.restart()
        if user_is_typing(self.app):
            # The user is typing: do not pull their keys into this request.
            keys = self.query_one(".permission-keys", Static)
            keys.update(self._keys_text() + "   (Tab to answer)")
            return
        self.focus()

    def _label(self, index: int, option: PermissionOption) -> str:
        letter = _LETTERS.get(option.option_kind)
        keys = f"{index + 1}" + (f"/{letter}" if letter else "")
        return f"[{keys}] {option.name}"

    def action_choose(self, index: int) -> None:
        if self._guard.accepts_keys and 0 <= index < len(self.request.options):
            self._decide(self.request.options[index])

    def action_choose_kind(self, kind: str) -> None:
        if not self._guard.accepts_keys:
            return
        for option in self.request.options:
            if option.option_kind == kind:
                self._decide(option)
                return

    def _decide(self, option: PermissionOption) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(Decision(option.option_id, option.option_kind))
        self.show_outcome(option.name)

    def show_outcome(self, what: str) -> None:
        """Shrink to one line: what was decided for which tool."""
        self.add_class("-decided")
        self.can_focus = False
        self.remove_children()
        self.mount(Static(f"{what}: {self.request.tool_call.title}", markup=False))
