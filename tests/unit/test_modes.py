"""ExecutionMode: the cycle, parsing from config/history, label and icon."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.modes import ExecutionMode, next_mode, parse_mode


def test_there_are_exactly_three_modes() -> None:
    assert [mode.value for mode in ExecutionMode] == ["auto", "shell", "agent"]


def test_next_mode_cycles_auto_shell_agent_and_back() -> None:
    assert next_mode(ExecutionMode.AUTO) is ExecutionMode.SHELL
    assert next_mode(ExecutionMode.SHELL) is ExecutionMode.AGENT
    assert next_mode(ExecutionMode.AGENT) is ExecutionMode.AUTO


def test_three_steps_return_to_the_start() -> None:
    for start in ExecutionMode:
        assert next_mode(next_mode(next_mode(start))) is start


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("auto", ExecutionMode.AUTO),
        ("shell", ExecutionMode.SHELL),
        ("agent", ExecutionMode.AGENT),
        ("Shell", ExecutionMode.SHELL),
        ("AGENT", ExecutionMode.AGENT),
        ("aUtO", ExecutionMode.AUTO),
        ("  shell\n", ExecutionMode.SHELL),
    ],
)
def test_parse_mode_is_case_insensitive(name: str, mode: ExecutionMode) -> None:
    assert parse_mode(name) is mode


@pytest.mark.parametrize("name", ["", "bash", "auto-mode", "sh"])
def test_parse_mode_rejects_unknown_names_listing_the_choices(name: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_mode(name)
    message = str(raised.value)
    assert repr(name) in message
    for choice in ("auto", "shell", "agent"):
        assert choice in message


def test_parse_mode_round_trips_every_mode() -> None:
    for mode in ExecutionMode:
        assert parse_mode(mode.value) is mode
        assert parse_mode(mode.label) is mode


def test_label_is_the_capitalised_name() -> None:
    assert [mode.label for mode in ExecutionMode] == ["Auto", "Shell", "Agent"]


def test_every_mode_has_a_distinct_single_character_icon() -> None:
    icons = [mode.icon for mode in ExecutionMode]
    assert all(len(icon) == 1 for icon in icons)
    assert len(set(icons)) == 3
    assert ExecutionMode.SHELL.icon == "$"


def test_mode_compares_equal_to_its_string_value() -> None:
    assert ExecutionMode.AGENT == "agent"
    assert f"{ExecutionMode.SHELL}" == "shell"
