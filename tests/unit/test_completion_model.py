"""Inserting a completion: the common prefix, one candidate, a chosen one, open quotes."""

from __future__ import annotations

from conch_plugins.shell_mode.completion.model import (
    Candidate,
    Completion,
    common_prefix,
    completion,
)


def file(text: str) -> Candidate:
    return Candidate(text=text, display=text.rsplit("/", 1)[-1], kind="file")


def directory(text: str) -> Candidate:
    return Candidate(text=text, display=text, kind="directory", space_after=False)


def test_common_prefix_of_candidate_texts() -> None:
    assert common_prefix(["checkout", "cherry", "cherry-pick"]) == "che"
    assert common_prefix(["only"]) == "only"
    assert common_prefix([]) == ""


def test_common_prefix_never_stops_half_way_through_an_escape() -> None:
    assert common_prefix(["a\\ b", "a\\$c"]) == "a"
    assert common_prefix(["my\\ dir/", "my\\ dog"]) == "my\\ d"
    # Whether the shared prefix ends inside a quote's '\'' is read past its end.
    assert common_prefix(["'a'\\''x", "'a'zz"]) == "'a"
    assert common_prefix(["'a'\\''x", "'a'\\''y"]) == "'a'\\''"


def test_candidates_are_sorted_and_unique() -> None:
    result = completion(0, 2, [file("gz"), file("git"), file("gcc"), file("git")])
    assert [c.text for c in result.candidates] == ["gcc", "git", "gz"]
    assert result.common == "g"


def test_nosort_keeps_the_order_a_spec_gave() -> None:
    result = completion(0, 0, [file("b"), file("a")], keep_order=True)
    assert [c.text for c in result.candidates] == ["b", "a"]


def test_one_file_is_inserted_with_a_space() -> None:
    line = "cat READ"
    result = completion(4, 8, [file("README.md")])
    assert result.apply(line) == ("cat README.md ", 14)


def test_one_directory_is_inserted_without_a_space() -> None:
    line = "cd sr"
    result = completion(3, 5, [directory("src/")])
    assert result.apply(line) == ("cd src/", 7)


def test_an_option_ending_in_equals_gets_no_space() -> None:
    option = Candidate(text="--color=", display="--color=", kind="option", space_after=False)
    result = completion(3, 8, [option])
    assert result.apply("ls --col") == ("ls --color=", 11)


def test_several_candidates_insert_their_common_prefix() -> None:
    line = "git ch"
    result = completion(4, 6, [file("checkout"), file("cherry"), file("cherry-pick")])
    assert result.apply(line) == ("git che", 7)


def test_a_chosen_candidate_is_inserted_whole() -> None:
    line = "git ch"
    options = [file("checkout"), file("cherry")]
    result = completion(4, 6, options)
    assert result.apply(line, options[1]) == ("git cherry ", 11)


def test_text_after_the_cursor_is_kept() -> None:
    line = "cat READ | wc"
    result = completion(4, 8, [file("README.md")])
    assert result.apply(line) == ("cat README.md | wc", 14)


def test_a_blank_already_after_the_cursor_is_not_doubled() -> None:
    line = "git ch main"
    result = completion(4, 6, [file("checkout")])
    assert result.apply(line) == ("git checkout main", 13)


def test_a_finished_word_closes_the_quote_the_user_opened() -> None:
    line = "cat 'it"
    result = completion(4, 7, [file("'it'\\''s")], quote="'")
    assert result.apply(line) == ("cat 'it'\\''s' ", 14)


def test_a_directory_leaves_the_quote_open_to_go_on_typing() -> None:
    line = 'cd "my'
    result = completion(3, 6, [directory('"my dir/')], quote='"')
    assert result.apply(line) == ('cd "my dir/', 11)


def test_a_shorter_common_prefix_never_deletes_what_was_typed() -> None:
    line = "x abc"
    result = Completion(start=2, end=5, candidates=(file("ABCD"), file("abce")), common="")
    assert result.apply(line) == ("x abc", 5)


def test_nothing_to_offer_leaves_the_line_alone() -> None:
    result = completion(0, 3, [])
    assert result.apply("zzz") == ("zzz", 3)
    assert result.common == ""
