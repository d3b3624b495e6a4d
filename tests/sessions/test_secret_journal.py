"""Secrets never written to the journal (real SQLite), and masked on the way out of one
written before masking existed: replay and Markdown export."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conch.agents.events import (
    STANDARD_OPTIONS,
    Decision,
    PermissionRequest,
    ToolCall,
    TurnContext,
)
from conch.secret_masking import MASK
from conch.session_recorder import OUTPUT_CHUNK, SessionRecorder
from conch.sessions import events as ev
from conch.sessions.export import session_markdown
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.replay import build_replay
from conch_plugins.shell_mode.command_result import CommandResult
from tests.sessions.conftest import shell_command

TOKEN = "ghp_" + "Zq8Xw2Ly5Nv3Kt7Rb4Hm9Jc6Pd1Sf0Ga2Uek"


def everything_stored(journal_file: Path) -> str:
    """Every event payload and blob in the file, as text."""
    with sqlite3.connect(journal_file) as db:
        payloads = [row[0] for row in db.execute("SELECT payload FROM events")]
        blobs = [bytes(row[0]).decode() for row in db.execute("SELECT data FROM blobs")]
    return "\n".join(payloads + blobs)


def test_typed_lines_commands_prompts_and_output_are_journaled_masked(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    recorder = SessionRecorder(journal, sid)
    recorder.user_input(f"export GITHUB_TOKEN={TOKEN}", "shell", "/w")
    recording = recorder.shell_started(f"export GITHUB_TOKEN={TOKEN}", "/w")
    recording.output(f"token: {TOKEN}\n")
    recording.finished(CommandResult("cat", 0, "/w", 0.0))
    recorder.prompt(f"why does {TOKEN} fail?", TurnContext("/w", "auto", "fake", "m", 0.0, "/w"))
    stored = everything_stored(journal_file)
    assert TOKEN not in stored
    assert f"export GITHUB_TOKEN={MASK}" in stored and f"why does {MASK} fail?" in stored


def test_a_secret_straddling_two_output_pieces_is_still_masked(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    recording = SessionRecorder(journal, sid).shell_started("cat big.log", "/w")
    filler = "x" * 79 + "\n"
    line = f"GITHUB_TOKEN={TOKEN}\n"
    lead = filler * (OUTPUT_CHUNK // len(filler) + 1)  # the first piece is emitted alone
    cut = len("GITHUB_TOKEN=") + 20  # the first piece ends inside the token
    recording.output(lead + line[:cut])
    recording.output(line[cut:] + "done\n")
    recording.finished(CommandResult("cat", 0, "/w", 0.0))
    stored = everything_stored(journal_file)
    assert TOKEN[:20] not in stored and TOKEN[20:] not in stored
    assert f"GITHUB_TOKEN={MASK}\ndone\n" in session_markdown(journal, sid)


def test_replay_and_export_mask_a_journal_written_before_masking(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, f"export GITHUB_TOKEN={TOKEN}", f"{TOKEN}\n")
    replay = build_replay(rebuild_conversation(journal.events(sid)))
    assert replay is not None
    assert f"export GITHUB_TOKEN={MASK}" in replay.text and TOKEN not in replay.text
    exported = session_markdown(journal, sid)
    assert f"export GITHUB_TOKEN={MASK}" in exported and TOKEN not in exported


def test_an_export_whose_value_holds_a_secret_is_not_journaled() -> None:
    exported = {"DATABASE_URL": "postgres://ada:s3cretpass@db/app", "EDITOR": "vim"}
    assert ev.shell_env(exported)["set"] == {"EDITOR": "vim"}


def test_a_tool_output_the_agent_streams_is_journaled_masked(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    recording = SessionRecorder(journal, sid).turn_started(0)
    recording.update(ToolCall("call-1", "cat .env", "read", "completed", content=f"GH={TOKEN}\n"))
    recording.end("done")
    stored = everything_stored(journal_file)
    assert TOKEN not in stored and f"GH={MASK}" in stored


def test_a_command_the_agent_asks_to_run_is_journaled_masked(
    journal: Journal, journal_file: Path
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    recording = SessionRecorder(journal, sid).turn_started(0)
    command = f"curl -H 'Authorization: Bearer {TOKEN}' https://api.example.com"
    call = ToolCall("call-1", f"Run {command}", "execute", "pending", f'{{"command": "{command}"}}')
    request = PermissionRequest(call, STANDARD_OPTIONS)
    recording.permission_asked(request)
    recording.permission(request, Decision("allow_once", "allow_once"))
    recording.end("done")
    stored = everything_stored(journal_file)
    assert TOKEN not in stored and f"Bearer {MASK}" in stored
