"""Sessions from inside `conch attach`, typed at in tmux: two sessions live in one host; in
one window Ctrl+O shows the picker with both marked live, arrow keys and Enter move the window
to the other session (only its lines show); /fork (typed, and pasted) forks it in the host and
the window goes to the fork, while `conch ps` lists the original still live beside it. The
picker's rename of a session open in another window goes through the host: both show it."""

from __future__ import annotations

import pytest

from tests.e2e.conch_terminal import ConchTerminal, needs_tmux
from tests.e2e.test_tmux_attach import ATTACHED, Place, attach_client, finished_block, place
from tests.e2e.test_tmux_attach_lifecycle import conch_ps, session_of

__all__ = ["place"]  # the fixture, shared with test_tmux_attach.py
pytestmark = [needs_tmux, pytest.mark.e2e]


def on_session_other_than(terminal: ConchTerminal, *left: str) -> str:
    """Waits until the status line names a session other than ``left``; its short id."""

    def moved(screen: str) -> bool:
        return ATTACHED in screen and screen.split(ATTACHED, 1)[1].split()[0] not in left

    moved.__name__ = f"attached to a session other than {left}"
    terminal.wait_for(moved, timeout=20)
    return session_of(terminal)


def arrow_to_row(terminal: ConchTerminal, screen: str, text: str) -> None:
    """In the picker on ``screen``: the arrow from the row open here to the next row that
    shows ``text`` (the picker lists two sessions here)."""
    rows = screen.splitlines()
    current = next(i for i, row in enumerate(rows) if "open here · live" in row)
    other = next(i for i, row in enumerate(rows) if text in row)
    terminal.send("Down" if other > current else "Up")


def test_ctrl_o_moves_the_window_to_the_other_session_and_fork_leaves_it_live(
    place: Place,
) -> None:
    with attach_client(place) as one:
        one.type_line("echo line-of-a")
        finished_block(one, "echo line-of-a", "line-of-a")
        first = session_of(one)
        with attach_client(place, "--new") as two:
            two.type_line("echo line-of-b")
            finished_block(two, "echo line-of-b", "line-of-b")
            second = session_of(two)

            two.send("C-o")

            def listed(screen: str) -> bool:
                rows = [line for line in screen.splitlines() if "live · idle · 1 client" in line]
                return "Sessions" in screen and len(rows) == 2

            screen = two.wait_for(listed)
            assert "echo line-of-b" in next(r for r in screen.splitlines() if "open here" in r)
            arrow_to_row(two, screen, "echo line-of-a")
            two.send("Enter")

            assert on_session_other_than(two, second) == first
            finished_block(two, "echo line-of-a", "line-of-a")
            assert "line-of-b" not in two.screen(), "only the chosen session's lines"
            assert {row["id"][:8] for row in conch_ps(place)} == {first, second}

            two.type_line_slowly("/fork")
            two.wait_for("Fork from a turn")
            two.send("Enter")  # the newest turn: echo line-of-a

            fork = on_session_other_than(two, first, second)
            finished_block(two, "echo line-of-a", "line-of-a")
            two.type_line("echo in-the-fork")
            finished_block(two, "echo in-the-fork", "in-the-fork")
            live = {row["id"][:8]: row for row in conch_ps(place)}
            assert set(live) == {first, second, fork}, "the original goes on beside the fork"
            assert live[first]["clients"] == 1 and live[fork]["clients"] == 1

            two.paste("/fork")  # a pasted /fork is the same command
            two.send("Enter")
            two.wait_for("Fork from a turn")
            two.send("Enter")
            again = on_session_other_than(two, first, second, fork)
            finished_block(two, "echo in-the-fork", "in-the-fork")
            assert {row["id"][:8] for row in conch_ps(place)} == {first, second, fork, again}
        assert "line-of-b" not in one.screen() and session_of(one) == first, "one is unmoved"


def test_the_picker_renames_the_session_open_in_another_window_and_both_show_it(
    place: Place,
) -> None:
    with attach_client(place) as one:
        one.type_line("echo line-of-a")
        finished_block(one, "echo line-of-a", "line-of-a")
        first = session_of(one)
        with attach_client(place, "--new") as two:
            two.send("C-o")
            screen = two.wait_for(lambda s: "Sessions" in s and "echo line-of-a" in s)
            arrow_to_row(two, screen, "echo line-of-a")
            two.send("r")
            two.type_slowly("deploy fix")
            two.send("Enter")

            two.wait_for("to “deploy fix”.")
            one.wait_for("deploy fix")  # its status line: the title every client shows
            assert {row["id"][:8]: row["title"] for row in conch_ps(place)}[first] == "deploy fix"
