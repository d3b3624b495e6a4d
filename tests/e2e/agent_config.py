"""Config files that point Conch's own agent at the scripted OpenAI-compatible server.

Written as a user writes config.toml, so the end-to-end tests reach the server the way a
user's Conch reaches a real one: through the file, on 127.0.0.1.
"""

from __future__ import annotations

from tests.peers.fake_openai_server import FakeOpenAIServer


def openai_agent_entry(
    server: FakeOpenAIServer, name: str = "local", model: str = "fake-model"
) -> str:
    """One ``[agents.NAME]`` table: Conch's own agent, asking ``server`` for ``model``."""
    return f'[agents.{name}]\nkind = "openai"\nbase_url = "{server.base_url}"\nmodel = "{model}"\n'


def openai_agent_config(server: FakeOpenAIServer, *, sandbox: bool | None = None) -> str:
    """A config whose default agent, "local", talks to ``server``; ``sandbox`` set says
    whether its commands run sandboxed (unset: Conch's default)."""
    sandbox_line = "" if sandbox is None else f"sandbox = {str(sandbox).lower()}\n"
    return f'[agent]\ndefault = "local"\n{sandbox_line}\n' + openai_agent_entry(server)
