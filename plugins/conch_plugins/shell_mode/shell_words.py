"""Read a submitted line into shell words and operators, the way bash would split it.

The Auto-mode router needs to see shell syntax (pipes, redirects, quotes, ``$(…)``, heredocs)
apart from plain words, before anything runs. This module only reads text: it never expands,
parses fully or runs anything, and it must stay fast (one regex pass, no process).

Two liberties bash does not take: an English contraction (``didn't``, ``what's``) is read as
one word with an apostrophe rather than the start of a quote, and is counted, because it is
the clearest sign that a line is prose; heredoc bodies are skipped, because their text is data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BLANK = re.compile(r"(?:[ \t\r]|\\\r?\n)+")
_OPERATOR = re.compile(r"&&|\|\||;;&?|;&|\|&|<<<|<<-?|&>>?|[0-9]*(?:>>|>&|>\||<&|<>|>|<)|[;&|()\n]")
_PIECE = re.compile(
    r"""(?P<apostrophe>(?<=[A-Za-z])'(?:s|t|re|ve|ll|d|m)(?=[\s,.?!:;)]|$))
    |'[^']*'
    |"(?:[^"\\]|\\.)*"
    |`[^`]*`
    |\$\((?:[^()]|\([^()]*\))*\)
    |\$\{[^}]*\}
    |\\.
    |[^\s|&;()<>'"`\\$]+
    |\$""",
    re.VERBOSE | re.DOTALL,
)
SEPARATORS = frozenset({"\n", ";", "&", "&&", "||", "|", "|&", "(", ")", ";;", ";&", ";;&"})
"""Operators after which the next word is in command position."""


@dataclass
class ShellWords:
    """A line read as bash would split it."""

    tokens: list[tuple[bool, str]] = field(default_factory=list)
    """``(is_operator, text)`` in order; a newline is the operator ``"\\n"``."""
    commands: list[list[str]] = field(default_factory=list)
    """The words of each simple command, split at separators; empty commands dropped."""
    contractions: int = 0
    """English contractions seen outside quotes (``didn't``, ``it's``)."""
    unclosed_quote: bool = False
    """A quote, backtick or ``$(`` was never closed."""

    @property
    def operators(self) -> list[str]:
        return [text for is_operator, text in self.tokens if is_operator]

    @property
    def first_word(self) -> str:
        return self.commands[0][0] if self.commands and self.commands[0] else ""

    @property
    def leading_operator(self) -> str | None:
        """The operator the line starts with (``>``, ``(``), if it starts with one."""
        if self.tokens and self.tokens[0][0]:
            return self.tokens[0][1]
        return None


def split_shell(text: str) -> ShellWords:
    """Split ``text`` into words and operators; nothing is expanded or run."""
    result = ShellWords()
    command: list[str] = []
    pending_heredocs: list[tuple[str, bool]] = []
    expect_delimiter: bool | None = None  # set after `<<` (True for `<<-`)
    pos, end = 0, len(text)
    while pos < end:
        blank = _BLANK.match(text, pos)
        if blank:
            pos = blank.end()
            continue
        if text[pos] == "#":
            newline = text.find("\n", pos)
            pos = end if newline < 0 else newline
            continue
        operator = _OPERATOR.match(text, pos)
        if operator:
            op = operator.group()
            pos = operator.end()
            result.tokens.append((True, op))
            if op in ("<<", "<<-"):
                expect_delimiter = op == "<<-"
            if op in SEPARATORS:
                if command:
                    result.commands.append(command)
                command = []
            if op == "\n" and pending_heredocs:
                pos = _skip_heredoc_bodies(text, pos, pending_heredocs)
                pending_heredocs = []
            continue
        start = pos
        while pos < end:
            piece = _PIECE.match(text, pos)
            if piece is None:
                if text[pos] in "'\"`$":
                    result.unclosed_quote = True
                    pos = end
                break
            if piece.lastgroup == "apostrophe":
                result.contractions += 1
            pos = piece.end()
        if pos == start:  # a lone trailing backslash: take it as a word, never loop
            pos += 1
        word = text[start:pos]
        result.tokens.append((False, word))
        command.append(word)
        if expect_delimiter is not None:
            delimiter = word.replace("'", "").replace('"', "").lstrip("\\")
            pending_heredocs.append((delimiter, expect_delimiter))
            expect_delimiter = None
    if command:
        result.commands.append(command)
    return result


def _skip_heredoc_bodies(text: str, pos: int, heredocs: list[tuple[str, bool]]) -> int:
    """The position after the bodies of ``heredocs``, which start at ``pos``."""
    for delimiter, strip_tabs in heredocs:
        while pos < len(text):
            newline = text.find("\n", pos)
            line_end = len(text) if newline < 0 else newline
            line = text[pos:line_end]
            pos = line_end + 1
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
    return min(pos, len(text))
