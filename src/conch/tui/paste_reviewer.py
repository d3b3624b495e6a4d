"""The app's side of a multi-line paste: hold it for review, say where it would go.

The prompt is one line; a paste of several lines is never cut to the first. It opens in
PasteReview, which names where Ctrl+S sends it; submitted, it takes the ordinary path
of a line typed at the prompt (routing, journal, history) as one entry.
"""

from __future__ import annotations

import pluggy
from textual.app import App

from conch.tui.agent_controller import AgentController
from conch.tui.screen_parts import ScreenParts
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.paste_review import hold_for_review
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import Target


class PasteReviewer:
    """Opens PasteReview for a pasted block and submits what the user keeps."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        plugins: pluggy.PluginManager,
        shell: ShellController,
        agent: AgentController,
    ) -> None:
        self.app = app
        self.parts = parts
        self.plugins = plugins
        self.shell = shell
        self.agent = agent

    def review(self, text: str) -> None:
        hold_for_review(self.app, self.parts.prompt_bar.input, text, self.destination(text))

    def destination(self, text: str) -> str:
        """Where the pasted lines would go if submitted now, in a few words."""
        running = self.shell.running_block
        if running is not None:
            return f"the running `{running.command}` as its input"
        mode = self.parts.mode_provider.mode
        index = self.shell.bash.index
        route = self.plugins.hook.conch_route_line(line=text, mode=mode, index=index)
        if route.target is Target.AGENT:
            return "the agent, as one prompt"
        if route.target is Target.ASK and self.agent.choice.spec is not None:
            return "Auto mode, which will ask: shell or agent"
        where = "the shell" if mode is ExecutionMode.AUTO else "the shell (Shell mode)"
        return f"{where}, as one script"
