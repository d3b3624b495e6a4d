"""Commands an ACP agent runs through the client (``terminal/*``).

Each terminal is its own ``bash -c`` asyncio subprocess, not the user's
session shell and not the blocking ``AgentShell``: ACP lets an agent keep
several terminals alive at once, poll their output while they run, and kill
one of them, and a single blocking sibling bash can do none of that without
a thread per call. Each command runs in its own process group so a kill
reaches the whole pipeline, reads nothing from stdin (a prompt for input
would hang the turn), and has stdout and stderr merged as a terminal shows
them. Output is kept until the agent releases the terminal, trimmed from the
front to the agent's byte limit, and also streamed to ``on_output`` so the
UI can show it live.

No ACP import here: plain values in, plain values out.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import itertools
import os
import shlex
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

READ_CHUNK = 65536
DEFAULT_BYTE_LIMIT = 4 * 1024 * 1024
"""Output kept when the agent sets no limit, so a runaway command cannot fill memory."""
DRAIN_AFTER_EXIT = 1.0
"""Seconds to keep reading output after the command exited."""


@dataclass(frozen=True)
class ExitStatus:
    exit_code: int | None
    signal: str | None


@dataclass(frozen=True)
class TerminalOutput:
    output: str
    truncated: bool
    exit_status: ExitStatus | None
    """None while the command is still running."""


def shell_line(command: str, args: Sequence[str]) -> str:
    """The line bash runs: the command as given (it may be a shell line), arguments quoted."""
    return " ".join([command, *(shlex.quote(arg) for arg in args)])


def trim_to_bytes(text: str, limit: int) -> tuple[str, bool]:
    """Keep the last ``limit`` UTF-8 bytes of ``text``, cut on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    # Dropping the leading continuation bytes lands the cut on a character start.
    return data[len(data) - limit :].decode("utf-8", errors="ignore"), True


def exit_status(returncode: int) -> ExitStatus:
    """asyncio's return code (negative: killed by that signal) as ACP's exit status."""
    if returncode >= 0:
        return ExitStatus(returncode, None)
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = str(-returncode)
    return ExitStatus(None, name)


class Terminal:
    """One running (or finished) command and the output it produced."""

    def __init__(
        self,
        terminal_id: str,
        process: asyncio.subprocess.Process,
        byte_limit: int,
        on_output: Callable[[str, str], None],
    ) -> None:
        self.terminal_id = terminal_id
        self.process = process
        self.byte_limit = byte_limit
        self._on_output = on_output
        self._output = ""
        self._truncated = False
        self._exit: ExitStatus | None = None
        self._reader = asyncio.create_task(self._read(), name=f"acp-terminal-{terminal_id}")
        self._watcher = asyncio.create_task(self._watch(), name=f"acp-terminal-{terminal_id}-exit")

    def snapshot(self) -> TerminalOutput:
        return TerminalOutput(self._output, self._truncated, self._exit)

    async def wait(self) -> ExitStatus:
        """Wait for the command to exit and for its last output to be read."""
        return await asyncio.shield(self._watcher)

    def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def _watch(self) -> ExitStatus:
        returncode = await self.process.wait()
        # A background job the command left behind may hold the pipe open for
        # ever; the command itself has exited, so stop waiting for its output.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), DRAIN_AFTER_EXIT)
        self._exit = exit_status(returncode)
        return self._exit

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            data = await stream.read(READ_CHUNK)
            text = decoder.decode(data, final=not data)
            if text:
                self._append(text)
            if not data:
                return

    def close(self) -> None:
        """Stop reading output a lingering background job may still write."""
        self._reader.cancel()

    def _append(self, text: str) -> None:
        self._output += text
        # A UTF-8 character is at most 4 bytes: short output needs no encoding to check.
        if len(self._output) * 4 > self.byte_limit:
            self._output, truncated = trim_to_bytes(self._output, self.byte_limit)
            self._truncated = self._truncated or truncated
        self._on_output(self.terminal_id, text)


class Terminals:
    """The terminals of one agent connection, by id."""

    def __init__(
        self,
        on_output: Callable[[str, str], None] | None = None,
        wrapper: Sequence[str] = (),
    ) -> None:
        self.on_output = on_output or (lambda terminal_id, text: None)
        """Called with (terminal id, new text) as output arrives."""
        self.wrapper = tuple(wrapper)
        """argv prefix each command runs under (the sandbox); () for none."""
        self._terminals: dict[str, Terminal] = {}
        self._ids = itertools.count(1)

    async def create(
        self,
        command: str,
        args: Sequence[str] = (),
        *,
        cwd: str,
        env: Mapping[str, str] | None = None,
        output_byte_limit: int | None = None,
    ) -> str:
        """Start the command in ``cwd``; its terminal id. OSError if bash cannot start."""
        process = await asyncio.create_subprocess_exec(
            *self.wrapper,
            "bash",
            "-c",
            shell_line(command, args),
            cwd=cwd,
            # PWD would otherwise be Conch's own directory, which bash may believe.
            env={**os.environ, "PWD": cwd, **(env or {})},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        terminal_id = f"term-{next(self._ids)}"
        limit = DEFAULT_BYTE_LIMIT if output_byte_limit is None else output_byte_limit
        self._terminals[terminal_id] = Terminal(terminal_id, process, limit, self._forward)
        return terminal_id

    def get(self, terminal_id: str) -> Terminal:
        """The terminal; KeyError if the id is unknown or released."""
        return self._terminals[terminal_id]

    def output(self, terminal_id: str) -> TerminalOutput:
        return self.get(terminal_id).snapshot()

    async def wait_for_exit(self, terminal_id: str) -> ExitStatus:
        return await self.get(terminal_id).wait()

    async def kill(self, terminal_id: str) -> None:
        """Kill the command; the terminal stays, so its output can still be read."""
        terminal = self.get(terminal_id)
        terminal.kill()
        await terminal.wait()

    async def release(self, terminal_id: str) -> None:
        """Kill the command if it still runs and forget the terminal."""
        terminal = self._terminals.pop(terminal_id)
        terminal.kill()
        await terminal.wait()
        terminal.close()

    async def release_all(self) -> None:
        for terminal_id in list(self._terminals):
            await self.release(terminal_id)

    def _forward(self, terminal_id: str, text: str) -> None:
        self.on_output(terminal_id, text)
