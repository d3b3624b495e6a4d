"""A wiped or replaced journal is noticed through the root marker, never mistaken for 'no
sessions yet'."""

from __future__ import annotations

import json
from pathlib import Path

from conch.sessions.journal import Journal
from conch.sessions.locations import check_storage, journal_path, read_marker, root_marker_path


def test_the_default_locations_follow_xdg(isolated_home: Path) -> None:
    assert journal_path() == isolated_home / ".local/share/conch/journal.db"
    assert root_marker_path() == isolated_home / ".config/conch/sessions-root.json"


def test_opening_a_journal_records_its_root_in_the_marker(tmp_path: Path) -> None:
    marker = tmp_path / "config" / "sessions-root.json"
    with Journal.open(tmp_path / "data" / "journal.db", root_marker=marker) as journal:
        assert journal.storage_loss is None
        root = journal.root_id
    entry = read_marker(marker)[str((tmp_path / "data" / "journal.db").resolve())]
    assert entry["root_id"] == root


def test_a_deleted_journal_is_reported_with_the_lost_root(tmp_path: Path) -> None:
    marker, path = tmp_path / "marker.json", tmp_path / "data" / "journal.db"
    with Journal.open(path, root_marker=marker) as journal:
        lost = journal.root_id
    for file in path.parent.glob("journal.db*"):
        file.unlink()
    loss = check_storage(path, marker, None)
    assert loss is not None and loss.lost_root_id == lost and not loss.replaced
    with Journal.open(path, root_marker=marker) as journal:
        assert journal.storage_loss is not None
        assert journal.storage_loss.lost_root_id == lost
        assert "was deleted" in journal.storage_loss.message
        recorded = journal.recorded_storage_loss()
        assert recorded is not None and recorded.lost_root_id == lost


def test_a_journal_replaced_by_another_is_reported(tmp_path: Path) -> None:
    marker, path = tmp_path / "marker.json", tmp_path / "journal.db"
    with Journal.open(path, root_marker=marker):
        pass
    other = tmp_path / "elsewhere.db"
    with Journal.open(other):
        pass
    for file in tmp_path.glob("journal.db*"):
        file.unlink()
    other.rename(path)
    with Journal.open(path, root_marker=marker) as journal:
        assert journal.storage_loss is not None and journal.storage_loss.replaced
        assert "was replaced" in journal.storage_loss.message


def test_journals_at_other_paths_do_not_disturb_each_other(tmp_path: Path) -> None:
    marker = tmp_path / "marker.json"
    with Journal.open(tmp_path / "a.db", root_marker=marker):
        pass
    with Journal.open(tmp_path / "b.db", root_marker=marker) as journal:
        assert journal.storage_loss is None
    assert len(read_marker(marker)) == 2


def test_an_unreadable_marker_counts_as_no_marker(tmp_path: Path) -> None:
    marker = tmp_path / "marker.json"
    marker.write_text("{not json")
    assert check_storage(tmp_path / "journal.db", marker, None) is None
    with Journal.open(tmp_path / "journal.db", root_marker=marker):
        pass
    assert "journals" in json.loads(marker.read_text())
