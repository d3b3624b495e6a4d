"""`conch attach`'s after-error offer, for real: a real host, a client in a tmux server of its
own, typed at by a person. `gti status` fails, "did you mean `git status`?" shows under it at
the bottom of the pane (the view does not move away from the prompt), and Tab then Enter runs
`git status`, whose output shows.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import needs_tmux, prompt_area
from tests.e2e.test_tmux_attach import Place, attach_client

pytestmark = [needs_tmux, pytest.mark.e2e]

OFFER = "Did you mean `git status`?"


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    """A machine whose work dir is a fresh git repository."""
    where = Place(tmp_path / "m")
    subprocess.run(["git", "init", "-q", str(where.workdir)], check=True, timeout=30)
    yield where
    where.stop_host()


def rows_above_the_prompt(screen: str, text: str) -> int:
    """How many rows above the prompt bar's top the last row holding ``text`` is."""
    lines = screen.splitlines()
    rows = [i for i, line in enumerate(lines) if text in line]
    assert rows, screen
    return len(lines) - len(prompt_area(screen)) - rows[-1]


def test_gti_status_offers_git_status_at_the_bottom_and_tab_then_enter_runs_it(
    place: Place,
) -> None:
    with attach_client(place, "--name", "laptop") as laptop:
        for n in range(12):  # more than a screen: the conversation scrolls
            laptop.run(f"echo line-{n:02}")
        laptop.type_line_slowly("gti status")
        screen = laptop.wait_for(OFFER, timeout=20)
        assert "Tab, then Enter: run it" in screen
        assert "line-11" in screen, "the view stayed at the bottom"
        assert rows_above_the_prompt(screen, OFFER) <= 4, screen
        time.sleep(0.4)  # a person reads the offer, then answers it
        laptop.send("Tab")
        time.sleep(0.3)
        laptop.send("Enter")

        screen = laptop.wait_for("nothing to commit", timeout=20)  # git's last line
        assert "No commits yet" in screen and f"{OFFER}  (accepted)" in screen
        assert "$ git status  ~/work" in screen, "it ran in the shell, in the session's cwd"
