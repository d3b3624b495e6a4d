"""A file change shown as a syntax-highlighted unified diff."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.widgets import Static

from conch.agents.diffs import diff_stats, display_path, unified_diff
from conch.agents.events import FileDiff


class DiffView(Static):
    DEFAULT_CSS = """
    DiffView { height: auto; padding: 0 1; }
    DiffView > .diff-view--title { text-style: bold; }
    """

    def __init__(self, diff: FileDiff, base: str | None = None) -> None:
        added, removed = diff_stats(diff)
        self.diff = diff
        self.summary = f"{display_path(diff.path, base)}  +{added} −{removed}"
        text = unified_diff(diff, base=base) or "(no changes)"
        super().__init__(Syntax(text, "diff", theme="ansi_dark"))
