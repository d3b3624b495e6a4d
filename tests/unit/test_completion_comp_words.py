"""COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash 5 sets them for a completion function.

The expected values were printed by a completion function in a real interactive bash.
"""

from __future__ import annotations

from conch_plugins.shell_mode.completion.comp_words import CompWords, comp_words
from conch_plugins.shell_mode.completion.line_context import read_line_context


def bash_words(line: str, cursor: int | None = None) -> CompWords:
    cursor = len(line) if cursor is None else cursor
    context = read_line_context(line, cursor)
    return comp_words(line, context.command_start, cursor)


def test_comp_line_starts_at_the_current_command() -> None:
    words = bash_words("echo x; foo a")
    assert words == CompWords(words=("foo", "a"), cword=1, line="foo a", point=5)


def test_assignments_are_dropped_and_equals_signs_are_words_of_their_own() -> None:
    words = bash_words("X=1 foo --a=b c")
    assert words.line == "foo --a=b c"
    assert words.point == 11
    assert words.words == ("foo", "--a", "=", "b", "c")
    assert words.cword == 4
    assert words.previous == "b"


def test_an_open_quote_stays_in_its_word() -> None:
    words = bash_words('foo "a b')
    assert words.words == ("foo", '"a b')
    assert words.cword == 1


def test_a_subshell_command_is_completed_on_its_own() -> None:
    assert bash_words("(foo x").words == ("foo", "x")


def test_a_blank_at_the_cursor_adds_an_empty_word() -> None:
    words = bash_words("git ")
    assert words.words == ("git", "")
    assert words.cword == 1
    assert words.previous == "git"


def test_the_cursor_right_after_an_equals_sign_is_on_that_word() -> None:
    words = bash_words("ls --color=")
    assert words.words == ("ls", "--color", "=")
    assert words.cword == 2


def test_words_after_the_cursor_are_included_up_to_the_end_of_the_command() -> None:
    line = "git ch main; ls"
    words = bash_words(line, cursor=6)
    assert words.words == ("git", "ch", "main")
    assert words.cword == 1
    assert words.line == "git ch main"
    assert words.point == 6


def test_quoted_separators_do_not_end_the_command() -> None:
    words = bash_words("git commit -m 'a; b' --am")
    assert words.words[-2:] == ("'a; b'", "--am")
