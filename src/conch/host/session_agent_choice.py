"""Which agent a live session in the host uses: its own (``set_agent``), the one it used
last (stored on the session), else the config's default, as the app chooses at start."""

from __future__ import annotations

from conch.agents.registry import AgentChoice, AgentSpec, all_specs, choose_agent
from conch.config import ConchConfig


class UnknownAgent(Exception):
    """No agent by that name, or it is not installed here; the message says which."""


def initial_agent(config: ConchConfig, stored: str) -> AgentChoice:
    """The agent of a session the host opens (``stored``: the session's last agent, "")."""
    specs, _ = all_specs(config.agents)
    wanted = stored if stored in specs else None
    return choose_agent(config.agents, config.agent.default or None, wanted)


def chosen_agent(config: ConchConfig, name: str) -> AgentSpec:
    """The spec for ``set_agent NAME``, or UnknownAgent saying what is known."""
    specs, _ = all_specs(config.agents)
    spec = specs.get(name)
    if spec is None:
        raise UnknownAgent(f"no agent named {name!r}; known: {', '.join(sorted(specs))}")
    if not spec.is_installed:
        raise UnknownAgent(f"{name} is not installed here (`conch agents` says what it needs)")
    return spec
