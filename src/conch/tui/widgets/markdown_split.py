"""Where a streamed Markdown answer may be cut into separately rendered segments.

Pure text logic, no Textual: an agent's answer is shown as a series of
segments, and only the last one is re-rendered as text arrives. A cut must
not change what the Markdown means, so it is made at a blank line outside
code fences (between paragraphs, lists, tables, headings), or, when a fence
alone is too long, at a line break inside it, with the fence's opening line
carried over so the code stays highlighted. This module must never guess
at a cut that splits a paragraph or a table.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")


class Cut(NamedTuple):
    """Cut the source at ``offset``; the rest renders after ``preamble``."""

    offset: int
    preamble: str


def find_cut(source: str, limit: int, preamble: str = "") -> Cut | None:
    """Where to cut ``source`` (rendered after ``preamble``) so the first part
    is at most ``limit`` characters, or as little over as the text allows.

    The last blank line outside fences up to ``limit`` is preferred, then
    the last line break inside a fence; failing both, the first cut past
    ``limit``. Only complete lines count: the last one may still be streaming.
    """
    paragraphs: list[Cut] = []
    in_fences: list[Cut] = []
    fence = opener = ""
    parts = (preamble + source).split("\n")  # not splitlines(): Markdown breaks only at \n
    lines = [part + "\n" for part in parts[:-1]] + [parts[-1]]
    offset = -len(preamble)
    for index, line in enumerate(lines):
        end = offset + len(line)
        offset = end
        text = line.rstrip("\n")
        match = _FENCE.fullmatch(text)
        if not line.endswith("\n"):
            break
        if not fence:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence, opener = match.group(1), text.strip() + "\n"
            elif not text.strip() and 0 < end < len(source):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                # An indented line after the blank may continue a list item.
                if following[:1] not in ("", " ", "\t"):
                    paragraphs.append(Cut(end, ""))
        elif match and _closes(match, fence):
            fence = ""
        elif 0 < end < len(source):
            in_fences.append(Cut(end, opener))
    for cuts in (paragraphs, in_fences):
        within = [cut for cut in cuts if cut.offset <= limit]
        if within:
            return within[-1]
    return min(paragraphs + in_fences, default=None)


def _closes(match: re.Match[str], fence: str) -> bool:
    marker, rest = match.group(1), match.group(2)
    return marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip()
