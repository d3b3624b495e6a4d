"""What Conch's own ``/`` commands do in the app (the list is in slash_commands)."""

from __future__ import annotations

from textual.app import App

from conch.agents.listing import describe_agents
from conch.config import LoadedConfig
from conch.slash_commands import SlashCommand, help_text
from conch.tui.agent_controller import AgentController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_switcher import SessionSwitcher
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.modes import ExecutionMode


class SlashActions:
    """Runs a parsed ``/`` command with the controller that owns what it changes."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        loaded: LoadedConfig,
        agent: AgentController,
        sessions: SessionSwitcher,
    ) -> None:
        self.app = app
        self.parts = parts
        self.loaded = loaded
        self.agent = agent
        self.sessions = sessions

    async def run(self, command: SlashCommand, argument: str) -> None:
        name = command.name
        conversation = self.parts.conversation
        if name in ("/quit", "/exit"):
            self.app.exit()
        elif name == "/help":
            conversation.add_block(Notice(help_text()))
        elif name == "/agents" and argument:
            await self.agent.switch(argument)
        elif name == "/agents":
            rows, problems = describe_agents(self.loaded)
            spec = self.agent.choice.spec
            in_use = spec.name if spec else "none"
            conversation.add_block(Notice("\n".join([*rows, "", f"in use: {in_use}"])))
            for problem in problems:
                conversation.add_block(Notice(problem, "warning"))
        elif name == "/cancel":
            await self.cancel_turn()
        elif name == "/mode":
            self._switch_mode(argument)
        elif name == "/sessions":
            self.sessions.show_picker()
        elif name == "/new":
            self.sessions.new()
        elif name == "/fork":
            self.sessions.fork()
        elif name == "/rename":
            self.sessions.rename(argument)

    async def cancel_turn(self) -> None:
        """Esc or /cancel: the agent's running turn; with none, Esc leaves history recall."""
        if not await self.agent.cancel_turn():
            self.parts.prompt_bar.forget_recall()

    def _switch_mode(self, argument: str) -> None:
        modes = {mode.value: mode for mode in ExecutionMode}
        mode = modes.get(argument.lower())
        if mode is None:
            choices = " | ".join(modes)
            self.parts.conversation.add_block(Notice(f"/mode needs one of: {choices}", "warning"))
            return
        self.parts.mode_provider.mode = mode
