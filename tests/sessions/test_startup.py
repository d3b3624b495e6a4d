"""`conch` reopens this directory's last session, `--new` starts one, `--resume ID` opens one;
a session another process writes is forked or shown read-only, never written twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.errors import SessionNotFoundError
from conch.sessions.journal import Journal
from conch.sessions.startup import open_at_start
from tests.sessions.conftest import Child, agent_turn


def test_conch_reopens_the_last_session_of_this_directory(
    journal_file: Path, tmp_path: Path
) -> None:
    project = str(tmp_path)
    with Journal.open(journal_file) as journal:
        first = open_at_start(journal, project, "auto", "fake")
        assert first.how == "new" and first.shell is None
        journal.append(first.record.id, ev.SHELL_END, ev.SHELL, ev.shell_end(0, project))
    with Journal.open(journal_file) as journal:
        again = open_at_start(journal, project, "auto", "fake")
        assert (again.how, again.record.id) == ("reopened", first.record.id)
        assert journal.is_claimed(first.record.id)
        assert again.shell is not None and again.shell.cwd == project
        assert "new shell" in again.shell.note


def test_new_starts_a_fresh_session_even_when_one_exists(journal: Journal, tmp_path: Path) -> None:
    old = open_at_start(journal, str(tmp_path), "auto", "fake").record.id
    fresh = open_at_start(journal, str(tmp_path), "auto", "fake", new=True)
    assert fresh.how == "new" and fresh.record.id != old


def test_resume_opens_the_named_session_from_any_directory(
    journal_file: Path, tmp_path: Path
) -> None:
    with Journal.open(journal_file) as journal:
        sid = journal.create_session(str(tmp_path / "elsewhere"), "auto", "fake").id
    with Journal.open(journal_file) as journal:
        opened = open_at_start(journal, str(tmp_path), "auto", "fake", resume=sid[:10])
        assert (opened.how, opened.record.id) == ("reopened", sid)
        with pytest.raises(SessionNotFoundError):
            open_at_start(journal, str(tmp_path), "auto", "fake", resume="ffffffff")


def test_a_session_open_in_another_process_is_forked_with_a_note(
    journal_file: Path, tmp_path: Path, children: list[Child]
) -> None:
    with Journal.open(journal_file) as journal:
        sid = journal.create_session(str(tmp_path), "auto", "fake", title="Work").id
        agent_turn(journal, sid, "shared question", "answer")
    child = Child("hold", str(journal_file), sid)
    children.append(child)
    child.expect("claimed")
    with Journal.open(journal_file) as journal:
        opened = open_at_start(journal, str(tmp_path), "auto", "fake")
        assert opened.how == "forked" and opened.record.parent_id == sid
        assert f"open in process {child.process.pid}" in opened.note
        assert opened.is_writable and journal.is_claimed(opened.record.id)
        looked = open_at_start(journal, str(tmp_path), "auto", "fake", resume=sid,
                               on_busy="read_only")  # fmt: skip
        assert looked.how == "read_only" and not looked.is_writable
        assert not journal.is_claimed(sid)
