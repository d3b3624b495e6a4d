"""The agent-backend interface the app talks to, and the "none configured" answer.

Backends stream events; the UI renders only events. Until a backend is
configured Conch says so plainly and never fakes an answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from conch import paths
from conch_plugins.shell_mode.cwd import shorten_home


@dataclass(frozen=True)
class AgentText:
    """A piece of the agent's answer."""

    text: str
    kind: str = "agent_text"


@dataclass(frozen=True)
class AgentUnavailable:
    """The agent cannot answer; ``text`` says why and what to do."""

    text: str
    kind: str = "agent_unavailable"


AgentEvent = AgentText | AgentUnavailable


class AgentBackend(Protocol):
    name: str

    def prompt(self, text: str, cwd: str) -> AsyncIterator[AgentEvent]:
        """Send one user prompt; yield the agent's events until the turn ends."""


class NoAgentBackend:
    """Used while no agent is configured: explains how to configure one."""

    name = "none"

    async def prompt(self, text: str, cwd: str) -> AsyncIterator[AgentEvent]:
        yield AgentUnavailable(not_configured_message())


def not_configured_message() -> str:
    return (
        "No agent is configured, so this line was not sent anywhere.\n"
        f"Add one to {shorten_home(str(paths.config_file()))}, for example:\n\n"
        "    [agents.local]\n"
        '    kind = "openai"\n'
        '    base_url = "http://127.0.0.1:8080/v1"\n'
        '    model = "some-model"\n\n'
        "Lines you meant for the shell: prefix them with `!`, or press Ctrl+Space for Shell mode."
    )


class UnsupportedAgentBackend:
    """An agent is configured, but this build has no backend for its kind yet."""

    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind

    async def prompt(self, text: str, cwd: str) -> AsyncIterator[AgentEvent]:
        yield AgentUnavailable(
            f"Agent {self.name!r} is configured (kind = {self.kind!r}), but this version of "
            "Conch cannot talk to agents yet, so this line was not sent anywhere.\n"
            "Prefix shell lines with `!`, or press Ctrl+Space for Shell mode."
        )


def select_backend(agents: dict[str, dict[str, object]]) -> AgentBackend:
    """The backend for the configured agents (none can be driven yet)."""
    for name, entry in agents.items():
        return UnsupportedAgentBackend(name, str(entry.get("kind", "?")))
    return NoAgentBackend()
