"""The app's pen on the journal: what the user did and what came back, as events.

Each method returns once its events are durable (the journal commits with
synchronous=FULL), so the UI acknowledges nothing that a crash could take back. Input, a
prompt and a permission answer are committed alone; a command's output and a turn's stream
of updates are batched (one commit per half second at most, and at the end). No Textual:
shell output is recorded from the shell's worker thread, agent updates from the event loop.
Known secret shapes in typed lines, commands and output are masked before they are written
(``mask_secrets``): the journal on disk is not a keyring.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Literal

from conch.agents.events import AgentEvent, Decision, PermissionRequest, TurnContext
from conch.secret_masking import mask_secrets
from conch.sessions import events as ev
from conch.sessions.batch import Batch
from conch.sessions.events import TurnStatus
from conch.sessions.journal import Journal
from conch.sessions.records import JsonObject, JsonValue
from conch_plugins.shell_mode.command_result import CommandResult

NoticeLevel = Literal["info", "warning", "error"]


OUTPUT_CHUNK = 256 * 1024
"""Output is gathered into events of about this size, and committed within OUTPUT_DELAY
seconds: a flood of small reads costs a few commits, not one insert per read."""
OUTPUT_DELAY = 0.2


class ShellRecording:
    """One command: its output gathered and batched from the reader thread, then its end."""

    def __init__(
        self,
        journal: Journal,
        session_id: str,
        command: str,
        cwd: str,
        delay: float = OUTPUT_DELAY,
        quiet_output_at_once: bool = False,
    ) -> None:
        self.start_index = journal.append(
            session_id, ev.SHELL_START, ev.SHELL, ev.shell_start(mask_secrets(command), cwd)
        )
        self._delay = delay
        self._at_once = quiet_output_at_once
        self._last_commit = time.monotonic()
        self._batch = journal.batch(session_id, max_delay=delay)
        self._lock = threading.Lock()
        self._gathered: list[str] = []
        self._size = 0
        self._timer: threading.Timer | None = None
        self._failure: Exception | None = None
        """A commit from the timer thread that failed (a full disk): raised to the next
        caller, whose errors the app reports, instead of dying unseen in the timer."""

    def output(self, text: str) -> None:
        with self._lock:
            self._raise_failure()
            if not self._gathered and self._timer is None:
                if self._at_once and time.monotonic() - self._last_commit >= self._delay:
                    # Nothing committed for a while: this piece need not wait for others.
                    self._gathered.append(text)
                    self._commit_gathered()
                    return
                # Output followed by silence (a prompt, a hang) is committed all the same.
                self._timer = threading.Timer(self._delay, self._commit_now)
                self._timer.daemon = True
                self._timer.start()
            self._gathered.append(text)
            self._size += len(text)
            if self._size >= OUTPUT_CHUNK:
                self._emit(whole_lines=True)

    def finished(self, result: CommandResult, *, interrupted: bool = False) -> None:
        """The command ended: its status, the cwd after it, how long it took, and whether
        Ctrl+C or the timeout stopped it (a restore shows them as the live block did).
        ``interrupted``: Conch itself stopped it (the host was stopped), not the user."""
        end = ev.shell_end(result.exit_status, result.cwd, duration=result.duration,
                           interrupted=interrupted,
                           interrupted_by_user=result.interrupted and not interrupted,
                           timed_out=result.timed_out)  # fmt: skip
        with self._lock:
            self._raise_failure()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._emit()
            self._batch.append(ev.SHELL_END, ev.SHELL, end)
            self._batch.flush()

    def flush(self) -> None:
        """Commit the output gathered so far (a command that will never finish)."""
        self._commit_now()

    def _commit_now(self) -> None:
        with self._lock:
            self._timer = None
            try:
                self._commit_gathered()
            except Exception as error:  # handed to the next caller
                self._failure = error

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def _commit_gathered(self) -> None:
        self._emit()
        self._batch.flush()
        self._last_commit = time.monotonic()

    def _emit(self, whole_lines: bool = False) -> None:
        """Journal what was gathered, masked. ``whole_lines``: keep a last partial line back
        for the next piece, so a secret is not cut in two where the detector would miss it."""
        if self._gathered:
            text = "".join(self._gathered)
            rest = ""
            if whole_lines:
                cut = text.rfind("\n") + 1
                if cut > 0:
                    text, rest = text[:cut], text[cut:]
            self._gathered, self._size = ([rest], len(rest)) if rest else ([], 0)
            masked = mask_secrets(text)
            self._batch.append(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(masked))


class TurnRecording:
    """One agent turn: its updates batched, permission answers and the end committed."""

    def __init__(self, journal: Journal, session_id: str, turn: int, agent_session: str) -> None:
        self.turn = turn
        self._batch: Batch = journal.batch(session_id)
        self._batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, agent_session))

    def update(self, event: AgentEvent) -> None:
        """Masked too: a tool's output (``cat .env``) is journaled with the turn."""
        self._batch.append(ev.AGENT_UPDATE, ev.AGENT, _masked(ev.agent_update(self.turn, event)))

    def permission_asked(self, request: PermissionRequest) -> None:
        """The agent asked: journaled in the stream's order, before what it sends while the
        user decides, and committed at once (the question is there even after a crash)."""
        asked = _masked(ev.permission_asked(self.turn, request))  # the command it wants to run
        self._batch.append(ev.PERMISSION_ASKED, ev.AGENT, asked)
        self._batch.flush()

    def permission(self, request: PermissionRequest, decision: Decision) -> None:
        answer = _masked(ev.permission(self.turn, request, decision))
        self._batch.append(ev.PERMISSION, ev.USER, answer)
        self._batch.flush()  # the user's answer is acknowledged on its own

    def flush(self) -> None:
        """Commit what the agent streamed so far (a quiet agent is not waited for)."""
        self._batch.flush()

    def end(self, status: TurnStatus, stop_reason: str = "") -> None:
        self._batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(self.turn, status, stop_reason))
        self._batch.flush()


