"""route_line: where a submitted line goes, in each mode, with a controlled PATH."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import Route, Target, route_line

ALL_MODES = list(ExecutionMode)


def _executable(path: Path) -> None:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)


@pytest.fixture
def index(tmp_path: Path) -> CommandIndex:
    """Aliases ``ll``, function ``greet``, executables ``mytool`` and ``deploy``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "mytool")
    _executable(bin_dir / "deploy")
    (bin_dir / "readme").write_text("not executable\n")
    (bin_dir / "subdir").mkdir()
    index = CommandIndex(aliases={"ll"}, functions={"greet"})
    index.refresh_path(str(bin_dir))
    return index


def auto(line: str, index: CommandIndex) -> Route:
    return route_line(line, ExecutionMode.AUTO, index)


# -- per-line prefixes -----------------------------------------------------


@pytest.mark.parametrize("mode", ALL_MODES)
def test_bang_prefix_sends_the_line_to_the_shell_in_every_mode(
    mode: ExecutionMode, index: CommandIndex
) -> None:
    route = route_line("!explain this please", mode, index)
    assert route.target is Target.SHELL
    assert route.text == "explain this please"


@pytest.mark.parametrize("mode", ALL_MODES)
def test_question_prefix_sends_the_line_to_the_agent_in_every_mode(
    mode: ExecutionMode, index: CommandIndex
) -> None:
    route = route_line("?ls -la", mode, index)
    assert route.target is Target.AGENT
    assert route.text == "ls -la"


def test_prefix_is_stripped_together_with_the_spaces_after_it(index: CommandIndex) -> None:
    assert auto("!  mytool --help", index).text == "mytool --help"
    assert auto("?   what is this", index).text == "what is this"


def test_prefix_after_leading_spaces_still_counts(index: CommandIndex) -> None:
    assert route_line("   ?ls", ExecutionMode.SHELL, index) == Route(
        Target.AGENT, "ls", "`?` prefix"
    )
    assert route_line("   !hello there", ExecutionMode.AGENT, index).target is Target.SHELL


def test_prefix_reason_names_the_prefix(index: CommandIndex) -> None:
    assert "!" in auto("!ls", index).reason
    assert "?" in auto("?ls", index).reason


# -- Shell and Agent modes -----------------------------------------------------


@pytest.mark.parametrize("line", ["explain the last error", "mytool --help", "(cd /tmp)"])
def test_shell_mode_sends_everything_to_the_shell(line: str, index: CommandIndex) -> None:
    route = route_line(line, ExecutionMode.SHELL, index)
    assert route.target is Target.SHELL
    assert route.text == line


@pytest.mark.parametrize("line", ["ls -la", "mytool --help", "how do I list files"])
def test_agent_mode_sends_everything_to_the_agent(line: str, index: CommandIndex) -> None:
    route = route_line(line, ExecutionMode.AGENT, index)
    assert route.target is Target.AGENT
    assert route.text == line


def test_agent_mode_strips_surrounding_whitespace(index: CommandIndex) -> None:
    assert route_line("  fix the tests  ", ExecutionMode.AGENT, index).text == "fix the tests"


# -- Auto mode: commands ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "mytool --help",
        "deploy",
        "ll",
        "ll -a",
        "greet world",
        "cd /tmp",
        "export FOO=1",
        "echo hello",
        "source ~/.bashrc",
        "for i in 1 2; do echo $i; done",
        "if true; then echo y; fi",
        "while false; do :; done",
        "[[ -f x ]] && echo y",
        "time mytool",
    ],
)
def test_line_starting_with_a_command_goes_to_the_shell(line: str, index: CommandIndex) -> None:
    route = auto(line, index)
    assert route.target is Target.SHELL
    assert route.text == line


@pytest.mark.parametrize(
    "line",
    [
        "mytool;echo done",
        "mytool|wc -l",
        "mytool&&deploy",
        "mytool>out.txt",
        "mytool<in.txt",
        "echo(",
    ],
)
def test_first_word_ends_at_shell_operators(line: str, index: CommandIndex) -> None:
    assert auto(line, index).target is Target.SHELL


