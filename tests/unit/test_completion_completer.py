"""Which source answers for a word, without a helper bash: commands, variables, users."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion import Completer, Completion
from conch_plugins.shell_mode.completion.model import KINDS


@pytest.fixture
def index() -> CommandIndex:
    """A fixed index: this machine's PATH is never read."""
    return CommandIndex(
        aliases={"gst", "ll"},
        functions={"gitlog", "__conch_prompt"},
        executables={"git", "gitk", "grep", "echo", "ls"},
    )


def complete(index: CommandIndex, line: str, cwd: str = "/") -> Completion:
    return Completer(index).complete(line, len(line), cwd)


def texts(result: Completion) -> list[str]:
    return [candidate.text for candidate in result.candidates]


def test_the_command_word_offers_aliases_functions_builtins_and_executables(
    index: CommandIndex,
) -> None:
    result = complete(index, "g")
    kinds = {candidate.text: candidate.kind for candidate in result.candidates}
    assert kinds["gst"] == "alias"
    assert kinds["gitlog"] == "function"
    assert kinds["git"] == "command"
    assert kinds["getopts"] == "builtin"
    assert texts(result) == sorted(texts(result))


def test_a_name_that_is_several_things_shows_what_bash_would_run(index: CommandIndex) -> None:
    index.aliases.add("echo")
    kinds = {c.text: c.kind for c in complete(index, "ech").candidates}
    assert kinds == {"echo": "alias"}


def test_keywords_complete_in_command_position(index: CommandIndex) -> None:
    kinds = {c.text: c.kind for c in complete(index, "whi").candidates}
    assert kinds["while"] == "keyword"


def test_conch_own_functions_are_not_offered(index: CommandIndex) -> None:
    assert "__conch_prompt" not in texts(complete(index, "__"))


def test_one_command_is_inserted_with_a_space(index: CommandIndex) -> None:
    assert complete(index, "gre").apply("gre") == ("grep ", 5)


@pytest.mark.parametrize(
    "line", ["ls | gi", "ls && gi", "echo $(gi", "sudo gi", "env A=1 gi", "time gi"]
)
def test_commands_complete_after_operators_and_precommands(index: CommandIndex, line: str) -> None:
    assert "git" in texts(complete(index, line))


def test_an_argument_without_a_helper_completes_paths(index: CommandIndex, tmp_path: Path) -> None:
    (tmp_path / "gitignore.txt").write_text("")
    assert texts(complete(index, "cat gi", str(tmp_path))) == ["gitignore.txt"]


def test_a_variable_name_completes_from_the_environment(
    index: CommandIndex, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CONCH_TEST_FILE", "not a directory")
    monkeypatch.setenv("CONCH_TEST_DIR", str(tmp_path))
    result = complete(index, "echo $CONCH_TEST_")
    assert texts(result) == ["$CONCH_TEST_DIR/", "$CONCH_TEST_FILE"]
    assert [c.kind for c in result.candidates] == ["variable", "variable"]
    braced = complete(index, "echo ${CONCH_TEST_F")
    assert braced.apply("echo ${CONCH_TEST_F") == ("echo ${CONCH_TEST_FILE} ", 24)


def test_a_variable_is_not_completed_inside_single_quotes(
    index: CommandIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCH_TEST_VAR", "x")
    assert complete(index, "echo $CONCH_TEST_V").candidates
    assert complete(index, "echo '$CONCH_TEST_V").candidates == ()


def test_a_tilde_word_completes_login_names(index: CommandIndex) -> None:
    result = complete(index, "ls ~roo")
    assert texts(result) == ["~root/"]
    assert result.apply("ls ~roo") == ("ls ~root/", 9)


def test_every_kind_is_one_a_menu_knows(
    index: CommandIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("CONCH_TEST_VAR", "x")
    seen: set[str] = set()
    for line in ("", "cat ", "echo $CONCH_TEST", "ls ~roo"):
        seen |= {c.kind for c in complete(index, line, str(tmp_path)).candidates}
    assert seen <= KINDS
    assert {"alias", "builtin", "command", "directory", "file", "variable"} <= seen


def test_nothing_is_offered_in_a_comment(index: CommandIndex) -> None:
    assert complete(index, "ls # gi").candidates == ()
