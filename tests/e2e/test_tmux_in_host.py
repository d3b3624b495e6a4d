"""`conch` with `[ui] in_host = true`: the session runs in the Conch host, shown by the
attach window, so it outlives the window. Typed at in tmux, with a real host process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import EXITED_MARK, needs_tmux
from tests.e2e.test_tmux_attach import Place, attach_client, finished_block

pytestmark = [needs_tmux, pytest.mark.e2e]


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    where = Place(tmp_path / "m")
    config = Path(where.env["XDG_CONFIG_HOME"]) / "conch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[ui]\nin_host = true\n")
    yield where
    where.stop_host()


def test_conch_runs_its_session_in_the_host_and_comes_back_to_it(place: Place) -> None:
    with attach_client(place, subcommand="") as first:
        first.type_line("mkdir sub && cd sub && echo made-$PWD")
        finished_block(first, "mkdir sub && cd sub && echo made-$PWD", "made-")
        first.wait_for("~/work/sub")  # the status line follows the shell's cd
        first.send("C-d")
        assert "Detached from session" in first.wait_for(f"{EXITED_MARK} rc=0")
    with attach_client(place, subcommand="") as again:
        again.type_line("echo back-in-$PWD")
        block = finished_block(again, "echo back-in-$PWD", "back-in-")
        assert "/sub" in block, "the same bash: the cd of the first window holds"
    with attach_client(place, "--new", subcommand="") as fresh:
        fresh.type_line("echo fresh-in-$PWD")
        block = finished_block(fresh, "echo fresh-in-$PWD", "fresh-in-")
        assert "/sub" not in block, "--new: a new session in the directory conch started in"


def test_an_unknown_agent_is_a_clear_error(place: Place) -> None:
    with attach_client(place, "--agent", "no-such-agent", subcommand="",
                       wait=f"{EXITED_MARK} rc=1") as client:  # fmt: skip
        screen = client.wait_for(f"{EXITED_MARK} rc=1")
        assert "no-such-agent" in screen
