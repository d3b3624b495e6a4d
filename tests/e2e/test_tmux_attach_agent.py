"""`conch attach` with an agent, for real: a real host running the fake ACP agent (the real
protocol), two clients in tmux servers of their own on one session, typed at.

A prompt streams in both; a permission request shows in both and is answered only by Tab
then a key: typing at the prompt answers nothing; the first answer wins and both boxes say
who gave it; a key that comes too late says who was first. Auto mode's "shell or agent?"
works as in the app; a queued prompt is cancelled from the other client. The agent's
``wait`` turn runs until cancelled and ``gate`` asks, so nothing is decided by sleeping.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import ConchTerminal, find_blocks, is_finished, named, needs_tmux
from tests.e2e.test_tmux_attach import Place, attach_client, client_pid
from tests.peers.fake_agents import write_fake_acp_config

pytestmark = [needs_tmux, pytest.mark.e2e]

BOX_KEYS = "Tab, then: [1/y] Allow   [2/n] Reject"
WAITING = "Allow the agent to run: Edit notes.txt?"
FOCUSED = "▶ keys go to this box: [1/y] Allow   [2/n] Reject"


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    """A machine whose Conch host runs the fake ACP agent (config written as a user would)."""
    where = Place(tmp_path / "m")
    write_fake_acp_config(config=Path(where.env["XDG_CONFIG_HOME"]) / "conch" / "config.toml")
    yield where
    where.stop_host()


def two_clients(stack: ExitStack, place: Place) -> tuple[ConchTerminal, ConchTerminal]:
    laptop = stack.enter_context(attach_client(place, "--name", "laptop"))
    phone = stack.enter_context(attach_client(place, "--name", "phone"))
    return laptop, phone


def prompt_line(screen: str) -> str:
    """The prompt row: the mode badge and what the input holds."""
    rows = [line for line in screen.splitlines() if "◆ Auto" in line or "$ Shell" in line
            or "✦ Agent" in line]  # fmt: skip
    assert rows, screen
    return rows[-1]


def test_a_prompt_streams_in_both_clients(place: Place) -> None:
    with ExitStack() as stack:
        laptop, phone = two_clients(stack, place)
        assert "◆ Auto" in prompt_line(laptop.screen())
        laptop.type_line("?hello from the laptop")
        for client in (laptop, phone):
            screen = client.wait_for("received: hello from the laptop", timeout=30)
            assert "✦ hello from the laptop" in screen
            client.wait_for("✓ done")


def test_a_permission_shows_in_both_typing_answers_nothing_and_the_first_answer_wins(
    place: Place,
) -> None:
    with ExitStack() as stack:
        laptop, phone = two_clients(stack, place)
        laptop.type_line("?gate")
        for client in (laptop, phone):
            # Waited for whole: a frame may show the box's title before its keys line.
            client.wait_for(named(lambda s: WAITING in s and BOX_KEYS in s, "the box's keys"), 30)
        laptop.type_slowly("cat notes.txt")  # `a` and `n` among them, typed at the prompt
        laptop.paste(" yan12")  # and a paste at once: `y`, `1` and `2` answer nothing either
        laptop.wait_for(lambda s: "cat notes.txt yan12" in prompt_line(s))
        assert WAITING in laptop.screen() and WAITING in phone.screen()
        laptop.send("Tab")  # the laptop's user goes to answer, and stops to think
        screen = laptop.wait_for(FOCUSED)
        assert "cat notes.txt yan12" in prompt_line(screen)
        pid = client_pid(laptop)
        os.kill(pid, signal.SIGSTOP)
        try:
            phone.send("Tab")
            phone.wait_for(FOCUSED)
            phone.send("n")
            phone.wait_for("Reject (by phone): Edit notes.txt", timeout=20)
            phone.wait_for("outcome=reject", timeout=20)
            laptop.send("y")  # too late: the phone answered first
        finally:
            os.kill(pid, signal.SIGCONT)
        screen = laptop.wait_for("already answered by phone", timeout=20)
        laptop.wait_for("outcome=reject", timeout=20)
        screen = laptop.wait_for("Reject (by phone): Edit notes.txt")
        assert "Allow (by laptop)" not in screen and "Allow (by laptop)" not in phone.screen()
        assert "cat notes.txt yan12" in prompt_line(screen), "the typed text is intact"


def test_tab_and_answer_keys_typed_before_the_box_appears_never_answer_it(place: Place) -> None:
    """`?gate`, Enter, Tab and `y1a` in one burst, all before the agent asks: the keys are
    the prompt's, and the box that then appears waits for Tab and a key given once it is
    there."""
    with attach_client(place) as window:
        window.send("?gate", "Enter", "Tab", "y1a")

        screen = window.wait_for(named(lambda s: WAITING in s and BOX_KEYS in s, "the box"), 30)
        screen = window.wait_for(named(lambda s: "▊  y1a " in prompt_line(s), "y1a typed"))
        assert FOCUSED not in screen and "Allow: Edit notes.txt" not in screen
        window.send("Tab")
        window.wait_for(FOCUSED)
        window.send("2")
        window.wait_for("Reject: Edit notes.txt", timeout=20)


@pytest.mark.parametrize("speed", ["burst", "human"])
def test_tab_an_answer_and_a_line_typed_on_each_go_where_they_were_meant(
    place: Place, speed: str
) -> None:
    """With the box there: Tab, 2, then a line with Backspace and Left among its letters.
    Tab gives the box the keys, 2 rejects, and the line is typed, edited in order, in the
    prompt."""
    with attach_client(place) as window:
        window.type_line("?gate")
        window.wait_for(named(lambda s: WAITING in s and BOX_KEYS in s, "the box's keys"), 30)
        keys = ("Tab", "2", "echo after", "BSpace", "Left", "x")
        if speed == "burst":
            window.send(*keys)
        else:
            window.send_slowly(*keys)

        window.wait_for("Reject: Edit notes.txt", timeout=20)
        window.wait_for(named(lambda s: "▊  echo aftxe " in prompt_line(s), "the line typed on"))
        window.wait_for("outcome=reject", timeout=20)


def test_auto_mode_asks_shell_or_agent_and_enter_again_takes_the_recommendation(
    place: Place,
) -> None:
    with attach_client(place, "--name", "laptop") as laptop:
        laptop.type_line("false")
        screen = laptop.wait_for("Enter again: shell (recommended)", timeout=20)
        assert "Run this in the shell, or send it to the agent?" in screen
        assert "false" in prompt_line(screen), "the line waits in the prompt"
        laptop.send("Enter")

        def ran(screen: str) -> bool:
            return any(is_finished(block) for block in find_blocks(screen, "false"))

        screen = laptop.wait_for(ran, timeout=20)
        assert "false  → ran in the shell" in screen
        laptop.type_line("true")
        laptop.wait_for("Enter again: shell (recommended)")
        laptop.type("x")  # an edit: the question is dismissed, nothing is sent
        screen = laptop.wait_for("true  → dismissed (the line was edited)")
        assert not find_blocks(screen, "true") and "✦ true" not in screen


@pytest.mark.parametrize("speed", ["burst", "human"])
def test_the_shell_or_agent_question_takes_tab_and_s_and_the_keys_after_are_typed(
    place: Place, speed: str
) -> None:
    with attach_client(place) as window:
        window.type_line("false")
        window.wait_for("Enter again: shell (recommended)", timeout=20)
        keys = ("Tab", "s", "lx", "BSpace", "s")
        if speed == "burst":
            window.send(*keys)
        else:
            window.send_slowly(*keys)

        def ran(screen: str) -> bool:
            return any(is_finished(block) for block in find_blocks(screen, "false"))

        screen = window.wait_for(ran, timeout=20)
        assert "false  → ran in the shell" in screen
        window.wait_for(named(lambda s: "▊  ls " in prompt_line(s), "ls typed after"))


def test_a_queued_prompt_shows_in_both_and_is_cancelled_from_the_other_client(
    place: Place,
) -> None:
    with ExitStack() as stack:
        laptop, phone = two_clients(stack, place)
        laptop.send("C-Space")  # Auto → Shell → Agent: no prefix needed then
        laptop.wait_for(lambda s: "$ Shell" in prompt_line(s))
        laptop.send("C-Space")
        laptop.wait_for(lambda s: "✦ Agent" in prompt_line(s))
        laptop.type_line("wait")
        laptop.wait_for("✦ wait")
        laptop.type_line("run me later")
        for client in (laptop, phone):
            client.wait_for("queued for the agent: 1. run me later", timeout=20)
        phone.type_line("/cancel 1")
        for client in (laptop, phone):
            client.wait_for(lambda s: "queued for the agent" not in s, timeout=20)
            client.wait_for("⊘ cancelled")
        laptop.send("Escape")  # stops the running turn
        for client in (laptop, phone):
            client.wait_for(lambda s: s.count("⊘ cancelled") >= 2, timeout=20)
        assert "received: run me later" not in laptop.screen()


def test_clients_attaching_while_a_question_waits_show_it_and_an_observer_cannot_answer(
    place: Place,
) -> None:
    with ExitStack() as stack:
        laptop = stack.enter_context(attach_client(place, "--name", "laptop"))
        laptop.type_line("?gate")
        laptop.wait_for(WAITING, timeout=30)
        watcher = stack.enter_context(attach_client(place, "--observe", "--name", "watcher"))
        phone = stack.enter_context(attach_client(place, "--name", "phone"))
        observing = "observing: a controller answers this"
        screen = watcher.wait_for(named(lambda s: WAITING in s and observing in s, "the box"))
        assert BOX_KEYS not in screen
        watcher.send("Tab")
        watcher.type("y")
        # A late controller gets the open box, keys and all (waited for whole: a frame
        # may show the box's title before its keys line is laid out).
        phone.wait_for(named(lambda s: WAITING in s and BOX_KEYS in s, "the open box's keys"))
        assert WAITING in laptop.screen() and "(by watcher)" not in laptop.screen()
        phone.send("Tab")
        phone.wait_for(FOCUSED)
        phone.type("1")
        for client in (laptop, phone, watcher):
            client.wait_for("Allow (by phone): Edit notes.txt", timeout=20)
            client.wait_for("outcome=allow", timeout=20)


def test_a_queued_prompt_typed_or_pasted_shows_as_typed_in_the_queue_line(
    place: Place,
) -> None:
    with attach_client(place, "--name", "laptop") as laptop:
        laptop.type_line("?wait")
        laptop.wait_for("✦ wait", timeout=20)
        laptop.type_line_slowly("?typed [b]by[/b] hand")
        laptop.paste("?pasted [i]text[/i]")
        laptop.wait_for(lambda s: "?pasted [i]text[/i]" in prompt_line(s))
        laptop.send("Enter")
        screen = laptop.wait_for("2. pasted [i]text[/i]", timeout=20)
        assert "1. typed [b]by[/b] hand" in screen, "the queue line shows the lines as typed"
        laptop.send("Escape")  # the running turn stops; the queued prompts run
        laptop.wait_for(lambda s: "queued for the agent" not in s, timeout=30)
