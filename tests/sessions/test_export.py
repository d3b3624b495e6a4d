"""A session exported as Markdown: header, then every turn and command in order."""

from __future__ import annotations

from conch.sessions import events as ev
from conch.sessions.export import MAX_OUTPUT_LINES, ExportOptions, session_markdown
from conch.sessions.journal import Journal
from conch.sessions.pending import BLOB_THRESHOLD
from tests.sessions.conftest import (
    agent_turn,
    context,
    interleaved_turn,
    rich_session,
    shell_command,
    unavailable_turn,
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
    assert "In `/work/project`, exit status 0, after " in text


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


def test_big_outputs_are_exported_in_full_when_asked(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    big = "".join(f"row {n}\n" for n in range(BLOB_THRESHOLD // 4))
    shell_command(journal, sid, "seq", big)
    full = ExportOptions(max_output_lines=None)
    assert big.rstrip("\n") in session_markdown(journal, sid, full)


def test_a_long_output_is_cut_with_a_note_saying_how_many_lines_and_where_the_rest_is(
    journal: Journal,
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    shell_command(journal, sid, "seq 1 100000", "".join(f"{n}\r\n" for n in range(1, 100_001)))
    text = session_markdown(journal, sid)
    assert len(text.splitlines()) < MAX_OUTPUT_LINES + 40
    assert (
        f"_Output: 100,000 lines; {100_000 - MAX_OUTPUT_LINES:,} in the middle are left out."
        in text
    )
    assert f"`conch sessions export {sid} --full`" in text
    assert "\n1\n2\n" in text and "\n99999\n100000\n```" in text
    assert "\n50000\n" not in text


def test_output_is_exported_as_the_terminal_showed_it(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    progress = "".join(f"\rdownloading {n}%" for n in range(0, 101, 10)) + "\r\n"
    colours = "\x1b[1;31mred\x1b[0m and \x1b[32mgreen\x1b[0m\r\n"
    shell_command(journal, sid, "make", "start\r\n" + progress + colours + "done\r\n")
    text = session_markdown(journal, sid)
    assert "```\nstart\ndownloading 100%\nred and green\ndone\n```" in text
    assert "\r" not in text and "\x1b" not in text
    kept = session_markdown(journal, sid, ExportOptions(ansi=True))
    assert "\x1b[1;31mred\x1b[0m and \x1b[32mgreen\x1b[0m\n" in kept
    assert "\r" not in kept and "downloading 90%" not in kept


def test_the_header_lists_every_agent_that_took_a_prompt(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "opencode").id
    agent_turn(journal, sid, "first", "one")
    unavailable_turn(journal, sid, "lost")
    turn = journal.append(
        sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("second", context(agent="opencode"))
    )
    journal.append(sid, ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-2"))
    journal.append(sid, ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    text = session_markdown(journal, sid)
    assert "- Agents: fake (model-1), opencode (model-1)\n" in text
    assert "- Agent: " not in text


def test_a_command_stopped_with_ctrl_c_is_exported_as_interrupted_with_its_duration(
    journal: Journal,
) -> None:
    sid = journal.create_session("/w", "auto", "fake").id
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("sleep 30", "/w"))
    end = ev.shell_end(130, "/w", duration=2.5, interrupted_by_user=True)
    journal.append(sid, ev.SHELL_END, ev.SHELL, end)
    text = session_markdown(journal, sid)
    assert "In `/w`, interrupted with Ctrl+C (exit status 130), after 2.5 s." in text


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
