"""Finding the word under the cursor and whether it names a command, as bash reads a line."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.completion.line_context import LineContext, read_line_context


def at_end(line: str) -> LineContext:
    return read_line_context(line, len(line))


def word(line: str) -> str:
    context = at_end(line)
    return line[context.start :]


@pytest.mark.parametrize(
    "line",
    ["gi", "  gi", "ls | gi", "ls; gi", "ls && gi", "ls || gi", "ls & gi", "ls\ngi", "(gi"],
)
def test_first_word_and_words_after_operators_are_commands(line: str) -> None:
    context = at_end(line)
    assert context.in_command_position
    assert word(line) == "gi"


@pytest.mark.parametrize("line", ["echo $(gi", 'echo "$(gi', "echo `gi", "diff <(gi", "a=$(gi"])
def test_a_command_substitution_holds_a_command_of_its_own(line: str) -> None:
    assert at_end(line).in_command_position
    assert word(line) == "gi"


def test_a_closed_substitution_returns_to_the_outer_command() -> None:
    context = at_end("echo $(pwd) sr")
    assert not context.in_command_position
    assert context.command_words == ("echo", "$(pwd)")


@pytest.mark.parametrize("line", ["git ch", "ls -l sr", "git commit -m 'x' --am", "a | b c"])
def test_later_words_are_arguments(line: str) -> None:
    assert not at_end(line).in_command_position


def test_leading_assignments_are_not_the_command() -> None:
    context = at_end("FOO=1 BAR=2 gi")
    assert context.in_command_position
    context = at_end("FOO=1 git ch")
    assert context.command_words == ("git",)
    assert context.command_start == len("FOO=1 ")


def test_an_assignment_value_is_completed_after_the_equals_sign() -> None:
    context = at_end("FOO=sr")
    assert context.is_assignment and not context.in_command_position
    assert word("FOO=sr") == "sr"
    assert word("PATH=/bin:/us") == "/us"


def test_the_word_starts_after_an_unquoted_equals_or_colon() -> None:
    assert word("ls --color=al") == "al"
    assert word("scp host:pa") == "pa"
    assert word("ls --color=") == ""


def test_an_equals_sign_inside_quotes_does_not_split_the_word() -> None:
    assert word('echo "a=b') == '"a=b'
    assert word("echo a\\=b") == "a\\=b"


@pytest.mark.parametrize("line", ["cat > fi", "cat >fi", "cat 2>fi", "cat <fi", "cmd &>fi"])
def test_the_word_after_a_redirection_is_a_file(line: str) -> None:
    context = at_end(line)
    assert context.after_redirection
    assert not context.in_command_position
    assert word(line) == "fi"


def test_a_redirection_and_its_file_are_not_command_words() -> None:
    context = at_end("2>/dev/null git ch")
    assert context.command_words == ("git",)


def test_an_open_quote_belongs_to_the_word_and_readline_completes_inside_it() -> None:
    line = 'ls "my di'
    context = at_end(line)
    assert context.quote == '"'
    assert line[context.start :] == '"my di'
    assert line[context.text_start :] == "my di"


def test_single_and_ansi_c_quotes_are_recognised() -> None:
    assert at_end("ls 'my").quote == "'"
    assert at_end("ls $'my").quote == "$'"
    assert at_end("ls 'closed' x").quote == ""


def test_escaped_blanks_stay_inside_the_word() -> None:
    assert word("ls my\\ di") == "my\\ di"


def test_separators_inside_quotes_do_not_start_a_command() -> None:
    context = at_end("echo 'a; b' | gr")
    assert context.in_command_position
    context = at_end("echo 'a; gr")
    assert not context.in_command_position


def test_a_comment_is_not_completed() -> None:
    assert at_end("ls # gi").in_comment
    assert not at_end("echo a#b").in_comment


def test_a_blank_after_the_command_starts_an_empty_argument() -> None:
    context = at_end("git ")
    assert context.command_words == ("git",)
    assert context.start == 4


def test_the_cursor_inside_a_line_only_reads_what_is_before_it() -> None:
    line = "gi status"
    context = read_line_context(line, 2)
    assert context.in_command_position
    assert context.start == 0
