"""Views rebuilt from events: equal to the live ones, and the same after a restart."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentError,
    AgentEvent,
    AgentUnavailable,
    AvailableCommands,
    Decision,
    FileDiff,
    MessageChunk,
    ModeUpdate,
    PermissionDecided,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
)
from conch.history import HistoryEntry
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.sessions.projections import (
    ConversationProjector,
    HistoryProjector,
    rebuild_conversation,
    rebuild_history,
)
from conch.sessions.records import Event
from conch.sessions.views import (
    AgentTurnView,
    ErrorPart,
    NoticeView,
    PermissionView,
    PlanPart,
    ShellBlock,
    TextPart,
    ThoughtPart,
    ToolCallView,
)
from tests.sessions.conftest import (
    agent_turn,
    context,
    interleaved_turn,
    rich_session,
    shell_command,
)


def event(idx: int, kind: str, payload: Mapping[str, object]) -> Event:
    return Event("s", idx, 1000.0 + idx, kind, ev.CONCH, payload)


def turn_events(updates: list[AgentEvent]) -> list[Event]:
    """A turn (id 0) that got ``updates``, still running."""
    events = [
        event(0, ev.AGENT_PROMPT, ev.agent_prompt("go", context())),
        event(1, ev.TURN_START, ev.turn_start(0, "ag")),
    ]
    for update in updates:
        events.append(event(len(events), ev.AGENT_UPDATE, ev.agent_update(0, update)))
    return events


def test_the_rebuilt_view_equals_the_live_one(journal: Journal) -> None:
    sid = journal.create_session("/work/project", "auto", "fake").id
    live = ConversationProjector()
    live_history = HistoryProjector()
    journal.subscribe(live.apply)
    journal.subscribe(live_history.apply)
    rich_session(journal, sid)
    agent_turn(journal, sid, "and now?", "all good")
    interleaved_turn(journal, sid)
    shell_command(journal, sid, "false", "", status=1)
    rebuilt = rebuild_conversation(journal.events(sid))
    assert live.view() == rebuilt
    assert live_history.view() == rebuild_history(journal.events(sid))
    assert len(rebuilt.items) == 6  # the check above compared something


def test_a_turn_keeps_text_tool_call_text_permission_text_in_that_order(
    journal: Journal,
) -> None:
    sid = journal.create_session("/work/project", "auto", "fake").id
    interleaved_turn(journal, sid)
    (turn,) = rebuild_conversation(journal.events(sid)).items
    assert isinstance(turn, AgentTurnView)
    read = ToolCallView("t1", "Read notes.txt", "read", "completed", '{"path": "notes.txt"}',
                        "milk\n", (), ())  # fmt: skip
    allowed = PermissionView("conch-write-1", "Write /tmp/notes.txt", "allow_once", "allow_once",
                             "outside the project", option_name="Allow once")  # fmt: skip
    assert turn.parts == (
        TextPart("I'll read notes.txt first."),
        read,
        TextPart("It lists milk. Copying it."),
        allowed,
        TextPart("Saved."),
    )
    assert turn.text == "I'll read notes.txt first.It lists milk. Copying it.Saved."
    assert turn.tool_calls == (read,)
    assert turn.permissions == (allowed,), "the agent's own record of the answer is not a second"


def test_only_text_and_thoughts_keep_a_text_part_open() -> None:
    plan = PlanUpdate((PlanEntry("look"),))
    updates: list[AgentEvent] = [
        MessageChunk("a"), ThoughtChunk("hm"), MessageChunk("b"),
        ModeUpdate("code"), MessageChunk("c"),
        plan, MessageChunk("d"),
        ToolCallUpdate("never announced", "completed"), MessageChunk("e"),
        AvailableCommands((("/help", "help"),)), MessageChunk("f"),
    ]  # fmt: skip
    (turn,) = rebuild_conversation(turn_events(updates)).items
    assert isinstance(turn, AgentTurnView)
    assert turn.parts == (
        TextPart("ab"), ThoughtPart("hm"), TextPart("c"), PlanPart(plan.entries), TextPart("d"),
        TextPart("e"), TextPart("f"),
    )  # fmt: skip


def test_thoughts_gather_in_one_box_until_a_tool_call_and_the_plan_stays_where_first_shown() -> (
    None
):
    first, last = (PlanEntry("read", "in_progress"),), (PlanEntry("read", "completed"),)
    call = ToolCall("t", "Read a.txt", "read", "completed")
    updates: list[AgentEvent] = [
        ThoughtChunk("which "), PlanUpdate(first), MessageChunk("Reading."),
        ThoughtChunk("file?"), call, ThoughtChunk("done"), PlanUpdate(last),
    ]  # fmt: skip
    (turn,) = rebuild_conversation(turn_events(updates)).items
    assert isinstance(turn, AgentTurnView)
    kinds = [type(part).__name__ for part in turn.parts]
    assert kinds == ["ThoughtPart", "PlanPart", "TextPart", "ToolCallView", "ThoughtPart"]
    assert (turn.parts[0], turn.parts[4]) == (ThoughtPart("which file?"), ThoughtPart("done"))
    assert turn.parts[1] == PlanPart(last) and turn.plan == last
    assert turn.thoughts == "which file?done"


def test_a_tool_call_announced_again_is_a_second_part_and_its_updates_go_there() -> None:
    updates: list[AgentEvent] = [
        ToolCall("t", "Run", "execute", "pending"),
        ToolCall("t", "Run tests", "execute", "in_progress"),
        ToolCallUpdate("t", "completed", content="ok\n"),
    ]
    (turn,) = rebuild_conversation(turn_events(updates)).items
    assert isinstance(turn, AgentTurnView)
    before, after = turn.parts
    assert isinstance(before, ToolCallView) and isinstance(after, ToolCallView)
    assert (before.title, before.status, before.content) == ("Run", "pending", "")
    assert (after.title, after.status, after.content) == ("Run tests", "completed", "ok\n")
    assert turn.tool_calls == (after,)


def test_no_agent_for_the_prompt_is_a_warning_part_and_a_failure_an_error_part() -> None:
    updates: list[AgentEvent] = [AgentUnavailable("No agent is set up."), AgentError("boom")]
    (turn,) = rebuild_conversation(turn_events(updates)).items
    assert isinstance(turn, AgentTurnView)
    assert turn.parts == (ErrorPart("No agent is set up.", unavailable=True), ErrorPart("boom"))
    assert turn.errors == ("No agent is set up.", "boom")


def test_the_rich_session_projects_every_part(journal: Journal) -> None:
    sid = journal.create_session("/work/project", "auto", "fake").id
    rich_session(journal, sid)
    view = rebuild_conversation(journal.events(sid))
    shell, turn, notice = view.items
    assert isinstance(shell, ShellBlock)
    assert (shell.command, shell.output_text(), shell.exit_status, shell.finished) == (
        "ls", "a.txt\nb.txt\n", 0, True,
    )  # fmt: skip
    assert isinstance(turn, AgentTurnView)
    assert (turn.prompt, turn.text, turn.thoughts, turn.state) == (
        "fix a.txt", "Done.", "think ", "done",
    )  # fmt: skip
    assert turn.context == context()
    assert turn.plan == (PlanEntry("edit"),)
    (call,) = turn.tool_calls
    assert (call.title, call.status, call.content) == ("Edit a.txt", "completed", "edited")
    assert call.diffs == (FileDiff("a.txt", "old\n", "new\n"),)
    (permission,) = turn.permissions
    assert (permission.title, permission.option_kind, permission.reason) == (
        "Edit a.txt", "allow_once", "writes outside the project",
    )  # fmt: skip
    assert turn.agent_session == "ag-1"
    assert isinstance(notice, NoticeView) and notice.text == "hello"
    assert (view.cwd, view.mode, view.agent_mode) == ("/work/project/src", "agent", "code")


def test_a_restart_restores_the_conversation_and_the_history(journal_file: Path) -> None:
    with Journal.open(journal_file) as journal:
        sid = journal.create_session("/work/project", "auto", "fake").id
        live = ConversationProjector()
        journal.subscribe(live.apply)
        rich_session(journal, sid)
        before = live.view()
        history_before = rebuild_history(journal.events(sid))
    with Journal.open(journal_file) as reopened:
        assert reopened.last_session_for_cwd("/work/project") is not None
        reopened.claim(sid)
        assert rebuild_conversation(reopened.events(sid)) == before
        history = rebuild_history(reopened.events(sid))
    assert history == history_before
    assert [(h.text, h.mode) for h in history] == [("ls", "shell")]


def test_history_entries_keep_text_mode_cwd_and_time() -> None:
    events = [
        event(0, ev.USER_INPUT, ev.user_input("ls -la", "shell", "/a")),
        event(1, ev.NOTICE, ev.notice("not history")),
        event(2, ev.USER_INPUT, ev.user_input("explain", "agent", "/a/b")),
    ]
    assert rebuild_history(events) == (
        HistoryEntry("ls -la", "shell", "/a", 1000.0),
        HistoryEntry("explain", "agent", "/a/b", 1002.0),
    )


def test_a_turn_without_an_end_is_running_while_the_writer_lives_else_interrupted() -> None:
    events = [
        event(0, ev.AGENT_PROMPT, ev.agent_prompt("go", context())),
        event(1, ev.TURN_START, ev.turn_start(0, "ag")),
        event(2, ev.AGENT_UPDATE, ev.agent_update(0, MessageChunk("half an ans"))),
    ]
    (live,) = rebuild_conversation(events).items
    (dead,) = rebuild_conversation(events, interrupted=True).items
    assert isinstance(live, AgentTurnView) and isinstance(dead, AgentTurnView)
    assert (live.state, dead.state) == ("running", "interrupted")
    assert dead.text == "half an ans"


def test_a_queued_prompt_waits_and_updates_go_to_their_own_turn() -> None:
    events = [
        event(0, ev.AGENT_PROMPT, ev.agent_prompt("first", context())),
        event(1, ev.TURN_START, ev.turn_start(0, "ag")),
        event(2, ev.AGENT_PROMPT, ev.agent_prompt("second", context())),
        event(3, ev.AGENT_UPDATE, ev.agent_update(0, MessageChunk("for the first"))),
    ]
    projector = ConversationProjector()
    for item in events:
        projector.apply(item)
    first, second = projector.view().items
    assert isinstance(first, AgentTurnView) and isinstance(second, AgentTurnView)
    assert (first.state, first.text) == ("running", "for the first")
    assert (second.state, second.text) == ("queued", "")
    projector.apply(event(4, ev.TURN_END, ev.turn_end(0, "done")))
    projector.apply(event(5, ev.TURN_START, ev.turn_start(2, "ag")))
    first, second = projector.view().items
    assert (first.state, second.state) == ("done", "running")  # type: ignore[union-attr]


def test_tool_call_updates_append_content_and_diffs_and_change_status() -> None:
    call = ToolCall("t", "Run tests", "execute", "in_progress", "{}", "start\n")
    diff = FileDiff("f.py", None, "x = 1\n")
    events = [
        event(0, ev.AGENT_PROMPT, ev.agent_prompt("go", context())),
        event(1, ev.AGENT_UPDATE, ev.agent_update(0, call)),
        event(2, ev.AGENT_UPDATE, ev.agent_update(0, ToolCallUpdate("t", content="more\n"))),
        event(3, ev.AGENT_UPDATE, ev.agent_update(0, ToolCallUpdate("t", "failed", diffs=(diff,)))),
        event(4, ev.AGENT_UPDATE, ev.agent_update(0, ToolCallUpdate("unknown", "completed"))),
        event(5, ev.AGENT_UPDATE, ev.agent_update(0, PermissionDecided("t", None))),
        event(6, ev.AGENT_UPDATE, ev.agent_update(0, AgentError("boom", "try again"))),
        event(7, ev.TURN_END, ev.turn_end(0, "error", "error")),
    ]
    (turn,) = rebuild_conversation(events).items
    assert isinstance(turn, AgentTurnView)
    (view,) = turn.tool_calls
    assert (view.status, view.content, view.diffs) == ("failed", "start\nmore\n", (diff,))
    assert turn.permissions[0].option_id is None
    assert turn.errors == ("boom\ntry again",)
    assert (turn.state, turn.stop_reason) == ("error", "error")


def test_an_unreadable_agent_update_is_shown_not_dropped_silently() -> None:
    events = [
        event(0, ev.AGENT_PROMPT, ev.agent_prompt("go", context())),
        event(1, ev.AGENT_UPDATE, {"turn": 0, "event": {"kind": "from_the_future", "x": 1}}),
    ]
    (turn,) = rebuild_conversation(events).items
    assert isinstance(turn, AgentTurnView)
    assert "could not be read" in turn.errors[0]


def test_a_new_shell_command_closes_one_left_open() -> None:
    events = [
        event(0, ev.SHELL_START, ev.shell_start("sleep 100", "/a")),
        event(1, ev.SHELL_START, ev.shell_start("ls", "/a")),
        event(2, ev.SHELL_END, ev.shell_end(0, "/a")),
    ]
    first, second = rebuild_conversation(events).items
    assert isinstance(first, ShellBlock) and isinstance(second, ShellBlock)
    assert (first.state, second.state) == ("interrupted", "finished")


def test_the_cwd_follows_shell_ends_and_cwd_changes() -> None:
    events = [
        event(0, ev.SHELL_START, ev.shell_start("cd sub", "/a")),
        event(1, ev.SHELL_END, ev.shell_end(0, "/a/sub")),
    ]
    assert rebuild_conversation(events).cwd == "/a/sub"
    events.append(event(2, ev.CWD_CHANGE, ev.cwd_change("/b")))
    assert rebuild_conversation(events).cwd == "/b"


def test_the_output_tail_spans_pieces_without_reading_blobs() -> None:
    events = [
        event(0, ev.SHELL_START, ev.shell_start("x", "/a")),
        event(1, ev.SHELL_OUTPUT, {"ref": 7, "size": 99999, "tail": "abcdef"}),
        event(2, ev.SHELL_OUTPUT, ev.shell_output("ghi")),
    ]
    (block,) = rebuild_conversation(events).items
    assert isinstance(block, ShellBlock)
    assert block.output_tail(5) == "efghi"
    assert block.output_tail(0) == ""


def test_a_permission_stays_where_it_was_asked_with_what_streamed_while_waiting_after_it() -> None:
    edit = ToolCall("e1", "Edit notes.txt", "edit", "pending")
    request = PermissionRequest(edit, STANDARD_OPTIONS)
    events = turn_events([MessageChunk("Editing."), edit])
    events.append(event(len(events), ev.PERMISSION_ASKED, ev.permission_asked(0, request)))
    while_waiting = [MessageChunk("Still here."), ToolCallUpdate("e1", "in_progress")]
    for update in while_waiting:
        events.append(event(len(events), ev.AGENT_UPDATE, ev.agent_update(0, update)))
    allowed = Decision("allow_once", "allow_once")
    events.append(event(len(events), ev.PERMISSION, ev.permission(0, request, allowed)))
    decided = PermissionDecided("e1", "allow_once", "allow_once")
    events.append(event(len(events), ev.AGENT_UPDATE, ev.agent_update(0, decided)))
    (turn,) = rebuild_conversation(events).items
    assert isinstance(turn, AgentTurnView)
    assert [type(part).__name__ for part in turn.parts] == [
        "TextPart", "ToolCallView", "PermissionView", "TextPart"
    ]  # fmt: skip
    assert turn.permissions == (
        PermissionView(
            "e1", "Edit notes.txt", "allow_once", "allow_once", "", option_name="Allow once"
        ),
    )


def test_a_permission_asked_and_never_answered_says_so() -> None:
    request = PermissionRequest(ToolCall("e1", "Edit notes.txt"), STANDARD_OPTIONS)
    events = turn_events([])
    events.append(event(len(events), ev.PERMISSION_ASKED, ev.permission_asked(0, request)))
    (turn,) = rebuild_conversation(events, interrupted=True).items
    assert isinstance(turn, AgentTurnView)
    (asked,) = turn.permissions
    assert (asked.answered, asked.option_id, turn.state) == (False, None, "interrupted")


def test_a_finished_command_keeps_its_duration_and_whether_ctrl_c_stopped_it() -> None:
    start = event(0, ev.SHELL_START, ev.shell_start("sleep 30", "/w"))
    end = ev.shell_end(130, "/w", duration=4.25, interrupted_by_user=True)
    (block,) = rebuild_conversation([start, event(1, ev.SHELL_END, end)]).items
    assert isinstance(block, ShellBlock)
    assert (block.duration, block.interrupted_by_user, block.timed_out) == (4.25, True, False)


def test_an_old_journal_gives_the_time_between_events_and_reads_status_130_as_ctrl_c() -> None:
    start = Event("s", 0, 1000.0, ev.SHELL_START, ev.SHELL, {"command": "sleep 9", "cwd": "/w"})
    old_end = {"exit_status": 130, "cwd": "/w", "interrupted": False}
    end = Event("s", 1, 1002.5, ev.SHELL_END, ev.SHELL, old_end)
    ok_end = Event("s", 3, 1004.0, ev.SHELL_END, ev.SHELL, {**old_end, "exit_status": 0})
    again = Event("s", 2, 1003.0, ev.SHELL_START, ev.SHELL, {"command": "true", "cwd": "/w"})
    first, second = rebuild_conversation([start, end, again, ok_end]).items
    assert isinstance(first, ShellBlock) and isinstance(second, ShellBlock)
    assert (first.duration, first.interrupted_by_user) == (2.5, True)
    assert (second.duration, second.interrupted_by_user) == (1.0, False)
