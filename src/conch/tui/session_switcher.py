"""Sessions from inside the app: the picker (Ctrl+O, /sessions), /new, /fork, /rename.

Opening another session happens in place: the agent and the bash of the session being left
are closed (everything of it is in the journal already), the chosen session is claimed, its
conversation is rebuilt on screen, and a new bash starts where its last one was. The terminal
is never handed back in between, so keys typed meanwhile land in the prompt.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import work

from conch.agent_runner import AgentRunner
from conch.agents.shell_context import ShellContextLog
from conch.session_link import SessionLink, link_session
from conch.sessions.errors import JournalError
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.startup import open_at_start
from conch.tui.session_binding import SessionBinding
from conch.tui.widgets.fork_picker import ForkPicker
from conch.tui.widgets.session_picker import PickerResult, SessionPicker


@dataclass(frozen=True)
class SessionSwitch:
    """Where to go: another session, or a new one."""

    session_id: str | None
    """None: a new session."""


class SessionActions(SessionBinding):
    switches = 0
    """Sessions switched to in this process (tests wait on it)."""
    switching = False
    """A switch is under way: a line submitted now stays in the prompt."""

    def action_sessions(self) -> None:
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return

        def picked(result: PickerResult | None) -> None:
            self.prompt_bar.input.focus()
            if result is None or result.session_id == current:
                return
            if result.action == "fork":
                journal.release(result.session_id)  # claimed again as it is opened
            self._switch(SessionSwitch(result.session_id))

        self.push_screen(SessionPicker(journal, current), picked)

    def new_session(self) -> None:
        if self._journal_and_session()[0] is not None:
            self._switch(SessionSwitch(None))

    def fork_session(self) -> None:
        journal, current = self._journal_and_session()
        if journal is not None and current is not None:
            self._choose_fork_point(journal, current)

    @work(exclusive=True, group="fork")
    async def _choose_fork_point(self, journal: Journal, current: str) -> None:
        view = await asyncio.to_thread(lambda: rebuild_conversation(journal.events(current)))

        def chosen(at_index: int | None) -> None:
            self.prompt_bar.input.focus()
            if at_index is None:
                return
            fork = self.record(lambda recorder: journal.fork(current, at_index))
            if fork is not None:
                journal.release(fork.id)  # claimed again as it is opened
                self._switch(SessionSwitch(fork.id))  # the fork's first event says what it is

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
        if self.refuse_while_agent_works():
            return
        self._open_in_place(switch)

    @work(exclusive=True, group="switch")
    async def _open_in_place(self, switch: SessionSwitch) -> None:
        self.switching = True
        try:
            await self._open(switch)
        finally:
            self.switching = False

    async def _open(self, switch: SessionSwitch) -> None:
        journal = self.link.journal
        recorder = self.recorder
        if journal is None or recorder is None:
            return
        mode = self.mode_provider.mode.value
        agent = self.agent_choice.spec.name if self.agent_choice.spec else ""
        new, resume = switch.session_id is None, switch.session_id

        def open_next() -> SessionLink:
            opened = open_at_start(journal, self.start_cwd, mode, agent, new=new, resume=resume)
            return link_session(journal, opened)

        try:
            link = await asyncio.to_thread(open_next)
        except JournalError as error:
            self.tell(f"Could not open that session: {error}", "error")
            return
        leaving = recorder.session_id
        self.record(lambda _: journal.set_status(leaving, "idle"))
        journal.release(leaving)
        await self._close_session_parts()
        self.bind_session(link)
        self.session = self.make_shell_session()
        await self.conversation.remove_children()
        self.conversation.follow()  # the next session opens at its bottom, wherever this was
        self.restore_session()
        self._start_shell()
        self.switches += 1
        self.prompt_bar.input.focus()

    async def _close_session_parts(self) -> None:
        """The old session's agent and bash go; what they knew is in the journal."""
        await self.agents.close()
        self.workers.cancel_group(self, "agents")
        self.agents = AgentRunner(self._make_backend, journal=self)
        self._run_agent_turns()
        await asyncio.to_thread(self.session.close)
        self.shell_context = ShellContextLog()
        self.forget_session_state()
