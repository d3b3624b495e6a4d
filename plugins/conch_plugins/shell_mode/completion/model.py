"""What one Tab press offers, and how a chosen candidate goes into the line.

Plain frozen data for the UI: the menu shows ``display``, inserting uses ``text``. Nothing
here lists files or runs bash; the sources and the Completer build these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from conch_plugins.shell_mode.completion.quoting import safe_prefix_length

KINDS = frozenset(
    {
        "alias",
        "function",
        "builtin",
        "keyword",
        "command",
        "directory",
        "file",
        "variable",
        "option",
        "argument",
    }
)


class Candidate(NamedTuple):
    """One possible completion of the word under the cursor.

    A named tuple rather than a frozen dataclass: a directory of 10,000 files makes 10,000
    of these on each Tab, and a frozen dataclass took 2.2x as long to build (12.7 against
    5.7 ms for 10,000 on this machine).
    """

    text: str
    """Exactly what replaces the word: escaped, ``~``/``$VAR`` prefix kept as typed,
    directories ending with ``/``."""
    display: str
    """What a menu shows: the base name for paths (``src/``), else the word (``checkout``)."""
    kind: str
    """One of ``KINDS``."""
    space_after: bool = True
    """Inserting this alone finishes the word: the open quote is closed and a space added.
    False after a directory's ``/``, an option ending in ``=``, or a completion spec's
    ``nospace``."""


@dataclass(frozen=True)
class Completion:
    """The candidates for the word from ``start`` to the cursor (``end``)."""

    start: int
    """Offset in the line where the word being completed begins."""
    end: int
    """The cursor offset."""
    candidates: tuple[Candidate, ...]
    """Sorted as bash shows them, de-duplicated, never cut."""
    common: str
    """The longest common prefix of the candidates' texts that does not end inside an
    escape: what to insert when there are several."""
    quote: str = ""
    """The quote the user left open (``'`` or ``"``), closed after a finished word."""

    def apply(self, line: str, choice: Candidate | None = None) -> tuple[str, int]:
        """New line and cursor: with one candidate (or a chosen one) insert it plus a space
        after a finished word (and close an open quote); with several and no choice,
        insert ``common`` unless it is shorter than what was typed."""
        if choice is None and len(self.candidates) == 1:
            choice = self.candidates[0]
        before, rest = line[: self.start], line[self.end :]
        if choice is None:
            typed = line[self.start : self.end]
            insert = self.common if len(self.common) >= len(typed) else typed
            return before + insert + rest, len(before) + len(insert)
        insert = choice.text
        if choice.space_after:
            if self.quote:
                insert += self.quote
                rest = rest.removeprefix(self.quote)
            insert += " "
            rest = rest.removeprefix(" ")
        return before + insert + rest, len(before) + len(insert)


def common_prefix(texts: Iterable[str]) -> str:
    """The longest common prefix of ``texts``, cut back so that it never ends half way
    through an escape (``a\\`` of ``a\\ b`` and ``a\\$c``)."""
    texts = list(texts)
    if not texts:
        return ""
    # The common prefix of all strings is that of the smallest and the largest.
    first, last = min(texts), max(texts)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    if size == 0:
        return ""
    # Where an escape ends depends on at most 3 characters past the shared prefix ('\\''),
    # so each distinct head is judged once, not each of 10,000 file names.
    heads = {text[: size + 3] for text in texts}
    length = min(safe_prefix_length(head, size) for head in heads)
    return first[:length]


def completion(
    start: int,
    end: int,
    candidates: Iterable[Candidate],
    quote: str = "",
    keep_order: bool = False,
) -> Completion:
    """A Completion with candidates de-duplicated by text (the first kept) and sorted by
    text, as readline does, unless the completion spec asked for ``nosort``."""
    unique: dict[str, Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.text, candidate)
    ordered = list(unique.values()) if keep_order else sorted(unique.values(), key=_text)
    return Completion(
        start=start,
        end=end,
        candidates=tuple(ordered),
        common=common_prefix(c.text for c in ordered),
        quote=quote,
    )


def _text(candidate: Candidate) -> str:
    return candidate.text
