"""The app's pen on the journal: what the user did and what came back, as events.

Each method returns once its events are durable (the journal commits with
synchronous=FULL), so the UI acknowledges nothing that a crash could take back. Input, a
prompt and a permission answer are committed alone; a command's output and a turn's stream
of updates are batched (one commit per half second at most, and at the end). No Textual:
shell output is recorded from the shell's worker thread, agent updates from the event loop.
"""

from __future__ import annotations

import threading
import uuid
from typing import Literal

from conch.agents.events import AgentEvent, Decision, PermissionRequest, TurnContext
from conch.sessions import events as ev
from conch.sessions.batch import Batch
from conch.sessions.events import TurnStatus
from conch.sessions.journal import Journal

NoticeLevel = Literal["info", "warning", "error"]


OUTPUT_CHUNK = 256 * 1024
"""Output is gathered into events of about this size, and committed within OUTPUT_DELAY
seconds: a flood of small reads costs a few commits, not one insert per read."""
OUTPUT_DELAY = 0.2


class ShellRecording:
    """One command: its output gathered and batched from the reader thread, then its end."""

    def __init__(self, journal: Journal, session_id: str, command: str, cwd: str) -> None:
        self.start_index = journal.append(
            session_id, ev.SHELL_START, ev.SHELL, ev.shell_start(command, cwd)
        )
        self._batch = journal.batch(session_id, max_delay=OUTPUT_DELAY)
        self._lock = threading.Lock()
        self._gathered: list[str] = []
        self._size = 0
        self._timer: threading.Timer | None = None

    def output(self, text: str) -> None:
        with self._lock:
            if not self._gathered and self._timer is None:
                # Output followed by silence (a prompt, a hang) is committed all the same.
                self._timer = threading.Timer(OUTPUT_DELAY, self._commit_now)
                self._timer.daemon = True
                self._timer.start()
            self._gathered.append(text)
            self._size += len(text)
            if self._size >= OUTPUT_CHUNK:
                self._emit()

    def finished(self, exit_status: int | None, cwd: str, interrupted: bool = False) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._emit()
            self._batch.append(
                ev.SHELL_END, ev.SHELL, ev.shell_end(exit_status, cwd, interrupted=interrupted)
            )
            self._batch.flush()

    def _commit_now(self) -> None:
        with self._lock:
            self._timer = None
            self._emit()
            self._batch.flush()

    def _emit(self) -> None:
        if self._gathered:
            text = "".join(self._gathered)
            self._gathered, self._size = [], 0
            self._batch.append(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(text))


class TurnRecording:
    """One agent turn: its updates batched, permission answers and the end committed."""

    def __init__(self, journal: Journal, session_id: str, turn: int, agent_session: str) -> None:
        self.turn = turn
        self._batch: Batch = journal.batch(session_id)
        self._batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, agent_session))

    def update(self, event: AgentEvent) -> None:
        self._batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(self.turn, event))

    def permission(self, request: PermissionRequest, decision: Decision) -> None:
        self._batch.append(ev.PERMISSION, ev.USER, ev.permission(self.turn, request, decision))
        self._batch.flush()  # the user's answer is acknowledged on its own

    def flush(self) -> None:
        """Commit what the agent streamed so far (a quiet agent is not waited for)."""
        self._batch.flush()

    def end(self, status: TurnStatus, stop_reason: str = "") -> None:
        self._batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(self.turn, status, stop_reason))
        self._batch.flush()


class SessionRecorder:
    def __init__(self, journal: Journal, session_id: str) -> None:
        self.journal = journal
        self.session_id = session_id
        self.agent_session = f"conch-{uuid.uuid4().hex[:12]}"
        """Names this process's agent backend instance until the agent gives its own id."""

    def user_input(self, text: str, mode: str, cwd: str) -> int:
        return self.journal.append(
            self.session_id, ev.USER_INPUT, ev.USER, ev.user_input(text, mode, cwd)
        )

    def prompt(self, text: str, context: TurnContext) -> int:
        """A prompt for the agent with its frozen context; returns the turn's index."""
        return self.journal.append(
            self.session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, context)
        )

    def shell_started(self, command: str, cwd: str) -> ShellRecording:
        return ShellRecording(self.journal, self.session_id, command, cwd)

    def turn_started(self, turn: int) -> TurnRecording:
        return TurnRecording(self.journal, self.session_id, turn, self.agent_session)

    def environment_changed(self, changed: dict[str, str], removed: tuple[str, ...]) -> None:
        """Exports the user set or unset (secrets are dropped by ``shell_env``)."""
        payload = ev.shell_env(changed, removed)
        if payload["set"] or payload["unset"]:
            self.journal.append(self.session_id, ev.SHELL_ENV, ev.SHELL, payload)

    def mode_changed(self, mode: str) -> None:
        self.journal.append(self.session_id, ev.MODE_CHANGE, ev.USER, ev.mode_change(mode))

    def cwd_changed(self, cwd: str) -> None:
        self.journal.append(self.session_id, ev.CWD_CHANGE, ev.SHELL, ev.cwd_change(cwd))

    def background_output(self, text: str) -> int:
        """What a background job printed while no command ran: shell output outside any
        command (the conversation shows it as a block of its own)."""
        return self.journal.append(
            self.session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(text)
        )

    def notice(self, text: str, level: NoticeLevel = "info") -> int:
        return self.journal.append(self.session_id, ev.NOTICE, ev.CONCH, ev.notice(text, level))
