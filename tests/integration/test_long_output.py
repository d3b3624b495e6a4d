"""Output with no newline for megabytes, from a real bash into the block's buffer.

The partial line used to be re-copied on every read: one 10 MB line took minutes.
The timeout is only a bound so that a regression fails instead of hanging.
"""

from __future__ import annotations

from pathlib import Path

from conch.output_buffer import MAX_LINE_CHARS, BoundedOutput
from conch_plugins.shell_mode.command_result import CommandSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash

TEN_MB = 10 * 1024 * 1024


class BufferSink(CommandSink):
    def __init__(self, output: BoundedOutput) -> None:
        self.output = output

    def on_output(self, text: str) -> None:
        self.output.append(text)


def test_a_ten_megabyte_line_without_a_newline_streams_into_the_block(
    shell: PersistentBash, tmp_path: Path
) -> None:
    output = BoundedOutput(1000, tmp_path / "spool")
    result = shell.execute(
        f"head -c {TEN_MB} /dev/zero | tr '\\0' x", BufferSink(output), timeout=60
    )
    assert result.exit_status == 0 and not result.timed_out
    shown = output.snapshot()
    assert shown == ["…" + "x" * MAX_LINE_CHARS]
    output.close()
    assert output.spool_path is not None
    assert output.spool_path.stat().st_size == TEN_MB
