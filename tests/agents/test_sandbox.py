"""The agent's commands run in bubblewrap: real bwrap, real bash, real files.

Skipped with the reason where bubblewrap is missing or cannot build its
namespaces here (`make test` installs it when apt can).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch.agents.acp_terminals import Terminals
from conch.agents.sandbox import (
    UNSANDBOXED,
    Sandbox,
    SandboxPolicy,
    agent_sandbox_policy,
    make_sandbox,
)
from conch.config import AgentConfig
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.shell_options import ShellOptions


def sandbox_for(project: Path, **policy: object) -> Sandbox:
    sandbox = make_sandbox(SandboxPolicy(str(project), **policy))  # type: ignore[arg-type]
    if not sandbox.is_active:
        pytest.skip(f"no sandbox here: {sandbox.problem}")
    return sandbox


@pytest.fixture
def project(sandbox_project: Path) -> Path:
    return sandbox_project


@pytest.fixture
def sandboxed_shell(project: Path) -> Iterator[AgentShell]:
    shell = AgentShell(ShellOptions(source_bashrc=False, wrapper=sandbox_for(project).wrapper))
    yield shell
    shell.close()


def test_a_sandboxed_command_writes_in_the_project(
    sandboxed_shell: AgentShell, project: Path
) -> None:
    output, result = sandboxed_shell.run("echo made > made.txt && cat made.txt", str(project))
    assert result.exit_status == 0, output
    assert (project / "made.txt").read_text() == "made\n"


def test_a_sandboxed_command_cannot_write_to_the_home_directory(
    sandboxed_shell: AgentShell, project: Path, isolated_home: Path
) -> None:
    output, result = sandboxed_shell.run('echo pwned > "$HOME/x"', str(project))
    assert result.exit_status != 0
    assert "Read-only file system" in output
    assert not (isolated_home / "x").exists()


def test_a_sandboxed_command_can_use_the_temp_dir(
    sandboxed_shell: AgentShell, project: Path
) -> None:
    output, result = sandboxed_shell.run("f=$(mktemp) && echo ok > $f && cat $f", str(project))
    assert result.exit_status == 0, output
    assert "ok" in output


def test_paths_the_user_allowed_are_writable(project: Path, tmp_path: Path) -> None:
    extra = tmp_path / "cache"
    extra.mkdir()
    sandbox = sandbox_for(project, writable=(str(extra),))
    shell = AgentShell(ShellOptions(source_bashrc=False, wrapper=sandbox.wrapper))
    try:
        output, result = shell.run(f"echo kept > {extra}/k", str(project))
    finally:
        shell.close()
    assert result.exit_status == 0, output
    assert (extra / "k").read_text() == "kept\n"


def test_ctrl_c_interrupts_a_sandboxed_command(sandboxed_shell: AgentShell, project: Path) -> None:
    finished: list[object] = []

    def run() -> None:
        finished.append(sandboxed_shell.run("sleep 100", str(project))[1])

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        sandboxed_shell.interrupt()
        worker.join(0.2)
    assert not worker.is_alive(), "sleep was not interrupted"
    output, result = sandboxed_shell.run("echo after", str(project))
    assert result.exit_status == 0 and "after" in output


@pytest.fixture
def listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_with_the_network_off_a_sandboxed_command_reaches_nothing(
    project: Path, listener: int
) -> None:
    probe = f"exec 3<>/dev/tcp/127.0.0.1/{listener} && echo connected"
    for network, expected in ((True, True), (False, False)):
        sandbox = sandbox_for(project, network=network)
        shell = AgentShell(ShellOptions(source_bashrc=False, wrapper=sandbox.wrapper))
        try:
            output, _ = shell.run(probe, str(project))
        finally:
            shell.close()
        assert ("connected" in output) is expected, (network, output)


def test_an_acp_terminal_runs_in_the_sandbox(project: Path, isolated_home: Path) -> None:
    sandbox = sandbox_for(project)

    async def run() -> str:
        terminals = Terminals(wrapper=sandbox.wrapper)
        terminal_id = await terminals.create('echo pwned > "$HOME/y"; echo done', cwd=str(project))
        await terminals.wait_for_exit(terminal_id)
        output = terminals.output(terminal_id).output
        await terminals.release_all()
        return output

    output = asyncio.run(run())
    assert "Read-only file system" in output and "done" in output
    assert not (isolated_home / "y").exists()


def test_a_missing_bwrap_means_unsandboxed_with_the_reason(project: Path) -> None:
    sandbox = make_sandbox(SandboxPolicy(str(project)), bwrap="/nonexistent/bwrap")
    assert not sandbox.is_active
    assert "/nonexistent/bwrap" in sandbox.problem or "does not work" in sandbox.problem
    assert "NOT sandboxed" in sandbox.describe()
    assert sandbox.permission_reason().startswith("not sandboxed")


def test_the_config_can_turn_the_sandbox_off(project: Path) -> None:
    policy = agent_sandbox_policy(AgentConfig(sandbox=False), str(project))
    assert make_sandbox(policy) is UNSANDBOXED
    assert "sandbox = false" in UNSANDBOXED.describe()


def test_the_config_lists_writable_paths_and_network(project: Path, tmp_path: Path) -> None:
    config = AgentConfig(sandbox_network=False, writable_paths=[str(tmp_path)])
    policy = agent_sandbox_policy(config, str(project))
    assert policy == SandboxPolicy(str(project), (str(tmp_path),), False, True)


def test_conch_agents_says_what_the_agents_commands_can_change(project: Path) -> None:
    from conch.agents.listing import describe_agents
    from conch.config import ConchConfig, LoadedConfig

    off = LoadedConfig(ConchConfig(agent=AgentConfig(sandbox=False)), project / "config.toml")
    rows, _ = describe_agents(off, str(project))
    assert rows[-1].startswith("Agent commands are NOT sandboxed")
    sandbox = sandbox_for(project)
    rows, _ = describe_agents(LoadedConfig(ConchConfig(), project / "c.toml"), str(project))
    assert rows[-1] == sandbox.describe()
    assert "writable" in rows[-1] and "network on" in rows[-1]
