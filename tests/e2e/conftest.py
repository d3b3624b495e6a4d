"""The terminals the end-to-end tests start: Conch alone, or with the scripted agent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import ConchTerminal, launch_conch
from tests.peers.fake_openai_server import FakeOpenAIServer


@pytest.fixture
def conch(tmp_path: Path) -> Iterator[ConchTerminal]:
    """Conch with no agent configured, as on a first run."""
    with launch_conch(tmp_path) as terminal:
        yield terminal


@pytest.fixture
def conch_with_agent(tmp_path: Path, fake_llm: FakeOpenAIServer) -> Iterator[ConchTerminal]:
    """Conch whose default agent is its own, talking to ``fake_llm``. Only with an agent has
    Auto mode two places to choose from (with none, a line it is unsure of runs in the
    shell)."""
    with launch_conch(tmp_path, openai_agent_config(fake_llm)) as terminal:
        yield terminal
