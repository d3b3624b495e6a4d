"""Build the backend for an agent spec. SDKs are imported only here, only when used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from conch import private
from conch.agents.backend import AgentBackend
from conch.agents.registry import AgentSpec
from conch.agents.sandbox import Sandbox
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.shell_options import ShellOptions


def make_backend(
    spec: AgentSpec,
    *,
    log_dir: Path,
    shell_options: ShellOptions,
    sandbox: Sandbox,
    user_definitions: Callable[[], str] | None = None,
) -> AgentBackend:
    """The backend; every command it runs for the agent runs under ``sandbox``."""
    if spec.kind == "acp":
        from conch.agents.acp_backend import AcpBackend

        private.make_dir(log_dir)
        return AcpBackend(
            spec, stderr_log=log_dir / f"{spec.name}.log", terminal_wrapper=sandbox.wrapper
        )
    shell = AgentShell(replace(shell_options, wrapper=sandbox.wrapper), user_definitions)
    if spec.kind == "local":
        from conch.agents.local_model import LocalModelBackend

        return LocalModelBackend(spec, shell, log=log_dir / "local-model.log")
    from conch.agents.openai_backend import OpenAIBackend

    return OpenAIBackend(spec, shell, sandbox=sandbox)
