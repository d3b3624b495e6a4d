"""The app's pen on the journal: what the user did and what came back, as events.

Each method returns once its events are durable (the journal commits with
synchronous=FULL), so the UI acknowledges nothing that a crash could take back. Input, a
prompt and a permission answer are committed alone; a command's output and a turn's stream
of updates are batched (one commit per half second at most, and at the end). No Textual:
shell output is recorded from the shell's worker thread, agent updates from the event loop.
Known secret shapes in typed lines, commands and output are masked before they are written
(``mask_secrets``): the journal on disk is not a keyring. The text before masking goes to the
journal's listeners only (``Event.shown``: the host's live clients), never to the disk.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Literal

from conch.agents.events import AgentEvent, Decision, PermissionRequest, TurnContext
from conch.output_spool import OutputSpool
from conch.secret_masking import mask_secrets
from conch.sessions import events as ev
from conch.sessions.batch import Batch
from conch.sessions.errors import JournalError
from conch.sessions.events import TurnStatus
from conch.sessions.journal import Journal
from conch.sessions.records import JsonObject, JsonValue
from conch_plugins.shell_mode.command_result import CommandResult

NoticeLevel = Literal["info", "warning", "error"]


OUTPUT_CHUNK = 256 * 1024
"""Output is journaled in events of about this size (cut at a line's end), committed within
OUTPUT_DELAY seconds: a flood of small reads costs a few commits, not one insert per read."""
OUTPUT_DELAY = 0.2
BACKLOG_LIMIT = 8 * 1024 * 1024
"""Output gathered and not yet committed past which the reader commits it itself (waits for
the disk): memory stays bounded when the disk is slower than the command."""


def command_end(
    result: CommandResult, *, interrupted: bool = False, restarted: bool = False,
    full_screen: bool = False, spool: OutputSpool | None = None, spool_kept: bool = False,
) -> JsonObject:  # fmt: skip
    """The shell_end payload for a command that ended with ``result`` (see ``finished``)."""
    return ev.shell_end(result.exit_status, result.cwd, duration=result.duration,
                        interrupted=interrupted,
                        interrupted_by_user=result.interrupted and not interrupted,
                        timed_out=result.timed_out,
                        not_started=result.not_started,
                        spool_error=spool.error if spool else "",
                        spool_complete_lines=spool.complete_lines if spool else 0,
                        spool_path=str(spool.path or "") if spool and spool_kept else "",
                        restarted=restarted, full_screen=full_screen)  # fmt: skip


def stopped_saving_note(error: BaseException, next_step: str) -> str:
    """What the user is told when the journal could not take the session any more."""
    kind = "journal" if isinstance(error, JournalError) else "disk"
    return f"Conch stopped saving this session ({kind} error: {error}). {next_step}"


class ShellRecording:
    """One command: its output gathered from the reader thread and committed on a timer
    thread, then its end.

    The reader thread only gathers (a list append under a short lock): masking, the insert
    and the fsync happen on the timer's thread. Committed on the reader thread, they held it
    up to 89 ms at a time, 0.3 s of a `seq 1 1000000` that then took 2× a raw pty, because
    bash cannot write while nobody reads its pty (it buffers only ~20 KB).
    """

    def __init__(
        self,
        journal: Journal,
        session_id: str,
        command: str,
        cwd: str,
        delay: float = OUTPUT_DELAY,
        quiet_output_at_once: bool = False,
    ) -> None:
        stored = ev.shell_start(mask_secrets(command), cwd)
        shown = _shown(ev.shell_start(command, cwd), stored)
        self.start_index = journal.append(session_id, ev.SHELL_START, ev.SHELL, stored, shown)
        self._delay = delay
        self._at_once = quiet_output_at_once
        self._last_commit = time.monotonic()
        self._batch = journal.batch(session_id, max_delay=delay)
        self._committing = threading.Lock()
        """Held for a whole commit (take, mask, insert, fsync): commits stay in order.
        Always taken before ``_lock``."""
        self._lock = threading.Lock()
        """Held only to gather or take output: the reader never waits for the disk on it."""
        self._gathered: list[str] = []
        self._size = 0
        self._timer: threading.Timer | None = None
        self._failure: Exception | None = None
        """A commit from the timer thread that failed (a full disk): raised to the next
        caller, whose errors the app reports, instead of dying unseen in the timer."""

    def output(self, text: str) -> None:
        with self._lock:
            self._raise_failure()
            at_once = (
                self._at_once
                and not self._gathered
                and self._timer is None
                and time.monotonic() - self._last_commit >= self._delay
            )
            self._gathered.append(text)
            self._size += len(text)
            if not at_once and self._timer is None:
                # Output followed by silence (a prompt, a hang) is committed all the same.
                self._timer = threading.Timer(self._delay, self._commit_now)
                self._timer.daemon = True
                self._timer.start()
            backlog = self._size >= BACKLOG_LIMIT
        if at_once:
            # Nothing committed for a while: this piece need not wait for others.
            self._commit_gathered()
        elif backlog:
            self._commit_gathered()

    def finished(
        self,
        result: CommandResult,
        *,
        interrupted: bool = False,
        restarted: bool = False,
        full_screen: bool = False,
        spool: OutputSpool | None = None,
        spool_kept: bool = False,
    ) -> None:
        """The command ended: its status, the cwd after it, how long it took, and whether
        Ctrl+C or the timeout stopped it, bash was started anew after it exited
        (``restarted``) or it ran full-screen (a restore shows them as the live block did).
        ``interrupted``: Conch itself stopped it (the host was stopped), not the user.
        ``spool``: its output's file, whose failure is said with the end, and its path when
        it is ``spool_kept`` (the journal did not save the output)."""
        end = command_end(result, interrupted=interrupted, restarted=restarted,
                          full_screen=full_screen, spool=spool, spool_kept=spool_kept)  # fmt: skip
        with self._committing:
            with self._lock:
                self._raise_failure()
                text = self._take()
            self._emit(text)
            self._batch.append(ev.SHELL_END, ev.SHELL, end)
            self._batch.flush()

    def flush(self) -> None:
        """Commit the output gathered so far (a command that will never finish)."""
        self._commit_now()

    def _commit_now(self) -> None:
        try:
            self._commit_gathered()
        except Exception as error:  # handed to the next caller
            with self._lock:
                self._failure = error

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def _take(self) -> str:
        """What was gathered, now; the next output starts a new timer. Under ``_lock``."""
        if self._timer is not None:
            self._timer.cancel()  # a no-op when it is the timer that runs this commit
            self._timer = None
        text = "".join(self._gathered)
        self._gathered, self._size = [], 0
        return text

    def _commit_gathered(self) -> None:
        with self._committing:
            with self._lock:
                text = self._take()
            self._emit(text)
            self._batch.flush()
            self._last_commit = time.monotonic()

    def _emit(self, text: str) -> None:
        """Journal ``text`` masked, in events of about OUTPUT_CHUNK cut at a line's end, so a
        secret is not cut in two where the detector would miss it."""
        start = 0
        while start < len(text):
            end = start + OUTPUT_CHUNK
            if end < len(text):
                cut = text.rfind("\n", start, end) + 1
                end = cut if cut > start else end  # one very long line: cut where it must be
            else:
                end = len(text)
            clear = ev.shell_output(text[start:end])
            stored = ev.shell_output(mask_secrets(text[start:end]))
            self._batch.append(ev.SHELL_OUTPUT, ev.SHELL, stored, _shown(clear, stored))
            start = end


class TurnRecording:
    """One agent turn: its updates batched, permission answers and the end committed."""

    def __init__(self, journal: Journal, session_id: str, turn: int, agent_session: str) -> None:
        self.turn = turn
        self._batch: Batch = journal.batch(session_id)
        self._batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, agent_session))

    def update(self, event: AgentEvent) -> None:
        """Masked too: a tool's output (``cat .env``) is journaled with the turn."""
        update = ev.agent_update(self.turn, event)
        stored = _masked(update)
        self._batch.append(ev.AGENT_UPDATE, ev.AGENT, stored, _shown(update, stored))

    def permission_asked(self, request: PermissionRequest) -> None:
        """The agent asked: journaled in the stream's order, before what it sends while the
        user decides, and committed at once (the question is there even after a crash)."""
        clear = ev.permission_asked(self.turn, request)
        asked = _masked(clear)  # the command it wants to run
        self._batch.append(ev.PERMISSION_ASKED, ev.AGENT, asked, _shown(clear, asked))
        self._batch.flush()

    def permission(self, request: PermissionRequest, decision: Decision) -> None:
        clear = ev.permission(self.turn, request, decision)
        answer = _masked(clear)
        self._batch.append(ev.PERMISSION, ev.USER, answer, _shown(clear, answer))
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
        shown = _shown(ev.user_input(text, mode, cwd), payload)
        return self.journal.append(self.session_id, ev.USER_INPUT, ev.USER, payload, shown)

    def prompt(self, text: str, context: TurnContext) -> int:
        """A prompt for the agent with its frozen context; returns the turn's index."""
        stored = ev.agent_prompt(mask_secrets(text), context)
        shown = _shown(ev.agent_prompt(text, context), stored)
        return self.journal.append(self.session_id, ev.AGENT_PROMPT, ev.USER, stored, shown)

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
        stored = ev.shell_output(mask_secrets(text))
        shown = _shown(ev.shell_output(text), stored)
        return self.journal.append(self.session_id, ev.SHELL_OUTPUT, ev.SHELL, stored, shown)

    def notice(self, text: str, level: NoticeLevel = "info") -> int:
        return self.journal.append(self.session_id, ev.NOTICE, ev.CONCH, ev.notice(text, level))


def _shown(clear: JsonObject, stored: JsonObject) -> JsonObject | None:
    """What the user's own screens get live where masking changed the stored payload (their
    terminal shows everything, as the app's own blocks do); None when nothing was masked."""
    return clear if clear != stored else None


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
