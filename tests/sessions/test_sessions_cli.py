"""`conch sessions`: the list, `export ID`, `delete ID`, and what it says when storage was wiped."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path, root_marker_path
from conch.sessions_cli import main
from tests.sessions.conftest import agent_turn, shell_command


def user_journal() -> Journal:
    """The journal at the user's (isolated) XDG path, opened as the app would."""
    return Journal.open(journal_path(), root_marker=root_marker_path())


def make_sessions(home: Path) -> tuple[str, str]:
    with user_journal() as journal:
        old = journal.create_session(str(home / "old-project"), "auto", "fake").id
        journal.append(old, ev.USER_INPUT, ev.USER, ev.user_input("make test", "shell", "/"))
        new = journal.create_session(str(home / "project"), "auto", "fake", title="Parser").id
        agent_turn(journal, new, "why?", "because")
    return old, new


def test_the_list_shows_id_title_cwd_size_and_last_used_newest_first(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = make_sessions(isolated_home)
    assert main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "CWD", "SIZE", "LAST", "USED"]
    assert lines[1].startswith(new[:8]) and "Parser" in lines[1] and "~/project" in lines[1]
    assert lines[2].startswith(old[:8]) and "make test" in lines[2] and "~/old-project" in lines[2]
    assert len(lines) == 3


def test_the_list_can_be_searched(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, _ = make_sessions(isolated_home)
    assert main(["--search", "old-proj"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[:8] for line in lines[1:]] == [old[:8]]


def test_no_journal_and_no_marker_means_no_sessions_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == "No sessions yet.\n"
    assert not journal_path().exists()  # listing does not create the journal


def test_export_prints_the_session_as_markdown(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = make_sessions(isolated_home)
    assert main(["export", new[:8]]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Parser\n") and "why?" in out and "because" in out


def test_export_of_an_unknown_id_fails_clearly(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_sessions(isolated_home)
    assert main(["export", "deadbeef"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no session 'deadbeef'" in captured.err


def test_delete_removes_a_session(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = make_sessions(isolated_home)
    assert main(["delete", old]) == 0
    capsys.readouterr()
    assert main([]) == 0
    assert [line[:8] for line in capsys.readouterr().out.splitlines()[1:]] == [new[:8]]


def test_a_wiped_journal_is_reported_not_shown_as_empty(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_sessions(isolated_home)
    for path in journal_path().parent.glob("journal.db*"):
        path.unlink()
    assert main([]) == 1
    err = capsys.readouterr().err
    assert "was deleted" in err and "are gone" in err
    assert main(["export", "abc"]) == 1
    assert "was deleted" in capsys.readouterr().err


def test_after_a_wipe_the_new_journal_keeps_saying_what_was_lost(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_sessions(isolated_home)
    for path in journal_path().parent.glob("journal.db*"):
        path.unlink()
    with user_journal() as journal:  # the app starts again: a fresh journal
        assert journal.storage_loss is not None and not journal.storage_loss.replaced
        journal.create_session(str(isolated_home), "auto", "fake")
    with user_journal() as journal:
        assert journal.storage_loss is None  # reported once when detected...
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "note: The session journal" in captured.err  # ...and recorded for the list
    assert len(captured.out.splitlines()) == 2


def test_export_cuts_long_outputs_unless_full_and_drops_colours_unless_ansi(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with user_journal() as journal:
        sid = journal.create_session(str(isolated_home), "shell", "none").id
        numbers = "".join(f"\x1b[32m{n}\x1b[0m\r\n" for n in range(1, 10_001))
        shell_command(journal, sid, "seq 1 10000 | colour", numbers)
    assert main(["export", sid[:8]]) == 0
    cut = capsys.readouterr().out
    assert "_Output: 10,000 lines;" in cut and f"export {sid} --full" in cut
    assert "\x1b" not in cut and "\r" not in cut and "\n5000\n" not in cut
    assert main(["export", sid[:8], "--full"]) == 0
    full = capsys.readouterr().out
    assert "\n5000\n" in full and "_Output:" not in full and "\x1b" not in full
    assert main(["export", sid[:8], "--full", "--ansi"]) == 0
    coloured = capsys.readouterr().out
    assert "\n\x1b[32m5000\x1b[0m\n" in coloured and "\r" not in coloured