class SessionRecorder:
    def __init__(
        self,
        journal: Journal,
        session_id: str,
        output_delay: float = OUTPUT_DELAY,
        quiet_output_at_once: bool = False,
    ) -> None:
        self.journal = journal
        self.session_id = session_id
        self.output_delay = output_delay
        """Seconds streamed shell output may wait for its commit (clients that follow a
        session live see it only once committed: the host uses a shorter delay)."""
        self.quiet_output_at_once = quiet_output_at_once
        """Commit output at once when nothing was committed for ``output_delay`` (a line
        after a quiet spell reaches clients without waiting; a flood is still batched)."""
        self.agent_session = ""
        """Names this process's agent backend instance until the agent gives its own id."""
        self.new_agent_instance()

    def new_agent_instance(self) -> None:
        """Another backend takes over (``/agents NAME``): it has seen none of the
        conversation, so its first prompt carries the earlier turns as text."""
        self.agent_session = f"conch-{uuid.uuid4().hex[:12]}"

    def user_input(self, text: str, mode: str, cwd: str) -> int:
        """A submitted line, masked: after a restart Up/Down recalls ``GITHUB_TOKEN=••••••``."""
        payload = ev.user_input(mask_secrets(text), mode, cwd)
        return self.journal.append(self.session_id, ev.USER_INPUT, ev.USER, payload)

    def prompt(self, text: str, context: TurnContext) -> int:
        """A prompt for the agent with its frozen context; returns the turn's index."""
        return self.journal.append(
            self.session_id, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(mask_secrets(text), context)
        )

    def shell_started(self, command: str, cwd: str) -> ShellRecording:
        return ShellRecording(self.journal, self.session_id, command, cwd, self.output_delay,
                              self.quiet_output_at_once)  # fmt: skip

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
            self.session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(mask_secrets(text))
        )

    def notice(self, text: str, level: NoticeLevel = "info") -> int:
        return self.journal.append(self.session_id, ev.NOTICE, ev.CONCH, ev.notice(text, level))


def _masked(payload: JsonObject) -> JsonObject:
    """Every string in an event's payload, masked (``mask_secrets`` returns most unchanged)."""
    return {key: _masked_value(value) for key, value in payload.items()}


def _masked_value(value: JsonValue) -> JsonValue:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    if isinstance(value, dict):
        return _masked(value)
    return value
