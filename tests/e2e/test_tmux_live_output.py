"""A running command's output is on screen as it is printed, in a real terminal (tmux).

Programs here wait on a fifo that the test writes to, so "before the next one is printed"
is decided by the test, not by sleeps. Speed (each chunk within 100 ms) is measured by
bench/echo_latency.py, not asserted here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    ConchTerminal,
    find_blocks,
    is_finished,
    launch_conch,
    named,
    needs_tmux,
)

pytestmark = needs_tmux


@pytest.fixture
def conch(tmp_path: Path) -> Iterator[ConchTerminal]:
    with launch_conch(tmp_path) as terminal:
        yield terminal


def output_lines(screen: str, command: str) -> list[str]:
    """The output rows of the newest block for ``command`` (its command line left out)."""
    blocks = find_blocks(screen, command)
    return blocks[-1].splitlines()[1:] if blocks else []


def wait_for_output(conch: ConchTerminal, command: str, line: str) -> list[str]:
    """Wait until ``line`` is an output row of the running ``command``'s block."""

    def shown(screen: str) -> bool:
        return line in output_lines(screen, command)

    return output_lines(conch.wait_for(named(shown, f"{line!r} under {command!r}")), command)


class Gate:
    """A fifo named `go` in the session's directory: each ``release`` lets the command
    read one line from it. The command opens it once (`{ …; } < go`): reopened per read,
    it could see this writer close and read nothing, and run ahead."""

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "go"
        os.mkfifo(self.path)
        # Read-write, so opening waits for no reader and the command's open never waits.
        self._fd = os.open(self.path, os.O_RDWR)

    def release(self) -> None:
        os.write(self._fd, b"go\n")

    def close(self) -> None:
        os.close(self._fd)


@pytest.fixture
def gate(conch: ConchTerminal) -> Iterator[Gate]:
    opened = Gate(conch.workdir)
    yield opened
    opened.close()


@pytest.mark.e2e
def test_each_line_of_a_running_loop_shows_before_the_next_is_printed(
    conch: ConchTerminal, gate: Gate
) -> None:
    command = "for i in 1 2 3 4; do read x; echo beat$i; done < go"
    conch.type_line(command)
    for beat in range(1, 5):
        gate.release()
        shown = wait_for_output(conch, command, f"beat{beat}")
        assert f"beat{beat + 1}" not in shown, shown
    conch.wait_for(named(lambda s: is_finished(find_blocks(s, command)[-1]), "the loop to end"))


@pytest.mark.e2e
def test_a_python_repl_shows_its_prompt_and_answers_while_it_runs(conch: ConchTerminal) -> None:
    command = "python3 -q"
    conch.type_line(command)
    assert wait_for_output(conch, command, ">>>")
    conch.type_line("6*7")
    shown = wait_for_output(conch, command, "42")
    assert shown[shown.index("42") + 1] == ">>>", shown  # the next prompt, unfinished
    conch.type_line("exit()")
    conch.wait_for(named(lambda s: is_finished(find_blocks(s, command)[-1]), "python to exit"))


@pytest.mark.e2e
def test_a_prompt_without_a_newline_shows_while_the_program_waits(
    conch: ConchTerminal, gate: Gate
) -> None:
    # Two rows after the first: a view that never grew once drew one new row where its
    # status line was, which hid the bug.
    command = (
        "{ echo checking; read x; echo ready; printf 'Pass''word: '; read x; } < go;"
        " read x; echo got-$x"
    )
    conch.type_line(command)
    assert wait_for_output(conch, command, "checking")
    gate.release()
    assert wait_for_output(conch, command, "Password:")
    gate.release()
    conch.type_line("abc")
    assert wait_for_output(conch, command, "got-abc")


@pytest.mark.e2e
def test_a_progress_line_rewritten_with_carriage_returns_shows_its_latest_state(
    conch: ConchTerminal, gate: Gate
) -> None:
    command = (
        "{ printf 'progress 10%%'; read x; printf '\\rprogress 55%%'; read x;"
        " printf '\\r99\\n'; } < go"
    )
    conch.type_line(command)
    assert wait_for_output(conch, command, "progress 10%")
    gate.release()
    shown = wait_for_output(conch, command, "progress 55%")
    assert "progress 10%" not in shown, shown
    gate.release()
    # As a terminal shows it: "99" overwrote only the first two cells.
    shown = wait_for_output(conch, command, "99ogress 55%")


@pytest.mark.e2e
def test_what_a_background_job_prints_between_commands_is_shown_and_kept(
    conch: ConchTerminal, gate: Gate, tmp_path: Path
) -> None:
    conch.run("(read x < go; echo LATE) &")
    gate.release()
    screen = conch.wait_for(named(lambda s: "LATE" in screen_rows(s), "LATE on screen"))
    rows = screen_rows(screen)
    assert rows[rows.index("LATE") - 1] == "output from a background job", screen
    block = conch.run("echo after")
    assert "after" in block.splitlines(), block
    assert "LATE" in screen_rows(conch.screen())
    conch.send("C-q")
    conch.wait_for("CONCH-EXITED")
    # Journaled: a restart shows it again, where it came.
    with launch_conch(tmp_path) as again:
        rows = screen_rows(again.wait_for("$ echo after"))
        late = rows.index("LATE")
        assert rows[late - 1] == "output from a background job", rows
        assert late < rows.index("$ echo after  ~/work"), rows


def screen_rows(screen: str) -> list[str]:
    """Every row of the screen without the blocks' left bar."""
    return [line.strip().removeprefix("▌").strip() for line in screen.splitlines()]


@pytest.mark.e2e
def test_window_title_and_clipboard_sequences_are_not_shown_as_text(
    conch: ConchTerminal,
) -> None:
    command = "printf '\\e]0;my-title\\a\\e]52;c;aGVsbG8=\\aVISIBLE\\n'"
    block = conch.run(command)
    shown = block.splitlines()[1:]
    assert "VISIBLE" in shown, block
    assert not any("my-title" in line or "aGVsbG8" in line for line in shown), block
