"""Choosing the agent in a real terminal: the first run says how to configure one, and
``/agents NAME`` switches the agent for the next prompt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_entry
from tests.e2e.conch_terminal import ConchTerminal, launch_conch, named, needs_tmux
from tests.peers.fake_openai_server import FakeOpenAIServer, text

pytestmark = needs_tmux
KEY_PAUSE = 0.02


@pytest.mark.e2e
def test_a_first_run_without_an_agent_says_how_to_configure_one(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        screen = conch.wait_for("No agent yet: add one to", timeout=20)
        hint = " ".join(screen.replace("▌", " ").split())  # the notice wraps the long path
        assert "config.toml" in hint, screen
        assert "`conch agents` lists them" in hint, screen
        assert "/agents NAME" in hint, screen


@pytest.fixture
def two_agents(tmp_path: Path, fake_llm: FakeOpenAIServer) -> Iterator[ConchTerminal]:
    entries = "".join(
        openai_agent_entry(fake_llm, name, f"m-{name}") + "\n" for name in ("alpha", "beta")
    )
    with launch_conch(tmp_path, '[agent]\ndefault = "alpha"\n\n' + entries) as terminal:
        yield terminal


@pytest.mark.e2e
def test_slash_agents_name_sends_the_next_prompt_to_that_agent(
    two_agents: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    conch = two_agents
    assert "No agent yet" not in conch.screen()
    fake_llm.script(text("first answer"))
    conch.type_line("?say one")
    conch.wait_for(named(lambda s: "first answer" in s and "✓ done" in s, "the first turn"))
    assert "alpha · m-alpha" in conch.screen()
    conch.type_line_slowly("/agents beta", KEY_PAUSE)
    conch.wait_for("The next prompt goes to beta (m-beta).", timeout=20)
    fake_llm.script(text("second answer"))
    conch.type_line("?say two")
    screen = conch.wait_for(named(lambda s: "second answer" in s, "the second turn"), timeout=20)
    assert "beta · m-beta" in screen, screen
    request = fake_llm.requests[-1]
    assert request["model"] == "m-beta"
    # The new agent has seen nothing: its first prompt carries the earlier turn.
    said = " ".join(str(message.get("content")) for message in request["messages"])
    assert "say one" in said and "first answer" in said, said


@pytest.mark.e2e
def test_slash_agents_with_an_unknown_name_says_which_exist(two_agents: ConchTerminal) -> None:
    two_agents.type_line_slowly("/agents nosuch", KEY_PAUSE)
    screen = two_agents.wait_for("No agent named 'nosuch'.", timeout=20)
    assert "alpha" in screen and "beta" in screen, screen
