"""Ghost suggestions: the newest history line that extends what is typed, per side."""

from __future__ import annotations

from pathlib import Path

from conch.history import HistoryStore
from conch.tui.history_suggester import HistorySuggester
from conch_plugins.shell_mode.modes import ExecutionMode


def store(tmp_path: Path) -> HistoryStore:
    history = HistoryStore(tmp_path / "history.jsonl")
    history.load()
    history.append("git status", "auto")
    history.append("git stash pop", "shell")
    history.append("git statistics please", "agent")
    return history


def test_the_newest_shell_side_line_is_suggested(tmp_path: Path) -> None:
    suggester = HistorySuggester(store(tmp_path))
    assert suggester.suggest("git st") == "git stash pop"
    assert suggester.suggest("git stat") == "git status"


def test_agent_mode_suggests_earlier_prompts_only(tmp_path: Path) -> None:
    suggester = HistorySuggester(store(tmp_path))
    suggester.mode = ExecutionMode.AGENT
    assert suggester.suggest("git st") == "git statistics please"


def test_nothing_for_an_empty_line_or_a_complete_one(tmp_path: Path) -> None:
    suggester = HistorySuggester(store(tmp_path))
    assert suggester.suggest("") is None
    assert suggester.suggest("git status") is None
