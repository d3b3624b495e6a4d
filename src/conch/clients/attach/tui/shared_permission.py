"""A permission request every controller of a host session sees; the host takes one answer.

Like the app's box (widgets/permission_prompt.py), and under the same rule: it answers only
keys pressed while it holds the focus, which it gets only by the user's act (Tab), so
nothing typed at the prompt ever answers it. Unlike it, a key does not settle it: it asks
for an answer (``Chosen``) and gives the keys back to the prompt at once, as the app's box
does (keys typed in the same burst are the prompt's); the box settles when the journal says
what was decided and by whom, in every client alike. A client whose key came too late
(another answered first) says so on the box. An observer's box shows the request and takes no keys.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Static

from conch.agents.events import PermissionOption, PermissionRequest
from conch.tui.widgets.permission_prompt import PermissionPrompt

OBSERVER_KEYS = "observing: a controller answers this"
FOCUSED_KEYS = "▶ keys go to this box: "


class LateNote(Static):
    """This user's key came too late: another client answered first."""

    DEFAULT_CSS = """
    LateNote { color: $error; }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)


class SharedPermission(PermissionPrompt):
    class Chosen(Message):
        """The user picked ``option_id`` on this box: the client asks the host."""

        def __init__(self, box: SharedPermission, option_id: str) -> None:
            super().__init__()
            self.box = box
            self.option_id = option_id

        @property
        def control(self) -> SharedPermission:
            return self.box

    def __init__(
        self, request: PermissionRequest, turn: int, base: str | None, *, can_answer: bool
    ) -> None:
        super().__init__(request, None, base)
        self.turn = turn
        """The journal index of the asking turn's prompt (with the tool call: its id)."""
        self.can_answer = can_answer
        self.can_focus = can_answer
        self.sent = False
        """An answer went to the host: later keys are the prompt's while it decides."""
        self.late_note = ""

    @property
    def takes_keys(self) -> bool:
        return super().takes_keys and not self.sent

    @property
    def tool_call_id(self) -> str:
        return self.request.tool_call.tool_call_id

    def _keys_text(self) -> str:
        return super()._keys_text() if self.can_answer else OBSERVER_KEYS

    def on_focus(self) -> None:
        """Say that the keys are the box's now (a border colour alone is easy to miss)."""
        if not self.settled:
            keys = super()._keys_text().replace("Tab, then: ", FOCUSED_KEYS, 1)
            self.query_one(".permission-keys", Static).update(keys)

    def on_blur(self) -> None:
        if not self.settled:
            self.query_one(".permission-keys", Static).update(self._keys_text())

    def _decide(self, option: PermissionOption) -> None:
        if self.settled or self.sent or not self.can_answer:
            return
        self.sent = True
        self._hand_back()
        self.post_message(self.Chosen(self, option.option_id))

    def refused(self, why: str) -> None:
        """The host did not take this client's answer (``why``: who answered first)."""
        self.sent = False
        self._note_late(why)

    def decided(self, outcome: str, by: str, *, mine: bool) -> None:
        """The journal's decision, final: ``outcome`` says what and by whom. When the user
        had the box in hand and ``by`` someone else answered, the box says they were first."""
        if not mine and (self.has_focus or self.sent) and not self.late_note:
            self.late_note = (
                f"✗ already answered by {by or 'another client'}: your key was not taken"
            )
        self.query(LateNote).remove()
        self.show_outcome(outcome)
        if self.late_note:
            self.mount(LateNote(self.late_note))

    def _note_late(self, why: str) -> None:
        note = f"✗ {why}"
        if note == self.late_note:
            return
        self.late_note = note
        self.query(LateNote).remove()
        self.mount(LateNote(note))
