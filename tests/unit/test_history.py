"""HistoryStore (JSON lines on disk) and HistoryCursor (Up/Down recall)."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from conch.history import HistoryCursor, HistoryEntry, HistoryStore


@pytest.fixture
def history_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "conch" / "history.jsonl"


def _store_with(path: Path, *texts: str, max_entries: int = 10000) -> HistoryStore:
    store = HistoryStore(path, max_entries)
    for text in texts:
        store.append(text, "auto")
    return store


# -- appending -----------------------------------------------------------------


def test_append_creates_the_file_and_its_directories_private(history_path: Path) -> None:
    HistoryStore(history_path).append("ls", "shell")
    assert history_path.is_file()
    assert stat.S_IMODE(history_path.stat().st_mode) == 0o600


def test_append_writes_one_json_line_per_entry(history_path: Path) -> None:
    store = HistoryStore(history_path)
    before = time.time()
    store.append("ls -la", "shell", "/tmp")
    store.append("explain this", "agent", "/home/ann")
    lines = history_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["text"] == "ls -la"
    assert first["mode"] == "shell"
    assert first["cwd"] == "/tmp"
    assert before <= first["time"] <= time.time()
    assert second["text"] == "explain this"
    assert second["mode"] == "agent"


def test_append_returns_the_entry_and_keeps_it_in_memory(history_path: Path) -> None:
    store = HistoryStore(history_path)
    entry = store.append("pwd", "auto", "/srv")
    assert entry == store.entries[-1]
    assert (entry.text, entry.mode, entry.cwd) == ("pwd", "auto", "/srv")


def test_append_adds_to_an_existing_file(history_path: Path) -> None:
    _store_with(history_path, "one", "two")
    _store_with(history_path, "three")
    texts = [json.loads(line)["text"] for line in history_path.read_text().splitlines()]
    assert texts == ["one", "two", "three"]


def test_multiline_and_unicode_text_round_trips(history_path: Path) -> None:
    text = 'for f in *; do\n  echo "$f"\ndone # “quoted” ✓ 日本'
    _store_with(history_path, text)
    assert len(history_path.read_text(encoding="utf-8").splitlines()) == 1
    store = HistoryStore(history_path)
    store.load()
    assert [entry.text for entry in store.entries] == [text]


# -- loading -----------------------------------------------------------------------


def test_load_reads_entries_oldest_first(history_path: Path) -> None:
    _store_with(history_path, "a", "b", "c")
    store = HistoryStore(history_path)
    store.load()
    assert [entry.text for entry in store.entries] == ["a", "b", "c"]
    assert store.skipped_lines == 0


def test_load_of_a_missing_file_gives_no_entries(history_path: Path) -> None:
    store = HistoryStore(history_path)
    store.load()
    assert store.entries == []
    assert store.skipped_lines == 0
    assert not history_path.exists()


def test_load_skips_and_counts_corrupt_lines(history_path: Path) -> None:
    history_path.parent.mkdir(parents=True)
    good = json.dumps({"text": "ls", "mode": "shell", "cwd": "/", "time": 1.0})
    history_path.write_text(
        "\n".join(
            [
                good,
                "not json at all",
                '{"mode": "auto"}',
                '{"text": "no mode"}',
                "[1, 2, 3]",
                '"just a string"',
                '{"text": "x", "mode": "auto", "time": "yesterday"}',
                '{"text": "trunc',
                json.dumps({"text": "pwd", "mode": "auto"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    store = HistoryStore(history_path)
    store.load()
    assert [entry.text for entry in store.entries] == ["ls", "pwd"]
    assert store.skipped_lines == 7


def test_load_survives_invalid_utf8(history_path: Path) -> None:
    history_path.parent.mkdir(parents=True)
    good = json.dumps({"text": "ls", "mode": "shell"}).encode()
    history_path.write_bytes(b"\xff\xfe garbage\n" + good + b"\n")
    store = HistoryStore(history_path)
    store.load()
    assert [entry.text for entry in store.entries] == ["ls"]
    assert store.skipped_lines == 1


def test_load_fills_in_missing_optional_fields(history_path: Path) -> None:
    history_path.parent.mkdir(parents=True)
    history_path.write_text(json.dumps({"text": "ls", "mode": "shell"}) + "\n")
    store = HistoryStore(history_path)
    store.load()
    assert store.entries == [HistoryEntry("ls", "shell", "", 0.0)]


def test_max_entries_keeps_the_newest(history_path: Path) -> None:
    _store_with(history_path, *[f"cmd {n}" for n in range(10)])
    store = HistoryStore(history_path, max_entries=3)
    store.load()
    assert [entry.text for entry in store.entries] == ["cmd 7", "cmd 8", "cmd 9"]


def test_max_entries_never_cuts_the_file(history_path: Path) -> None:
    store = _store_with(history_path, *[f"cmd {n}" for n in range(10)], max_entries=3)
    store.append("one more", "auto")
    assert len(history_path.read_text().splitlines()) == 11


# -- searching ---------------------------------------------------------------------


def test_search_returns_newest_first(history_path: Path) -> None:
    store = _store_with(history_path, "git status", "ls", "git log", "git diff")
    assert [entry.text for entry in store.search("git")] == ["git diff", "git log", "git status"]


def test_search_is_case_insensitive(history_path: Path) -> None:
    store = _store_with(history_path, "Explain The Error", "make TEST")
    assert [entry.text for entry in store.search("explain the")] == ["Explain The Error"]
    assert [entry.text for entry in store.search("Test")] == ["make TEST"]


def test_search_lists_each_text_once_keeping_the_newest(history_path: Path) -> None:
    store = HistoryStore(history_path)
    store.append("make test", "shell")
    store.append("ls", "shell")
    store.append("make test", "auto")
    found = store.search("make")
    assert [entry.text for entry in found] == ["make test"]
    assert found[0].mode == "auto"


def test_empty_search_lists_every_distinct_text(history_path: Path) -> None:
    store = _store_with(history_path, "a", "b", "a", "c")
    assert [entry.text for entry in store.search("")] == ["c", "a", "b"]


def test_search_without_match_is_empty(history_path: Path) -> None:
    store = _store_with(history_path, "ls", "pwd")
    assert store.search("docker") == []


def test_search_stops_at_the_limit(history_path: Path) -> None:
    store = _store_with(history_path, *[f"echo {n}" for n in range(50)])
    found = store.search("echo", limit=5)
    assert [entry.text for entry in found] == [f"echo {n}" for n in range(49, 44, -1)]


# -- the cursor ----------------------------------------------------------------------


def test_cursor_on_empty_history_recalls_nothing(history_path: Path) -> None:
    cursor = HistoryCursor(HistoryStore(history_path))
    assert cursor.previous("draft") is None
    assert cursor.next() is None
    assert not cursor.is_recalling


def test_previous_walks_from_newest_to_oldest_and_stops(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one", "two", "three"))
    recalled = [cursor.previous("") for _ in range(5)]
    assert [entry.text if entry else None for entry in recalled] == [
        "three",
        "two",
        "one",
        "one",
        "one",
    ]
    assert cursor.is_recalling


def test_next_walks_back_to_the_draft(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one", "two", "three"))
    cursor.previous("half-typed")
    cursor.previous("three")
    cursor.previous("two")
    assert [e.text for e in (cursor.next(), cursor.next()) if e] == ["two", "three"]
    assert cursor.next() is None
    assert not cursor.is_recalling
    assert cursor.draft == "half-typed"


def test_draft_is_taken_only_when_recall_starts(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one", "two"))
    cursor.previous("my draft")
    cursor.previous("two (edited while recalling)")
    assert cursor.draft == "my draft"


def test_next_without_recall_does_nothing(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one"))
    assert cursor.next() is None
    assert not cursor.is_recalling


def test_recall_can_start_again_after_returning_to_the_draft(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one", "two"))
    cursor.previous("first draft")
    cursor.next()
    entry = cursor.previous("second draft")
    assert entry is not None and entry.text == "two"
    assert cursor.draft == "second draft"


def test_reset_forgets_position_and_draft(history_path: Path) -> None:
    cursor = HistoryCursor(_store_with(history_path, "one", "two"))
    cursor.previous("draft")
    cursor.previous("")
    cursor.reset()
    assert not cursor.is_recalling
    assert cursor.draft == ""
    entry = cursor.previous("")
    assert entry is not None and entry.text == "two"


def test_cursor_sees_entries_appended_after_it_was_made(history_path: Path) -> None:
    store = _store_with(history_path, "one")
    cursor = HistoryCursor(store)
    store.append("two", "auto")
    entry = cursor.previous("")
    assert entry is not None and entry.text == "two"


def test_loading_twice_counts_corrupt_lines_once(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_text('not json\n{"text": "ls", "mode": "shell"}\n')
    store = HistoryStore(path)
    store.load()
    store.load()
    assert store.skipped_lines == 1


def test_a_secret_is_masked_on_disk_but_recalled_as_typed_in_this_session(
    history_path: Path,
) -> None:
    token = "ghp_" + "Zq8Xw2Ly5Nv3Kt7Rb4Hm9Jc6Pd1Sf0Ga2Uek"
    store = _store_with(history_path, f"export GITHUB_TOKEN={token}")
    assert store.entries[-1].text == f"export GITHUB_TOKEN={token}"
    assert token not in history_path.read_text()
    reloaded = HistoryStore(history_path)
    reloaded.load()
    assert reloaded.entries[-1].text == "export GITHUB_TOKEN=••••••"
