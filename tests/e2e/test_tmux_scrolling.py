"""Moving through the conversation and copying from it, in a real terminal.

Keys are sent by name through tmux (PageUp, S-PageUp, C-Home, C-End, C-y); mouse drags are
the SGR mouse reports a terminal sends, written to the pane as bytes. What Conch copies goes
out as OSC 52; with ``set-clipboard on`` tmux keeps it as its paste buffer, which the tests
read back.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    ConchTerminal,
    block_lines,
    launch_conch,
    named,
    needs_tmux,
    prompt_area,
    prompt_text,
)

pytestmark = needs_tmux

NUMBER_ROW = re.compile(r"(\d+)(?:\s+[▁▂▃▄▅▆▇█]+)?")
SCROLLBAR = re.compile(r"\s*[▁▂▃▄▅▆▇█]+\s*$")
MORE_BELOW = re.compile(r"↓ ([\d,]+) more lines? below")
KEY_PAUSE = 0.15
"""Seconds between keys where a person would pause (a key right after typed text was
sometimes lost on the old code too)."""


@pytest.fixture
def conch(tmp_path: Path) -> Iterator[ConchTerminal]:
    with launch_conch(tmp_path) as terminal:
        terminal.tmux("set-option", "-g", "set-clipboard", "on")
        yield terminal


# -- reading the screen --------------------------------------------------------------


def numbers_shown(screen: str) -> list[int]:
    """Output lines that are bare numbers (what `seq` prints), top to bottom; the scrollbar
    may be drawn to their right."""
    found = (NUMBER_ROW.fullmatch(line) for line in block_lines(screen))
    return [int(match.group(1)) for match in found if match]


def rows_below(screen: str) -> int | None:
    """What the "more below" line says, or None when it is not shown."""
    match = MORE_BELOW.search(screen)
    return int(match.group(1).replace(",", "")) if match else None


def conversation_rows(screen: str) -> list[str]:
    """The conversation as drawn, without its scrollbar (whose thumb shrinks as output
    grows): every row above the prompt and the "more below" line."""
    lines = screen.splitlines()
    rows = lines[: len(lines) - len(prompt_area(screen))]
    return [SCROLLBAR.sub("", row) for row in rows if not MORE_BELOW.search(row)]


def prompt_shows(screen: str, text: str) -> bool:
    return prompt_text(screen) == text


def clipboard(terminal: ConchTerminal) -> str | None:
    """tmux's newest paste buffer (what OSC 52 set), or None when there is none."""
    try:
        return terminal.tmux("show-buffer").stdout
    except subprocess.CalledProcessError:
        return None


def mouse_drag(terminal: ConchTerminal, start: tuple[int, int], end: tuple[int, int]) -> None:
    """Press the left button on cell ``start`` (column, row; 0-based), move to ``end`` with it
    held, release: the SGR reports a terminal sends for a drag."""
    (x1, y1), (x2, y2) = start, end
    reports = [
        f"\x1b[<0;{x1 + 1};{y1 + 1}M",
        f"\x1b[<32;{x1 + 2};{y1 + 1}M",
        f"\x1b[<32;{x2 + 1};{y2 + 1}M",
        f"\x1b[<0;{x2 + 1};{y2 + 1}m",
    ]
    for report in reports:
        terminal.tmux("send-keys", "-t", "conch", "-H", *(f"{b:02x}" for b in report.encode()))


def run_long(terminal: ConchTerminal, command: str, last_line: str) -> str:
    """Run a command whose output is taller than the screen; wait for its status under
    ``last_line`` (its header has scrolled away, so ``ConchTerminal.run`` cannot find it)."""
    terminal.type_line(command)

    def finished(screen: str) -> bool:
        lines = block_lines(screen)
        return (
            last_line in lines
            and lines.index(last_line) + 1 < len(lines)
            and (lines[lines.index(last_line) + 1].startswith("✓ 0"))
        )

    return terminal.wait_for(named(finished, f"{command!r} to finish"), timeout=30)


# -- scrolling -------------------------------------------------------------------------


