"""natural_language: telling English addressed to the agent from a command's arguments."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.natural_language import (
    arguments_score,
    is_english,
    looks_pasted,
    prose_score,
    reads_as_request,
)
from conch_plugins.shell_mode.shell_words import split_shell


@pytest.mark.parametrize(
    "line",
    [
        "make the failing tests pass",
        "find where we handle authentication",
        "kill whatever is on port 3000",
        "echo back what you understood",
        "test the login flow",
        "undo that",
        "why?",
        "thanks",
        "docker compose up hangs on postgres",
        "kill -9 didn't work, what now",
        "ls didn’t work",
    ],
)
def test_a_request_reads_as_a_request(line: str) -> None:
    assert reads_as_request(line)


@pytest.mark.parametrize(
    "line",
    [
        "git status",
        "ls -la",
        "gti status",
        "npm isntall",
        "make clean all",
        "echo hello world",
        "docker compose up -d",
        "",
    ],
)
def test_a_command_does_not_read_as_a_request(line: str) -> None:
    assert not reads_as_request(line)


def test_quoted_words_flags_and_paths_are_not_prose() -> None:
    assert prose_score(['"fix the bug"', "-m", "src/the/app.py", "$WHAT"]) == 0.0


def test_function_words_and_question_marks_are_prose() -> None:
    assert prose_score(["the"]) == 1.0
    assert prose_score(["sense?"]) == 1.0
    assert prose_score(["rejected,"]) == 0.5


def test_only_words_addressed_to_someone_count_after_echo() -> None:
    assert arguments_score(["echo", "this", "is", "the", "end"]) == 0.0
    assert arguments_score(["echo", "back", "what", "you", "understood"]) >= 1.0


def test_a_grep_pattern_may_be_any_word() -> None:
    assert arguments_score(["grep", "-i", "the", "notes.txt"]) == 0.0


def test_a_subcommand_that_looks_like_english_is_not_prose() -> None:
    assert arguments_score(["yarn", "why", "react"]) == 0.0
    assert arguments_score(["git", "am", "-3", "fix.patch"]) == 0.0
    assert arguments_score(["git", "is", "complaining", "about", "it"]) >= 1.0


def test_contractions_are_counted_and_do_not_open_a_quote() -> None:
    words = split_shell("cat the config and tell me what's wrong")
    assert words.contractions == 1
    assert not words.unclosed_quote
    assert words.commands[0][-2:] == ["what's", "wrong"]


@pytest.mark.parametrize(
    "text",
    [
        "Traceback (most recent call last):",
        '  File "app.py", line 12, in <module>',
        "ls: cannot access 'foo': No such file or directory",
        "make: *** [Makefile:12: build] Error 1",
        "npm ERR! code ERESOLVE",
        "src/app.c:12:5: error: expected ';'",
        '{"error": "invalid token"}',
        '[{"id": 1}]',
        "diff --git a/app.py b/app.py",
        "def add(a, b):",
        "fn main() {",
        "https://example.com/some/page",
        '<div class="x">',
    ],
)
def test_output_code_and_links_look_pasted(text: str) -> None:
    assert looks_pasted(text)


@pytest.mark.parametrize(
    "text",
    [
        "[ -d build ] || mkdir build",
        '[ "$answer" = yes ] && echo ok',
        "{ echo a; }",
        "function mkcd() {",
        "mkcd() {",
        "ls -la",
    ],
)
def test_shell_syntax_does_not_look_pasted(text: str) -> None:
    assert not looks_pasted(text)


def test_inflected_english_verbs_are_english_but_slips_are_not() -> None:
    assert is_english("makes")
    assert is_english("tests")
    assert is_english("thanks")
    assert not is_english("gits")
    assert not is_english("claer")
