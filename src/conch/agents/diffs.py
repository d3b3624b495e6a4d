"""Unified diffs of file changes, for display (no Textual here)."""

from __future__ import annotations

import difflib

from conch.agents.events import FileDiff


def unified_diff(diff: FileDiff, context: int = 3) -> str:
    """The change as unified diff text; a new file shows every line added."""
    old = [] if diff.old_text is None else diff.old_text.splitlines(keepends=True)
    new = diff.new_text.splitlines(keepends=True)
    before = "/dev/null" if diff.old_text is None else f"a/{diff.path}"
    lines = difflib.unified_diff(old, new, before, f"b/{diff.path}", n=context)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def diff_stats(diff: FileDiff) -> tuple[int, int]:
    """Lines added and removed."""
    added = removed = 0
    for line in unified_diff(diff, context=0).splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed
