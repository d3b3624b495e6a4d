"""A session exported as Markdown: header, then every turn and command in order."""

from __future__ import annotations

from conch.sessions import events as ev
from conch.sessions.export import session_markdown
from conch.sessions.journal import Journal
from conch.sessions.pending import BLOB_THRESHOLD
from tests.sessions.conftest import (
    agent_turn,
    context,
    interleaved_turn,
    rich_session,
    shell_command,
)


def test_the_export_has_a_header_and_every_item_in_order(journal: Journal) -> None:
    sid = journal.create_session("/work/project", "auto", "fake", title="Fixing a.txt").id
    rich_session(journal, sid)
    text = session_markdown(journal, sid)
    assert text.startswith("# Fixing a.txt\n")
    assert f"- Session: `{sid}`" in text
    assert "- Directory: `/work/project`" in text
    order = ["## Shell: `ls`", "a.txt\nb.txt", "## You", "fix a.txt", "## Agent: fake (model-1)",
             "<summary>Thoughts</summary>", "Plan:\n\n- [ ] edit", "- ✓ Edit a.txt (completed)",
             "changed `a.txt`", "- Permission for Edit a.txt: allow_once", "Done.",
             "> **Info:** hello"]  # fmt: skip
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "In `/work/project`, exit status 0." in text


def test_a_turn_is_exported_in_the_order_it_was_shown(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    interleaved_turn(journal, sid)
    text = session_markdown(journal, sid)
    assert (
        "## Agent: fake (model-1)\n\n"
        "I'll read notes.txt first.\n\n"
        "- ✓ Read notes.txt (completed)\n\n"
        "It lists milk. Copying it.\n\n"
        "- Permission for Write /tmp/notes.txt: allow_once\n\n"
        "Saved.\n"
    ) in text


def test_shell_output_is_fenced_even_when_it_contains_fences(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, "cat README.md", "text\n```python\ncode\n```\n")
    text = session_markdown(journal, sid)
    assert "````\ntext\n```python\ncode\n```\n````" in text


def test_big_outputs_are_exported_in_full(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    big = "".join(f"row {n}\n" for n in range(BLOB_THRESHOLD // 4))
    shell_command(journal, sid, "seq", big)
    assert big.rstrip("\n") in session_markdown(journal, sid)


def test_an_interrupted_turn_is_exported_as_interrupted(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    agent_turn(journal, sid, "first", "fine")
    journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("second", context()))
    journal.release(sid)  # the writer is gone
    text = session_markdown(journal, sid)
    assert text.count("_This turn was interrupted._") == 1


def test_a_fork_says_where_it_came_from_and_an_empty_session_says_so(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    assert "_Nothing happened in this session yet._" in session_markdown(journal, sid)
    agent_turn(journal, sid, "q", "a")
    fork = journal.fork(sid, at_index=1).id
    assert f"- Forked from: `{sid}` at event 1" in session_markdown(journal, fork)
