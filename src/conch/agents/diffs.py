"""Unified diffs of file changes, for display (no Textual here)."""

from __future__ import annotations

import difflib
import os

from conch.agents.events import FileDiff
from conch_plugins.shell_mode.cwd import shorten_home


def display_path(path: str, base: str | None) -> str:
    """``path`` relative to ``base`` when inside it (ACP sends absolute paths)."""
    if base and os.path.isabs(path):
        relative = os.path.relpath(path, base)
        if not relative.startswith(".."):
            return relative
    return shorten_home(path) if os.path.isabs(path) else path


def unified_diff(diff: FileDiff, context: int = 3, base: str | None = None) -> str:
    """The change as unified diff text; a new file shows every line added."""
    old = [] if diff.old_text is None else diff.old_text.splitlines(keepends=True)
    new = diff.new_text.splitlines(keepends=True)
    shown = display_path(diff.path, base)
    before = "/dev/null" if diff.old_text is None else f"a/{shown}"
    lines = difflib.unified_diff(old, new, before, f"b/{shown}", n=context)
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
