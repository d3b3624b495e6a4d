"""Conformance: AcpBackend driving a real ACP agent nobody here wrote, opencode.

opencode (npm ``opencode-ai``) is installed once into the pytest cache and
pointed, through an ``opencode.json`` in the test project, at the scripted
OpenAI-compatible server in tests/peers: no model, no account, no network
once installed. Its title generator gets a server of its own ("small_model"),
so the main model's scripted replies are not taken by a title request.

Skipped only when npm is missing or the npm registry cannot be reached.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conch.agents.acp_backend import AcpBackend
from conch.agents.events import (
    AgentEvent,
    Decision,
    MessageChunk,
    PermissionRequest,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.agents.registry import AgentSpec
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call

OPENCODE_VERSION = "1.18.33"
"""Pinned so a new opencode release cannot break CI unannounced; raise it deliberately."""
INSTALL_TIMEOUT = 300
TURN_TIMEOUT = 60.0
NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "network")


@pytest.fixture(scope="session")
def opencode(pytestconfig: pytest.Config) -> Path:
    """The opencode program, installed once into the pytest cache."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not on PATH, so opencode-ai cannot be installed")
    cache = getattr(pytestconfig, "cache", None)  # None under -p no:cacheprovider
    name = f"opencode-ai-{OPENCODE_VERSION}"
    prefix = Path(cache.mkdir(name)) if cache else Path(tempfile.gettempdir()) / f"conch-{name}"
    program = prefix / "node_modules" / ".bin" / "opencode"
    if not _runs(program):
        command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund"]
        result = subprocess.run(
            [*command, f"opencode-ai@{OPENCODE_VERSION}"],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0 and any(error in output for error in NETWORK_ERRORS):
            pytest.skip(f"npm could not reach the registry to install opencode-ai: {output[-300:]}")
        assert result.returncode == 0, f"npm install opencode-ai failed:\n{output[-2000:]}"
        assert _runs(program), f"opencode-ai installed but {program} does not run"
    return program


def _runs(program: Path) -> bool:
    if not program.exists():
        return False
    result = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return result.returncode == 0


@pytest.fixture
def servers() -> Iterator[tuple[FakeOpenAIServer, FakeOpenAIServer]]:
    """The main model's server and the title generator's."""
    with FakeOpenAIServer() as main, FakeOpenAIServer() as titles:
        titles.script(*(text("A title") for _ in range(5)))
        yield main, titles


def provider(base_url: str) -> dict[str, Any]:
    return {
        "npm": "@ai-sdk/openai-compatible",
        "name": "Fake",
        "options": {"baseURL": base_url, "apiKey": "sk-fake"},
        "models": {"fake-model": {"name": "Fake model", "tool_call": True}},
    }


class AllowAll:
    def __init__(self) -> None:
        self.requests: list[PermissionRequest] = []

    async def decide(self, request: PermissionRequest) -> Decision:
        self.requests.append(request)
        option = next(o for o in request.options if o.option_kind.startswith("allow"))
        return Decision(option.option_id, option.option_kind)


async def test_opencode_streams_the_models_answer_and_runs_its_tools_through_conch(
    opencode: Path,
    servers: tuple[FakeOpenAIServer, FakeOpenAIServer],
    tmp_path: Path,
    isolated_home: Path,
) -> None:
    main, titles = servers
    project = tmp_path / "project"
    project.mkdir()
    config = {
        "autoupdate": False,
        "share": "disabled",
        "provider": {"fake": provider(main.base_url), "titles": provider(titles.base_url)},
        "model": "fake/fake-model",
        "small_model": "titles/fake-model",
    }
    (project / "opencode.json").write_text(json.dumps(config))
    spec = AgentSpec(
        "opencode",
        "acp",
        command=(str(opencode), "acp"),
        env={"OPENCODE_DISABLE_MODELS_FETCH": "1", "HOME": str(isolated_home)},
    )
    backend = AcpBackend(spec, stderr_log=tmp_path / "opencode.log")
    context = TurnContext(str(project), "agent", "opencode", "", time.time(), str(project))
    permissions = AllowAll()

    async def turn(prompt: str) -> list[AgentEvent]:
        async with asyncio.timeout(TURN_TIMEOUT):
            return [e async for e in backend.prompt(prompt, context, permissions)]

    try:
        main.script(text("Hello ", "from the ", "fake model."))
        events = await turn("Say hello")
        chunks = [e.text for e in events if isinstance(e, MessageChunk)]
        assert "".join(chunks) == "Hello from the fake model."
        assert len(chunks) >= 2, "the answer should stream in several chunks"
        assert events[-1] == TurnEnded("end_turn")
        assert backend.session_id

        main.script(tool_call("bash", command="echo hi from bash", description="Say hi"))
        main.script(text("Done."))
        events = await turn("Run echo")
        [call] = [e for e in events if isinstance(e, ToolCall)]
        assert call.tool_kind == "execute"
        shown = "".join(
            e.content or ""
            for e in events
            if isinstance(e, ToolCallUpdate) and e.tool_call_id == call.tool_call_id
        )
        assert "hi from bash" in shown
        assert any(isinstance(e, ToolCallUpdate) and e.status == "completed" for e in events), (
            events
        )
        assert "".join(e.text for e in events if isinstance(e, MessageChunk)) == "Done."
        assert events[-1] == TurnEnded("end_turn")
        # The tool's output went back to the model: opencode ran it, Conch only showed it.
        assert "hi from bash" in json.dumps(main.requests[-1]["messages"])
    finally:
        await backend.close()
