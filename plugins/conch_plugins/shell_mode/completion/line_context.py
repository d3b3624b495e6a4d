"""Find the word under the cursor, the simple command it belongs to, and whether it names
the command.

Reads the line up to the cursor the way bash's completion does: quotes and backslashes
protect; ``$(...)``, backticks, ``<(...)`` and ``( ... )`` hold commands of their own;
``;``, ``&``, ``|`` and newlines start a new command; a redirection makes the next word a
file; leading ``NAME=value`` words are not the command. Like readline, the word to replace
starts after the last unquoted ``=`` or ``:`` (``--color=al``, ``PATH=a:b``). No process,
no file system; shell_words.py is not reused because it reads contractions as words and
keeps no offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_REDIRECTION = re.compile(r"&>>|&>|<<<|<<-|<<|<>|>>|>\||>&|<&|>|<")
_SEPARATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "\n")


@dataclass(frozen=True)
class LineContext:
    """Where the word being completed sits in the line."""

    start: int
    """Where the replaced word begins: the shell word's start, or after its last unquoted
    ``=``/``:``. An opening quote the user typed is part of the word."""
    text_start: int
    """readline's word start: after a quote left open, else ``start``."""
    quote: str
    """The quote open at the cursor: ``""``, ``"'"``, ``'"'`` or ``"$'"``."""
    command_start: int
    """Where the simple command begins, leading assignments skipped (COMP_LINE's start)."""
    command_words: tuple[str, ...] = ()
    """The command's words before the cursor's word, assignments and redirections left
    out; empty when the cursor's word is the command name."""
    is_assignment: bool = False
    """The word is a ``NAME=value`` before the command name: its value is completed."""
    after_redirection: bool = False
    """The word is the file of a redirection (``> out``)."""
    in_comment: bool = False

    @property
    def in_command_position(self) -> bool:
        """The word names the command to run."""
        return not (
            self.command_words or self.is_assignment or self.after_redirection or self.in_comment
        )


@dataclass
class _Word:
    start: int
    end: int
    redirection_target: bool


@dataclass
class _Frame:
    """One command being read; ``$(``, backticks and ``(`` open a new one inside."""

    start: int
    closer: str = ""
    outer_quote: str = ""
    words: list[_Word] = field(default_factory=list)
    word_start: int | None = None
    word_is_target: bool = False
    target_next: bool = False
    break_at: int | None = None

    def begin_word(self, at: int) -> None:
        if self.word_start is None:
            self.word_start = at
            self.word_is_target, self.target_next = self.target_next, False
            self.break_at = None

    def end_word(self, at: int) -> None:
        if self.word_start is not None:
            self.words.append(_Word(self.word_start, at, self.word_is_target))
            self.word_start = None
            self.break_at = None

    def new_command(self, at: int) -> None:
        self.start = at
        self.words = []
        self.target_next = False


@dataclass
class _Scan:
    frames: list[_Frame]
    quote: str = ""
    quoted_from: int = -1
    """Where the text inside the open quote begins."""
    in_comment: bool = False

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    def push(self, start: int, closer: str) -> None:
        self.frames.append(_Frame(start=start, closer=closer, outer_quote=self.quote))
        self.quote = ""

    def pop(self, at: int) -> None:
        self.frame.end_word(at)
        if len(self.frames) > 1:
            self.quote = self.frames.pop().outer_quote


