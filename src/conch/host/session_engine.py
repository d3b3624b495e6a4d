"""One live session in the host, headless: its journal claim, its bash and its line queue.

Lines run one at a time in the session's own thread, and everything is journaled the way
the app journals it (session_recorder.py): the input, the command's start, its output in
short batches, its end with status, cwd, duration and Ctrl+C, and what it exported. A
private line (private_command.py) is the exception: it is journaled nowhere, and its
command's events go to the clients only. Clients never hear from the engine directly
otherwise: they follow the journal (session_host.py), and a full-screen program's screen
goes to the client that started it (full_screen_relay.py). What a command prints and is typed
goes through host_command_sink.py; the clients' keys and size, through session_terminal.py.
Each command's activity is kept for the agent's next prompt, as the app tells it. Must never
import Textual or block the host's event loop (callers run ``open``/``stop`` in threads).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from conch import paths
from conch.agents.shell_context import ShellActivity, ShellContextLog, is_private
from conch.config import ShellConfig, UiConfig
from conch.host.command_end_notes import command_end_notes
from conch.host.error_offers import CommandEnded
from conch.host.host_command_sink import HostCommandSink
from conch.host.live_sessions import SessionState
from conch.host.private_command import Announce, PrivateCommand
from conch.host.session_terminal import SessionTerminal
from conch.output_spool import OutputSpool
from conch.plugin_host import shell_feature
from conch.session_completion import SessionCompletion
from conch.session_recorder import NoticeLevel, SessionRecorder, ShellRecording
from conch.sessions.interruptions import closing_events
from conch.sessions.journal import Journal
from conch.sessions.records import Event
from conch.sessions.startup import OpenedSession
from conch.shell_start import did_not_start_note, shell_start
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.bash_supervisor import BashSupervisor, RunOutcome, may_change_exports
from conch_plugins.shell_mode.cwd import shorten_home

log = logging.getLogger("conch.host")
T = TypeVar("T")

HOST_OUTPUT_DELAY = 0.05
"""Seconds streamed output waits for its commit in the host. A client sees output only once
it is committed, and every client should see a line within 100 ms of its output. A commit
with synchronous=FULL cost 5 ms median (15 ms max) on a loaded 2-core machine
(bench/host_stream.py), so at most 20 a second while a command streams stays cheap. Output
after a quiet spell (nothing committed for this long) is committed at once, so a line that
comes alone does not wait at all."""
DEFAULT_SCROLLBACK_LINES = UiConfig().scrollback_lines
INTERRUPT_GRACE = 1.5
"""Seconds a command has to end after Ctrl+C when the host stops, before it is killed."""
STOP_NOTE = "The Conch host was stopped while this ran, so it was interrupted."


class SessionEngine:
    """A claimed session and its bash; ``submit`` queues a line, the session thread runs it."""

    def __init__(
        self,
        journal: Journal,
        opened: OpenedSession,
        start_cwd: str,
        config: ShellConfig,
        output_delay: float = HOST_OUTPUT_DELAY,
        private_prefix: str = " ",
        config_path: Path | None = None,
        scrollback_lines: int = DEFAULT_SCROLLBACK_LINES,
    ) -> None:
        self.journal = journal
        self.id = opened.record.id
        self.cwd = opened.record.cwd
        self.agent = opened.record.agent
        self.last_activity = opened.record.last_used_at
        self.state: SessionState = "idle"
        self.on_state: Callable[[SessionState], None] | None = None
        """Told of each change of ``state``, from whichever thread made it."""
        self.running_command = ""
        self.recorder: SessionRecorder | None = SessionRecorder(
            journal, self.id, output_delay, quiet_output_at_once=True
        )
        shell_cwd, options = shell_start(opened, start_cwd, config)
        self.shell = BashSupervisor(shell_feature().new_bash(shell_cwd, options))
        self.completion = SessionCompletion(lambda: self.shell)
        """Tab for the clients: the session's own helper bash, started on the first Tab."""
        self.command_timeout = config.command_timeout or None
        self.config_path = config_path or paths.config_file()
        """Named when bash does not start (``shell.bash`` there may be wrong)."""
        self.scrollback_lines = scrollback_lines
        """A command's output past this many lines is spooled to a file, as the app does."""
        self._notes = [opened.note, opened.shell.note if opened.shell else ""]
        self.terminal = SessionTerminal(self.shell)
        """Where the clients' keys and size go, and who a full-screen program draws for."""
        self.private_prefix = private_prefix
        """A line that starts with it is private: it runs, and is never journaled."""
        self.on_unstored: Announce | None = None
        """Told, from the session's thread, each event of a private line's command: the
        clients see it, the journal never does (private_command.py)."""
        self._shell_context = ShellContextLog()
        """The commands run since the last prompt, told to the agent with the next one."""
        self.on_command_end: Callable[[CommandEnded], None] | None = None
        """Told, on the session's thread, when a line a client submitted has run (the host
        offers that client help if it failed: error_offers.py)."""
        self._lines: queue.Queue[tuple[str, object, bool] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._recording: ShellRecording | PrivateCommand | None = None
        self._abandoned = False
        self._stopping = False
        self._unfinished = 0
        """Lines submitted whose command has not ended yet (queued or running)."""
        self._ending = False
        """The command has ended; its end, exports and notes are being journaled."""
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._work, name=f"session-{self.id[:8]}")
        self._thread.daemon = True

    # -- life ----------------------------------------------------------------------------

    def start(self) -> None:
        """Say what the opening did, then start bash in the session's thread."""
        for note in filter(None, self._notes):
            self.notice(note)
        self._thread.start()

    def stop(self) -> None:
        """Stop cleanly: a running command is interrupted (and journaled so), bash ends and
        the claim is released. Blocks for a few seconds at most; call from a thread."""
        self._stopping = True  # lines still queued are not started
        unstarted = self._lines.qsize()
        command = self.running_command
        if self.state == "running":
            self._end_running_command()
        self._lines.put(None)
        if command:
            self.notice(f"`{command}`: {STOP_NOTE}", "warning")
        if unstarted > 0:
            self.notice(f"{unstarted} queued line(s) were not run: the Conch host was "
                        "stopped first.", "warning")  # fmt: skip
        self.shell.close()
        self.completion.close()
        self._thread.join(timeout=5)
        self.record(lambda recorder: self.journal.set_status(self.id, "idle"))
        with contextlib.suppress(Exception):
            self.journal.release(self.id)
        self._set_state("stopped")

    def _end_running_command(self) -> None:
        self.shell.shell.interrupt()
        if self._idle.wait(INTERRUPT_GRACE):
            return
        # It ignores SIGINT: kill the program in front, bash itself stays.
        with contextlib.suppress(OSError, ShellStartError):
            group = os.tcgetpgrp(self.shell.shell.fd)
            if group != os.getpgid(self.shell.shell.pid or 0):
                os.killpg(group, signal.SIGKILL)
        if self._idle.wait(INTERRUPT_GRACE):
            return
        # bash itself is stuck: close the command in the journal ourselves.
        with self._lock:
            self._abandoned = True
            recording = self._recording
        if recording is not None:
            self.record(lambda _: recording.flush())
        self.record(self._close_open_items)

    def _close_open_items(self, recorder: SessionRecorder) -> None:
        closing = closing_events(self.journal.events(self.id), "stopped", STOP_NOTE)
        if closing:
            self.journal.append_many(self.id, [(e.kind, e.sender, e.payload) for e in closing])

    # -- what clients ask ----------------------------------------------------------------

    def submit(
        self, line: str, mode: str = "shell", owner: object = None, typed: str = ""
    ) -> int | None:
        """Journal the line as the user's input and queue it for bash; its input's index.
        A full-screen program it starts is lent to ``owner`` (None: nobody, it is captured).
        A private line (``typed``, the line as typed, starts with the private prefix) is
        run and shown, never journaled (None)."""
        private = self.is_private(typed or line)
        index = None
        if not private:
            cwd = self.shell.shell.cwd
            index = self.record(lambda recorder: recorder.user_input(line, mode, cwd))
        with self._lock:
            self._unfinished += 1
        self._lines.put((line, owner, private))
        return index

    def shell_activity(self) -> str:
        """What ran since the last call (a private line: nothing), as text for the agent's
        next prompt, as the app tells it (agents/shell_context.py); from any thread."""
        with self._lock:
            return self._shell_context.take()

    def is_private(self, typed: str) -> bool:
        """Whether the line as typed is private (like bash's ignorespace)."""
        return is_private(typed, self.private_prefix)

    @property
    def has_work(self) -> bool:
        """A command runs or a line waits for bash: counted from ``submit`` to the command's
        end, so there is no instant between queue and run when the session looks idle."""
        with self._lock:
            return self._unfinished > 0

    def reads_secret(self) -> bool:
        """The running command's program turned echo off for a line (sudo, ssh, getpass)."""
        if self.state != "running":
            return False
        try:
            return self.shell.shell.wants_secret()
        except (OSError, ShellStartError):
            return False

    def notice(self, text: str, level: NoticeLevel = "info") -> None:
        self.record(lambda recorder: recorder.notice(text, level))

    # -- the session's thread ------------------------------------------------------------

    def _work(self) -> None:
        try:
            self.shell.start()
        except ShellStartError as error:
            self.notice(did_not_start_note(str(error), self.config_path), "error")
        # What background jobs print while no command runs is journaled like the app's
        # (shell output outside any command): every client shows it as a block of its own.
        self.shell.shell.watch_between_commands(self._background_output)
        while (queued := self._lines.get()) is not None and not self._stopping:
            self._run(*queued)

    def _run(self, command: str, owner: object = None, private: bool = False) -> None:
        # As the app: a private line leaves no file behind.
        spool = OutputSpool(None if private else paths.output_dir(), self.scrollback_lines)
        sink = HostCommandSink(self._output, self.terminal.full_screen, command, owner, spool)
        with self._lock:
            # Input is taken from now: a client that saw shell_start may type at once.
            self.terminal.take_input(sink.input)
            self.running_command = command
            self._set_state("running")
            self._idle.clear()
        cwd = self.shell.shell.cwd
        recording: ShellRecording | PrivateCommand | None
        if private:
            recording = PrivateCommand(self.id, command, cwd, self._announce)
        else:
            recording = self.record(lambda recorder: recorder.shell_started(command, cwd))
        with self._lock:
            self._recording = recording

        def journal_end(ended: RunOutcome) -> None:
            # As soon as the command ended (BashSupervisor.run calls this on every path):
            # clients see the end before bash's names are refreshed (1-2 ms, more under
            # load), as the app's block does.
            spool.close()  # its failure (a full disk) is said with the end
            with self._lock:
                self._ending = True  # clients may see the end now: Ctrl+Q waits (settle)
                if self._abandoned or recording is None:
                    return  # a stop already closed it in the journal
            stopped = self._stopping  # ended by a host stop, not by the user: interrupted
            saving = self.journal.is_saving(self.id)  # else the file is the one whole copy
            self.record(lambda _: recording.finished(
                ended.result, interrupted=stopped, restarted=ended.restarted,
                full_screen=sink.ran_full_screen, spool=spool, spool_kept=not saving))  # fmt: skip
            if self.recorder is not None and saving and self.journal.is_saving(self.id):
                spool.drop()  # the journal holds all of it: keep one copy

        try:
            outcome = self.shell.run(command, sink, self.command_timeout, on_ended=journal_end)
        finally:
            with self._lock:
                self._ending = True
                abandoned = self._abandoned
                self._recording = None
                self.terminal.take_input(None)
        if not abandoned:
            self._after(command, outcome, sink.input.take_unsent(), private)
            if not private:  # what the next prompt tells the agent (a private line: nothing)
                activity = ShellActivity(command, outcome.result.exit_status, cwd,
                                         sink.output.text())  # fmt: skip
                with self._lock:
                    self._shell_context.record(activity)
            told = self.on_command_end
            if told is not None and isinstance(recording, ShellRecording) and owner is not None:
                told(CommandEnded(recording.start_index, command, outcome.result, sink.output,
                                  owner))  # fmt: skip
        with self._lock:
            self.running_command = ""
            self._ending = False
            self._unfinished -= 1
            self._set_state("idle")
            self._idle.set()

    def _output(self, text: str) -> None:
        recording = self._recording  # set before bash gets the line: output comes after
        if recording is not None:
            self.record(lambda _: recording.output(text))

    def _announce(self, event: Event) -> None:
        told = self.on_unstored
        if told is not None:
            told(event)

    def _background_output(self, text: str) -> None:
        """From the shell's reader between commands (its own thread)."""
        self.record(lambda recorder: recorder.background_output(text))

    def _after(
        self, command: str, outcome: RunOutcome, unsent: list[str], private: bool = False
    ) -> None:
        if may_change_exports(command) and not private:  # as the app: a private one's stay
            found = self.shell.exports_changed()
            if found is not None:
                self.record(lambda recorder: recorder.environment_changed(*found))
        where = shorten_home(self.shell.shell.cwd)  # as the app says it
        for text, level in command_end_notes(command, outcome, unsent, where, self.config_path):
            self.notice(text, level)

    def record(self, write: Callable[[SessionRecorder], T]) -> T | None:
        """One journal write. A write the disk refuses does not fail here: the journal keeps
        the session going unsaved, and clients still see it (sessions/unsaved.py). On any
        other failure the session goes on unrecorded, and the log says so (clients follow
        the journal, so they stop seeing this session's news)."""
        recorder = self.recorder
        if recorder is None:
            return None
        try:
            return write(recorder)
        except Exception:
            log.exception("session %s stopped recording", self.id)
            self.recorder = None
            self._set_state("failed")
            return None

    def went_unsaved(self) -> None:
        """The journal stopped saving this session; it goes on, and every client still sees
        it (sessions/unsaved.py), but ``ps`` says failed until it is stopped."""
        self._set_state("failed")

    def _set_state(self, state: SessionState) -> None:
        if self.state == "failed" and state != "stopped":
            return  # it goes on unrecorded, and says so until it is stopped
        self.state = state
        if self.on_state is not None:
            self.on_state(state)

    def settle(self, timeout: float) -> None:
        """Wait for a command that has ended to finish its bookkeeping. A client sees the
        end (it is journaled first) and may ask at once whether the session is idle; the
        answer must not depend on which thread ran first."""
        with self._lock:
            ending = self._ending
        if ending:
            self._idle.wait(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Whether no command runs within ``timeout`` seconds (queued lines not counted)."""
        return self._idle.wait(timeout)
