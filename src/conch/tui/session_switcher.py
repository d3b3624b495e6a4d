"""Sessions from inside the app: the picker (Ctrl+O, /sessions), /new, /fork, /rename.

Opening another session happens in place: the agent and the bash of the session being left
are closed (everything of it is in the journal already), the chosen session is claimed, its
conversation is rebuilt on screen, and a new bash starts where its last one was. The terminal
is never handed back in between, so keys typed meanwhile land in the prompt.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual.app import App

from conch.session_link import SessionLink, link_session
from conch.sessions.errors import JournalError
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.startup import open_at_start
from conch.tui.agent_controller import AgentController
from conch.tui.completion_controller import CompletionController
from conch.tui.question_controller import QuestionController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.fork_picker import ForkPicker
from conch.tui.widgets.session_picker import PickerResult, SessionPicker


@dataclass(frozen=True)
class SessionSwitch:
    """Where to go: another session, or a new one."""

    session_id: str | None
    """None: a new session."""


class SessionSwitcher:
    """Leaves the session on screen for another (or a new one), in place."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        binding: SessionBinding,
        shell: ShellController,
        agent: AgentController,
        questions: QuestionController,
        completion: CompletionController,
        start_cwd: str,
    ) -> None:
        self.app = app
        self.parts = parts
        self.binding = binding
        self.shell = shell
        self.agent = agent
        self.questions = questions
        self.completion = completion
        self.start_cwd = start_cwd
        self.switches = 0
        """Sessions switched to in this process (tests wait on it)."""
        self.switching = False
        """A switch is under way: a line submitted now stays in the prompt."""

    def show_picker(self) -> None:
        """Ctrl+O, /sessions: the picker; the chosen session (or a fork of it) opens."""
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return

        def picked(result: PickerResult | None) -> None:
            self.parts.prompt_bar.input.focus()
            if result is None or result.session_id == current:
                return
            if result.action == "fork":
                journal.release(result.session_id)  # claimed again as it is opened
            self._switch(SessionSwitch(result.session_id))

        self.app.push_screen(SessionPicker(journal, current), picked)

    def new(self) -> None:
        if self._journal_and_session()[0] is not None:
            self._switch(SessionSwitch(None))

    def fork(self) -> None:
        journal, current = self._journal_and_session()
        if journal is not None and current is not None:
            choose = self._choose_fork_point(journal, current)
            self.app.run_worker(choose, exclusive=True, group="fork")

    async def _choose_fork_point(self, journal: Journal, current: str) -> None:
        view = await asyncio.to_thread(lambda: rebuild_conversation(journal.events(current)))

        def chosen(at_index: int | None) -> None:
            self.parts.prompt_bar.input.focus()
            if at_index is None:
                return
            fork = self.binding.record(lambda recorder: journal.fork(current, at_index))
            if fork is not None:
                journal.release(fork.id)  # claimed again as it is opened
                self._switch(SessionSwitch(fork.id))  # the fork's first event says what it is

        self.app.push_screen(ForkPicker(view), chosen)

    def rename(self, title: str) -> None:
        journal, current = self._journal_and_session()
        if journal is None or current is None:
            return
        if not title:
            self.binding.tell("/rename needs a title: /rename fix the login tests", "warning")
            return
        if self.binding.record(lambda recorder: journal.rename(current, title)) is not None:
            self.binding.tell(f"This session is now called “{title}”.")

    def _journal_and_session(self) -> tuple[Journal, str] | tuple[None, None]:
        journal = self.binding.link.journal
        recorder = self.binding.recorder
        if journal is None or recorder is None:
            why = self.binding.link.problem or "this session is not being saved"
            self.binding.tell(f"Sessions are not available: {why}.", "warning")
            return None, None
        return journal, recorder.session_id

    def _switch(self, switch: SessionSwitch) -> None:
        if self.shell.running_block is not None:
            self.binding.tell("A command is still running: finish or interrupt it (Ctrl+C) "
                              "first.", "warning")  # fmt: skip
            return
        if self.agent.refuse_while_working():
            return
        self.app.run_worker(self._open_in_place(switch), exclusive=True, group="switch")

    async def _open_in_place(self, switch: SessionSwitch) -> None:
        self.switching = True
        try:
            await self._open(switch)
        finally:
            self.switching = False

    async def _open(self, switch: SessionSwitch) -> None:
        binding = self.binding
        journal = binding.link.journal
        recorder = binding.recorder
        if journal is None or recorder is None:
            return
        mode = self.parts.mode_provider.mode.value
        spec = self.agent.choice.spec
        agent = spec.name if spec else ""
        new, resume = switch.session_id is None, switch.session_id

        def open_next() -> SessionLink:
            opened = open_at_start(journal, self.start_cwd, mode, agent, new=new, resume=resume)
            return link_session(journal, opened)

        try:
            link = await asyncio.to_thread(open_next)
        except JournalError as error:
            binding.tell(f"Could not open that session: {error}", "error")
            return
        leaving = recorder.session_id
        binding.record(lambda _: journal.set_status(leaving, "idle"))
        journal.release(leaving)
        await self._close_session_parts()
        binding.bind(link)
        self.shell.bash = self.shell.new_bash(link)
        conversation = self.parts.conversation
        await conversation.remove_children()
        conversation.follow()  # the next session opens at its bottom, wherever this was
        binding.restore()
        self.shell.start()
        self.switches += 1
        self.parts.prompt_bar.input.focus()

    async def _close_session_parts(self) -> None:
        """The old session's agent and bash go; what they knew is in the journal."""
        await self.agent.start_over()
        await asyncio.to_thread(self.shell.bash.close)
        self.questions.forget()
        self.completion.forget()
