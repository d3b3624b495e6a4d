"""What Conch's own ``/commands`` do in ``conch attach``'s window (slash_lines.py says which
a line is and which the window takes): each asks the host through the window's link, and
says the outcome in a toast. ``/new`` swaps the window's view, so the window does it;
``/sessions`` and ``/fork`` choose the session to go to first (window_sessions.py).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from conch.clients.attach.queue_cancel import NothingToCancel, prompt_to_cancel
from conch.clients.attach.slash_lines import (
    DETACH_COMMAND,
    SlashLine,
    attach_help,
    mode_named,
    not_here_yet,
)
from conch_plugins.shell_mode.modes import ExecutionMode

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp


class SlashActions:
    """The window's ``/commands``, run for ``app``."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app

    async def run(self, slash: SlashLine) -> None:
        """One of Conch's own commands (slash_lines.py says which this window takes)."""
        name, argument = slash.name, slash.argument
        refused = not_here_yet(name)
        if refused is not None:
            self.app.notify(refused, severity="warning", timeout=8)
        elif name == DETACH_COMMAND:
            await self.app.action_detach()
        elif name == "/cancel":
            await self._cancel(f"{name} {argument}")
        elif name in ("/quit", "/exit"):
            await self.app.action_quit_session()
        elif name == "/help":
            self.app.notify(attach_help(), title="Conch attach", timeout=20)
        elif name == "/mode":
            mode = mode_named(argument)
            if mode is None:
                choices = " | ".join(m.value for m in ExecutionMode)
                self.app.notify(f"/mode needs one of: {choices}", severity="warning")
            else:
                self.app.mode_provider.mode = mode
        elif name == "/agents":
            await self._agents(argument)
        elif name == "/rename":
            await self._rename(argument)
        elif name == "/new":
            await self.app.window_sessions.move_to(None)  # in the shell's cwd
        elif name == "/sessions":
            self.app.window_sessions.show_picker()
        elif name == "/fork":
            self.app.window_sessions.fork()

    async def _rename(self, title: str) -> None:
        """``/rename TITLE``: the session's title, for every client (the status line)."""
        if not title:
            self.app.notify(
                "/rename needs a title: /rename fix the login tests", severity="warning"
            )
            return
        renamed = await self.app.ask(self.app.link.rename(title))
        if renamed is not None:
            self.app.notify(f"This session is now called “{renamed}”.", markup=False)

    async def _agents(self, name: str) -> None:
        """``/agents NAME``: the session's agent from its next prompt; alone: which exist."""
        if not name:
            from conch.agents.listing import describe_agents
            from conch.config import load_config

            rows, _ = await asyncio.to_thread(describe_agents, load_config(), self.app.link.cwd)
            now = self.app.follower.agent_name or "none"
            listing = "\n".join(rows) + "\n\n/agents NAME switches the session to NAME"
            self.app.notify(listing, title=f"Agents (now: {now})", timeout=20)
            return
        # The host journals the outcome (the next prompt's agent, or which agents exist), so
        # it shows in the conversation of every client, as the app's /agents NAME does.
        await self.app.ask(self.app.link.set_agent(name), said_in_conversation=("no-agent",))

    async def _cancel(self, line: str) -> None:
        """``/cancel [N]``: withdraw the Nth queued prompt, whichever client queued it."""
        queue = self.app.link.state.queue if self.app.link.state is not None else []
        try:
            prompt = prompt_to_cancel(line, queue)
        except NothingToCancel as nothing:
            self.app.notify(f"/cancel: {nothing}", severity="warning")
            return
        await self.app.ask(self.app.link.cancel(prompt))
