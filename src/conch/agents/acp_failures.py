"""What the user reads when an ACP agent fails: AgentErrors with a hint to act on.

Turns a missing program, a crash, an error answer or a start that went wrong
into a message plus what to do next (install it, log in, read the agent's
log). It only words failures: it must never start, stop or talk to an agent,
and never import the ``acp`` SDK before a failure needs it (importing it
costs ~0.65 s at start-up).
"""

from __future__ import annotations

import os
from pathlib import Path

from conch.agents.events import AgentError
from conch.agents.registry import AgentSpec

INSTALL_HINTS: dict[str, str] = {
    "opencode": "npm install -g opencode-ai",
    "claude-agent-acp": "npm install -g @zed-industries/claude-agent-acp",
    "codex-acp": "npm install -g @zed-industries/codex-acp",
    "gemini": "npm install -g @google/gemini-cli",
    "vibe-acp": "pip install mistral-vibe (needs Python 3.12 or newer)",
    "fast-agent-acp": "pip install fast-agent-acp",
}
"""How to install the programs of the ACP presets (registry.ACP_PRESETS)."""

AUTH_REQUIRED = -32000
LOG_TAIL_LINES = 8


class StartFailed(Exception):
    """The agent could not be started (or resumed); ``hint`` says what the user can do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    @classmethod
    def from_error(cls, error: AgentError) -> StartFailed:
        return cls(error.message, error.hint)


def install_hint(spec: AgentSpec) -> str:
    program = Path(spec.command[0]).name if spec.command else ""
    if program in INSTALL_HINTS:
        return f"{program} is not installed: {INSTALL_HINTS[program]}"
    return f"install {program or 'the agent'} or fix the command in [agents.{spec.name}]"


def see_log(stderr_log: Path) -> str:
    """The hint for failures only the agent's own log can explain."""
    return f"see the agent log at {stderr_log}"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of the agent's log, for an error message ("" if none)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(size - 4096, 0))
            data = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in data.splitlines() if line.strip() and not line.startswith("--- conch")]
    return "\n".join(kept[-lines:])


def crash_error(name: str, status: int | None, when: str, stderr_log: Path) -> AgentError:
    """The agent process stopped ``when`` (with exit ``status`` if known)."""
    message = f"{name} stopped {when}" + (f" (exit status {status})" if status is not None else "")
    tail = log_tail(stderr_log)
    if tail:
        message += f"\nLast lines of its log:\n{tail}"
    return AgentError(
        message,
        f"{see_log(stderr_log)}; the next prompt starts it again",
    )


def request_error(name: str, error: BaseException, stderr_log: Path) -> AgentError:
    """A request the agent answered with an error (or that failed in Conch)."""
    from acp import RequestError

    if isinstance(error, RequestError):
        detail = f": {error.data}" if error.data else ""
        hint = see_log(stderr_log)
        if error.code == AUTH_REQUIRED:
            hint = f"{name} needs you to log in with its own command first"
        return AgentError(f"{name} answered with an error: {error}{detail}", hint)
    return AgentError(f"{name}: {type(error).__name__}: {error}", see_log(stderr_log))
