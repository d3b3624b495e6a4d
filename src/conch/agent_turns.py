"""The app's side of the agent: prompts become queued turns with a frozen context."""

from __future__ import annotations

import time

from textual import work

from conch import paths
from conch.agent_runner import QueuedPrompt
from conch.agents.backend import AgentBackend, NoAgentBackend
from conch.agents.events import TurnContext
from conch.agents.sandbox import agent_sandbox_policy, make_sandbox
from conch.app_base import ConchAppBase
from conch.widgets.agent_turn import AgentTurn
from conch_plugins.shell_mode.session_shell import ShellOptions


class AgentTurns(ConchAppBase):
    def ask_agent(self, text: str) -> None:
        """Queue a prompt; its execution context is frozen now, as it is sent."""
        spec = self.agent_choice.spec
        context = TurnContext(
            cwd=self.cwd_provider.cwd,
            mode=self.mode_provider.mode.value,
            agent=spec.name if spec else "none",
            model=spec.model if spec else "",
            started_at=time.time(),
            project_root=self.start_cwd,
        )
        turn_index = self.record(lambda recorder: recorder.prompt(text, context))
        turn = AgentTurn(text, context, queued=self.agents.is_busy)
        turn.journal_index = turn_index
        self.conversation.add_block(turn)
        prompt = self.shell_context.take() + text if spec else text
        self.agents.queue.put_nowait(QueuedPrompt(prompt, turn, context, turn_index))

    @work(group="agents")
    async def _run_agent_turns(self) -> None:
        await self.agents.run_forever()

    def _make_backend(self) -> AgentBackend:
        spec = self.agent_choice.spec
        if spec is None:
            return NoAgentBackend()
        from conch.agents.factory import make_backend

        sandbox = make_sandbox(agent_sandbox_policy(self.config.agent, self.start_cwd))
        if not sandbox.is_active:
            self.tell(sandbox.describe(), "warning")
        options = ShellOptions(source_bashrc=self.config.shell.source_bashrc,
                               bash=self.config.shell.bash)  # fmt: skip
        return make_backend(
            spec,
            log_dir=paths.state_dir() / "agents",
            shell_options=options,
            sandbox=sandbox,
            user_definitions=self.session.user_definitions,
        )

    async def action_cancel_turn(self) -> None:
        """Esc: cancel the agent's running turn (the shell is untouched)."""
        if not await self.agents.cancel():
            self.prompt_bar.forget_recall()
