"""Input and Ctrl+C for a running command wait until bash has read its line, in the order
they came, and go nowhere once the command has ended."""

from __future__ import annotations

from conch_plugins.shell_mode.held_input import HeldInput


def test_a_ctrl_c_before_bash_read_the_line_goes_once_it_has_after_the_input_typed_first() -> None:
    held, sent = HeldInput(), []
    assert held.send(b"yes\n")
    assert held.interrupt(lambda: sent.append(b"^C"))
    assert sent == [], "bash has not read the line: nothing is written yet"

    held.open(sent.append)

    assert sent == [b"yes\n", b"^C"]


def test_a_ctrl_c_after_bash_read_the_line_goes_at_once() -> None:
    held, sent = HeldInput(), []
    held.open(sent.append)
    assert held.interrupt(lambda: sent.append(b"^C"))
    assert sent == [b"^C"]


def test_nothing_goes_once_the_command_ended_and_a_held_ctrl_c_is_dropped() -> None:
    held, sent = HeldInput(), []
    assert held.interrupt(lambda: sent.append(b"^C"))
    held.close()  # the command ended before bash read its line (it never ran)
    held.open(sent.append)
    assert sent == []
    assert not held.interrupt(lambda: sent.append(b"^C"))
    assert not held.send(b"late\n")
    assert sent == []