def moved_up(screen: str, above: int) -> bool:
    """The view shows `seq`'s lines before ``above``, and the line under it counts at least
    the lines after the last one shown (the marker follows a frame later)."""
    shown, below = numbers_shown(screen), rows_below(screen)
    return bool(shown) and shown[-1] < above and below is not None and below >= 5000 - shown[-1]


@pytest.mark.e2e
def test_page_up_moves_back_through_long_output_and_ctrl_end_returns(
    conch: ConchTerminal,
) -> None:
    screen = run_long(conch, "seq 1 5000", "5000")
    assert rows_below(screen) is None, screen
    bottom = numbers_shown(screen)
    assert bottom[-1] == 5000, screen

    seen = [bottom]
    for key in ["PageUp", "PageUp", "S-PageUp"]:
        conch.send(key)
        above = seen[-1][0]
        screen = conch.wait_for(
            named(partial(moved_up, above=above), f"{key} to show earlier lines")
        )
        shown = numbers_shown(screen)
        assert shown == list(range(shown[0], shown[-1] + 1)), screen  # a whole page, in order
        assert shown[0] > seen[-1][0] - 2 * len(bottom), screen  # one page, not a jump
        seen.append(shown)

    conch.send("S-PageDown")
    conch.wait_for(
        named(lambda s: numbers_shown(s)[-1] > seen[-1][-1] and rows_below(s) is not None,
              "S-PageDown to go down a page")
    )  # fmt: skip

    conch.send("C-End")
    screen = conch.wait_for(
        named(lambda s: rows_below(s) is None and 5000 in numbers_shown(s), "the bottom again")
    )
    assert any(line.startswith("✓ 0") for line in block_lines(screen)), screen


@pytest.mark.e2e
def test_ctrl_home_shows_the_first_lines_and_ctrl_end_the_last(conch: ConchTerminal) -> None:
    run_long(conch, "seq 1 5000", "5000")
    conch.send("C-Home")
    screen = conch.wait_for(
        named(lambda s: "$ seq 1 5000  ~/work" in block_lines(s) and rows_below(s) is not None,
              "the top")
    )  # fmt: skip
    assert numbers_shown(screen)[:3] == [1, 2, 3], screen
    # Home and End still belong to the prompt's cursor.
    for keys, typed, shown in [("", "echo b", "echo b"), ("Home", "#", "#echo b"),
                               ("End", "!", "#echo b!")]:  # fmt: skip
        if keys:
            time.sleep(KEY_PAUSE)  # a person's pace between keys
            conch.send(keys)
            time.sleep(KEY_PAUSE)
        conch.type(typed)
        screen = conch.wait_for(named(partial(prompt_shows, text=shown), f"prompt {shown}"))
    assert "$ seq 1 5000  ~/work" in block_lines(screen), screen  # the view did not move
    conch.send("C-u")
    conch.send("C-End")
    conch.wait_for(
        named(lambda s: rows_below(s) is None and numbers_shown(s)[-1:] == [5000], "the bottom")
    )


@pytest.mark.e2e
def test_ctrl_page_up_jumps_to_where_a_long_output_begins(conch: ConchTerminal) -> None:
    run_long(conch, "seq 1 5000", "5000")
    conch.run("echo after")
    conch.send("C-PageUp")
    screen = conch.wait_for(
        named(lambda s: block_lines(s)[0] == "$ seq 1 5000  ~/work", "seq's first line on top")
    )
    assert numbers_shown(screen)[:3] == [1, 2, 3], screen
    conch.send("C-PageDown")
    conch.wait_for(named(lambda s: rows_below(s) is None and "after" in block_lines(s),
                         "the bottom again"))  # fmt: skip


