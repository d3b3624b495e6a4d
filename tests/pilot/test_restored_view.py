"""A session restored from the journal shows the widgets the live app showed, finished.

The journal is real (SQLite in the test's temp dir), written the way the app writes it; a crash
is a writer that lets go with a command and a turn still open, and the next claim closes them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentError,
    AgentEvent,
    Decision,
    FileDiff,
    MessageChunk,
    PermissionDecided,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.sessions import events as ev
from conch.sessions.batch import Batch
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import Event, JsonObject
from conch.sessions.views import AgentTurnView, ConversationView, NoticeView
from conch.tui.widgets import earlier_items
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.diff_view import DiffView
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.plan_view import PlanView
from conch.tui.widgets.restored import RECENT_ITEMS, restored_turn, restored_widgets
from conch.tui.widgets.tool_call_block import ToolCallBlock
from tests.pilot.conftest import shown_text, turn_parts, wait_for

ReadBlob = Callable[[int], str] | None


class RestoredApp(App[None]):
    """The conversation alone, filled from a view as the app does when it opens a session."""

    def __init__(self, view: ConversationView, read_blob: ReadBlob, **options: int) -> None:
        super().__init__()
        self.view = view
        self.read_blob = read_blob
        self.options = options

    def compose(self) -> ComposeResult:
        yield Conversation()

    def on_mount(self) -> None:
        widgets = restored_widgets(self.view, self.read_blob, **self.options)
        self.query_one(Conversation).add_blocks(widgets)


def update(batch: Batch, turn: int, event: AgentEvent) -> None:
    batch.append(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, event))


def build_session(journal: Journal, cwd: str) -> str:
    """A failed command, an answered turn with a tool call and a diff, a cancelled turn, then a
    crash with a command running (closed as interrupted when the session is claimed again)."""
    sid = journal.create_session(cwd, "auto", "fake").id
    red = "\x1b[31mFAILED\x1b[0m test_parse\n2 failed, 5 passed\n"
    journal.append(sid, ev.USER_INPUT, ev.USER, ev.user_input("make test", "shell", cwd))
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("make test", cwd))
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(red))
    journal.append(sid, ev.SHELL_END, ev.SHELL, ev.shell_end(3, cwd, duration=1.5))

    context = TurnContext(cwd, "auto", "fake", "model-1", 1_700_000_000.0, cwd)
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("fix the parser", context))
    diff = FileDiff(f"{cwd}/parser.py", "def parse(line):\n    return line\n",
                    "def parse(line):\n    return line.split()\n")  # fmt: skip
    edit = ToolCall("t1", "Edit parser.py", "edit", "pending", '{"path": "parser.py"}', "",
                    (diff,), ("parser.py",))  # fmt: skip
    answer = "Fixed: `parse()` now **splits** the line.\n\n- words come back as a list\n"
    with journal.batch(sid) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        update(batch, turn, ThoughtChunk("The test wants a list of words."))
        update(batch, turn, PlanUpdate((PlanEntry("read the failing test", "completed"),
                                        PlanEntry("split the line", "in_progress"))))  # fmt: skip
        update(batch, turn, edit)
        request = PermissionRequest(edit, STANDARD_OPTIONS)
        decision = Decision("allow_once", "allow_once")
        batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, request, decision))
        update(batch, turn, ToolCallUpdate("t1", status="completed", content="edited parser.py"))
        update(batch, turn, MessageChunk(answer))
        update(batch, turn, TurnEnded("end_turn"))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))

    prompt = ev.agent_prompt("explain everything", context)
    second = journal.append(sid, ev.AGENT_PROMPT, ev.USER, prompt)
    with journal.batch(sid) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(second, "ag-1"))
        update(batch, second, MessageChunk("Let me start with the lexer"))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(second, "cancelled", "cancelled"))

    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("npm run serve", cwd))
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("listening on :8080\n"))
    # As after a crash: the writer is gone with the command still running, and the next one
    # to claim the session closes it as interrupted, with a notice.
    journal.release(sid)
    journal.claim(sid)
    journal.append(sid, ev.NOTICE, ev.CONCH, ev.notice("Welcome back.", "info"))
    return sid


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.db") as opened:
        yield opened


@pytest.fixture
def project(isolated_home: Path) -> str:
    """Under HOME, so it shows as ~/project."""
    path = isolated_home / "project"
    path.mkdir()
    return str(path)


def segments(widget: Widget) -> list[Segment]:
    width, height = widget.outer_size
    return [seg for strip in widget.render_lines(Region(0, 0, width, height)) for seg in strip]


async def restored(pilot: Pilot[None]) -> Conversation:
    await pilot.pause()
    return pilot.app.query_one(Conversation)


def test_a_restored_session_looks_like_the_live_one(
    snap_compare: Callable[..., bool], journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()

    app = RestoredApp(view, journal.read_blob)
    assert snap_compare(app, terminal_size=(100, 52), run_before=run_before)


async def test_a_failed_command_shows_its_line_output_in_colour_and_exit_status(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 80)) as pilot:
        await restored(pilot)
        block = pilot.app.query(CommandBlock).first()
        text = shown_text(block)
        assert "$ make test  ~/project" in text
        assert "FAILED test_parse" in text and "2 failed, 5 passed" in text
        assert text.rstrip().endswith("✗ exit 3 · 1.5 s")
        assert block.has_class("-failed") and block.is_restored
        assert block.result is not None and block.result.exit_status == 3
        assert block.output.snapshot()[0] == "\x1b[31mFAILED\x1b[0m test_parse"
        styles = {seg.text.strip(): seg.style for seg in segments(block)}
        failed, plain = styles["FAILED"], styles["test_parse"]
        assert failed is not None and failed.color is not None, "ANSI colours are kept"
        assert plain is None or plain.color is None
        assert not block.sink.send(b"y\n"), "a restored command takes no input"


async def test_a_command_stopped_with_ctrl_c_restores_as_interrupted_with_its_duration(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "shell", "fake").id
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("sleep 30", project))
    end = ev.shell_end(130, project, duration=2.25, interrupted_by_user=True)
    journal.append(sid, ev.SHELL_END, ev.SHELL, end)
    # A journal from before the fields existed: the time between the events, status 130.
    old = {"command": "sleep 9", "cwd": project}
    journal.append(sid, ev.SHELL_START, ev.USER, old)
    journal.append(sid, ev.SHELL_END, ev.SHELL, {"exit_status": 130, "cwd": project})
    view = rebuild_conversation(journal.events(sid))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        new_block, old_block = pilot.app.query(CommandBlock)
        assert shown_text(new_block).rstrip().endswith("✗ exit 130 interrupted · 2.2 s")
        assert new_block.result is not None and new_block.result.interrupted
        assert " interrupted · " in shown_text(old_block) and " ms" in shown_text(old_block)


async def test_an_interrupted_command_says_conch_stopped_before_it_finished(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 80)) as pilot:
        await restored(pilot)
        block = pilot.app.query(CommandBlock).last()
        text = shown_text(block)
        assert "$ npm run serve" in text and "listening on :8080" in text
        assert "⚠ interrupted — Conch stopped before it finished" in text
        assert "running" not in text
        assert block.has_class("-interrupted") and not block.has_class("-ok")
        assert block.result is None, "it never ended, so there is no result"


async def test_an_answered_turn_shows_prompt_plan_tool_call_diff_and_answer(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 80)) as pilot:
        await restored(pilot)
        turn = pilot.app.query(AgentTurn).first()
        text = shown_text(turn)
        assert "✦ fix the parser" in text
        assert "fake · model-1 · in ~/project" in text
        assert "Fixed: parse() now splits the line." in text
        assert "words come back as a list" in text
        assert text.rstrip().endswith("✓ done")
        assert turn.has_class("-ok") and turn.ended
        assert "Esc cancels" not in text and "thinking" not in text
        plan = shown_text(turn.query_one(PlanView))
        assert "☑ read the failing test" in plan and "◐ split the line" in plan
        tool = turn.query_one(ToolCallBlock)
        assert "✓ ✎ Edit parser.py" in shown_text(tool)
        assert not tool.collapsed, "a tool call with a diff is open, as it was live"
        diff = shown_text(tool.query_one(DiffView))
        assert "-    return line" in diff and "+    return line.split()" in diff
        assert "parser.py" in diff and "~/project" not in diff, "paths relative to the turn's cwd"
        record = turn.query_one(PermissionPrompt)
        assert shown_text(record).strip() == "Allow once: Edit parser.py"
        assert not record.can_focus and not isinstance(pilot.app.focused, PermissionPrompt)
        thoughts = turn.query_one(".agent-thoughts", Collapsible)
        assert thoughts.collapsed and "Thinking" in text
        assert "list of words" not in text, "thoughts stay folded"


@dataclass(frozen=True)
class Answered:
    """A permission request the user answers with the option of ``kind``."""

    request: PermissionRequest
    kind: str


Step = AgentEvent | Answered


def journal_turn(journal: Journal, sid: str, context: TurnContext, steps: list[Step]) -> None:
    """A turn that went through ``steps``, journaled as the app journals it: an answer is
    Conch's permission event, then the agent's own PermissionDecided."""
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("tidy notes", context))
    stop_reason = "end_turn"
    with journal.batch(sid) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        for step in steps:
            if isinstance(step, Answered):
                decision = Decision(step.kind, step.kind)
                batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, step.request, decision))
                call_id = step.request.tool_call.tool_call_id
                update(batch, turn, PermissionDecided(call_id, step.kind, step.kind))
            else:
                update(batch, turn, step)
                stop_reason = step.stop_reason if isinstance(step, TurnEnded) else stop_reason
        status = ev.turn_status_for(stop_reason)
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, status, stop_reason))


async def play_live(pilot: Pilot[None], turn: AgentTurn, steps: list[Step]) -> None:
    """``steps`` through the live turn, as the agent runner feeds it; answers by key."""
    for step in steps:
        if not isinstance(step, Answered):
            await turn.apply(step)
            continue
        asking = asyncio.ensure_future(turn.decide(step.request))
        await wait_for(pilot, lambda: turn.waiting_permission is not None)
        prompt = turn.waiting_permission
        assert prompt is not None
        prompt.action_choose_kind(step.kind)
        decision = await asking
        call_id = step.request.tool_call.tool_call_id
        await turn.apply(PermissionDecided(call_id, decision.option_id, decision.option_kind))


def tidy_notes_steps(project: str) -> list[Step]:
    """A turn using every kind of part, with text around each: thoughts before and inside
    the answer, a plan updated later, a read, an edit the user allows, an error."""
    read = ToolCall("t1", "Read notes.txt", "read", "pending", '{"path": "notes.txt"}')
    diff = FileDiff(f"{project}/notes.txt", "milk\neggs\n", "- milk\n- eggs\n")
    edit = ToolCall("t2", "Edit notes.txt", "edit", "pending", "{}", "", (diff,), ("notes.txt",))
    return [
        ThoughtChunk("Which file? "),
        MessageChunk("I'll read notes.txt "),
        ThoughtChunk("notes.txt, surely."),
        MessageChunk("first."),
        PlanUpdate((PlanEntry("read", "in_progress"), PlanEntry("tidy"))),
        read,
        ToolCallUpdate("t1", "completed", content="milk\neggs\n"),
        MessageChunk("It lists two things.\n\nI'll make them a list."),
        edit,
        Answered(PermissionRequest(edit, STANDARD_OPTIONS), "allow_once"),
        ToolCallUpdate("t2", "completed", content="edited"),
        PlanUpdate((PlanEntry("read", "completed"), PlanEntry("tidy", "completed"))),
        ThoughtChunk("Say so."),
        MessageChunk("Now it is a list."),
        AgentError("The model stopped early.", "Try again."),
        TurnEnded("error"),
    ]


async def test_a_restored_turn_draws_the_widgets_the_live_turn_drew_in_its_order(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "agent", "fake").id
    context = TurnContext(project, "agent", "fake", "model-1", 1_700_000_000.0, project)
    steps = tidy_notes_steps(project)
    journal_turn(journal, sid, context, steps)
    (view,) = rebuild_conversation(journal.events(sid)).items
    assert isinstance(view, AgentTurnView)
    empty = ConversationView((), "", "", "", -1)
    async with RestoredApp(empty, None).run_test(size=(100, 120)) as pilot:
        live = AgentTurn("tidy notes", context)
        conversation = pilot.app.query_one(Conversation)
        await conversation.mount(live)
        await play_live(pilot, live, steps)
        again = restored_turn(view)
        await conversation.mount(again)
        await pilot.pause()
        assert turn_parts(again) == turn_parts(live)
        assert [kind for kind, _, _ in turn_parts(again)] == [
            "Static", "Static", "Collapsible", "MarkdownSegment", "PlanView", "ToolCallBlock",
            "MarkdownSegment", "ToolCallBlock", "PermissionPrompt", "Collapsible",
            "MarkdownSegment", "Static",
        ]  # fmt: skip
        assert again.answer_text == live.answer_text
        assert folded_thoughts(again) == folded_thoughts(live)
        assert folded_thoughts(again) == ["Which file? notes.txt, surely.", "Say so."]


def folded_thoughts(turn: AgentTurn) -> list[str]:
    """The text in each folded Thinking box (drawn only when unfolded)."""
    boxes = turn.query(".agent-thoughts Contents Static").results(Static)
    return [str(static.content) for static in boxes]


async def test_text_written_between_tool_calls_stays_between_them(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "agent", "fake").id
    context = TurnContext(project, "agent", "fake", "", 1_700_000_000.0, project)
    read = ToolCall("t1", "Read notes.txt", "read", "completed", "{}", "milk\n")
    steps: list[Step] = [MessageChunk("I'll read notes.txt."), read,
                         MessageChunk("It says milk."), TurnEnded("end_turn")]  # fmt: skip
    journal_turn(journal, sid, context, steps)
    view = rebuild_conversation(journal.events(sid))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        turn = pilot.app.query_one(AgentTurn)
        kinds = [type(child).__name__ for child in turn.children]
        assert kinds == ["Static", "Static", "MarkdownSegment", "ToolCallBlock",
                         "MarkdownSegment", "Static"]  # fmt: skip
        text = shown_text(turn)
        in_order = ("I'll read notes.txt.", "Read notes.txt", "It says milk.", "✓ done")
        positions = [text.index(part) for part in in_order]
        assert positions == sorted(positions)
        assert "notes.txt.It says" not in text


async def test_a_cancelled_turn_is_marked_and_keeps_its_partial_answer(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 80)) as pilot:
        await restored(pilot)
        turn = pilot.app.query(AgentTurn).last()
        text = shown_text(turn)
        assert "✦ explain everything" in text and "Let me start with the lexer" in text
        assert text.rstrip().endswith("⊘ cancelled")
        assert turn.has_class("-cancelled")


async def test_notices_are_shown_with_their_level(journal: Journal, project: str) -> None:
    view = rebuild_conversation(journal.events(build_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 80)) as pilot:
        await restored(pilot)
        crash, welcome = pilot.app.query(Notice)
        assert "Conch stopped before this finished" in shown_text(crash)
        assert crash.has_class("-warning")
        assert shown_text(welcome).strip() == "▌ Welcome back."
        assert not welcome.has_class("-warning")
        kinds = [type(block).__name__ for block in pilot.app.query_one(Conversation).children]
        assert kinds == ["CommandBlock", "AgentTurn", "AgentTurn", "CommandBlock", "Notice",
                         "Notice"]  # fmt: skip


async def test_a_turn_cut_by_a_crash_is_marked_interrupted(journal: Journal, project: str) -> None:
    sid = journal.create_session(project, "agent", "fake").id
    context = TurnContext(project, "agent", "fake", "", 1_700_000_000.0, project)
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("refactor it", context))
    journal.append(sid, ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
    journal.append(sid, ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, MessageChunk("Step 1")))
    journal.release(sid)
    journal.claim(sid)
    view = rebuild_conversation(journal.events(sid))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 40)) as pilot:
        await restored(pilot)
        block = pilot.app.query_one(AgentTurn)
        text = shown_text(block)
        assert "Step 1" in text
        assert "⚠ interrupted — Conch stopped before this turn finished" in text
        assert block.has_class("-interrupted")


async def test_a_session_another_conch_is_writing_shows_what_is_still_open(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "auto", "fake").id
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("make watch", project))
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("watching src/\n"))
    context = TurnContext(project, "auto", "fake", "", 1_700_000_000.0, project)
    journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("and then?", context))
    # Read as a second process would: the writer is alive, so nothing is interrupted.
    view = rebuild_conversation(journal.events(sid), interrupted=not journal.is_writer_alive(sid))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        block = pilot.app.query_one(CommandBlock)
        assert "watching src/" in shown_text(block)
        assert "still running when this view was loaded" in shown_text(block)
        assert block.result is None and not block.has_class("-ok")
        turn = pilot.app.query_one(AgentTurn)
        assert "queued — it had not been sent to the agent" in shown_text(turn)
        assert "Esc cancels" not in shown_text(turn)


async def test_a_permission_left_unanswered_is_recorded_as_cancelled(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "agent", "fake").id
    context = TurnContext(project, "agent", "fake", "", 1_700_000_000.0, project)
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("delete it", context))
    remove = ToolCall("t9", "Delete build/", "delete", "pending")
    with journal.batch(sid) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        update(batch, turn, remove)
        request = PermissionRequest(remove, STANDARD_OPTIONS, "outside the project")
        batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, request, Decision(None)))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "cancelled", "cancelled"))
    view = rebuild_conversation(journal.events(sid))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        record = pilot.app.query_one(PermissionPrompt)
        assert shown_text(record).strip() == "Cancelled: Delete build/"
        assert "○ ⌫ Delete build/" in shown_text(pilot.app.query_one(ToolCallBlock))


def big_output_session(journal: Journal, cwd: str) -> str:
    sid = journal.create_session(cwd, "shell", "fake").id
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("seq 1 20000", cwd))
    numbers = "".join(f"{n}\n" for n in range(1, 20001))  # ~108 KB: stored as a blob
    journal.append(sid, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(numbers))
    journal.append(sid, ev.SHELL_END, ev.SHELL, ev.shell_end(0, cwd, duration=0.4))
    return sid


async def test_a_big_output_read_from_the_journal_keeps_the_last_lines(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(big_output_session(journal, project)))
    async with RestoredApp(view, journal.read_blob).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        block = pilot.app.query_one(CommandBlock)
        lines = block.output.snapshot()
        assert (len(lines), lines[0], lines[-1]) == (5000, "15001", "20000")
        status = block.footer_lines()[0].plain
        assert status.startswith("✓ 0 · 400 ms · 20,000 lines, last 5,000 shown")
        assert block.output.spool_path is None, "the journal has it all: no spool file"


async def test_without_read_blob_a_big_output_shows_the_marker_and_its_tail(
    journal: Journal, project: str
) -> None:
    view = rebuild_conversation(journal.events(big_output_session(journal, project)))
    async with RestoredApp(view, None).run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        lines = pilot.app.query_one(CommandBlock).output.snapshot()
        assert lines[0].startswith("[… 108,894 bytes stored in the journal; last part:]")
        assert lines[-1] == "20000"


def synthetic_events(count: int) -> list[Event]:
    """``count`` events of shell commands and agent turns, as the journal would hand them out."""
    context = TurnContext("/w", "auto", "fake", "m", 0.0, "/w")
    call = ToolCall("t", "Read notes.txt", "read", "completed", "{}", "milk")
    updates: list[AgentEvent] = [ThoughtChunk("hm"), call, *[MessageChunk("word ")] * 8]
    events: list[Event] = []

    def add(kind: str, payload: JsonObject) -> int:
        events.append(Event("s", len(events), 0.0, kind, ev.CONCH, payload))
        return len(events) - 1

    while len(events) < count:
        add(ev.SHELL_START, ev.shell_start("ls", "/w"))
        add(ev.SHELL_OUTPUT, ev.shell_output("".join(f"file{n}.txt\n" for n in range(20))))
        add(ev.SHELL_END, ev.shell_end(0, "/w"))
        turn = add(ev.AGENT_PROMPT, ev.agent_prompt("what changed?", context))
        add(ev.TURN_START, ev.turn_start(turn, "a"))
        for update in updates:
            add(ev.AGENT_UPDATE, ev.agent_update(turn, update))
        add(ev.TURN_END, ev.turn_end(turn, "done", "end_turn"))
    return events


async def test_restoring_ten_thousand_events_mounts_only_the_newest() -> None:
    """Its speed is measured in bench/journal_bench.py, not asserted here."""
    view = rebuild_conversation(synthetic_events(10_000))
    empty = ConversationView((), "", "", "", -1)
    async with RestoredApp(empty, None).run_test(size=(100, 40)) as pilot:
        conversation = pilot.app.query_one(Conversation)
        await conversation.add_blocks(restored_widgets(view, None))
        await pilot.pause()
        earlier = conversation.query_one(EarlierItems)
        assert len(conversation.children) == 1 + RECENT_ITEMS
        assert earlier.hidden_count == len(view.items) - RECENT_ITEMS > 1000
        assert not earlier.is_line_in_view, "the view starts at the newest entries"


def notices(count: int) -> ConversationView:
    items = tuple(NoticeView(n, f"note {n}", "info", n) for n in range(count))
    return ConversationView(items, "", "", "", count - 1)


def shown_notes(conversation: Conversation) -> list[str]:
    return [str(notice.render()) for notice in conversation.query(Notice)]


async def scroll_to_the_top_until(
    pilot: Pilot[None], conversation: Conversation, predicate: Callable[[], bool]
) -> None:
    """Keep scrolling to the top, as someone reading upwards does, until ``predicate()``."""
    deadline = time.monotonic() + 5
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        conversation.scroll_home(animate=False)
        await pilot.pause(0.05)


async def test_earlier_entries_appear_in_order_as_the_user_scrolls_up() -> None:
    app = RestoredApp(notices(100), None, recent=30, step=10)
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await restored(pilot)
        earlier = conversation.query_one(EarlierItems)
        assert shown_notes(conversation) == [f"note {n}" for n in range(70, 100)]
        assert "↑ 70 earlier entries" in str(earlier.children[0].render())
        await pilot.pause(0.5)
        assert earlier.hidden_count == 70, "nothing loads while the user reads the newest"
        await scroll_to_the_top_until(pilot, conversation, lambda: earlier.hidden_count == 60)
        await pilot.pause(0.5)
        assert earlier.hidden_count == 60, "the view stays on what the user was reading"
        assert not earlier.is_line_in_view
        assert shown_notes(conversation) == [f"note {n}" for n in range(60, 100)]
        await scroll_to_the_top_until(pilot, conversation, lambda: earlier.hidden_count == 0)
        assert shown_notes(conversation) == [f"note {n}" for n in range(100)]
        assert not earlier.children[0].display, "the line goes once everything is shown"


async def test_a_click_on_the_line_shows_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(earlier_items, "CHECK_INTERVAL", 3600)  # only the click shows more
    app = RestoredApp(notices(12), None, recent=5, step=5)
    async with app.run_test(size=(80, 40)) as pilot:
        conversation = await restored(pilot)
        earlier = app.query_one(EarlierItems)
        assert earlier.is_line_in_view and earlier.hidden_count == 7
        await pilot.click(".earlier-items--more")
        assert earlier.hidden_count == 2
        assert shown_notes(conversation) == [f"note {n}" for n in range(2, 12)]
        await pilot.click(".earlier-items--more")
        assert earlier.hidden_count == 0
        assert shown_notes(conversation) == [f"note {n}" for n in range(12)]


async def test_a_permission_answered_from_another_client_says_by_whom(
    journal: Journal, project: str
) -> None:
    sid = journal.create_session(project, "auto", "fake").id
    context = TurnContext(project, "auto", "fake", "", 1_700_000_000.0, project)
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("edit it", context))
    edit = ToolCall("t1", "Edit notes.txt", "edit")
    with journal.batch(sid) as batch:
        batch.append(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "ag-1"))
        update(batch, turn, edit)
        decision = Decision("reject_once", "reject_once", by="phone")
        request = PermissionRequest(edit, STANDARD_OPTIONS)
        batch.append(ev.PERMISSION, ev.USER, ev.permission(turn, request, decision))
        batch.append(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn"))
    view = rebuild_conversation(journal.events(sid))
    async with RestoredApp(view, journal.read_blob).run_test() as pilot:
        await restored(pilot)
        record = pilot.app.query_one(PermissionPrompt)
        assert shown_text(record).strip() == "Reject (by phone): Edit notes.txt"
