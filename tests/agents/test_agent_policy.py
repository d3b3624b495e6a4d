"""What Conch's own agent may touch: commands in the sandbox, reads that ask.

Real scripted OpenAI server, real bash (in real bubblewrap where it works),
real files. Each test plays the model asking for a tool and checks what was
asked, what happened on disk and what the model was sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from conch.agents.openai_backend import OpenAIBackend
from conch.agents.read_policy import ReadMemory, search_root, secret_store
from conch.agents.registry import AgentSpec
from conch.agents.sandbox import UNSANDBOXED, Sandbox, SandboxPolicy, make_sandbox
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.shell_options import ShellOptions
from tests.agents.test_openai_backend import (
    ScriptedPermissions,
    context,
    run_turn,
    tool_results,
)
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def project(sandbox_project: Path) -> Path:
    return sandbox_project


async def backend_with(server: FakeOpenAIServer, sandbox: Sandbox) -> AsyncIterator[OpenAIBackend]:
    shell = AgentShell(ShellOptions(source_bashrc=False, wrapper=sandbox.wrapper))
    spec = AgentSpec("local", "openai", base_url=server.base_url, model="test-model")
    backend = OpenAIBackend(spec, shell, max_retries=0, sandbox=sandbox)
    yield backend
    await backend.close()
    shell.close()


@pytest.fixture
async def sandboxed(server: FakeOpenAIServer, project: Path) -> AsyncIterator[OpenAIBackend]:
    sandbox = make_sandbox(SandboxPolicy(str(project)))
    if not sandbox.is_active:
        pytest.skip(f"no sandbox here: {sandbox.problem}")
    async for backend in backend_with(server, sandbox):
        yield backend


@pytest.fixture
async def unsandboxed(server: FakeOpenAIServer) -> AsyncIterator[OpenAIBackend]:
    async for backend in backend_with(server, UNSANDBOXED):
        yield backend


# -- commands ----------------------------------------------------------------------


async def test_always_allowed_commands_still_cannot_write_outside_the_project(
    server: FakeOpenAIServer, sandboxed: OpenAIBackend, project: Path, isolated_home: Path
) -> None:
    server.script(
        tool_call("run_command", command="echo fine > inside.txt"),
        tool_call("run_command", command='echo pwned > "$HOME/x"'),
        text("done"),
    )
    permissions = ScriptedPermissions("allow_always")
    await run_turn(sandboxed, "go", context(project), permissions)
    assert len(permissions.requests) == 1, "the second command was always allowed"
    assert (project / "inside.txt").read_text() == "fine\n"
    assert not (isolated_home / "x").exists()
    assert "Read-only file system" in tool_results(server.requests[2])[-1]


async def test_unsandboxed_every_command_asks_and_says_why(
    server: FakeOpenAIServer, unsandboxed: OpenAIBackend, project: Path
) -> None:
    server.script(
        tool_call("run_command", command="true"),
        tool_call("run_command", command="true"),
        text("done"),
    )
    permissions = ScriptedPermissions("allow_always", "allow_once")
    await run_turn(unsandboxed, "go", context(project), permissions)
    assert len(permissions.requests) == 2
    assert all(r.reason.startswith("not sandboxed") for r in permissions.requests)


# -- reads -------------------------------------------------------------------------


async def test_reading_a_private_key_asks_and_a_refusal_sends_nothing(
    server: FakeOpenAIServer, unsandboxed: OpenAIBackend, project: Path, isolated_home: Path
) -> None:
    key = isolated_home / ".ssh" / "id_rsa"
    key.parent.mkdir()
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n")
    server.script(tool_call("read_file", path=str(key)), text("ok"))
    permissions = ScriptedPermissions("reject_once")
    await run_turn(unsandboxed, "read my key", context(project), permissions)
    (request,) = permissions.requests
    assert "~/.ssh" in request.reason
    assert "secret-key-material" not in str(server.requests[1]["messages"])


async def test_a_secret_store_asks_every_time_even_after_always_allow(
    server: FakeOpenAIServer, unsandboxed: OpenAIBackend, project: Path
) -> None:
    (project / ".env").write_text("API_KEY=abc123\n")
    server.script(
        tool_call("read_file", path=".env"), tool_call("read_file", path=".env"), text("ok")
    )
    permissions = ScriptedPermissions("allow_always", "allow_once")
    await run_turn(unsandboxed, "read env", context(project), permissions)
    assert len(permissions.requests) == 2
    assert "a .env file" in permissions.requests[1].reason


async def test_reads_outside_the_project_ask_once_per_directory(
    server: FakeOpenAIServer, unsandboxed: OpenAIBackend, project: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    other = tmp_path / "other"
    for folder in (notes, other):
        folder.mkdir()
        (folder / "a.txt").write_text(f"in {folder.name}\n")
    (notes / "b.txt").write_text("also notes\n")
    (project / "here.txt").write_text("inside\n")
    server.script(
        tool_call("read_file", path="here.txt"),
        tool_call("read_file", path=str(notes / "a.txt")),
        tool_call("read_file", path=str(notes / "b.txt")),
        tool_call("read_file", path=str(other / "a.txt")),
        text("ok"),
    )
    permissions = ScriptedPermissions("allow_always", "allow_once")
    await run_turn(unsandboxed, "read", context(project), permissions)
    titles = [r.tool_call.title for r in permissions.requests]
    assert titles == [f"Read {notes / 'a.txt'}", f"Read {other / 'a.txt'}"]
    assert permissions.requests[0].reason.startswith("reads outside the project")


async def test_a_search_of_the_project_skips_env_files(
    server: FakeOpenAIServer, unsandboxed: OpenAIBackend, project: Path
) -> None:
    (project / ".env").write_text("TOKEN=needle-secret\n")
    (project / "app.py").write_text("needle = 1\n")
    server.script(tool_call("grep", pattern="needle"), text("ok"))
    await run_turn(unsandboxed, "find", context(project))
    (result,) = tool_results(server.requests[1])
    assert "app.py:1" in result and "needle-secret" not in result


# -- the pure rules ----------------------------------------------------------------


def test_secret_stores_are_recognised(tmp_path: Path) -> None:
    home = str(tmp_path)
    assert secret_store(f"{home}/.ssh/id_ed25519", home) == "~/.ssh"
    assert secret_store(f"{home}/.aws/credentials", home) == "~/.aws"
    assert secret_store(f"{home}/.netrc", home) == "~/.netrc"
    assert secret_store("/srv/app/.env.production", home) == "a .env file"
    assert secret_store("/srv/app/.env.example", home) is None
    assert secret_store(f"{home}/src/app.py", home) is None


def test_a_glob_reads_from_where_its_pattern_starts() -> None:
    assert search_root("/p", "src/**/*.py") == "/p/src"
    assert search_root("/p", "*.md") == "/p"
    assert search_root("/p", "/etc/*.conf") == "/etc"
    assert search_root("/p", "../other/*") == "/other"


def test_an_always_allowed_directory_covers_what_is_below_it(tmp_path: Path) -> None:
    memory = ReadMemory()
    outside = tmp_path / "docs"
    (outside / "deep").mkdir(parents=True)
    check = memory.check(str(outside / "a.md"), str(tmp_path / "project"))
    assert check.must_ask
    memory.remember(check)
    assert not memory.check(str(outside / "deep" / "b.md"), str(tmp_path / "project")).must_ask
