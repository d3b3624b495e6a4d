"""A damaged journal file, in every shape the hostile probe found: truncated to half, random
bytes over the header, a whole file of random bytes, a text file, garbage in the middle.

Conch must never crash on one: the file is set aside untouched (renamed with the date), a
new journal starts with what could be salvaged, and the start says so with the path.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conch.config import LoadedConfig, load_config
from conch.session_link import SessionLink
from conch.session_opening import open_session
from conch.sessions import damage as damage_module
from conch.sessions import events as ev
from conch.sessions.errors import JournalDamagedError
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from conch.sessions.salvage import salvage
from conch.sessions_cli import main as sessions_main
from tests.hostile.conftest import SALVAGEABLE, SHAPES, damage, write_journal


def loaded_config() -> LoadedConfig:
    return load_config()


@pytest.fixture
def project(isolated_home: Path) -> Path:
    """Where Conch starts: its journal is the user's (under the isolated HOME)."""
    where = isolated_home / "project"
    where.mkdir()
    return where


@contextmanager
def session_at_start(project: Path, *, new: bool) -> Iterator[SessionLink]:
    """The session Conch opens at start in ``project`` (``new``: as `conch --new`); its
    journal closed afterwards."""
    link = open_session(str(project), loaded_config(), None, new=new, resume=None)
    try:
        yield link
    finally:
        if link.journal is not None:
            link.journal.close()


def damaged_user_journal(project: Path, shape: str) -> tuple[Path, bytes, list[str]]:
    path = journal_path()
    ids = write_journal(path, str(project))
    damage(path, shape)
    return path, path.read_bytes(), ids


@pytest.mark.parametrize("shape", SHAPES)
def test_a_damaged_journal_is_refused_with_a_typed_error_and_left_unchanged(
    tmp_path: Path, shape: str
) -> None:
    path = tmp_path / "journal.db"
    write_journal(path, str(tmp_path), sessions=1)
    damage(path, shape)
    before = path.read_bytes()
    with pytest.raises(JournalDamagedError, match=str(path)):
        Journal.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("shape", SHAPES)
def test_starting_on_a_damaged_journal_sets_it_aside_and_starts_a_new_one(
    project: Path, shape: str
) -> None:
    path, damaged_bytes, _ = damaged_user_journal(project, shape)
    with session_at_start(project, new=False) as link:
        assert link.journal is not None and link.opened is not None, link.problem
        asides = sorted(path.parent.glob("journal.db.damaged-*"))
        main_aside = [aside for aside in asides if not aside.name.endswith(("-wal", "-shm"))]
        assert len(main_aside) == 1, asides
        assert main_aside[0].read_bytes() == damaged_bytes  # set aside untouched
        assert str(main_aside[0]) in link.damage_note
        assert "set aside untouched" in link.damage_note
        # The new journal works.
        session_id = link.opened.record.id
        link.journal.append(session_id, ev.USER_INPUT, ev.USER, ev.user_input("ls", "auto", "/"))


@pytest.mark.parametrize("shape", SALVAGEABLE)
def test_what_can_be_read_is_salvaged_at_start_and_the_session_comes_back(
    project: Path, shape: str
) -> None:
    _, _, ids = damaged_user_journal(project, shape)
    with session_at_start(project, new=False) as link:
        assert link.journal is not None and link.opened is not None
        salvaged = {summary.record.id for summary in link.journal.list_sessions()}
        assert salvaged and salvaged <= set(ids), link.damage_note
        assert link.opened.how == "reopened"  # this directory's last salvaged session
        assert link.view is not None and link.view.items, "the salvaged conversation is shown"


def test_a_damaged_journal_is_set_aside_with_conch_new_too(project: Path) -> None:
    path, _, _ = damaged_user_journal(project, "middle_garbage")
    with session_at_start(project, new=True) as link:
        assert link.damage_note and link.journal is not None
        assert link.opened is not None and link.opened.how == "new"
        assert list(path.parent.glob("journal.db.damaged-*"))


@pytest.mark.parametrize("shape", SALVAGEABLE)
def test_salvage_copies_readable_sessions_and_never_writes_the_damaged_file(
    tmp_path: Path, shape: str
) -> None:
    source = tmp_path / "old.db"
    ids = write_journal(source, str(tmp_path))
    damage(source, shape)
    before = source.read_bytes()
    with Journal.open(tmp_path / "new.db") as journal:
        report = salvage(source, journal)
        assert report.sessions >= 1 and report.events > 100, report
        for summary in journal.list_sessions():
            assert summary.record.id in ids
            events = list(journal.events(summary.record.id))
            assert [event.idx for event in events] == list(range(len(events)))
        again = salvage(source, journal)
        assert again.sessions == 0 and again.already_there == report.sessions
    assert source.read_bytes() == before


def test_salvage_reads_a_big_output_back_whole(tmp_path: Path) -> None:
    source = tmp_path / "old.db"
    write_journal(source, str(tmp_path), sessions=1)
    damage(source, "random_header")
    with Journal.open(tmp_path / "new.db") as journal:
        salvage(source, journal)
        (summary,) = journal.list_sessions()
        events = journal.events(summary.record.id)
        (output,) = [e for e in events if e.kind == ev.SHELL_OUTPUT and "ref" in e.payload]
        assert journal.read_blob(int(output.payload["ref"])).endswith("39999\n40000\n")


def test_conch_sessions_salvage_copies_a_file_and_says_what_it_found(
    isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "journal.db.damaged-20260101-000000"
    write_journal(source, str(isolated_home))
    damage(source, "middle_garbage")
    before = source.read_bytes()
    assert sessions_main(["salvage", str(source)]) == 0
    out = capsys.readouterr().out
    assert "salvaged" in out and str(source) in out and "was not changed" in out
    assert source.read_bytes() == before
    assert sessions_main([]) == 0
    assert "session-" in capsys.readouterr().out


def test_conch_sessions_salvage_refuses_the_journal_in_use(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journal(journal_path(), str(isolated_home), sessions=1)
    assert sessions_main(["salvage", str(journal_path())]) == 1
    assert "rename it first" in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["text_file", "middle_garbage"])
def test_conch_sessions_on_a_damaged_journal_says_so_in_one_line(
    isolated_home: Path, shape: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged_user_journal(isolated_home, shape)
    assert sessions_main([]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_a_damaged_output_in_a_big_journal_reads_as_a_line_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above FULL_CHECK_BYTES the outputs' pages are not checked at open (too slow for every
    start); reading a damaged one must say so, not crash the view that shows it."""
    path = tmp_path / "journal.db"
    (session_id,) = write_journal(path, str(tmp_path), sessions=1, lines=2)
    data = path.read_bytes()
    hit = len(data) - 120_000  # inside the big output's pages, written last
    path.write_bytes(data[:hit] + random.Random(3).randbytes(8192) + data[hit + 8192 :])
    monkeypatch.setattr(damage_module, "FULL_CHECK_BYTES", 0)  # as if the journal were big
    with Journal.open(path) as journal:
        (output,) = [e for e in journal.events(session_id) if "ref" in e.payload]
        text = journal.read_blob(int(output.payload["ref"]))
    assert text.startswith("[this output is in a damaged part of the journal")
