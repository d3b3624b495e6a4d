"""Where a line typed in the attach client goes, in the host's ``submit`` terms.

The same per-line overrides as the app (``!`` runs the rest in the shell, ``?`` sends it to
the agent, the prefix stripped); otherwise the client's own mode (Auto: the host routes, and
may answer ``ask``). The prefix is stripped here because in Shell and Agent modes the host
sends the line as it is: ``!ls`` would reach bash as a history expansion. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import AGENT_PREFIX, SHELL_PREFIX

SubmitMode = Literal["shell", "agent", "auto"]
_SUBMIT_MODES: dict[ExecutionMode, SubmitMode] = {
    ExecutionMode.AUTO: "auto",
    ExecutionMode.SHELL: "shell",
    ExecutionMode.AGENT: "agent",
}


@dataclass(frozen=True)
class Submission:
    text: str
    mode: SubmitMode


def submission_for(line: str, mode: ExecutionMode) -> Submission | None:
    """What to ``submit`` for ``line`` typed in ``mode``; None when nothing is left to send
    (a bare ``!`` or ``?``)."""
    stripped = line.strip()
    if stripped.startswith(SHELL_PREFIX):
        text = stripped[len(SHELL_PREFIX) :].lstrip()
        return Submission(text, "shell") if text else None
    if stripped.startswith(AGENT_PREFIX):
        text = stripped[len(AGENT_PREFIX) :].lstrip()
        return Submission(text, "agent") if text else None
    if not stripped:
        return None
    return Submission(line if mode is not ExecutionMode.AGENT else stripped, _SUBMIT_MODES[mode])
