"""Upgrading the journal never loses a session: every past schema upgrades, with a backup first."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conch.sessions import schema
from conch.sessions.errors import JournalTooNewError, NotAJournalError
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.schema import LATEST_VERSION, MIGRATIONS, Migration
from conch.sessions.views import AgentTurnView

PAST_VERSIONS = [m.version for m in MIGRATIONS if m.version < LATEST_VERSION]
ROOT, SESSION = "r" * 32, "a" * 32


def build_at(path: Path, version: int) -> None:
    """A journal as Conch at ``version`` left it: its schema, a root, a session with a turn.

    Written with plain SQL in the version-1 shape (every later version keeps those tables).
    """
    conn = schema.connect(path)
    schema.migrate(conn, path, target=version)
    assert schema.user_version(conn) == version
    conn.execute("INSERT INTO root VALUES (1, ?, 1.0)", (ROOT,))
    conn.execute(
        "INSERT INTO sessions (id, root_id, title, created_at, last_used_at, cwd, mode, agent) "
        "VALUES (?, ?, 'old session', 1.0, 2.0, '/w', 'auto', 'fake')",
        (SESSION, ROOT),
    )
    payloads = [
        ("agent_prompt", '{"text": "old question", "context": {"cwd": "/w", "mode": "auto", '
         '"agent": "fake", "model": "", "started_at": 1.0, "project_root": "/w"}}'),
        ("agent_update", '{"turn": 0, "event": {"kind": "message_chunk", "text": "old answer"}}'),
        ("turn_end", '{"turn": 0, "status": "done", "stop_reason": "end_turn"}'),
        ("shell_output", '{"text": "' + "x" * 70_000 + '"}'),  # inline, as v1 stored it
    ]  # fmt: skip
    for idx, (kind, payload) in enumerate(payloads):
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, 'user', ?)", (SESSION, idx, 1.0, kind, payload)
        )
    conn.close()


@pytest.mark.parametrize("version", PAST_VERSIONS)
def test_every_past_schema_upgrades_with_its_data_and_a_backup(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "journal.db"
    build_at(path, version)
    with Journal.open(path) as journal:
        assert journal.backup == tmp_path / f"journal.db.v{version}.bak"
        assert journal.root_id == ROOT
        record = journal.get_session(SESSION)
        assert (record.title, record.root_id) == ("old session", ROOT)
        events = list(journal.events(SESSION))
        assert len(events) == 4 and events[3].payload["text"] == "x" * 70_000
        (turn,) = [i for i in rebuild_conversation(events).items if isinstance(i, AgentTurnView)]
        assert (turn.prompt, turn.text, turn.state) == ("old question", "old answer", "done")
        # and the upgraded journal works: a new session, a big output by reference
        journal.claim(SESSION)
        journal.append(SESSION, "shell_output", "shell", {"text": "y" * 70_000})
        assert "ref" in list(journal.events(SESSION))[-1].payload
    conn = sqlite3.connect(path)
    assert schema.user_version(conn) == LATEST_VERSION
    conn.close()
    backup = sqlite3.connect(tmp_path / f"journal.db.v{version}.bak")
    assert schema.user_version(backup) == version
    assert backup.execute("SELECT count(*) FROM events").fetchone()[0] == 4
    backup.close()


def test_a_new_journal_is_created_at_the_latest_version_without_a_backup(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.db") as journal:
        assert journal.backup is None
    conn = sqlite3.connect(tmp_path / "journal.db")
    assert schema.user_version(conn) == LATEST_VERSION
    conn.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")] == []


def test_an_existing_backup_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    (tmp_path / "journal.db.v1.bak").write_text("an older backup")
    build_at(path, 1)
    with Journal.open(path) as journal:
        assert journal.backup == tmp_path / "journal.db.v1.2.bak"
    assert (tmp_path / "journal.db.v1.bak").read_text() == "an older backup"


def test_a_failed_migration_leaves_the_journal_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.db"
    build_at(path, LATEST_VERSION)
    broken = Migration(LATEST_VERSION + 1, "broken", "CREATE TABLE extra (x);\nNOT SQL AT ALL;\n")
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(schema, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        Journal.open(path)
    conn = sqlite3.connect(path)
    assert schema.user_version(conn) == LATEST_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in tables
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 4
    conn.close()
    assert (tmp_path / f"journal.db.v{LATEST_VERSION}.bak").exists()


def test_a_journal_from_a_newer_conch_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    build_at(path, LATEST_VERSION)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(JournalTooNewError):
        Journal.open(path)
    assert path.read_bytes() == before


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text)")
    conn.close()
    with pytest.raises(NotAJournalError):
        Journal.open(path)


def test_migrations_are_numbered_in_order_and_only_ever_add() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    for migration in MIGRATIONS:
        for statement in schema.split_statements(migration.sql):
            words = statement.upper().split()
            assert words[0] not in ("DROP", "DELETE", "REPLACE", "UPDATE"), statement
            assert words[0] != "INSERT" or words[1:3] != ["OR", "REPLACE"], statement
            altered = re.search(r"ALTER\s+TABLE\s+\w+\s+(RENAME|DROP)", statement.upper())
            assert altered is None, statement


def test_the_connection_settings_are_durable(tmp_path: Path) -> None:
    conn = schema.connect(tmp_path / "journal.db")
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    settings = [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names]
    conn.close()
    assert settings == ["wal", 2, 1, schema.BUSY_TIMEOUT_MS]  # synchronous 2 = FULL
