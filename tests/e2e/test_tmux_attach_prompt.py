"""`conch attach`'s prompt typed at in tmux, on a real host: Tab completes from the session's
cwd after a `cd` (typed at human speed, and pasted), Up recalls a line another attached
client sent, Ctrl+R finds a line, and a paste of several lines is held for review before it
runs in the host.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import Check, named, needs_tmux, prompt_area, prompt_text
from tests.e2e.test_tmux_attach import Place, attach_client, finished_block

pytestmark = [needs_tmux, pytest.mark.e2e]


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    where = Place(tmp_path / "m")
    sub = where.workdir / "sub"
    sub.mkdir()
    (sub / "file_in_sub.txt").write_text("text-from-the-sub-file\n")
    (where.workdir / "fig_at_the_top.txt").write_text("")  # what `fi` would find up there
    yield where
    where.stop_host()


def prompt_shows(text: str) -> Check:
    return named(lambda screen: prompt_text(screen) == text, f"the prompt showing {text!r}")


def test_tab_completes_from_the_sessions_cwd_typed_by_hand_and_pasted(place: Place) -> None:
    with attach_client(place) as client:
        client.type_line_slowly("cd sub")
        client.wait_for(named(lambda s: "~/work/sub" in s, "the status line in sub"))
        client.type_slowly("cat fi")
        client.send("Tab")
        client.wait_for(prompt_shows("cat file_in_sub.txt"))
        client.send("Enter")
        finished_block(client, "cat file_in_sub.txt", "text-from-the-sub-file")
        client.paste("wc fi")  # not `cat fi`: history would show its grey suggestion
        client.wait_for(prompt_shows("wc fi"))
        client.send("Tab")
        client.wait_for(prompt_shows("wc file_in_sub.txt"))


def test_up_recalls_a_line_sent_from_another_attached_client(place: Place) -> None:
    with attach_client(place) as first, attach_client(place) as second:
        second.type_line_slowly("echo sent-from-the-second")
        finished_block(first, "echo sent-from-the-second", "sent-from-the-second")
        first.send("Up")
        first.wait_for(prompt_shows("echo sent-from-the-second"))
        first.send("Down")
        first.wait_for(named(lambda s: prompt_text(s).startswith("Type a command"), "a draft"))


def test_ctrl_r_finds_a_line_and_puts_it_in_the_prompt(place: Place) -> None:
    with attach_client(place) as client:
        client.run("echo needle-in-the-history")
        client.run("echo something-else")
        assert any("History" in line for line in prompt_area(client.screen()))
        client.send("C-r")
        client.wait_for("Search history")
        client.type_slowly("needle")
        client.send("Enter")
        client.wait_for(prompt_shows("echo needle-in-the-history"))


def test_a_pasted_block_is_held_for_review_then_runs_in_the_host(place: Place) -> None:
    with attach_client(place) as client:
        client.paste("echo pasted-one\necho pasted-two\n")
        screen = client.wait_for("held here for review, nothing has run")
        assert "Ctrl+S: submit all 2 lines" in screen
        client.send("C-s")
        block = finished_block(client, "echo pasted-one", "pasted-two")
        assert "pasted-one" in block
