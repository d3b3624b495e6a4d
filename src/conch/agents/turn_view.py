"""What an agent turn reports to: the view protocol the agent runner drives.

The runner (agent_runner.py) knows nothing about widgets or sockets: the TUI's AgentTurn
widget implements this protocol on screen, the host's HostTurn implements it for clients
attached over the socket. Must never import Textual.
"""

from __future__ import annotations

from typing import Protocol

from conch.agents.events import AgentEvent, Decision, PermissionRequest


class TurnView(Protocol):
    """One prompt's turn as someone sees it: queued, then streaming, then ended."""

    queued: bool
    """Waiting behind another turn (set when the prompt was sent while the runner was busy)."""
    ended: bool
    """The turn has said how it ended (``finish`` ran); nothing streams into it afterwards."""

    def start(self) -> None:
        """The turn begins (it may have waited in the queue: ``queued`` says so)."""

    async def apply(self, event: AgentEvent) -> None:
        """One streamed event (text, thought, tool call, plan, error, end), in order."""

    async def decide(self, request: PermissionRequest) -> Decision:
        """The agent asks before a tool acts: the answer, awaited (``Decision(None)`` when
        the turn ends first)."""
        ...

    async def finish(self, stop_reason: str | None) -> None:
        """The turn is over (None: no status line, e.g. no agent could take the prompt)."""

    def cancel_pending_permissions(self) -> None:
        """The turn is ending: questions still waiting are answered "cancelled"."""
