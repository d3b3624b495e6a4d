"""Where a line submitted at the prompt goes: the running command, a slash command, the
shell, the agent, or a question first ("shell or agent?").

``dispatch`` reads top to bottom; each branch hands the line to the controller that owns
what happens next. Routing itself is the shell-mode plugin's (``conch_route_line``); this
module never guesses.
"""

from __future__ import annotations

import pluggy
from textual.app import App

from conch.agents.shell_context import is_private
from conch.config import ConchConfig
from conch.history import HistoryStore
from conch.secret_masking import MASK
from conch.slash_commands import parse_slash
from conch.tui.agent_controller import AgentController
from conch.tui.question_controller import QuestionController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.session_switcher import SessionSwitcher
from conch.tui.shell_controller import ShellController
from conch.tui.slash_actions import SlashActions
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import Target

QUIT_WORDS = frozenset({"exit", "quit"})


class LineDispatcher:
    """Sends each submitted line to its one destination, journaling and remembering it."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        config: ConchConfig,
        plugins: pluggy.PluginManager,
        history: HistoryStore,
        binding: SessionBinding,
        shell: ShellController,
        agent: AgentController,
        questions: QuestionController,
        sessions: SessionSwitcher,
        slash: SlashActions,
    ) -> None:
        self.app = app
        self.parts = parts
        self.config = config
        self.plugins = plugins
        self.history = history
        self.binding = binding
        self.shell = shell
        self.agent = agent
        self.questions = questions
        self.sessions = sessions
        self.slash = slash

    async def dispatch(self, text: str) -> None:
        prompt = self.parts.prompt_bar.input
        if self.sessions.switching:
            return  # the session is changing: the line stays in the prompt for Enter again
        if self.questions.answer_by_enter(text):
            prompt.value = ""
            return
        prompt.value = ""
        self.parts.conversation.follow()  # Enter brings back the bottom, where the line shows
        if self.shell.running_block is not None:
            if not self.shell.send_line(text):
                prompt.value = text  # the command ended first: keep it
            return
        if not text.strip() or self._refuse_masked(text):
            return
        self.parts.prompt_bar.forget_recall()
        await self._route(text, self.parts.mode_provider.mode)

    async def _route(self, text: str, mode: ExecutionMode) -> None:
        private = is_private(text, self.config.agent.private_prefix)
        cwd = self.parts.cwd_provider.cwd
        if not private:  # like bash's ignorespace: neither in history nor in the journal
            self.history.append(text, mode.value, cwd)

        def record_input() -> None:
            if not private:
                self.binding.record(lambda recorder: recorder.user_input(text, mode.value, cwd))

        slash = parse_slash(text) if mode is not ExecutionMode.SHELL else None
        if slash is not None:
            record_input()
            await self.slash.run(*slash)
            return
        route = self.plugins.hook.conch_route_line(
            line=text, mode=mode, index=self.shell.bash.index
        )
        if route.target is not Target.SHELL:
            record_input()  # a command's is journaled with its start, off the event loop
        if route.target is Target.ASK and self.agent.choice.spec is not None:
            # A private line keeps its prefix, so that it stays private if run in the shell.
            self.questions.ask_where(route, text, text if private else route.text)
        elif route.target is Target.ASK:  # no agent: the shell is all there is
            self.shell.run(route.text, raw_line=text)
        elif route.target is Target.SHELL:
            self.shell.run(route.text, raw_line=text, journal_first=record_input)
        elif route.text.strip().lower() in QUIT_WORDS:
            self.app.exit()
        else:
            self.agent.ask(route.text)

    def _refuse_masked(self, text: str) -> bool:
        """A line recalled with a masked secret is never run: it goes back to the prompt."""
        if MASK not in text:
            return False
        self.parts.prompt_bar.input.value = text
        self.binding.tell(f"This line holds {MASK} where history masked a secret: type the "
                          "secret in its place, then press Enter.", "warning")  # fmt: skip
        return True
