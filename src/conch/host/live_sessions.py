"""The sessions the host is running now, as ``conch ps`` lists them.

A live session is one whose bash, agent and journal writer sit in this host
(session_engine.py runs one, session_host.py keeps them all); this module says
only how ``conch ps`` describes one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

SessionState = Literal["idle", "running", "working", "needs-input", "stopped", "failed"]
"""running: a shell command; working: an agent turn; needs-input: a question waits."""


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``conch ps``; ``--json`` prints these keys."""

    id: str
    title: str
    cwd: str
    agent: str
    state: SessionState
    clients: int
    last_activity: float
    """Unix time of the last journaled event."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
