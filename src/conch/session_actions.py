"""Sessions from inside the app: the picker (Ctrl+O, /sessions), /new, /fork, /rename.

Opening another session restarts the app around it (cli.run_app's loop): its own bash in
its stored directory, its own agent, its conversation rebuilt from the journal. Nothing of
the session being left is lost: it is all in the journal already.
"""

from __future__ import annotations

from dataclasses import dataclass

from conch.session_binding import SessionBinding
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.widgets.fork_picker import ForkPicker
from conch.widgets.session_picker import PickerResult, SessionPicker


@dataclass(frozen=True)
class SessionSwitch:
    """What the app asked for when it exited: another session, or a new one."""

    session_id: str | None
    """None: a new session."""


class SessionActions(SessionBinding):
    switch_to: SessionSwitch | None = None

    def action_sessions(self) -> None:
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return

        def picked(result: PickerResult | None) -> None:
            self.prompt_bar.input.focus()
            if result is not None and result.session_id != current:
                self._switch(SessionSwitch(result.session_id))

        self.push_screen(SessionPicker(journal, current), picked)

    def new_session(self) -> None:
        if self._journal_and_session()[0] is not None:
            self._switch(SessionSwitch(None))

    def fork_session(self) -> None:
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return
        view = rebuild_conversation(journal.events(current))

        def chosen(at_index: int | None) -> None:
            self.prompt_bar.input.focus()
            if at_index is None:
                return
            fork = self.record(lambda recorder: journal.fork(current, at_index))
            if fork is not None:
                journal.release(fork.id)  # claimed again when the app reopens on it
                self._switch(SessionSwitch(fork.id))  # the fork's own first event says so

        self.push_screen(ForkPicker(view), chosen)

    def rename_session(self, title: str) -> None:
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return
        if not title:
            self.tell("/rename needs a title: /rename fix the login tests", "warning")
            return
        if self.record(lambda recorder: journal.rename(current, title)) is not None:
            self.tell(f"This session is now called “{title}”.")

    def _journal_and_session(self) -> tuple[Journal, str] | tuple[None, None]:
        journal = self.link.journal
        if journal is None or self.recorder is None:
            why = self.link.problem or "this session is not being saved"
            self.tell(f"Sessions are not available: {why}.", "warning")
            return None, None
        return journal, self.recorder.session_id

    def _switch(self, switch: SessionSwitch) -> None:
        if self.running_block is not None:
            self.tell("A command is still running: finish or interrupt it (Ctrl+C) first.",
                      "warning")  # fmt: skip
            return
        self.switch_to = switch
        self.exit()
