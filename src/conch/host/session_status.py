"""What a live session is doing, as its shared state and ``conch ps`` say it.

A session's state is its engine's (idle, running a command, stopped, failed) unless its
agent has more to say: a question waiting for an answer (needs-input) comes before an agent
turn (working). A ``conch ps`` row adds the title, the agent and model, and the clients
following it. Pure: the host passes what it holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from conch.host.follower import Follower
from conch.host.live_sessions import AttachedClient, SessionState, SessionSummary
from conch.host.session_agent import SessionAgent
from conch.host.session_engine import SessionEngine


def state_of(engine: SessionEngine, agent: SessionAgent | None) -> SessionState:
    """needs-input (a question waits) over working (an agent turn) over the shell's."""
    if engine.state in ("stopped", "failed") or agent is None:
        return engine.state
    if agent.questions.pending():
        return "needs-input"
    return "working" if agent.is_working else engine.state


def summary_of(
    engine: SessionEngine, agent: SessionAgent | None, followers: Iterable[Follower], title: str
) -> SessionSummary:
    """The session's ``conch ps`` row; its clients in the order of their names."""
    attached = [AttachedClient(f.client, f.role) for f in sorted(followers, key=lambda f: f.client)]
    name = agent.name if agent is not None else engine.agent
    model = agent.spec.model if agent is not None and agent.spec is not None else ""
    return SessionSummary(engine.id, title, engine.cwd, name, state_of(engine, agent),
                          len(attached), engine.last_activity, model or "",
                          attached)  # fmt: skip
