"""What background jobs print between commands, read from a real bash (no app).

A fifo the test writes to decides when the job prints, so nothing depends on sleeps; the
waits below are only bounds so that a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from conch_plugins.shell_mode.command_result import CollectingSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash

BOUND = 10.0


class Heard:
    """Collects what the between-commands reader passes on, from its thread."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.changed = threading.Condition()

    def __call__(self, text: str) -> None:
        with self.changed:
            self.parts.append(text)
            self.changed.notify_all()

    def wait_for(self, text: str) -> str:
        with self.changed:
            self.changed.wait_for(lambda: text in "".join(self.parts), BOUND)
            return "".join(self.parts)


def release(fifo: Path) -> None:
    with fifo.open("w") as writer:
        writer.write("go\n")


def test_a_background_jobs_late_output_is_passed_on_and_not_given_to_the_next_command(
    shell: PersistentBash, tmp_path: Path
) -> None:
    heard = Heard()
    shell.watch_between_commands(heard)
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    started = CollectingSink()
    shell.execute("(read x < go; echo LATE) &", started, timeout=BOUND)
    release(fifo)
    assert "LATE" in heard.wait_for("LATE")
    after = CollectingSink()
    result = shell.execute("echo after", after, timeout=BOUND)
    assert result.exit_status == 0
    assert "LATE" not in after.text and "after" in after.text
    assert "LATE" not in started.text


def test_commands_still_get_all_their_output_while_the_reader_watches(
    shell: PersistentBash,
) -> None:
    heard = Heard()
    shell.watch_between_commands(heard)
    for number in range(20):
        sink = CollectingSink()
        shell.execute(f"seq 1 {number * 500}", sink, timeout=BOUND)
        assert sink.text.split() == [str(n) for n in range(1, number * 500 + 1)]
    assert heard.parts == []
