"""One run_command command running in the agent's bash, its output streamed to the turn.

AgentShell blocks, so the command runs on a worker thread and its output is
queued back onto the event loop as it comes. Must never: block the event loop,
or leave the agent's shell busy after a cancel (a command that ignores ^C is
interrupted again for a while, so the next turn finds the shell free).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

from conch.agents.openai_turn import Turn, ignore_result
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.command_result import CommandResult

# A command that ignores ^C keeps its worker thread; keep interrupting it this
# long after a cancel so the agent's shell is free for the next turn.
INTERRUPT_RETRY_SECONDS = 10.0
INTERRUPT_EVERY = 0.25


class RunningCommand:
    """A command started in the agent's shell; call from the event loop."""

    def __init__(self, shell: AgentShell, command: str, cwd: str, timeout: float) -> None:
        self.shell = shell
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[str] = asyncio.Queue()

        def on_output(text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed under us
                loop.call_soon_threadsafe(chunks.put_nowait, text)

        self._chunks = chunks
        self._run: asyncio.Future[tuple[str, CommandResult]] = asyncio.ensure_future(
            asyncio.to_thread(shell.run, command, cwd, timeout, on_output)
        )

    @property
    def is_done(self) -> bool:
        return self._run.done()

    def result(self) -> tuple[str, CommandResult]:
        """The output and result; raises what the shell raised (bash could not start)."""
        return self._run.result()

    async def output(self, turn: Turn) -> AsyncGenerator[str, None]:
        """Output batches as they come, until the command is done and all is read."""
        while not self._run.done():
            getter = asyncio.ensure_future(self._chunks.get())
            try:
                await turn.wait_first(getter, self._run)
            finally:
                if not getter.done():
                    # A cancelled get leaves its item in the queue for _drain.
                    getter.cancel()
            first = getter.result() if getter.done() and not getter.cancelled() else ""
            text = first + self._drain()
            if text:
                yield text
        # Output callbacks are queued on the loop before the thread's result is, so
        # everything the command printed is in the queue by now.
        rest = self._drain()
        if rest:
            yield rest

    def keep_interrupting(self, background: set[asyncio.Task[None]]) -> None:
        """Abandon the command: interrupt it now, and again until it ends or time is up.

        The retrying task goes in ``background`` (its owner keeps it alive).
        """
        self._run.add_done_callback(ignore_result)
        self.shell.interrupt()
        try:
            task = asyncio.get_running_loop().create_task(self._interrupt_until_finished())
        except RuntimeError:  # finalised outside the loop: one interrupt is all we can do
            return
        background.add(task)
        task.add_done_callback(background.discard)

    def _drain(self) -> str:
        parts: list[str] = []
        while not self._chunks.empty():
            parts.append(self._chunks.get_nowait())
        return "".join(parts)

    async def _interrupt_until_finished(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + INTERRUPT_RETRY_SECONDS
        while not self._run.done() and loop.time() < deadline:
            self.shell.interrupt()
            await asyncio.wait({self._run}, timeout=INTERRUPT_EVERY)
