"""Auto mode never sends a line with shell control syntax to the agent on a guess,
and a failed line whose words a command took for file names gets the agent offer."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.control_syntax import has_compound_command, has_control_syntax
from conch_plugins.shell_mode.failure_offer import error_offer
from conch_plugins.shell_mode.natural_language import reads_as_request
from conch_plugins.shell_mode.route_decision import decide
from conch_plugins.shell_mode.shell_words import split_shell
from tests.unit.routing_setup import run_bash, stub_command_index

COMMANDS = ["git", "make", "find", "ls", "cat", "grep", "echo", "date", "sleep", "sort"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> CommandIndex:
    """A PATH of stub executables: `mycli` and `ping` are not on it."""
    return stub_command_index(tmp_path_factory.mktemp("bin"), COMMANDS)


@pytest.mark.parametrize(
    "line",
    [
        "mycli build && for f in a b; do echo $f; done",
        "ping -c 5 127.0.0.1 || (for i in 1 2 3; do date; sleep 1; done)",
        "mycli deploy the app && echo ok",
        "mycli status | sort > out.txt",
        "mycli run $(cat args) in the background",
        "deploy staging; notify the team",
        "deploy the app && echo ok",
        "Mycli build && for f in a b; do echo $f; done",
    ],
)
def test_an_unknown_command_with_shell_syntax_is_never_sent_to_the_agent(
    line: str, index: CommandIndex
) -> None:
    assert decide(line, index).target in ("shell", "ask")


@pytest.mark.parametrize(
    "line",
    [
        "fix the build; then run tests",
        "why does ls | wc -l print 0?",
        "what's wrong with my loop, it prints nothing > out",
        "i ran make && it didn't build",
    ],
)
def test_prose_that_contains_shell_syntax_still_goes_to_the_agent(
    line: str, index: CommandIndex
) -> None:
    assert decide(line, index).target == "agent"


def test_without_the_loop_both_lines_still_go_to_the_shell(index: CommandIndex) -> None:
    assert decide("mycli build && echo done", index).target == "shell"
    assert decide("ping -c 5 127.0.0.1", index).target == "shell"


def test_a_closed_loop_is_compound_but_prose_with_then_is_not() -> None:
    assert has_compound_command(split_shell("for f in a b; do echo $f; done"))
    assert has_compound_command(split_shell("x || { echo no; exit 1; }"))
    assert not has_compound_command(split_shell("fix the build; then run tests"))
    assert not has_control_syntax(split_shell("why is `foo()` returning None"))
    assert has_control_syntax(split_shell("a 2>&1"))


@pytest.mark.parametrize(
    "line", ["find all python files", "ls all python files", "ls all the logs", "cat all logs"]
)
def test_a_failed_line_of_words_taken_for_files_offers_the_agent(
    line: str, tmp_path: Path, index: CommandIndex
) -> None:
    status, output = run_bash(line, tmp_path)
    offer = error_offer(line, status, output, index)
    assert offer is not None and offer.kind == "agent" and offer.text == line


@pytest.mark.parametrize("line", ["ls foo bar", "cat notes todo", "find src tests"])
def test_missing_file_names_alone_offer_nothing(
    line: str, tmp_path: Path, index: CommandIndex
) -> None:
    status, output = run_bash(line, tmp_path)
    assert status != 0
    assert error_offer(line, status, output, index) is None


def test_a_line_with_a_closed_loop_does_not_read_as_a_request() -> None:
    assert not reads_as_request("mycli build && for f in a b; do echo $f; done")
    assert reads_as_request("fix the build; then run tests")
