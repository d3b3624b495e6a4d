"""An ACP agent is told the earlier conversation once per agent instance, never again on its
second turn: the agent's own session id (known only after its first prompt) must not make
its second turn look like a new agent's first."""

from __future__ import annotations

from pathlib import Path

from conch.config import LoadedConfig
from tests.peers.fake_agents import fake_acp_config
from tests.pilot.conftest import ask, wait_for_shell
from tests.pilot.test_session_restore import REPLAY_HEADER, start


def echo_agent(tmp_path: Path) -> LoadedConfig:
    return fake_acp_config("echo", tmp_path / "config.toml")


async def test_an_acp_agents_second_turn_gets_no_replay_of_its_own_first(
    project_dir: Path, tmp_path: Path
) -> None:
    loaded = echo_agent(tmp_path)
    app = start(project_dir, loaded)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        first = (await ask(pilot, "one")).answer_text
        second = (await ask(pilot, "two")).answer_text
    assert first == "received: one"
    assert second == "received: two"


async def test_after_a_restart_an_acp_agent_gets_the_earlier_turns_once(
    project_dir: Path, tmp_path: Path
) -> None:
    loaded = echo_agent(tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await ask(pilot, "remember the port is 8080")
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        replayed = (await ask(pilot, "which port?")).answer_text
        after = (await ask(pilot, "and the host?")).answer_text
    assert replayed.startswith("received: " + REPLAY_HEADER), replayed
    assert "User: remember the port is 8080" in replayed
    assert replayed.rstrip().endswith("which port?")
    assert after == "received: and the host?"
