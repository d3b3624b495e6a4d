"""The persistent bash: one long-lived bash per Conch session, driven through a pty with
pexpect (PersistentBash; "session" in Conch means only the journaled session).

cd, exports, aliases, functions and jobs persist because every command runs in
the same bash. After each command bash prints a sentinel (conch_init.bash)
carrying a per-bash token, ``$?`` and ``$PWD``; that is how a command's end,
status and cwd are known. When a command removes the sentinel, prompt_recovery
puts it back. This module must never import Textual: it runs in worker threads and
in tests with no app at all.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import secrets
import select
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conch_plugins.shell_mode.bash_process import (
    ShellStartError,
    init_script,
    reads_secret,
    spawn_bash,
)
from conch_plugins.shell_mode.between_commands import BetweenCommandsReader
from conch_plugins.shell_mode.command_encoding import encode_command, file_command
from conch_plugins.shell_mode.command_result import (
    CollectingSink,
    CommandResult,
    CommandSink,
    HandoverResult,
)
from conch_plugins.shell_mode.command_stopper import CommandStopper
from conch_plugins.shell_mode.fullscreen import enters_alternate_screen, is_fullscreen_command
from conch_plugins.shell_mode.prompt_recovery import PromptRecovery
from conch_plugins.shell_mode.sentinel import ScanResult, SentinelScanner
from conch_plugins.shell_mode.shell_options import ShellOptions
from conch_plugins.shell_mode.terminal_handover import pass_through

READ_SIZE = 65536
STARTUP_TIMEOUT = 20.0
# PS0 (conch_init.bash): bash has read the whole command line. A ^C before it
# can cut the line in two and bash then runs the rest as a second command.
ACCEPTED = b"\x1f\x1eCONCH-GO\x1e\x1f"


class ShellBusyError(RuntimeError):
    """A command was sent while another one is still running."""


class PersistentBash:
    """A persistent interactive bash; one command at a time, any thread."""

    def __init__(self, cwd: str | os.PathLike[str], options: ShellOptions | None = None) -> None:
        self.options = options or ShellOptions()
        self.cwd = str(Path(cwd).expanduser().absolute())
        self.startup_output = ""
        self._child: Any = None
        self._busy = threading.Lock()
        self._stopper = CommandStopper(self._pty_fd, lambda: (int(self.pid or 0), self._bash_pid))
        self._has_ps0 = False
        self._shell_group: int | None = None
        """bash's own process group (not the pexpect child's pid under a wrapper)."""
        self._spool_dir: str | None = None  # made for the first too-long command
        self._token = ""  # per bash: only sentinels carrying it count (sentinel.py)
        # Only one reader may own the pty at a time: a command's, or the one that
        # reads what background jobs print between commands (watch_between_commands).
        self._pty_owner = threading.RLock()
        self._between_commands = threading.Event()
        self._background: BetweenCommandsReader | None = None
        self._size_lock = threading.Lock()
        """Held while the size is read for a spawn or changed: a resize that came while
        bash was being spawned (the host's client sends one as it attaches) was lost, and
        bash kept the old size (28 of 60 tries)."""

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        """Spawn bash in ``self.cwd`` and wait for its first prompt."""
        with self._size_lock:
            rows, cols = self.options.rows, self.options.cols
        child = spawn_bash(
            self.options.bash,
            self.cwd,
            source_bashrc=self.options.source_bashrc,
            extra_env=self.options.extra_env,
            unset_env=self.options.unset_env,
            rows=rows,
            cols=cols,
            wrapper=self.options.wrapper,
        )
        with self._size_lock:
            self._child = child
            if (self.options.rows, self.options.cols) != (rows, cols):
                self._set_size(self.options.rows, self.options.cols)  # resized meanwhile
        # conch_init.bash reads it first thing; the pty echoes it back to us only.
        self._token = secrets.token_hex(16)
        os.write(self.fd, self._token.encode() + b"\n")
        sink = CollectingSink()
        self._stopper.begin()
        with self._pty_owner:
            result = self._read_until_prompt(sink, time.monotonic(), STARTUP_TIMEOUT, "")
        # conch_init.bash prints PS0 once when this bash has it (4.4 and later).
        self._has_ps0 = ACCEPTED.decode() in sink.text
        self.startup_output = sink.text.replace(ACCEPTED.decode(), "").replace(
            self._token + "\r\n", ""
        )
        if result.shell_exited or result.timed_out:
            self.close()
            raise ShellStartError(
                "bash did not reach its prompt"
                + (f"; it printed: {sink.text[-500:]!r}" if sink.text else "")
            )
        self.cwd = result.cwd
        with contextlib.suppress(OSError):
            self._shell_group = os.tcgetpgrp(self.fd)  # at its prompt, bash is in front
        if not self.is_busy:  # a restart inside execute: the command's reader owns the pty
            self._between_commands.set()

    def restart(self) -> None:
        """Start a fresh bash in the last known cwd (after ``exit`` or a crash)."""
        self.close()
        self.start()

    def close(self) -> None:
        self._between_commands.clear()
        self._reap()
        spool_dir, self._spool_dir = self._spool_dir, None
        if spool_dir is not None:
            shutil.rmtree(spool_dir, ignore_errors=True)

    @property
    def is_alive(self) -> bool:
        return self._child is not None and bool(self._child.isalive())

    @property
    def is_busy(self) -> bool:
        return self._busy.locked()

    @property
    def pid(self) -> int | None:
        return None if self._child is None else int(self._child.pid)

    @property
    def fd(self) -> int:
        if self._child is None:
            raise ShellStartError("the session shell is not running")
        return int(self._child.child_fd)

    def resize(self, rows: int, cols: int) -> None:
        """Any thread, at any time, also while bash is being spawned."""
        with self._size_lock:
            self.options.rows, self.options.cols = rows, cols
            self._set_size(rows, cols)

    def _set_size(self, rows: int, cols: int) -> None:
        if self._child is not None:
            with contextlib.suppress(OSError):
                self._child.setwinsize(rows, cols)

    # -- running commands --------------------------------------------------

    def execute(
        self, command: str, sink: CommandSink | None = None, timeout: float | None = None
    ) -> CommandResult:
        """Run ``command`` and block until bash's prompt returns.

        Output streams to ``sink`` as it arrives. ``timeout`` interrupts the
        command after that many seconds. Call from a worker thread.
        """
        if not self._busy.acquire(blocking=False):
            raise ShellBusyError("a command is already running in this shell")
        if self._background is not None:
            self._background.stand_aside()
        self._between_commands.clear()
        self._pty_owner.acquire()
        try:
            if self._background is not None and self._child is not None:
                self._background.pass_on_pending(self.fd)
            if not self.is_alive:
                self.restart()
            self._stopper.begin()
            line = encode_command(command)
            if line is None:
                self._spool_dir = self._spool_dir or tempfile.mkdtemp(prefix="conch-cmd-")
                spool = Path(self._spool_dir) / "long-command.sh"
                spool.write_text(command)
                line = file_command(str(spool))
            fullscreen = is_fullscreen_command(command)
            if fullscreen:
                line = ' PAGER="$CONCH_USER_PAGER" GIT_PAGER="$CONCH_USER_GIT_PAGER"' + line
            started = time.monotonic()
            os.write(self.fd, line.encode() + b"\n")
            return self._read_until_prompt(
                sink or CollectingSink(), started, timeout, command, skip_echo=True,
                fullscreen=fullscreen,
            )  # fmt: skip
        finally:
            self._stopper.end()
            self._pty_owner.release()
            if self._child is not None:  # before _busy: the next command clears it
                self._between_commands.set()
            self._busy.release()

    def query(self, command: str, timeout: float = 5.0) -> str:
        """Run a helper command (not the user's) and return its output.

        Written to the terminal itself: after the user's `exec >/dev/null`
        an empty `export -p` would read as every variable unset.
        """
        sink = CollectingSink()
        self.execute("{ " + command + "\n} >/dev/tty 2>&1", sink, timeout=timeout)
        return sink.text

    def interrupt(self) -> None:
        """Ctrl+C: SIGINT to the running command through the terminal (command_stopper.py).

        Ignored when no command runs; held until bash has read the line.
        """
        self._stopper.interrupt(self.is_busy)

    def _pty_fd(self) -> int | None:
        return None if self._child is None else int(self._child.child_fd)

    @property
    def _bash_pid(self) -> int:
        """bash's pid: the pexpect child's, unless bash runs under a wrapper (a sandbox),
        where bash's own process group, known once it reached its prompt, says it."""
        return self._shell_group or int(self.pid or 0)

    def send_input(self, text: str) -> None:
        """A line for the running program's stdin, written at once.

        Front ends should go through their sink's ``on_accepted`` writer
        instead: written before bash has read the command line, a line runs
        as a command of its own.
        """
        self._write_to_program(text.encode() + b"\n")

    def send_eof(self) -> None:
        """Ctrl+D: end of input for the running program."""
        self._write_to_program(b"\x04")

    def _write_to_program(self, data: bytes) -> None:
        with contextlib.suppress(OSError, ShellStartError):
            os.write(self.fd, data)

    def wants_secret(self) -> bool:
        """True when the running program turned echo off for a line (a password)."""
        return self._child is not None and reads_secret(self.fd)

    # -- between commands --------------------------------------------------

    def watch_between_commands(self, on_output: Callable[[str], None]) -> None:
        """Pass on what background jobs print while no command runs (from a thread of
        its own); see between_commands.py."""
        if self._background is None:
            fd = lambda: None if self._child is None else int(self._child.child_fd)  # noqa: E731
            self._background = BetweenCommandsReader(
                self._pty_owner, self._between_commands, fd, on_output
            )

    # -- the read loop -----------------------------------------------------

    def _read_until_prompt(
        self,
        sink: CommandSink,
        started: float,
        timeout: float | None,
        command: str,
        *,
        skip_echo: bool = False,
        fullscreen: bool = False,
    ) -> CommandResult:
        fd = self.fd
        scanner = SentinelScanner(self._token)
        recovery = PromptRecovery(self._bash_pid, fd, init_script(), self._token)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        echo = b"" if skip_echo else None
        stopper = self._stopper
        while True:
            now = time.monotonic()
            if stopper.on_tick(now - started, timeout, may_escalate=skip_echo):
                return self._finish(None, command, started, decoder, sink)
            try:
                readable, _, _ = select.select([fd], [], [], 0.05)
            except InterruptedError:
                continue
            if not readable:
                ended = recovery.on_idle(now, echo) if skip_echo else None
                if ended is not None or recovery.has_given_up(now):
                    self._emit(sink, decoder, ended.output if ended else b"")
                    return self._finish(ended, command, started, decoder, sink)
                continue
            try:
                data = os.read(fd, READ_SIZE)
            except OSError:
                data = b""
            if not data:
                return self._finish(None, command, started, decoder, sink)
            recovery.on_output()
            if echo is not None:
                # Until PS0 the stream holds only the tty's echo of our line
                # (none after `stty -echo`) or a stray prompt; drop it.
                echo += data
                marker = ACCEPTED if self._has_ps0 else b"\n"  # bash < 4.4: the echo
                accepted = echo.find(marker)
                if accepted < 0:
                    early = None
                    if stopper.was_sent or recovery.is_recovering:
                        early = SentinelScanner(self._token).feed(echo)
                    if early is not None and early.sentinel is not None:
                        # A timeout's ^C reached bash before it read the line.
                        return self._finish(early, command, started, decoder, sink)
                    continue
                data, echo = echo[accepted + len(marker) :], None
                stopper.line_accepted()
                sink.on_accepted(self._write_to_program)
                if fullscreen:
                    handed = self._hand_over(sink, scanner, data)
                    if handed is not False:
                        return self._finish(handed, command, started, decoder, sink)
            alt = enters_alternate_screen(data) if skip_echo else -1
            if alt >= 0:
                before = scanner.feed(data[:alt])
                self._emit(sink, decoder, before.output)
                handed = self._hand_over(sink, scanner, data[alt:])
                if handed is not False:
                    return self._finish(handed, command, started, decoder, sink)
                data = data[alt:]
            result = scanner.feed(data)
            if not recovery.is_recovering:  # else it is the recovery line's echo
                self._emit(sink, decoder, result.output)
            if result.sentinel is not None:
                return self._finish(result, command, started, decoder, sink)

    def _hand_over(
        self, sink: CommandSink, scanner: SentinelScanner, pending: bytes
    ) -> HandoverResult:
        def passthrough(stdin_fd: int, stdout_fd: int) -> ScanResult | None:
            return pass_through(self.fd, stdin_fd, stdout_fd, pending, scanner, self._set_size)

        rows, cols = self.options.rows, self.options.cols
        try:
            return sink.run_fullscreen(passthrough)
        finally:
            self.resize(rows, cols)

    def _emit(self, sink: CommandSink, decoder: codecs.IncrementalDecoder, data: bytes) -> None:
        if data:
            text = decoder.decode(data)
            if text:
                sink.on_output(text)

    def _finish(
        self,
        scan: ScanResult | None,
        command: str,
        started: float,
        decoder: codecs.IncrementalDecoder,
        sink: CommandSink,
    ) -> CommandResult:
        sink.on_finished()
        tail = decoder.decode(b"", final=True)
        if tail:
            sink.on_output(tail)
        duration = time.monotonic() - started
        interrupted, timed_out = self._stopper.was_sent, self._stopper.timed_out
        if scan is None or scan.sentinel is None:
            if not timed_out or self._child is None or not self._child.isalive():
                self._reap()
                return CommandResult(
                    command, None, self.cwd, duration, shell_exited=True, interrupted=interrupted
                )
            return CommandResult(command, None, self.cwd, duration, timed_out=True)
        self.cwd = scan.sentinel.cwd or self.cwd
        return CommandResult(
            command,
            scan.sentinel.exit_status,
            self.cwd,
            duration,
            interrupted=interrupted,
            timed_out=timed_out,
            unread_input=scan.sentinel.unread,
        )

    def _reap(self) -> None:
        child = self._child
        if child is not None:
            with contextlib.suppress(Exception):
                child.close(force=True)
        self._child = None