def test_reason_names_the_command_word(index: CommandIndex) -> None:
    assert "mytool" in auto("mytool --help", index).reason


@pytest.mark.parametrize(
    "line",
    [
        "(cd /tmp && ls)",
        "{ echo a; echo b; }",
        "/usr/bin/env true",
        "/no/such/program",
        "./build.sh",
        "../scripts/run",
        ".hidden-script",
        "~/bin/thing",
    ],
)
def test_line_starting_with_shell_syntax_or_a_path_goes_to_the_shell(
    line: str, index: CommandIndex
) -> None:
    route = auto(line, index)
    assert route.target is Target.SHELL
    assert route.text == line


@pytest.mark.parametrize(
    "line",
    [
        "FOO=bar",
        "FOO=bar mytool",
        "_private=1",
        "PATH+=:/opt/bin",
        "arr[3]=x",
        "x=",
    ],
)
def test_variable_assignment_goes_to_the_shell(line: str, index: CommandIndex) -> None:
    route = auto(line, index)
    assert route.target is Target.SHELL
    assert "assignment" in route.reason


def test_auto_mode_keeps_the_shell_line_as_typed(index: CommandIndex) -> None:
    line = "  mytool   --flag  "
    route = auto(line, index)
    assert route.target is Target.SHELL
    assert route.text == line


# -- Auto mode: prose ------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "explain the last error",
        "how do I list files by size",
        "why did mytool fail",
        "please deploy to staging",
        "Refactor the parser",
    ],
)
def test_prose_starting_with_unknown_word_goes_to_agent(line: str, index: CommandIndex) -> None:
    route = auto(line, index)
    assert route.target is Target.AGENT
    assert route.text == line


def test_agent_text_in_auto_mode_is_stripped(index: CommandIndex) -> None:
    assert auto("   explain this   ", index).text == "explain this"


def test_reason_names_the_unknown_word(index: CommandIndex) -> None:
    assert "explain" in auto("explain this", index).reason


def test_non_executable_file_on_path_is_not_a_command(index: CommandIndex) -> None:
    assert auto("readme first", index).target is Target.AGENT


def test_directory_on_path_is_not_a_command(index: CommandIndex) -> None:
    assert auto("subdir stuff", index).target is Target.ASK  # unknown: ask


def test_spaced_equals_is_not_an_assignment(index: CommandIndex) -> None:
    assert auto("x = 3 is that right", index).target is Target.AGENT


def test_digit_first_name_is_not_an_assignment(index: CommandIndex) -> None:
    assert auto("2x=4 means x=2", index).target is Target.AGENT


def test_command_word_must_match_exactly(index: CommandIndex) -> None:
    assert auto("mytools are great", index).target is Target.AGENT
    # Not run as typed (bash is case-sensitive): a caps slip or a shout, so Conch asks.
    shouted = auto("MYTOOL run", index)
    assert (shouted.target, shouted.suggestion) == (Target.ASK, "mytool run")


def test_empty_line_in_auto_mode_does_not_raise(index: CommandIndex) -> None:
    route = auto("", index)
    assert route.text == ""
    assert isinstance(route.target, Target)


def test_alias_defined_later_changes_the_route(index: CommandIndex) -> None:
    assert auto("gst", index).target is Target.ASK  # unknown: ask
    index.aliases.add("gst")
    assert auto("gst", index).target is Target.SHELL


def test_executable_added_to_path_is_seen_after_refresh(
    tmp_path: Path, index: CommandIndex
) -> None:
    _executable(tmp_path / "bin" / "newtool")
    assert auto("newtool run", index).target is Target.AGENT
    index.refresh_path(str(tmp_path / "bin"))
    assert auto("newtool run", index).target is Target.SHELL


def test_route_does_not_run_anything(tmp_path: Path, index: CommandIndex) -> None:
    marker = tmp_path / "ran"
    before = set(os.listdir(tmp_path))
    for mode in ALL_MODES:
        route_line(f"touch {marker}", mode, index)
        route_line(f"!touch {marker}", mode, index)
    assert not marker.exists()
    assert set(os.listdir(tmp_path)) == before
