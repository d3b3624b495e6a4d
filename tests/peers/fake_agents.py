"""The scripted fake ACP agent (fake_acp_agent.py, a real subprocess over stdio) as Conch's
configured agent "fake": in memory for an app under test, or written to config.toml as a
user writes it, for a host that reads it when it starts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conch import paths
from conch.config import AgentConfig, ConchConfig, LoadedConfig, ShellConfig

FAKE_ACP_AGENT = Path(__file__).resolve().parent / "fake_acp_agent.py"


def fake_acp_command(script: str = "echo") -> list[str]:
    """The command line that runs the fake agent with ``script`` (echo, gate, …)."""
    return [sys.executable, str(FAKE_ACP_AGENT), script]


def fake_acp_config(script: str, config_path: Path) -> LoadedConfig:
    """A configuration whose default agent is the fake one, bash without ~/.bashrc."""
    config = ConchConfig(
        shell=ShellConfig(source_bashrc=False),
        agent=AgentConfig(default="fake"),
        agents={"fake": {"kind": "acp", "command": fake_acp_command(script)}},
    )
    return LoadedConfig(config, config_path)


def write_fake_acp_config(
    script: str = "echo", config: Path | None = None, more: str = "", *, default: bool = True
) -> Path:
    """config.toml (default: at this test's XDG place) making the fake agent the default
    (``default=False``: known, but no agent is chosen), unsandboxed; ``more`` is appended
    (another [agents.NAME], say)."""
    config = config or paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    command = json.dumps(fake_acp_command(script))
    chosen = 'default = "fake"\n' if default else ""
    config.write_text(f'[agent]\n{chosen}sandbox = false\n\n[shell]\n'
                      f'source_bashrc = false\n\n[agents.fake]\nkind = "acp"\n'
                      f"command = {command}\n{more}")  # fmt: skip
    return config
