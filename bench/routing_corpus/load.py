"""Read (and write) the routing corpus: labelled lines for the Auto-mode router.

A corpus file is UTF-8 TSV, one item per row: ``label<TAB>category<TAB>text``, no header.
The text escapes what would break a row, so that a multi-line shell snippet stays one row:

- a newline is stored as the two characters ``\\n``, a tab as ``\\t``;
- a backslash is doubled (``\\\\``) only where it would otherwise be read as the start of one
  of those escapes, i.e. when the next stored character is ``n``, ``t`` or a backslash.
  Every other backslash is stored as typed, so ``find . -exec rm {} \\;`` reads naturally.

This module only reads and writes the data (stdlib only); it never routes, runs or judges a
line. README.md beside it says what the labels mean.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

Label = Literal["shell", "agent", "typo", "either"]
LABELS: frozenset[str] = frozenset({"shell", "agent", "typo", "either"})

CORPUS_DIR = Path(__file__).resolve().parent
TUNE = CORPUS_DIR / "tune.tsv"
HELDOUT = CORPUS_DIR / "heldout.tsv"
HELDOUT2 = CORPUS_DIR / "heldout2.tsv"
HELDOUT3 = CORPUS_DIR / "heldout3.tsv"
HELDOUT4 = CORPUS_DIR / "heldout4.tsv"

_ESCAPE = re.compile(r"\\([\\nt])")
_UNESCAPED = {"\\": "\\", "n": "\n", "t": "\t"}
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Item:
    """One labelled line, as the user would submit it (newlines real, not escaped)."""

    label: Label
    """Where the line must go: ``shell``, ``agent``, ``typo`` (shell, maybe with a
    suggested correction, never the agent) or ``either`` (ask is the ideal answer)."""
    category: str
    """The shape of the line, e.g. ``pipes_redirects`` or ``prose_with_command_word``."""
    text: str


def unescape(field: str) -> str:
    """The text a stored field stands for."""
    return _ESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], field)


def escape(text: str) -> str:
    """The stored form of ``text``; ``unescape(escape(t)) == t`` for every string ``t``."""
    out: list[str] = []
    for i, char in enumerate(text):
        if char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\\":
            following = text[i + 1 : i + 2]
            out.append("\\\\" if following in {"\\", "n", "t", "\n", "\t"} else "\\")
        else:
            out.append(char)
    return "".join(out)


def parse_row(row: str, where: str = "<row>") -> Item:
    """One TSV row (without its line ending) as an Item; ValueError says what is wrong."""
    fields = row.split("\t")
    if len(fields) != 3:
        raise ValueError(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
    label, category, field = fields
    if label not in LABELS:
        raise ValueError(f"{where}: unknown label {label!r}")
    if not _CATEGORY.match(category):
        raise ValueError(f"{where}: bad category {category!r}")
    text = unescape(field)
    if not text.strip():
        raise ValueError(f"{where}: empty text")
    return Item(cast(Label, label), category, text)


def load(path: str | Path) -> list[Item]:
    """All items of one corpus file, in file order."""
    path = Path(path)
    rows = path.read_text(encoding="utf-8").splitlines()
    return [parse_row(row, f"{path.name}:{n}") for n, row in enumerate(rows, start=1)]


def dump(items: Iterable[Item], path: str | Path) -> None:
    """Write items as a corpus file (what build.py uses)."""
    rows = [f"{item.label}\t{item.category}\t{escape(item.text)}\n" for item in items]
    Path(path).write_text("".join(rows), encoding="utf-8")


def counts(items: Iterable[Item]) -> dict[tuple[str, str], int]:
    """How many items per ``(label, category)``, sorted by label then category."""
    tally = Counter((item.label, item.category) for item in items)
    return dict(sorted(tally.items()))
