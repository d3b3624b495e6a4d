"""What Conch's own ``/`` commands do in the app (the list is in slash_commands)."""

from __future__ import annotations

from conch.agents.listing import describe_agents
from conch.slash_commands import SlashCommand, help_text
from conch.tui.app_base import ConchAppBase
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.modes import ExecutionMode


class SlashActions(ConchAppBase):
    async def run_slash(self, command: SlashCommand, argument: str) -> None:
        name = command.name
        if name in ("/quit", "/exit"):
            self.exit()
        elif name == "/help":
            self.conversation.add_block(Notice(help_text()))
        elif name == "/agents" and argument:
            await self.switch_agent(argument)
        elif name == "/agents":
            rows, problems = describe_agents(self.loaded)
            in_use = self.agent_choice.spec.name if self.agent_choice.spec else "none"
            self.conversation.add_block(Notice("\n".join([*rows, "", f"in use: {in_use}"])))
            for problem in problems:
                self.conversation.add_block(Notice(problem, "warning"))
        elif name == "/cancel":
            await self.action_cancel_turn()
        elif name == "/mode":
            self._switch_mode(argument)
        elif name == "/sessions":
            self.action_sessions()
        elif name == "/new":
            self.new_session()
        elif name == "/fork":
            self.fork_session()
        elif name == "/rename":
            self.rename_session(argument)

    def _switch_mode(self, argument: str) -> None:
        modes = {mode.value: mode for mode in ExecutionMode}
        mode = modes.get(argument.lower())
        if mode is None:
            choices = " | ".join(modes)
            self.conversation.add_block(Notice(f"/mode needs one of: {choices}", "warning"))
            return
        self.mode_provider.mode = mode
