"""Conch's `/` commands: recognised only by exact name, so paths still run."""

from __future__ import annotations

from conch.slash_commands import help_text, matching, parse_slash


def test_a_known_name_is_a_command_and_its_argument_is_kept() -> None:
    parsed = parse_slash("/mode shell")
    assert parsed is not None
    command, argument = parsed
    assert (command.name, argument) == ("/mode", "shell")


def test_a_path_or_an_unknown_name_is_not_a_command() -> None:
    assert parse_slash("/usr/bin/env") is None
    assert parse_slash("/helpme") is None
    assert parse_slash("help") is None


def test_completion_candidates_are_the_names_with_the_prefix() -> None:
    assert [command.name for command in matching("/e")] == ["/exit"]
    assert len(matching("/")) >= 5


def test_help_lists_every_command_and_the_keys() -> None:
    text = help_text()
    assert all(command.name in text for command in matching("/"))
    assert "Ctrl+Space" in text and "Tab" in text
