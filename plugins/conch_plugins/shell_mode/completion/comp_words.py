"""COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT exactly as bash sets them for Tab.

Completion functions (bash-completion, git's) re-join words using these, so they must
match bash 5's split: COMP_LINE runs from the command name (leading assignments dropped)
to the end of the simple command, even past the cursor; words split at COMP_WORDBREAKS
outside quotes, with a run of break characters such as ``=`` forming a word of its own;
a cursor on blank space gets an empty word. Checked against a real interactive bash:
``X=1 foo --a=b c`` gives ``foo --a = b c``, COMP_CWORD 4, COMP_POINT 11.
"""

from __future__ import annotations

from dataclasses import dataclass

WORDBREAKS = " \t\n\"'@><=;|&(:"
"""bash's default COMP_WORDBREAKS."""
_BLANKS = " \t\n"
_BREAKS = frozenset(WORDBREAKS) - frozenset(_BLANKS) - frozenset("'\"")
_COMMAND_ENDS = frozenset(";&|\n)`")


@dataclass(frozen=True)
class CompWords:
    """The variables bash gives a completion function."""

    words: tuple[str, ...]
    cword: int
    line: str
    point: int

    @property
    def command(self) -> str:
        return self.words[0] if self.words else ""

    @property
    def previous(self) -> str:
        """The word before the current one: a completion function's ``$3``."""
        return self.words[self.cword - 1] if 0 < self.cword <= len(self.words) else ""


def comp_words(line: str, command_start: int, cursor: int) -> CompWords:
    """COMP_* for the simple command that starts at ``command_start``."""
    end = command_end(line, cursor)
    text = line[command_start:end]
    point = cursor - command_start
    words: list[str] = []
    cword = -1
    for start, stop in _split(text):
        if cword < 0 and point == start - 1:
            cword = len(words)
        if cword < 0 and point < start:
            words.append("")
            cword = len(words) - 1
        words.append(text[start:stop])
        if cword < 0 and start <= point <= stop:
            cword = len(words) - 1
    if cword < 0:
        if not words or text[point - 1 : point] in tuple(_BLANKS):
            words.append("")
        cword = len(words) - 1
    return CompWords(words=tuple(words), cword=cword, line=text, point=point)


def command_end(line: str, cursor: int) -> int:
    """Where the command around ``cursor`` ends: like bash, scan on from the cursor (quotes
    respected) to the next ``;``, ``&``, ``|``, newline or closing ``)``/backtick."""
    i = cursor
    while i < len(line):
        char = line[i]
        if char in _COMMAND_ENDS:
            return i
        i = _skip_quoted(line, i) if char in "'\"\\" else i + 1
    return len(line)


def _split(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i, size = 0, len(text)
    while i < size:
        if text[i] in _BLANKS:
            i += 1
            continue
        start = i
        if text[i] in _BREAKS:
            while i < size and text[i] in _BREAKS:
                i += 1
        else:
            i = _word_end(text, i)
        spans.append((start, i))
    return spans


def _word_end(text: str, i: int) -> int:
    """The end of the word at ``i``: the next blank or break character outside quotes,
    ``$(...)``, ``${...}`` and backticks."""
    size = len(text)
    while i < size:
        char = text[i]
        if char in "'\"\\":
            i = _skip_quoted(text, i)
        elif text.startswith(("$(", "${"), i):
            i = _skip_group(text, i + 1)
        elif char == "`":
            close = text.find("`", i + 1)
            i = size if close < 0 else close + 1
        elif char in _BLANKS or char in _BREAKS:
            break
        else:
            i += 1
    return min(i, size)


def _skip_quoted(text: str, i: int) -> int:
    """The position after the backslash escape or quoted string starting at ``i``."""
    char = text[i]
    if char == "\\":
        return i + 2
    if char == "'":
        close = text.find("'", i + 1)
        return len(text) if close < 0 else close + 1
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text[j] == '"':
            return j + 1
        else:
            j += 1
    return len(text)


def _skip_group(text: str, i: int) -> int:
    """The position after the bracket that closes the one at ``i`` (``(`` or ``{``)."""
    opener = text[i]
    closer = ")" if opener == "(" else "}"
    depth = 0
    j = i
    while j < len(text):
        char = text[j]
        if char in "'\"\\":
            j = _skip_quoted(text, j)
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(text)
