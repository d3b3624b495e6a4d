"""The journal's store: sessions, appends, batches, blobs, listing, deleting."""

from __future__ import annotations

import json
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.errors import (
    AmbiguousSessionIdError,
    ReadOnlySessionError,
    SessionHasForksError,
    SessionNotFoundError,
)
from conch.sessions.journal import Journal
from conch.sessions.pending import BLOB_THRESHOLD, TAIL_CHARS
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import Event
from conch.sessions.views import OutputRef, ShellBlock
from tests.sessions.conftest import agent_turn, shell_command


def other_connection(path: Path) -> sqlite3.Connection:
    """What another process sees: a separate connection to the same file."""
    return sqlite3.connect(path)


def count_events(path: Path, session_id: str) -> int:
    conn = other_connection(path)
    try:
        return int(
            conn.execute(
                "SELECT count(*) FROM events WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
        )
    finally:
        conn.close()


# -- creating and appending ---------------------------------------------------------------


def test_a_new_session_belongs_to_the_root_and_starts_idle(journal: Journal) -> None:
    record = journal.create_session("/work/project", "auto", "opencode")
    assert record.root_id == journal.root_id
    assert (record.cwd, record.mode, record.agent, record.status) == (
        "/work/project", "auto", "opencode", "idle",
    )  # fmt: skip
    assert record.title is None and record.parent_id is None
    assert record.agent_session_id is None
    assert journal.get_session(record.id) == record


def test_appended_events_read_back_in_order_with_indexes_from_zero(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    first = journal.append(sid, ev.USER_INPUT, ev.USER, ev.user_input("ls", "shell", "/w"))
    second = journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("ls", "/w"))
    assert (first, second) == (0, 1)
    events = list(journal.events(sid))
    assert [(e.idx, e.kind, e.sender) for e in events] == [
        (0, "user_input", "user"),
        (1, "shell_start", "user"),
    ]
    assert events[0].payload == {"text": "ls", "mode": "shell", "cwd": "/w"}
    assert [e.idx for e in journal.events(sid, after_index=0)] == [1]


def test_an_append_is_visible_to_another_connection_when_it_returns(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("one"))
    assert count_events(journal_file, sid) == 1


def test_append_many_commits_all_or_nothing(journal: Journal, journal_file: Path) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    typed = ev.user_input("explain", "agent", "/w")
    indexes = journal.append_many(
        sid, [(ev.USER_INPUT, ev.USER, typed), (ev.NOTICE, ev.CONCH, ev.notice("x"))]
    )
    assert indexes == [0, 1] and count_events(journal_file, sid) == 2
    with pytest.raises(TypeError):
        journal.append_many(
            sid,
            [(ev.NOTICE, ev.CONCH, ev.notice("y")), (ev.NOTICE, ev.CONCH, {"bad": {1}})],  # type: ignore[dict-item]
        )
    assert count_events(journal_file, sid) == 2


def test_indexes_are_per_session(journal: Journal) -> None:
    one = journal.create_session("/w", "auto", "a").id
    two = journal.create_session("/w", "auto", "a").id
    journal.append(one, ev.NOTICE, ev.CONCH, ev.notice("x"))
    assert journal.append(two, ev.NOTICE, ev.CONCH, ev.notice("y")) == 0
    assert journal.append(one, ev.NOTICE, ev.CONCH, ev.notice("z")) == 1


def test_events_are_read_across_pages(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conch.sessions.journal.PAGE", 3)
    sid = journal.create_session("/w", "auto", "a").id
    for number in range(10):
        journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice(str(number)))
    assert [e.payload["text"] for e in journal.events(sid)] == [str(n) for n in range(10)]


def test_a_payload_that_is_not_json_is_refused_and_nothing_is_written(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    with pytest.raises(TypeError):
        journal.append(sid, ev.NOTICE, ev.CONCH, {"text": object()})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        journal.append(sid, ev.NOTICE, ev.CONCH, {"number": float("nan")})
    assert list(journal.events(sid)) == []


def test_the_journal_file_is_private_and_in_wal_mode(journal: Journal, journal_file: Path) -> None:
    assert stat.S_IMODE(journal_file.stat().st_mode) == 0o600
    conn = other_connection(journal_file)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_events_of_an_unknown_session_cannot_be_appended(journal: Journal) -> None:
    with pytest.raises(ReadOnlySessionError):
        journal.append("feed", ev.NOTICE, ev.CONCH, ev.notice("x"))


# -- batches --------------------------------------------------------------------------------


def test_a_batch_commits_once_at_its_end(journal: Journal, journal_file: Path) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    with journal.batch(sid) as batch:
        for number in range(40):
            batch.append(ev.NOTICE, ev.CONCH, ev.notice(str(number)))
        assert count_events(journal_file, sid) == 0
        assert batch.acked_index == -1
    assert count_events(journal_file, sid) == 40
    assert batch.acked_index == 39


def test_a_batch_flushes_by_itself_when_full(journal: Journal, journal_file: Path) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    with journal.batch(sid, max_pending=10, max_delay=3600) as batch:
        for number in range(25):
            batch.append(ev.NOTICE, ev.CONCH, ev.notice(str(number)))
        assert count_events(journal_file, sid) == 20
        assert (batch.acked_index, batch.pending) == (19, 5)
    assert count_events(journal_file, sid) == 25


def test_a_batch_flushes_when_its_oldest_event_waited_too_long(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    batch = journal.batch(sid, max_pending=1000, max_delay=0.0)
    batch.append(ev.NOTICE, ev.CONCH, ev.notice("now"))
    assert batch.pending == 0 and journal.last_index(sid) == 0


def test_a_batch_keeps_what_happened_when_the_turn_raises(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    with pytest.raises(RuntimeError), journal.batch(sid) as batch:
        batch.append(ev.NOTICE, ev.CONCH, ev.notice("before the bug"))
        raise RuntimeError("backend bug")
    assert [e.payload["text"] for e in journal.events(sid)] == ["before the bug"]


def test_a_bad_payload_fails_at_batch_append_not_at_commit(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    with journal.batch(sid) as batch:
        batch.append(ev.NOTICE, ev.CONCH, ev.notice("fine"))
        with pytest.raises(TypeError):
            batch.append(ev.NOTICE, ev.CONCH, {"x": {1, 2}})  # type: ignore[dict-item]
    assert journal.last_index(sid) == 0


def test_shell_events_are_written_while_another_thread_batches_a_turn(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    written = threading.Event()
    with journal.batch(sid) as batch:
        batch.append(ev.NOTICE, ev.CONCH, ev.notice("agent update"))

        def run_shell() -> None:
            journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("ls", "/w"))
            written.set()

        worker = threading.Thread(target=run_shell)
        worker.start()
        worker.join(timeout=30)
        assert written.is_set(), "the shell's append waited for the agent's batch"
    assert [e.kind for e in journal.events(sid)] == ["shell_start", "notice"]


def test_appends_from_many_threads_get_unique_gapless_indexes(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id

    def writer(name: str) -> None:
        for number in range(50):
            journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice(f"{name}-{number}"))

    threads = [threading.Thread(target=writer, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e.idx for e in journal.events(sid)] == list(range(200))


def test_listeners_get_committed_events_in_commit_order(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    seen: list[Event] = []
    unsubscribe = journal.subscribe(seen.append)
    journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("one"))
    with journal.batch(sid) as batch:
        batch.append(ev.NOTICE, ev.CONCH, ev.notice("two"))
        assert len(seen) == 1  # not before its commit
    unsubscribe()
    journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("three"))
    assert [e.payload["text"] for e in seen] == ["one", "two"]
    assert seen == list(journal.events(sid))[:2]


# -- big outputs ---------------------------------------------------------------------------


def test_huge_output_is_stored_once_by_reference(journal: Journal, journal_file: Path) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    text = "".join(f"line {n}\n" for n in range(20_000))
    assert len(text) > BLOB_THRESHOLD
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("seq", "/w"))
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(text))
    event = list(journal.events(sid))[1]
    assert "text" not in event.payload
    assert event.payload["size"] == len(text.encode())
    assert event.payload["tail"] == text[-TAIL_CHARS:]
    conn = other_connection(journal_file)
    stored = conn.execute("SELECT length(payload) FROM events WHERE idx = 1").fetchone()[0]
    conn.close()
    assert stored < 3 * TAIL_CHARS
    assert journal.read_blob(int(event.payload["ref"])) == text
    block = rebuild_conversation(journal.events(sid)).items[0]
    assert isinstance(block, ShellBlock) and isinstance(block.output[0], OutputRef)
    assert block.output_text(journal.read_blob) == text
    assert block.output_text().endswith(text[-TAIL_CHARS:])
    assert "bytes stored in the journal" in block.output_text()


def test_output_under_the_threshold_stays_inline(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("é" * 1000))
    assert [event.payload for event in journal.events(sid)] == [{"text": "é" * 1000}]


# -- the session table ---------------------------------------------------------------------


def test_sessions_are_listed_newest_first_with_counts_and_first_input(journal: Journal) -> None:
    old = journal.create_session("/w/old", "auto", "a").id
    shell_command(journal, old, "make test", "ok\n")
    new = journal.create_session("/w/new", "auto", "a").id
    journal.append(
        new, ev.USER_INPUT, ev.USER, ev.user_input("why is the build slow?", "agent", "/w")
    )
    listed = journal.list_sessions()
    assert [s.record.id for s in listed] == [new, old]
    assert [s.event_count for s in listed] == [1, 4]
    assert [s.display_title for s in listed] == ["why is the build slow?", "make test"]
    journal.append(old, ev.NOTICE, ev.CONCH, ev.notice("used again"))
    assert journal.list_sessions()[0].record.id == old


def test_sessions_can_be_searched_by_title_cwd_or_first_input(journal: Journal) -> None:
    titled = journal.create_session("/w/alpha", "auto", "a", title="Refactor parser").id
    typed = journal.create_session("/w/beta", "auto", "a").id
    journal.append(typed, ev.USER_INPUT, ev.USER, ev.user_input("Fix the LEXER", "agent", "/w"))
    assert [s.record.id for s in journal.list_sessions("parser")] == [titled]
    assert [s.record.id for s in journal.list_sessions("BETA")] == [typed]
    assert [s.record.id for s in journal.list_sessions("lexer")] == [typed]
    assert journal.list_sessions("nothing like it") == []


def test_an_empty_untitled_session_lists_as_empty(journal: Journal) -> None:
    journal.create_session("/w", "auto", "a")
    assert journal.list_sessions()[0].display_title == "(empty)"


def test_the_last_session_of_a_directory_is_found_but_not_a_closed_one(journal: Journal) -> None:
    first = journal.create_session("/w/project", "auto", "a").id
    second = journal.create_session("/w/project", "auto", "a").id
    journal.create_session("/w/other", "auto", "a")
    journal.touch(first)
    last = journal.last_session_for_cwd("/w/project/")
    assert last is not None and last.id == first
    journal.set_status(first, "closed")
    last = journal.last_session_for_cwd("/w/project")
    assert last is not None and last.id == second
    assert journal.last_session_for_cwd("/w/nowhere") is None


def test_rename_status_agent_session_and_mode_are_stored(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    journal.rename(sid, "My title")
    journal.set_status(sid, "busy")
    journal.set_agent_session_id(sid, "acp-123", agent="opencode")
    journal.append(sid, ev.MODE_CHANGE, ev.USER, ev.mode_change("shell"))
    record = journal.get_session(sid)
    assert (record.title, record.status, record.agent_session_id, record.agent, record.mode) == (
        "My title", "busy", "acp-123", "opencode", "shell",
    )  # fmt: skip
    with pytest.raises(ValueError):
        journal.set_status(sid, "sleeping")  # type: ignore[arg-type]


def test_ids_resolve_from_unique_prefixes(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    assert journal.resolve_id(sid[:6]) == sid
    assert journal.resolve_id(sid.upper()) == sid
    with pytest.raises(SessionNotFoundError):
        journal.resolve_id("not-hex!")
    with pytest.raises(SessionNotFoundError):
        journal.get_session("0" * 32)


def test_an_ambiguous_prefix_is_refused(journal: Journal) -> None:
    ids = {journal.create_session("/w", "auto", "a").id for _ in range(40)}
    shared = next(
        prefix for prefix in (i[0] for i in ids) if sum(i.startswith(prefix) for i in ids) > 1
    )
    with pytest.raises(AmbiguousSessionIdError):
        journal.resolve_id(shared)


def test_delete_removes_the_session_its_events_and_its_blobs(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    shell_command(journal, sid, "seq", "x" * (BLOB_THRESHOLD + 1))
    agent_turn(journal, sid, "hi", "hello there")
    journal.delete(sid)
    with pytest.raises(SessionNotFoundError):
        journal.get_session(sid)
    conn = other_connection(journal_file)
    counts = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("events", "blobs", "sessions")]  # fmt: skip
    conn.close()
    assert counts == [0, 0, 0]
    assert not (journal.locks_dir / f"{sid}.lock").exists()


def test_delete_refuses_a_session_with_forks_unless_they_are_detached(journal: Journal) -> None:
    parent = journal.create_session("/w", "auto", "a").id
    agent_turn(journal, parent, "hi", "hello")
    fork = journal.fork(parent).id
    with pytest.raises(SessionHasForksError) as refused:
        journal.delete(parent)
    assert refused.value.fork_ids == [fork]
    journal.get_session(parent)
    assert journal.is_claimed(parent)  # the refusal did not give the session away
    journal.delete(parent, detach_forks=True)
    assert not journal.is_claimed(parent)
    kept = journal.get_session(fork)
    assert kept.parent_id is None and kept.forked_from_event is not None
    view = rebuild_conversation(journal.events(fork))
    assert [item.prompt for item in view.items if hasattr(item, "prompt")] == ["hi"]


def test_metadata_is_kept_and_the_creating_version_recorded(journal: Journal) -> None:
    assert (journal.meta("created_by") or "").startswith("conch ")
    journal.set_meta("k", "v1")
    journal.set_meta("k", "v2")
    assert journal.meta("k") == "v2"
    assert journal.meta("missing") is None


def test_reopening_keeps_the_root_and_the_sessions(journal_file: Path) -> None:
    with Journal.open(journal_file) as first:
        sid = first.create_session("/w", "auto", "a").id
        root = first.root_id
    with Journal.open(journal_file) as second:
        assert second.root_id == root
        assert second.get_session(sid).root_id == root


def test_a_session_cannot_point_to_a_root_that_does_not_exist(
    journal: Journal, journal_file: Path
) -> None:
    conn = other_connection(journal_file)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO sessions (id, root_id, created_at, last_used_at, cwd, mode, agent) "
            "VALUES ('x', 'no-such-root', 0, 0, '/', 'auto', 'a')"
        )
    conn.close()


def test_payloads_are_stored_as_valid_json(journal: Journal, journal_file: Path) -> None:
    sid = journal.create_session("/w", "auto", "a").id
    journal.append(sid, ev.USER_INPUT, ev.USER, ev.user_input("ünïcode ✓", "agent", "/w"))
    conn = other_connection(journal_file)
    text = conn.execute("SELECT payload FROM events").fetchone()[0]
    conn.close()
    assert json.loads(text)["text"] == "ünïcode ✓"
