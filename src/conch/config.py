"""Conch's configuration: ``$XDG_CONFIG_HOME/conch/config.toml``.

A bad file never stops Conch: ``load_config`` returns the defaults plus a
list of problems for the UI to show, each naming the key and what to do.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from conch import paths

MODES = ("auto", "shell", "agent")

_Section = TypeVar("_Section")


@dataclass(frozen=True)
class ShellConfig:
    source_bashrc: bool = True
    """Source ~/.bashrc in the session bash."""
    bash: str = "bash"
    """The bash executable to run."""
    command_timeout: float = 0.0
    """Interrupt a command after this many seconds; 0 means never."""


@dataclass(frozen=True)
class UiConfig:
    default_mode: str = "auto"
    """Mode at start: auto, shell or agent."""
    scrollback_lines: int = 5000
    """Lines of output a command block keeps; longer output is saved to a file."""
    in_host: bool = True
    """`conch` runs its session in the Conch host and shows it in the `conch attach`
    window: the session outlives the window. Off until that window has all the app has."""


@dataclass(frozen=True)
class HistoryConfig:
    max_entries: int = 10000
    """Entries loaded for recall and search (the file itself is never cut)."""


@dataclass(frozen=True)
class AgentConfig:
    default: str = ""
    """Name of the agent to use: an [agents.NAME] entry or a preset (opencode, claude…)."""
    private_prefix: str = " "
    """Shell lines starting with this are not shown to the agent as context."""
    sandbox: bool = True
    """Run the agent's commands in bubblewrap (writable: the project, the temp dir and
    ``writable_paths``)."""
    sandbox_network: bool = True
    """Whether the agent's sandboxed commands reach the network."""
    writable_paths: list[str] = field(default_factory=list)
    """More paths the agent's sandboxed commands may write to."""


@dataclass(frozen=True)
class ConchConfig:
    shell: ShellConfig = field(default_factory=ShellConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    agent: AgentConfig = field(default_factory=AgentConfig)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``[agents.NAME]`` tables, read by the agent backends."""


@dataclass(frozen=True)
class LoadedConfig:
    config: ConchConfig
    path: Path
    problems: tuple[str, ...] = ()


def load_config(path: Path | None = None) -> LoadedConfig:
    """Read the config file; missing file means defaults, errors are reported."""
    path = path or paths.config_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LoadedConfig(ConchConfig(), path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problem = f"{path}: {error}. Fix the file; Conch is using its defaults meanwhile."
        return LoadedConfig(ConchConfig(), path, (problem,))
    problems: list[str] = []
    config = ConchConfig(
        shell=_section(raw, "shell", ShellConfig(), problems, path),
        ui=_section(raw, "ui", UiConfig(), problems, path),
        history=_section(raw, "history", HistoryConfig(), problems, path),
        agent=_section(raw, "agent", AgentConfig(), problems, path),
        agents=_agents(raw, problems, path),
    )
    config = replace(config, ui=replace(config.ui, default_mode=config.ui.default_mode.lower()))
    if config.ui.default_mode not in MODES:
        problems.append(f"{path}: [ui] default_mode must be one of {', '.join(MODES)}; using auto.")
        config = replace(config, ui=replace(config.ui, default_mode="auto"))
    for key in set(raw) - {"shell", "ui", "history", "agents", "agent"}:
        problems.append(f"{path}: unknown section [{key}] (ignored).")
    return LoadedConfig(config, path, tuple(problems))


def _section(
    raw: dict[str, Any], name: str, default: _Section, problems: list[str], path: Path
) -> _Section:
    table = raw.get(name, {})
    if not isinstance(table, dict):
        problems.append(f"{path}: [{name}] must be a table; using defaults.")
        return default
    values: dict[str, Any] = {}
    for key, value in table.items():
        if not hasattr(default, key):
            problems.append(f"{path}: unknown key {name}.{key} (ignored).")
            continue
        expected = type(getattr(default, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not expected:
            problems.append(
                f"{path}: {name}.{key} must be {expected.__name__}, not {value!r}; "
                f"using {getattr(default, key)!r}."
            )
            continue
        values[key] = value
    return replace(default, **values)  # type: ignore[type-var]


def _agents(raw: dict[str, Any], problems: list[str], path: Path) -> dict[str, dict[str, Any]]:
    table = raw.get("agents", {})
    if not isinstance(table, dict):
        problems.append(f"{path}: [agents] must hold tables like [agents.NAME].")
        return {}
    return {name: entry for name, entry in table.items() if isinstance(entry, dict)}
