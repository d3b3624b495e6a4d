"""The host's TurnJournal: an agent turn's journal writes, committed promptly for clients,
and what the agent is told of the earlier conversation (agent_replay.py, shared with the app).

Clients see a turn's updates only once committed. A commit costs about 5 ms here
(bench/host_stream.py), so an update after a quiet spell is committed at once and a burst is
committed at most every ``flush_delay`` seconds, as the engine does for shell output. Journal
failures stop the recording (the engine's ``record`` says so in the log); the turn goes on.
A turn the host cancels because it is stopping is journaled ``interrupted`` (Conch ended it,
as a crash would), not ``cancelled`` (which says the user did).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from conch.agent_replay import AgentReplay, Record
from conch.agent_runner import QueuedPrompt
from conch.agents.backend import AgentBackend
from conch.agents.events import AgentEvent, Decision, PermissionRequest
from conch.host.host_turn import HostTurn
from conch.session_recorder import TurnRecording
from conch.sessions.events import TurnStatus


class HostTurnRecording:
    """One turn's recording, guarded, with its updates committed within ``flush_delay``."""

    def __init__(
        self,
        recording: TurnRecording,
        record: Record,
        loop: asyncio.AbstractEventLoop,
        flush_delay: float,
        stopping: Callable[[], str],
    ) -> None:
        self._recording = recording
        self._stopping = stopping
        self._record = record
        self._loop = loop
        self._delay = flush_delay
        self._last_flush = 0.0
        self._scheduled: asyncio.TimerHandle | None = None

    def update(self, event: AgentEvent) -> None:
        self._record(lambda _: self._recording.update(event))
        waited = time.monotonic() - self._last_flush
        if waited >= self._delay:
            self.flush()
        elif self._scheduled is None:
            self._scheduled = self._loop.call_later(self._delay - waited, self.flush)

    def permission_asked(self, request: PermissionRequest) -> None:
        self._record(lambda _: self._recording.permission_asked(request))

    def permission(self, request: PermissionRequest, decision: Decision) -> None:
        self._record(lambda _: self._recording.permission(request, decision))

    def flush(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        self._last_flush = time.monotonic()
        self._record(lambda _: self._recording.flush())

    def end(self, status: TurnStatus, stop_reason: str = "") -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        why = self._stopping()
        if why and status == "cancelled":
            status, stop_reason = "interrupted", why
        self._record(lambda _: self._recording.end(status, stop_reason))


class HostTurnJournal:
    """What the runner tells the session's journal, in the host."""

    def __init__(
        self,
        record: Record,
        replay: AgentReplay,
        loop: asyncio.AbstractEventLoop,
        flush_delay: float,
    ) -> None:
        self._record = record
        self.replay = replay
        self._loop = loop
        self._delay = flush_delay
        self.stopping = ""
        """Why the host is ending this session's turns ("" while it is not)."""

    def turn_started(self, queued: QueuedPrompt[HostTurn]) -> HostTurnRecording | None:
        index = queued.turn_index
        if index is None:
            return None
        recording = self._record(lambda recorder: recorder.turn_started(index))
        if recording is None:
            return None
        return HostTurnRecording(
            recording, self._record, self._loop, self._delay, lambda: self.stopping
        )

    async def replay_for(self, queued: QueuedPrompt[HostTurn], backend: AgentBackend) -> str:
        return await self.replay.replay_for(
            backend, queued.turn_index, queued.context, self._record
        )

    def turn_finished(self, backend: AgentBackend) -> None:
        self.replay.turn_finished(backend, self._record)
