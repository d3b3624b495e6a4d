"""`conch attach`'s window moves through the conversation with the app's keys, in a real
terminal: PageUp shows earlier output and a line saying how much is below, Ctrl+End comes
back, Ctrl+Y copies the block (as OSC 52, which tmux keeps as its paste buffer)."""

from __future__ import annotations

from functools import partial

import pytest

from tests.e2e.conch_terminal import block_lines, named, needs_tmux
from tests.e2e.test_tmux_attach import Place, attach_client, place
from tests.e2e.test_tmux_scrolling import clipboard, numbers_shown, rows_below, run_long

__all__ = ["place"]  # the fixture, shared with test_tmux_attach.py
pytestmark = [needs_tmux, pytest.mark.e2e]


def scrolled_back(screen: str, count: int) -> bool:
    """Earlier numbers shown, none of the last ones next to the prompt, and the line under
    the view counting what is below."""
    shown, below = numbers_shown(screen), rows_below(screen)
    return bool(shown) and shown[-1] < count - 5 and below is not None and below > 5


def test_page_up_shows_earlier_output_and_ctrl_end_returns(place: Place) -> None:
    with attach_client(place) as client:
        client.tmux("set-option", "-g", "set-clipboard", "on")
        screen = run_long(client, "seq 1 200", "200")
        assert numbers_shown(screen)[-1] == 200 and rows_below(screen) is None, screen
        client.wait_for("PgUp/PgDn Scroll")  # the footer offers it once there is more

        client.send("PageUp")
        screen = client.wait_for(named(partial(scrolled_back, count=200), "PageUp"))
        shown = numbers_shown(screen)
        assert shown == list(range(shown[0], shown[-1] + 1)), screen  # a page, in order
        assert not any(n in shown for n in range(195, 201)), screen

        client.send("C-End")
        screen = client.wait_for(
            named(lambda s: rows_below(s) is None and 200 in numbers_shown(s), "the bottom")
        )
        assert any(line.startswith("✓ 0") for line in block_lines(screen)), screen

        client.send("C-y")
        client.wait_for(named(lambda s: clipboard(client) is not None, "the clipboard"))
        assert clipboard(client) == "$ seq 1 200\n" + "\n".join(str(n) for n in range(1, 201))
