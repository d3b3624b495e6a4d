"""The sessions the host is running now, as ``conch ps`` lists them.

A live session is one whose bash, agent and journal writer sit in this host
(session_engine.py runs one, session_host.py keeps them all); this module says
only how ``conch ps`` describes one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from conch.host.handshake import Role

SessionState = Literal["idle", "running", "working", "needs-input", "stopped", "failed"]
"""running: a shell command; working: an agent turn; needs-input: a question waits."""


@dataclass(frozen=True)
class AttachedClient:
    """A client following a session: the name it gave in its hello, and its role."""

    name: str
    role: Role


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``conch ps``; ``--json`` prints these keys. ``clients`` stays a count (as
    scripts read it); ``attached`` names them, and ``model`` is the agent's ("" for none)."""

    id: str
    title: str
    cwd: str
    agent: str
    state: SessionState
    clients: int
    last_activity: float
    """Unix time of the last journaled event."""
    model: str = ""
    attached: list[AttachedClient] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
