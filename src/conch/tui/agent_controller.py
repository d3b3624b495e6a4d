"""The app's side of the agent: prompts become queued turns with a frozen context.

One AgentRunner runs the turns in order; this controller makes their blocks, picks the
agent (``/agents NAME``), builds its backend when the first prompt needs it, and replaces
the runner when the session changes.
"""

from __future__ import annotations

import time

from textual.app import App

from conch import paths
from conch.agent_runner import AgentRunner, QueuedPrompt
from conch.agents.backend import AgentBackend, NoAgentBackend, no_agent_hint
from conch.agents.events import TurnContext
from conch.agents.registry import (
    AgentChoice,
    UnknownAgent,
    agent_named,
    choose_agent,
    switched_notice,
)
from conch.agents.sandbox import agent_sandbox_policy, make_sandbox
from conch.agents.shell_context import ShellContextLog
from conch.config import LoadedConfig
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.shell_options import ShellOptions


class AgentController:
    """The chosen agent and the runner of its turns."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        binding: SessionBinding,
        shell: ShellController,
        shell_context: ShellContextLog,
        loaded: LoadedConfig,
        start_cwd: str,
        agent_name: str | None,
    ) -> None:
        self.app = app
        self.parts = parts
        self.binding = binding
        self.shell = shell
        self.shell_context = shell_context
        """Shell activity since the last prompt, told to the agent with the next one."""
        self.config = loaded.config
        self.start_cwd = start_cwd
        agent = self.config.agent
        self.choice: AgentChoice = choose_agent(
            self.config.agents, agent.default or None, agent_name
        )
        self.runner: AgentRunner[AgentTurn] = AgentRunner(self._make_backend, journal=binding)

    @property
    def running_turn(self) -> AgentTurn | None:
        return self.runner.current

    def ask(self, text: str) -> None:
        """Queue a prompt; its execution context is frozen now, as it is sent."""
        spec = self.choice.spec
        context = TurnContext(
            cwd=self.parts.cwd_provider.cwd,
            mode=self.parts.mode_provider.mode.value,
            agent=spec.name if spec else "none",
            model=spec.model if spec else "",
            started_at=time.time(),
            project_root=self.start_cwd,
        )
        turn_index = self.binding.record(lambda recorder: recorder.prompt(text, context))
        turn = AgentTurn(text, context, queued=self.runner.is_busy)
        turn.journal_index = turn_index
        self.parts.conversation.add_block(turn)
        prompt = self.shell_context.take() + text if spec else text
        self.runner.submit(QueuedPrompt(prompt, turn, context, turn_index))

    def hint_when_none(self) -> None:
        """First run: one line in the empty conversation says how to get an agent, before a
        prompt fails for want of one."""
        conversation = self.parts.conversation
        if self.choice.spec is None and not conversation.children:
            conversation.add_block(Notice(no_agent_hint()))

    def refuse_while_working(self) -> bool:
        """True, after saying why, while an agent turn runs: switching the agent or the
        session then would cut the turn off mid-answer."""
        if not self.runner.is_busy:
            return False
        self.binding.tell(
            "The agent is still working: wait, or cancel its turn (Esc) first.", "warning"
        )
        return True

    async def switch(self, name: str) -> None:
        """``/agents NAME``: the next prompt goes to NAME (a fresh agent process or client);
        the turns so far stay in the session."""
        try:
            spec = agent_named(self.config.agents, name)
        except UnknownAgent as unknown:
            self.binding.tell(str(unknown), "warning")
            return
        if self.refuse_while_working():
            return
        self.choice = AgentChoice(spec)
        await self.runner.restart()
        self.binding.agent_replay.new_agent_instance()
        self.binding.tell(switched_notice(spec))

    def run_turns(self) -> None:
        """Run queued turns, one at a time, until the app or the session ends."""
        self.app.run_worker(self.runner.run_forever(), group="agents")

    async def start_over(self) -> None:
        """A new session: the old agent goes (what it knew is in the journal), a new runner
        with an empty queue takes the next prompt."""
        await self.runner.close()
        self.app.workers.cancel_group(self.app, "agents")
        self.runner = AgentRunner(self._make_backend, journal=self.binding)
        self.run_turns()
        self.shell_context.forget()

    def _make_backend(self) -> AgentBackend:
        spec = self.choice.spec
        if spec is None:
            return NoAgentBackend()
        from conch.agents.factory import make_backend

        sandbox = make_sandbox(agent_sandbox_policy(self.config.agent, self.start_cwd))
        if not sandbox.is_active:
            self.binding.tell(sandbox.describe(), "warning")
        options = ShellOptions(source_bashrc=self.config.shell.source_bashrc,
                               bash=self.config.shell.bash)  # fmt: skip
        return make_backend(
            spec,
            log_dir=paths.state_dir() / "agents",
            shell_options=options,
            sandbox=sandbox,
            user_definitions=self.shell.bash.user_definitions,
        )

    async def cancel_turn(self) -> bool:
        """Esc: cancel the agent's running turn (the shell is untouched). False: none ran."""
        return await self.runner.cancel()

    async def close(self) -> None:
        await self.runner.close()
