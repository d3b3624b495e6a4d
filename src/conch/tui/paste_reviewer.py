"""The app's side of a multi-line paste: hold it for review, say where it would go.

The prompt is one line; a paste of several lines is never cut to the first. It opens in
PasteReview, which names where Ctrl+S sends it; submitted, it takes the ordinary path
of a line typed at the prompt (routing, journal, history) as one entry.
"""

from __future__ import annotations

import pluggy
from textual.app import App

from conch.paste_destination import paste_destination
from conch.tui.agent_controller import AgentController
from conch.tui.screen_parts import ScreenParts
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.paste_review import hold_for_review
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
        mode = self.parts.mode_provider.mode
        running = self.shell.running_block
        if running is not None:
            return paste_destination("", mode, running.command)
        index = self.shell.bash.index
        route = self.plugins.hook.conch_route_line(line=text, mode=mode, index=index)
        to = route.target.value
        if route.target is Target.ASK and self.agent.choice.spec is None:
            to = "shell"  # no agent: the shell is all there is
        return paste_destination(to, mode)
