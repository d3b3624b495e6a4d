"""What a host session says after a command, besides its end (host/command_end_notes.py)."""

from __future__ import annotations

from pathlib import Path

from conch.host.command_end_notes import command_end_notes
from conch_plugins.shell_mode.bash_supervisor import RunOutcome
from conch_plugins.shell_mode.command_result import CommandResult

CONFIG = Path("/home/me/.config/conch/config.toml")


def _outcome(
    unread: str = "",
    *,
    restarted: bool = False,
    restart_error: str | None = None,
    start_error: str | None = None,
) -> RunOutcome:
    result = CommandResult("cat", 0, "/tmp", 0.1, unread_input=unread)
    return RunOutcome(result, restarted, restart_error, start_error=start_error)


def test_a_command_that_ran_plainly_says_nothing_more() -> None:
    assert command_end_notes("ls", _outcome(), [], "~", CONFIG) == []


def test_unread_typing_is_counted_and_never_shown() -> None:
    notes = command_end_notes("sudo ls", _outcome("hunter2\n\n"), ["held back"], "~", CONFIG)
    assert notes == [("`sudo ls` did not read what was typed for it (2 lines), so it was not run.",
                      "warning")]  # fmt: skip
    assert "hunter2" not in notes[0][0]


def test_a_bash_that_did_not_start_names_the_config_file() -> None:
    [(text, level)] = command_end_notes("ls", _outcome(start_error="no such file"), [], "~",
                                        CONFIG)  # fmt: skip
    assert level == "error" and "no such file" in text and str(CONFIG) in text


def test_a_restarted_bash_says_where_the_new_one_is() -> None:
    notes = command_end_notes("exit", _outcome(restarted=True), [], "~/src", CONFIG)
    assert notes == [("bash exited; started a new bash in ~/src.", "info")]


def test_a_bash_that_could_not_be_restarted_is_an_error() -> None:
    notes = command_end_notes("exit", _outcome(restart_error="fork failed"), [], "~", CONFIG)
    assert notes == [("bash exited and could not be restarted: fork failed", "error")]
