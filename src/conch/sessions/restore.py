"""What a restarted session gets back: a new shell where the old one was, and its agent.

The shell cannot survive its process: after a restart it is a new bash in the stored cwd
(or, if that directory is gone, the session's own directory, else HOME), with the exported
variables the journal kept (environment.py says which are safe), and a note saying so
in the conversation, because aliases, functions and unexported variables are gone.

The agent is restored lazily, on the next prompt: with ACP ``session/load`` when the session
has the agent's id and the same agent is in use; otherwise a new agent session plus a
bounded replay (replay.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from conch.sessions import events as ev
from conch.sessions.environment import safe_environment
from conch.sessions.records import Event, SessionRecord

CWD_KINDS = (ev.USER_INPUT, ev.SHELL_START, ev.SHELL_END, ev.CWD_CHANGE)


@dataclass(frozen=True)
class ShellRestore:
    cwd: str
    environment: dict[str, str]
    """Exported variables to give the new bash (secrets and shell internals never included)."""
    note: str
    """What to tell the user, e.g. as a notice event."""
    cwd_was_missing: bool
    """The stored directory no longer exists: ``cwd`` is a fallback."""


def plan_shell_restore(
    record: SessionRecord, events: Iterable[Event], *, home: str | None = None
) -> ShellRestore:
    """Where and with what environment to start the session's new bash."""
    stored = record.cwd
    environment: dict[str, str] = {}
    for event in events:
        if event.kind in CWD_KINDS and event.payload.get("cwd"):
            stored = str(event.payload["cwd"])
        elif event.kind == ev.SHELL_ENV:
            _fold_environment(environment, event)
    environment = safe_environment(environment)
    home = home or os.path.expanduser("~")
    cwd = next((d for d in (stored, record.cwd, home) if os.path.isdir(d)), home)
    missing = cwd != stored
    parts = [f"Conch restarted: this is a new shell in {_short(cwd, home)}."]
    if missing:
        parts.append(f"The directory {_short(stored, home)} no longer exists.")
    if environment:
        parts.append("Exported variables restored: " + ", ".join(sorted(environment)) + ".")
    parts.append("Aliases, functions and unexported variables from before are gone.")
    return ShellRestore(cwd, environment, " ".join(parts), missing)


def _fold_environment(environment: dict[str, str], event: Event) -> None:
    changed = event.payload.get("set")
    if isinstance(changed, dict):
        environment.update({str(k): str(v) for k, v in changed.items()})
    removed = event.payload.get("unset")
    if isinstance(removed, list):
        for name in removed:
            environment.pop(str(name), None)


@dataclass(frozen=True)
class AgentRestore:
    load_session_id: str | None
    """Try ACP session/load with this id first; None: start a new agent session."""


def plan_agent_restore(record: SessionRecord, agent: str) -> AgentRestore:
    """Load the stored agent session when the same agent is in use, else start fresh.

    Whatever happens next (a load can fail and fall back to a new session), call
    ``replay.take_replay`` with the agent session that will get the prompt: it alone knows
    whether that session has the history.
    """
    if record.agent_session_id and record.agent == agent:
        return AgentRestore(record.agent_session_id)
    return AgentRestore(None)


def _short(path: str, home: str) -> str:
    if path == home:
        return "~"
    if path.startswith(home.rstrip("/") + "/"):
        return "~" + path[len(home.rstrip("/")) :]
    return path
