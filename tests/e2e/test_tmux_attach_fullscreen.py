"""vim through the host: a full-screen program started in one `conch attach` gets that
client's terminal, raw and at its size; another client on the session is told where it runs.

A real host, two clients in their own tmux servers on one session. Text typed in the first
client's vim is written to the file; resizing that client's window while vim runs makes vim
redraw at the new size; when vim exits both clients are back at their prompts. A client
killed while its vim runs leaves vim running, and the next client attached gets it back.
"""

from __future__ import annotations

import os
import shutil
import signal

import pytest

from tests.e2e.conch_terminal import (
    EXITED_MARK,
    HEIGHT,
    WIDTH,
    ConchTerminal,
    find_blocks,
    is_finished,
)
from tests.e2e.test_tmux_attach import (
    ATTACHED,
    Place,
    attach_client,
    client_pid,
    finished_block,
    place,
)
from tests.peers.programs import needs_program

__all__ = ["place"]  # the fixture, shared with the attach tests

VIM = shutil.which("vim")
pytestmark = [
    pytest.mark.e2e,
    needs_program("vim", "vim", "the tests of vim through the host"),
]

EDIT = "vim -u NONE -N notes.txt"
ELSEWHERE = "vim is running in another client"


def tilde_rows(screen: str) -> int:
    """Rows vim marks as past the end of the file: the screen's height less 2 for an empty
    file (its one line, and the command line)."""
    return sum(1 for line in screen.splitlines() if line == "~")


def ruler_column(screen: str) -> int:
    """Where vim drew its ruler (`:set ruler`) on the last line: it puts it 18 columns from
    the right edge of the terminal it believes it has."""
    last = [line for line in screen.splitlines() if line.strip()][-1]
    return last.index("0,0-1")


def shows_vim(rows: int, cols: int) -> object:
    def check(screen: str) -> bool:
        return (
            tilde_rows(screen) == rows - 2
            and "0,0-1" in screen
            and (ruler_column(screen) == cols - 18)
        )

    check.__name__ = f"vim drawn at {cols}x{rows}"
    return check


def back_at_prompt(terminal: ConchTerminal) -> str:
    def done(screen: str) -> bool:
        blocks = find_blocks(screen, EDIT)
        return ATTACHED in screen and bool(blocks) and is_finished(blocks[-1])

    done.__name__ = "vim's block finished and the window back"
    return terminal.wait_for(done, timeout=15)


def test_vim_runs_in_the_client_that_started_it_and_the_other_is_told(place: Place) -> None:
    with attach_client(place) as first, attach_client(place) as second:
        first.type_line(EDIT)
        first.wait_for(lambda screen: tilde_rows(screen) > 10, timeout=15)
        first.type(":set ruler")
        first.send("Enter")
        first.wait_for(shows_vim(HEIGHT, WIDTH))  # its size came from the client's terminal
        second.wait_for(ELSEWHERE)
        assert tilde_rows(second.screen()) == 0
        # The prompt says where the keys are, not "Enter sends a line to it".
        screen = second.wait_for("in another client, which has its keys")
        assert "Enter sends a line to it" not in screen, screen

        first.tmux("resize-window", "-t", "conch", "-x", "100", "-y", "30")
        first.wait_for(shows_vim(30, 100))

        second.type_line("typed-in-the-other-client")
        second.wait_for("Not sent: vim is running in another client")
        assert "typed-in-the-other-client" in second.screen(), "the line stays in the prompt"
        first.send("i")
        first.type("hello through the host")
        first.send("Escape")
        first.type(":wq")
        first.send("Enter")

        block = find_blocks(back_at_prompt(first), EDIT)[-1]
        assert "✓ 0" in block
        assert (place.workdir / "notes.txt").read_text() == "hello through the host\n"
        second_block = finished_block(second, EDIT, "")
        assert ELSEWHERE not in second_block and "✓ 0" in second_block

        first.run("echo first-is-back")
        assert "first-is-back" in finished_block(second, "echo first-is-back", "first-is-back")
        assert "typed-in-the-other-client" in second.screen(), "still there, not lost"
        second.send("C-u")  # the user clears the line they kept
        second.run("echo second-is-back")
        assert "second-is-back" in finished_block(first, "echo second-is-back", "second-is-back")


def test_vim_left_by_a_killed_client_goes_to_the_next_client_attached(place: Place) -> None:
    with attach_client(place) as first, attach_client(place) as second:
        first.type_line(EDIT)
        first.wait_for(lambda screen: tilde_rows(screen) == HEIGHT - 2, timeout=15)
        second.wait_for(ELSEWHERE)
        os.kill(client_pid(first), signal.SIGKILL)
        first.wait_for(EXITED_MARK)
        with attach_client(place, wait="~") as again:
            again.wait_for(lambda screen: tilde_rows(screen) == HEIGHT - 2)  # redrawn for it
            again.type(":q")
            again.send("Enter")
            assert "✓ 0" in find_blocks(back_at_prompt(again), EDIT)[-1]
        assert "✓ 0" in finished_block(second, EDIT, "")
