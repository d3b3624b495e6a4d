"""Crashes in a real terminal: kill -9 Conch mid-command and mid-turn, start it again.

Conch runs its session in the Conch host, so a crash is kill -9 of the host and the window
together (kill -9 of the window alone leaves the session running: tests/e2e/test_tmux_attach.py).

Nothing acknowledged is lost (the command line, its output so far, the prompt), and nothing
is left half-done in the view: the command and the turn are marked interrupted.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conch.session_recorder import OUTPUT_DELAY
from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import (
    block_lines,
    crash_conch,
    launch_conch,
    named,
    needs_tmux,
)
from tests.peers.fake_openai_server import FakeOpenAIServer, text

pytestmark = needs_tmux


def interrupted(screen: str) -> bool:
    return "interrupted" in screen.lower()


@pytest.mark.e2e
def test_kill_9_in_the_middle_of_a_command_keeps_what_it_printed(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        conch.run("echo first-command")
        conch.type_line("echo started-before-crash; sleep 30")
        conch.wait_for(named(lambda s: "started-before-crash" in block_lines(s), "the output"))
        time.sleep(OUTPUT_DELAY + 0.3)  # output is journaled within OUTPUT_DELAY seconds
        crash_conch(conch)
    with launch_conch(tmp_path) as again:
        # The notice that says what happened may paint before the blocks it speaks of.
        restored = named(lambda s: interrupted(s) and "started-before-crash" in block_lines(s),
                         "the interrupted command")  # fmt: skip
        screen = again.wait_for(restored)
        lines = block_lines(screen)
        assert "first-command" in lines, screen
        assert "started-before-crash" in lines, screen
        assert "Conch restarted" in screen, screen
        # The restored session keeps working.
        assert again.run("echo after-restart").splitlines()[1] == "after-restart"


@pytest.mark.e2e
def test_kill_9_in_the_middle_of_an_agent_turn_keeps_the_prompt(
    tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text(*(["word "] * 200), delay=0.05))  # ten seconds of streaming
    config = openai_agent_config(fake_llm)
    with launch_conch(tmp_path, config) as conch:
        conch.type_line("?write a long answer please")
        conch.wait_for(named(lambda s: "word word" in s, "the answer to stream"))
        time.sleep(OUTPUT_DELAY + 0.3)  # streamed text is journaled within OUTPUT_DELAY
        crash_conch(conch)
    with launch_conch(tmp_path, config) as again:
        # The notice that says what happened may paint before the turn it speaks of, and
        # the turn's prompt before its text (markdown renders after the mount).
        prompt = "✦ write a long answer please"
        restored = named(lambda s: interrupted(s) and "word word" in s.partition(prompt)[2],
                         "the interrupted turn")  # fmt: skip
        screen = again.wait_for(restored)
        assert prompt in block_lines(screen), screen
        assert "word word" in screen, screen  # what had streamed before the crash is kept


@pytest.mark.e2e
def test_new_then_ctrl_o_switches_back_to_the_first_session(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        conch.run("echo in-the-first-session")
        conch.type_line("/new")
        conch.wait_for(named(lambda s: "in-the-first-session" not in s and "^o Sessions" in s,
                             "the new, empty session"))  # fmt: skip
        conch.run("echo in-the-second-session")
        conch.send("C-o")
        conch.wait_for("Enter open")
        conch.send("Down", "Enter")  # the list is newest first: the first session is second
        screen = conch.wait_for(named(lambda s: "in-the-first-session" in block_lines(s),
                                      "the first session's conversation"))  # fmt: skip
        assert "in-the-second-session" not in screen, screen
        # It is live: commands run in it.
        assert conch.run("echo back-here").splitlines()[1] == "back-here"