@pytest.mark.e2e
def test_new_output_does_not_move_a_scrolled_up_view(conch: ConchTerminal) -> None:
    trigger = conch.workdir / "go"
    # Prints a tick each time the test creates the file, and otherwise nothing.
    loop = "seq 1 100; while :; do [ -e go ] && rm go && echo tick-$((++n)); sleep 0.05; done"
    conch.type_line(loop)
    conch.wait_for(named(lambda s: 100 in numbers_shown(s), "the loop's first output"))

    conch.send("PageUp")
    screen = conch.wait_for(named(lambda s: rows_below(s) is not None, "the more-below line"))
    before, below = conversation_rows(screen), rows_below(screen)
    assert below is not None

    trigger.touch()
    screen = conch.wait_for(
        named(lambda s: (rows_below(s) or 0) > below, "the more-below count to grow")
    )
    assert conversation_rows(screen) == before, screen  # nothing moved
    assert "tick-1" not in screen, screen

    conch.send("C-End")
    conch.wait_for(
        named(lambda s: "tick-1" in block_lines(s) and rows_below(s) is None, "the bottom")
    )

    # Following again: the next tick shows as it arrives.
    trigger.touch()
    conch.wait_for(named(lambda s: "tick-2" in block_lines(s), "tick-2 to show"))
    conch.send("C-c")
    conch.wait_for(named(lambda s: any("interrupted" in line for line in block_lines(s)),
                         "the loop to stop"))  # fmt: skip


@pytest.mark.e2e
def test_enter_brings_back_the_bottom(conch: ConchTerminal) -> None:
    run_long(conch, "seq 1 300", "300")
    conch.send("PageUp")
    conch.wait_for(named(lambda s: rows_below(s) is not None, "the more-below line"))
    block = conch.run("echo back-at-the-bottom")
    assert "back-at-the-bottom" in block.splitlines(), block
    conch.wait_for(named(lambda s: rows_below(s) is None, "the more-below line to go"))


# -- copying -----------------------------------------------------------------------


@pytest.mark.e2e
def test_ctrl_y_copies_the_latest_block_with_its_command(conch: ConchTerminal) -> None:
    conch.run("printf 'alpha\\nbeta\\n'")
    assert clipboard(conch) is None
    conch.send("C-y")
    conch.wait_for(named(lambda s: clipboard(conch) is not None, "the clipboard to be set"))
    assert clipboard(conch) == "$ printf 'alpha\\nbeta\\n'\nalpha\nbeta"
    conch.wait_for("Copied `printf 'alpha\\nbeta\\n'`: 3 lines.")


@pytest.mark.e2e
def test_ctrl_y_copies_the_block_being_read_when_scrolled_up(conch: ConchTerminal) -> None:
    run_long(conch, "seq 1 300", "300")
    conch.run("echo after")
    conch.send("PageUp")
    conch.send("PageUp")
    conch.wait_for(named(lambda s: 300 not in numbers_shown(s) and bool(numbers_shown(s)),
                         "the middle of seq's output"))  # fmt: skip
    conch.send("C-y")
    conch.wait_for(named(lambda s: clipboard(conch) is not None, "the clipboard to be set"))
    copied = clipboard(conch)
    assert copied == "$ seq 1 300\n" + "\n".join(str(n) for n in range(1, 301)), copied


@pytest.mark.e2e
def test_dragging_over_output_then_ctrl_c_copies_the_selection(conch: ConchTerminal) -> None:
    screen = conch.run("printf 'alpha one\\nbeta two\\ngamma three\\n'")
    screen = conch.screen()
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.endswith("▌ alpha one"))
    bottom = next(i for i, line in enumerate(lines) if line.endswith("▌ gamma three"))
    start = (lines[top].index("one"), top)
    end = (lines[bottom].index("three") + 2, bottom)
    mouse_drag(conch, start, end)
    conch.wait_for(named(lambda s: "^c Copy" in s, "the footer to offer Ctrl+C as Copy"))
    conch.send("C-c")
    conch.wait_for(named(lambda s: clipboard(conch) is not None, "the clipboard to be set"))
    assert clipboard(conch) == "one\nbeta two\ngamma thr"
    conch.wait_for("Copied 3 lines.")
    # The selection is gone, so Ctrl+C is back to clearing the prompt.
    conch.wait_for(named(lambda s: "^c Interrupt/Clear" in s, "Ctrl+C back to Interrupt/Clear"))
    conch.type("draft")
    conch.wait_for(named(lambda s: prompt_text(s) == "draft", "the draft"))
    conch.send("C-c")
    conch.wait_for(named(lambda s: prompt_text(s) != "draft", "the prompt to be cleared"))
