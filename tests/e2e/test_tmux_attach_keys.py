"""Keys typed in `conch attach`'s window in tmux go where the user meant them: Ctrl+O Down
Enter typed in one burst (one send-keys call: the terminal delivers them together, before
the window has asked the host which sessions are live) opens the session below this one in
the picker, and no key of the burst lands in the prompt; typed at human speed, the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    block_lines,
    find_blocks,
    launch_conch,
    named,
    needs_tmux,
    prompt_text,
)
from tests.e2e.test_tmux_attach import Place, attach_client, finished_block, place
from tests.e2e.test_tmux_attach_lifecycle import session_of
from tests.e2e.test_tmux_attach_sessions import on_session_other_than

__all__ = ["place"]  # the fixture, shared with test_tmux_attach.py
pytestmark = [needs_tmux, pytest.mark.e2e]


@pytest.mark.parametrize("speed", ["burst", "human"])
def test_ctrl_o_down_enter_opens_the_next_session_and_nothing_lands_in_the_prompt(
    place: Place, speed: str
) -> None:
    with attach_client(place) as one:
        one.type_line("echo line-of-a")
        finished_block(one, "echo line-of-a", "line-of-a")
        first = session_of(one)
    with attach_client(place, "--new") as window:
        window.type_line("echo line-of-b")
        finished_block(window, "echo line-of-b", "line-of-b")
        second = session_of(window)

        if speed == "burst":
            window.send("C-o", "x", "Down", "Enter")
        else:
            window.send_slowly("C-o", "x", "Down", "Enter")

        assert on_session_other_than(window, second) == first
        finished_block(window, "echo line-of-a", "line-of-a")
        window.wait_for(f"Left session {second}: it goes on in the host")  # where it was
        screen = window.screen()
        assert "line-of-b" not in screen, "only the chosen session's lines"
        assert not prompt_text(screen).startswith("x"), "the x was typed in the picker"
        assert not find_blocks(screen, "x")
        window.type_line("echo still-here")
        finished_block(window, "echo still-here", "still-here")


@pytest.mark.parametrize("speed", ["burst", "human"])
def test_in_the_app_run_in_process_ctrl_o_down_enter_opens_the_other_session_too(
    tmp_path: Path, speed: str
) -> None:
    with launch_conch(tmp_path, "[ui]\nin_host = false\n") as conch:
        conch.run("echo in-the-first-session")
        conch.type_line("/new")
        conch.wait_for(named(lambda s: "in-the-first-session" not in s and "^o Sessions" in s,
                             "the new, empty session"))  # fmt: skip
        conch.run("echo in-the-second-session")

        if speed == "burst":
            conch.send("C-o", "x", "Down", "Enter")
        else:
            conch.send_slowly("C-o", "x", "Down", "Enter")

        screen = conch.wait_for(named(lambda s: "in-the-first-session" in block_lines(s),
                                      "the first session's conversation"))  # fmt: skip
        assert "in-the-second-session" not in screen, screen
        assert not prompt_text(screen).startswith("x") and not find_blocks(screen, "x")
        assert conch.run("echo back-here").splitlines()[1] == "back-here"


@pytest.mark.parametrize("speed", ["burst", "human"])
def test_keys_in_the_paste_review_act_in_the_order_typed_and_after_ctrl_s_go_to_the_prompt(
    place: Place, speed: str
) -> None:
    with attach_client(place) as window:
        window.paste("echo one\necho two")
        window.wait_for("held here for review")
        keys = ("Down", "End", " 2x", "BSpace", "Enter", "echo three", "C-s", "echo four")
        if speed == "burst":
            window.send(*keys)
        else:
            window.send_slowly(*keys)

        block = finished_block(window, "echo one", "three")
        assert block.splitlines()[1:3] == ["echo two 2", "echo three  ~/work"], block
        assert "\none\ntwo 2\nthree\n" in block, block
        window.wait_for(named(lambda s: prompt_text(s) == "echo four", "echo four in the prompt"))
