"""One shell command in the conversation: its line, live output, status and time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from conch.output_buffer import BoundedOutput
from conch.widgets.output_view import OutputView
from conch_plugins.shell_mode.command_result import CommandResult, HandoverResult, Passthrough
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.unfinished_input import unfinished_reason

LendTerminal = Callable[[Passthrough], HandoverResult]
SYNC_INTERVAL = 1 / 20


class BlockSink:
    """Where the reader thread puts this block's output (thread-safe)."""

    def __init__(self, output: BoundedOutput, lend_terminal: LendTerminal | None) -> None:
        self.output = output
        self.lend_terminal = lend_terminal
        self.ran_fullscreen = False

    def on_output(self, text: str) -> None:
        self.output.append(text)

    def run_fullscreen(self, passthrough: Passthrough) -> HandoverResult:
        if self.lend_terminal is None:
            return False
        outcome = self.lend_terminal(passthrough)
        self.ran_fullscreen = outcome is not False
        return outcome


def describe_result(result: CommandResult, restarted: bool) -> tuple[str, str]:
    """The status text and its CSS class for a finished command."""
    took = format_duration(result.duration)
    if result.shell_exited:
        note = "bash exited" + ("; started a new bash" if restarted else "")
        return f"✗ {note} · {took}", "-failed"
    if result.timed_out:
        return f"⏱ timed out (exit {result.exit_status}) · {took}", "-failed"
    if result.exit_status == 0:
        return f"✓ 0 · {took}", "-ok"
    reason = " interrupted" if result.interrupted else ""
    return f"✗ exit {result.exit_status}{reason} · {took}", "-failed"


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s"


class CommandBlock(Vertical):
    DEFAULT_CSS = """
    CommandBlock {
        height: auto;
        margin: 0 0 1 0;
        border-left: outer $accent;
        background: $surface;
    }
    CommandBlock.-ok { border-left: outer $success; }
    CommandBlock.-failed { border-left: outer $error; }
    CommandBlock > .command-line { padding: 0 1; text-style: bold; }
    CommandBlock > .command-status { padding: 0 1; color: $text-muted; }
    CommandBlock.-ok > .command-status { color: $success; }
    CommandBlock.-failed > .command-status { color: $error; }
    """

    running: reactive[bool] = reactive(True)

    def __init__(
        self,
        command: str,
        cwd: str,
        output: BoundedOutput,
        lend_terminal: LendTerminal | None = None,
    ) -> None:
        super().__init__()
        self.command = command
        self.cwd = cwd
        self.output = output
        self.sink = BlockSink(output, lend_terminal)
        self.result: CommandResult | None = None
        self._restarted = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        line = Text.assemble(("$ ", "dim"), self.command, ("  " + shorten_home(self.cwd), "dim"))
        yield Static(line, classes="command-line", markup=False)
        yield OutputView(self.output)
        yield Static("running… (Ctrl+C interrupts)", classes="command-status", markup=False)

    def on_mount(self) -> None:
        if self.result is None:
            self._timer = self.set_interval(SYNC_INTERVAL, self.sync_output)
        else:
            self._show_result()

    def sync_output(self) -> None:
        self.query_one(OutputView).sync()

    def finish(self, result: CommandResult, restarted: bool = False) -> None:
        """Show the final status; called on the UI thread when the command ended."""
        self.result = result
        self._restarted = restarted
        self.running = False
        self.output.close()
        if self._timer is not None:
            self._timer.stop()
        if self.is_mounted:
            self._show_result()

    def _show_result(self) -> None:
        assert self.result is not None
        self.sync_output()
        status, css_class = describe_result(self.result, self._restarted)
        missing = unfinished_reason(self.result.exit_status, self.output.text())
        extra = [f"unfinished input: {missing} — nothing ran"] if missing else []
        if self.sink.ran_fullscreen:
            extra.append("ran full-screen")
        if self.output.spool_path is not None:
            extra.append(self._spool_note(self.output.spool_path))
        self.add_class(css_class)
        self.query_one(".command-status", Static).update(" · ".join([status, *extra]))

    def _spool_note(self, path: Path) -> str:
        kept = self.query_one(OutputView).line_count
        return (
            f"{self.output.total_lines:,} lines, last {kept:,} shown; "
            f"full output: {shorten_home(str(path))}"
        )
