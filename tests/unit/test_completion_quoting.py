"""Escaping names as bash 5.2's readline does, and reading a typed word back."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.completion.quoting import (
    TypedWord,
    quote_name,
    read_typed_word,
    safe_prefix_length,
)

VARIABLES = {"HOME": "/home/me", "SRC": "/work/src"}


def read(raw: str) -> TypedWord:
    return read_typed_word(raw, VARIABLES.get)


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("a b", "a\\ b"),
        ("b=c", "b\\=c"),
        ("c:d", "c\\:d"),
        ("n!o", "n\\!o"),
        ("o$p", "o\\$p"),
        ("p'q", "p\\'q"),
        ('p"q', 'p\\"q'),
        ("q&r", "q\\&r"),
        ("r@s", "r\\@s"),
        ("s*t", "s\\*t"),
        ("t?u", "t\\?u"),
        ("j{k", "j\\{k"),
        ("(x)", "\\(x\\)"),
        ("a;b|c<d>e", "a\\;b\\|c\\<d\\>e"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_unquoted_names_get_backslashes_where_bash_puts_them(name: str, escaped: str) -> None:
    assert quote_name(name, "", at_word_start=True) == escaped


@pytest.mark.parametrize("name", ["i,j", "k}l", "l]m", "m^n", "e~f", "d#e", "plain.txt"])
def test_characters_bash_leaves_bare_stay_bare(name: str) -> None:
    assert quote_name(name, "", at_word_start=True) == name


def test_tilde_and_hash_are_escaped_only_at_the_start_of_a_word() -> None:
    assert quote_name("~g", "", at_word_start=True) == "\\~g"
    assert quote_name("#h", "", at_word_start=True) == "\\#h"
    assert quote_name("~g", "", at_word_start=False) == "~g"


def test_inside_double_quotes_only_what_double_quotes_need_is_escaped() -> None:
    assert quote_name('my $dir "x" `y` \\ z', '"', at_word_start=False) == (
        'my \\$dir \\"x\\" \\`y\\` \\\\ z'
    )


def test_inside_single_quotes_a_quote_is_closed_escaped_and_reopened() -> None:
    assert quote_name("it's here", "'", at_word_start=False) == "it'\\''s here"


def test_a_name_with_a_newline_stays_on_one_line() -> None:
    assert quote_name("a\nb", "", at_word_start=True) == "$'a\\nb'"


def test_reading_splits_at_the_last_slash_and_keeps_the_head_as_typed() -> None:
    typed = read("src/ma")
    assert (typed.head, typed.directory, typed.name, typed.quote) == ("src/", "src/", "ma", "")


def test_reading_removes_quotes_and_backslashes() -> None:
    typed = read('"my dir"/a\\ b')
    assert typed.directory == "my dir/"
    assert typed.name == "a b"
    assert typed.quote == ""


def test_reading_expands_tilde_and_variables_only_to_list() -> None:
    typed = read("~/pro")
    assert (typed.head, typed.directory, typed.name) == ("~/", "/home/me/", "pro")
    typed = read("$SRC/lib/ma")
    assert typed.head == "$SRC/lib/"
    assert typed.directory == "/work/src/lib/"
    assert typed.unexpanded_directory == "$SRC/lib/"
    assert typed.name == "ma"
    assert read("${SRC}/x").directory == "/work/src/"


def test_variables_in_single_quotes_are_not_expanded() -> None:
    assert read("'$SRC/x").directory == "$SRC/"


def test_an_open_quote_is_reported_and_where_it_began() -> None:
    typed = read('"my dir/fi')
    assert typed.quote == '"'
    assert typed.quote_in_head
    assert typed.name == "fi"
    typed = read('dir/"fi')
    assert typed.quote == '"'
    assert not typed.quote_in_head


def test_a_safe_prefix_never_ends_inside_an_escape() -> None:
    assert safe_prefix_length("a\\ b", 2) == 1
    assert safe_prefix_length("a\\ b", 3) == 3
    assert safe_prefix_length("'it'\\''s", 5) == 3
    assert safe_prefix_length("'it'\\''s", 7) == 7
    assert safe_prefix_length("plain", 3) == 3
