"""Where the agent's commands may write: bubblewrap around the agent's bash.

Checking a command line's targets by reading it cannot be made sound
(`echo x > "$(printf ~)"/y`), so the agent's commands run in bubblewrap: the
whole file system read-only except the project, the temp dir and the paths the
user listed, and the network cut when configured. The same rules hold for
Conch's own tool loop (its sibling bash) and for an ACP agent's terminals.

Where bubblewrap is missing or cannot build its namespaces, commands run
unsandboxed; the caller says so once and in every permission request for a
command. Must never: run the agent's commands itself, or import Textual.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from conch.config import AgentConfig
from conch_plugins.shell_mode.cwd import shorten_home

# bwrap with namespaces takes ~5 ms to start here; a probe that hangs is broken.
_PROBE_TIMEOUT = 5.0


@dataclass(frozen=True)
class SandboxPolicy:
    """What the agent's commands may change."""

    project: str
    """Writable: the project (where Conch started)."""
    writable: tuple[str, ...] = ()
    """Writable too: paths the user listed in the config."""
    network: bool = True
    enabled: bool = True


@dataclass(frozen=True)
class Sandbox:
    """How to start a sandboxed process: an argv prefix, or why there is none."""

    wrapper: tuple[str, ...]
    """Prepended to the command's argv; () when commands run unsandboxed."""
    problem: str = ""
    """Why commands are not sandboxed ("" when they are, or the user turned it off)."""
    writable: tuple[str, ...] = ()
    network: bool = True

    @property
    def is_active(self) -> bool:
        return bool(self.wrapper)

    def wrap(self, argv: Sequence[str]) -> list[str]:
        return [*self.wrapper, *argv]

    def describe(self) -> str:
        """One line for the user: what the agent's commands can touch."""
        if not self.is_active:
            return f"Agent commands are NOT sandboxed: {self.problem}"
        places = ", ".join(shorten_home(path) for path in self.writable)
        network = "network on" if self.network else "no network"
        return f"Agent commands run sandboxed (bubblewrap): writable {places}; {network}."

    def permission_reason(self) -> str:
        """Shown on every command's permission request when unsandboxed."""
        if self.is_active:
            return ""
        return f"not sandboxed ({self.problem}): it can change any file you can"


UNSANDBOXED = Sandbox((), "turned off in the config ([agent] sandbox = false)")


def agent_sandbox_policy(config: AgentConfig, project: str) -> SandboxPolicy:
    """The policy the ``[agent]`` config section asks for, around ``project``."""
    writable = tuple(path for path in config.writable_paths if isinstance(path, str))
    return SandboxPolicy(project, writable, config.sandbox_network, config.sandbox)


def make_sandbox(policy: SandboxPolicy, bwrap: str | None = None) -> Sandbox:
    """The sandbox for ``policy``: bubblewrap when it is installed and works here."""
    if not policy.enabled:
        return UNSANDBOXED
    found = bwrap or shutil.which("bwrap")
    if found is None:
        return Sandbox((), "bubblewrap is not installed; install the `bubblewrap` package")
    problem = _probe(found)
    if problem:
        return Sandbox((), f"bubblewrap does not work here: {problem}")
    writable = _writable_paths(policy)
    return Sandbox(tuple(bwrap_argv(found, writable, policy.network)), "", writable, policy.network)


def bwrap_argv(bwrap: str, writable: Sequence[str], network: bool) -> list[str]:
    """bwrap's options: all read-only, ``writable`` bound read-write, a fresh /dev and /proc.

    /dev/pts is the host's so the pty the command runs on keeps its name (`tty`,
    sudo and ssh look it up). No new session: job control and ^C need the pty as
    the controlling terminal. No ``--die-with-parent``: its signal fires when the
    *thread* that spawned bwrap ends (a worker thread), killing a live shell; the
    sandbox ends with its pty instead.
    """
    argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--dev-bind", "/dev/pts", "/dev/pts"]
    argv += ["--proc", "/proc"]
    for path in writable:
        argv += ["--bind", path, path]
    if not network:
        argv.append("--unshare-net")
    return [*argv, "--"]


def _writable_paths(policy: SandboxPolicy) -> tuple[str, ...]:
    """Existing, distinct real paths: bwrap refuses to bind a path that is missing."""
    candidates = [policy.project, tempfile.gettempdir(), *policy.writable]
    seen: list[str] = []
    for candidate in candidates:
        path = os.path.realpath(os.path.expanduser(candidate))
        if os.path.exists(path) and path not in seen:
            seen.append(path)
    return tuple(seen)


@functools.cache
def _probe(bwrap: str) -> str:
    """ "" when bwrap can build a sandbox here; else what it said (no user namespaces…)."""
    try:
        done = subprocess.run(
            [*bwrap_argv(bwrap, (), True), "true"],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if done.returncode != 0:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "it failed"
    return ""
