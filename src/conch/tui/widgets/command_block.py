"""One shell command in the conversation: its line, live output, status and time.

A single line-API widget (see OutputView): the command line on top, output
rows, then the status line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text

from conch.output_buffer import BoundedOutput
from conch.tui.widgets import durations
from conch.tui.widgets.output_view import OutputView
from conch_plugins.shell_mode.command_result import (
    CommandResult,
    CommandSink,
    HandoverResult,
    Passthrough,
    ProgramWriter,
)
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.held_input import HeldInput
from conch_plugins.shell_mode.unfinished_input import unfinished_reason

LendTerminal = Callable[[Passthrough], HandoverResult]


class BlockSink(CommandSink):
    """Where the reader thread puts this block's output, and where the user's
    input for the command waits until bash has read the command line."""

    def __init__(
        self,
        output: BoundedOutput,
        lend_terminal: LendTerminal | None,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.output = output
        self.lend_terminal = lend_terminal
        self.wake = wake
        """Tells the view that output arrived (any thread)."""
        self.ran_fullscreen = False
        self._input = HeldInput()
        self.tee: Callable[[str], object] | None = None
        """Also gets every piece of output (the session journal), from the reader thread."""

    def on_output(self, text: str) -> None:
        self.output.append(text)
        if self.wake is not None:
            self.wake()  # before the journal write: the screen must not wait for the disk
        if self.tee is not None:
            self.tee(text)

    def send(self, data: bytes) -> bool:
        """Input for the program; False once the command has ended (not sent)."""
        return self._input.send(data)

    def interrupt(self, now: Callable[[], None]) -> bool:
        """Ctrl+C: ``now`` sends it once bash has read the line (held_input.py)."""
        return self._input.interrupt(now)

    def on_accepted(self, write: ProgramWriter) -> None:
        self._input.open(write)

    def on_finished(self) -> None:
        self._input.close()

    def take_unsent(self) -> list[str]:
        """Input that never reached the program (the command ended first)."""
        return self._input.take_unsent()

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        if self.lend_terminal is None:
            return False
        outcome = self.lend_terminal(passthrough)
        self.ran_fullscreen = outcome is not False
        return outcome


def describe_result(result: CommandResult, restarted: bool) -> tuple[str, str]:
    """The status text and its CSS class for a finished command."""
    took = durations.format_duration(result.duration)
    if result.not_started:
        return "✗ not run: bash did not start", "-failed"
    if result.shell_exited:
        note = "bash exited" + ("; started a new bash" if restarted else "")
        return f"✗ {note} · {took}", "-failed"
    if result.timed_out:
        return f"⏱ timed out (exit {result.exit_status}) · {took}", "-failed"
    if result.exit_status == 0:
        return f"✓ 0 · {took}", "-ok"
    reason = " interrupted" if result.interrupted else ""
    return f"✗ exit {result.exit_status}{reason} · {took}", "-failed"


class CommandBlock(OutputView):
    journal_index: int | None = None
    """The journal index of the event that began this block (None: not journaled)."""

    DEFAULT_CSS = """
    CommandBlock {
        margin: 0 0 1 0;
        border-left: outer $primary;
        background: $surface;
    }
    CommandBlock.-ok { border-left: outer $success; }
    CommandBlock.-failed { border-left: outer $error; }
    CommandBlock > .command-block--line { text-style: bold; }
    CommandBlock > .command-block--cwd { color: $text-muted; }
    CommandBlock > .command-block--status { color: $text-muted; }
    CommandBlock.-ok > .command-block--status { color: $success; }
    CommandBlock.-failed > .command-block--status { color: $error; }
    CommandBlock.-interrupted { border-left: outer $warning; }
    CommandBlock.-interrupted > .command-block--status { color: $warning; }
    """
    COMPONENT_CLASSES = {"command-block--line", "command-block--cwd", "command-block--status"}

    def __init__(
        self,
        command: str,
        cwd: str,
        output: BoundedOutput,
        lend_terminal: LendTerminal | None = None,
        raw_line: str = "",
    ) -> None:
        super().__init__(output)
        self.command = command
        self.raw_line = raw_line or command
        """The line as typed (with any ! prefix or leading space)."""
        self.cwd = cwd
        self.sink = BlockSink(output, lend_terminal, self.output_arrived)
        self.result: CommandResult | None = None
        self.had_secret_input = False
        """Something was typed while the program read a password."""
        self.status_text = "running… (Ctrl+C interrupts)"
        self.placing = False
        """Its first output asked for it to be shown (ShellCommands places it)."""
        self.is_restored = False
        """Built by ``already_ended``: drawn finished with the status given, with no timer."""
        self._restarted = False

    @classmethod
    def already_ended(
        cls,
        command: str,
        cwd: str,
        output: BoundedOutput,
        status: str,
        css_class: str = "",
        result: CommandResult | None = None,
    ) -> CommandBlock:
        """A command that ran before this view existed (a restored session), shown with
        ``status`` as its last line; ``result`` is what is known of how it ended (None: it
        never did). Nothing streams into it, so it has no timer, and input sent to it is
        refused like input for any command that ended."""
        block = cls(command, cwd, output)
        block.result = result
        block.is_restored = True
        block.sink.on_finished()
        block.status_text = status
        if css_class:
            block.add_class(css_class)
        return block

    def header_lines(self) -> list[Text]:
        line = self.part_style("command-block--line")
        cwd = self.part_style("command-block--cwd")
        return [
            Text.assemble(("$ ", cwd), (self.command, line), ("  " + shorten_home(self.cwd), cwd))
        ]

    def footer_lines(self) -> list[Text]:
        return [Text(self.status_text, self.part_style("command-block--status"))]

    def on_mount(self) -> None:
        if self.is_restored or self.result is None:
            self.sync(force=True)  # a restored block, or output that came before the mount
        else:
            self._show_result()

    def finish(self, result: CommandResult, restarted: bool = False) -> None:
        """Show the final status; called on the UI thread when the command ended."""
        self.result = result
        self._restarted = restarted
        self.output.close()
        if self.is_mounted:
            self._show_result()

    def show_status(self) -> None:
        """Say again how the command ended (its output's file was dropped since)."""
        if self.result is not None and self.is_mounted:
            self._show_result()

    def _show_result(self) -> None:
        assert self.result is not None
        self.sync(force=True)
        status, css_class = describe_result(self.result, self._restarted)
        missing = unfinished_reason(self.result.exit_status, self.output.text())
        extra = [f"unfinished input: {missing} — nothing ran"] if missing else []
        if self.sink.ran_fullscreen:
            extra.append("ran full-screen")
        if self.output.spool_error:
            extra.append(self._spool_failure_note())
        elif self.output.spool_path is not None:
            extra.append(self._spool_note(self.output.spool_path))
        elif self.output.dropped_lines > 0 and self.journal_index is not None:
            shown = f"{self.output.total_lines:,} lines, last {self.line_count:,} shown"
            extra.append(f"{shown}; all: conch sessions export")
        self.status_text = " · ".join([status, *extra])
        self.add_class(css_class)
        self.refresh_frame()

    def _spool_failure_note(self) -> str:
        output = self.output
        where = f" ({shorten_home(str(output.spool_path))})" if output.spool_path else ""
        return (
            f"{output.total_lines:,} lines, last {self.line_count:,} shown; output past line "
            f"{output.spool_complete_lines:,} was not saved: {output.spool_error}{where}"
        )

    def _spool_note(self, path: Path) -> str:
        return (
            f"{self.output.total_lines:,} lines, last {self.line_count:,} shown; "
            f"full output: {shorten_home(str(path))}"
        )