def read_line_context(line: str, cursor: int) -> LineContext:
    """The context of the word that ends at ``cursor``."""
    cursor = max(0, min(cursor, len(line)))
    scan = _scan(line, cursor)
    frame = scan.frame
    word_start = cursor if frame.word_start is None else frame.word_start
    start = word_start if frame.break_at is None else frame.break_at
    quote = scan.quote
    text_start = max(start, scan.quoted_from) if quote else start
    after_redirection = frame.word_start is not None and frame.word_is_target
    after_redirection = after_redirection or (frame.word_start is None and frame.target_next)
    words = [w for w in frame.words if not w.redirection_target]
    skipped = 0
    while skipped < len(words) and ASSIGNMENT.match(line, words[skipped].start):
        skipped += 1
    command = words[skipped:]
    is_assignment = not command and bool(ASSIGNMENT.match(line[word_start:cursor]))
    return LineContext(
        start=start,
        text_start=text_start,
        quote=quote,
        command_start=command[0].start if command else word_start,
        command_words=tuple(line[w.start : w.end] for w in command),
        is_assignment=is_assignment and not after_redirection,
        after_redirection=after_redirection,
        in_comment=scan.in_comment,
    )


def _scan(line: str, cursor: int) -> _Scan:
    """Read ``line`` up to ``cursor``, keeping the innermost command still open."""
    scan = _Scan(frames=[_Frame(start=0)])
    i = 0
    while i < cursor:
        char = line[i]
        frame = scan.frame
        if scan.quote in ("'", "$'"):
            if char == "\\" and scan.quote == "$'":
                i += 2
                continue
            if char == "'":
                scan.quote = ""
            i += 1
        elif char == "\\":
            frame.begin_word(i)
            i += 2
        elif scan.quote == '"':
            i = _read_in_double_quotes(line, i, cursor, scan)
        else:
            i = _read_unquoted(line, i, cursor, scan)
    return scan


def _read_in_double_quotes(line: str, i: int, cursor: int, scan: _Scan) -> int:
    char = line[i]
    if char == '"':
        scan.quote = ""
    elif line.startswith("$(", i):
        scan.push(i + 2, ")")
        return i + 2
    elif char == "`":
        if scan.frame.closer == "`":
            scan.pop(i)
        else:
            scan.push(i + 1, "`")
    elif line.startswith("${", i):
        return _skip_braces(line, i, cursor)
    return i + 1


def _read_unquoted(line: str, i: int, cursor: int, scan: _Scan) -> int:
    char = line[i]
    frame = scan.frame
    if char in " \t":
        frame.end_word(i)
        return i + 1
    if char == "#" and frame.word_start is None:
        newline = line.find("\n", i, cursor)
        if newline < 0:
            scan.in_comment = True
            return cursor
        return newline
    if line.startswith(("$(", "<(", ">("), i):
        frame.begin_word(i)
        scan.push(i + 2, ")")
        return i + 2
    if char == "`":
        if frame.closer == "`":
            scan.pop(i)
        else:
            frame.begin_word(i)
            scan.push(i + 1, "`")
        return i + 1
    if char == ")":
        if frame.closer == ")":
            scan.pop(i)
        else:
            frame.end_word(i)
            frame.new_command(i + 1)
        return i + 1
    if char == "(":
        frame.end_word(i)
        scan.push(i + 1, ")")
        return i + 1
    if char in "<>&" and (redirection := _REDIRECTION.match(line, i)):
        if frame.word_start is not None and line[frame.word_start : i].isdigit():
            frame.word_start = None  # `2>`: the digits name a file descriptor
        frame.end_word(i)
        frame.target_next = True
        return redirection.end()
    for separator in _SEPARATORS:
        if line.startswith(separator, i):
            frame.end_word(i)
            frame.new_command(i + len(separator))
            return i + len(separator)
    frame.begin_word(i)
    if line.startswith("${", i):
        return _skip_braces(line, i, cursor)
    if line.startswith(("$'", '$"'), i):
        scan.quote, scan.quoted_from = ("$'" if line[i + 1] == "'" else '"'), i + 2
        return i + 2
    if char in "'\"":
        scan.quote, scan.quoted_from = char, i + 1
    elif char in "=:":
        frame.break_at = i + 1
    return i + 1


def _skip_braces(line: str, i: int, cursor: int) -> int:
    """The position after the ``}`` that closes the ``${`` at ``i`` (or the cursor)."""
    depth = 0
    for j in range(i + 1, cursor):
        if line[j] == "{":
            depth += 1
        elif line[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return cursor
