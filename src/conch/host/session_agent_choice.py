"""Which agent a live session in the host uses: its own (``set_agent``), the one it used
last (stored on the session), else the config's default, as the app chooses at start."""

from __future__ import annotations

from conch.agents.registry import AgentChoice, all_specs, choose_agent
from conch.config import ConchConfig


def initial_agent(config: ConchConfig, stored: str) -> AgentChoice:
    """The agent of a session the host opens (``stored``: the session's last agent, "")."""
    specs, _ = all_specs(config.agents)
    wanted = stored if stored in specs else None
    return choose_agent(config.agents, config.agent.default or None, wanted)
