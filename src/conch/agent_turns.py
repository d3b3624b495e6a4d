"""The app's side of the agent: prompts become queued turns with a frozen context."""

from __future__ import annotations

import time

from textual import work

from conch import paths
from conch.agent_runner import QueuedPrompt
from conch.agents.backend import AgentBackend, NoAgentBackend, no_agent_hint
from conch.agents.events import TurnContext
from conch.agents.registry import AgentChoice, all_specs
from conch.agents.sandbox import agent_sandbox_policy, make_sandbox
from conch.app_base import ConchAppBase
from conch.widgets.agent_turn import AgentTurn
from conch.widgets.notice import Notice
from conch_plugins.shell_mode.shell_options import ShellOptions


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
        self.agents.submit(QueuedPrompt(prompt, turn, context, turn_index))

    def hint_when_no_agent(self) -> None:
        """First run: one line in the empty conversation says how to get an agent, before a
        prompt fails for want of one."""
        if self.agent_choice.spec is None and not self.conversation.children:
            self.conversation.add_block(Notice(no_agent_hint()))

    async def switch_agent(self, name: str) -> None:
        """``/agents NAME``: the next prompt goes to NAME (a fresh agent process or client);
        the turns so far stay in the session."""
        specs, _ = all_specs(self.config.agents)
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs))
            self.tell(f"No agent named {name!r}. Known: {known} (see /agents).", "warning")
            return
        if not spec.is_installed:
            self.tell(f"{name} is not installed here (`conch agents` says what it needs).",
                      "warning")  # fmt: skip
            return
        if self.refuse_while_agent_works():
            return
        self.agent_choice = AgentChoice(spec)
        await self.agents.restart()
        self.agent_replay.new_agent_instance()
        model = f" ({spec.model})" if spec.model else ""
        self.tell(f"The next prompt goes to {name}{model}.")

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
