"""The attach client's feed: journal events in, the conversation items they add or change out.

Events are the journal's own records, built with the journal's payload builders, as the host
sends them; the rebuilt view is the restart's fold, so live and restored agree.
"""

from __future__ import annotations

import subprocess
import sys

from conch.agents.events import (
    Decision,
    MessageChunk,
    PermissionOption,
    PermissionRequest,
    ToolCall,
    TurnContext,
)
from conch.clients.attach.session_feed import (
    ItemAdded,
    ItemChanged,
    OutputAdded,
    PermissionAsked,
    PermissionDecided,
    SessionFeed,
    TurnEventAdded,
    TurnStarted,
    event_from_wire,
)
from conch.sessions import events as ev
from conch.sessions.conversation_projection import rebuild_conversation
from conch.sessions.records import Event, JsonObject
from conch.sessions.views import AgentTurnView, NoticeView, ShellBlock


class Session:
    """Writes events the way the host's recorder does, numbering them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, sender: str, payload: JsonObject) -> Event:
        event = Event("s1", len(self.events), 1000.0 + len(self.events), kind, sender, payload)
        self.events.append(event)
        return event

    def command_start(self, command: str) -> list[Event]:
        return [
            self.add(ev.USER_INPUT, ev.USER, ev.user_input(command, "shell", "/w")),
            self.add(ev.SHELL_START, ev.SHELL, ev.shell_start(command, "/w")),
        ]

    def output(self, text: str) -> Event:
        return self.add(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(text))

    def end(self, status: int = 0) -> Event:
        return self.add(ev.SHELL_END, ev.SHELL, ev.shell_end(status, "/w", duration=0.2))


def apply_all(feed: SessionFeed, events: list[Event]) -> list[object]:
    return [change for event in events for change in feed.apply(event)]


def test_a_command_is_added_then_streams_its_output_as_text_then_changes_when_it_ends() -> None:
    session, feed = Session(), SessionFeed()
    started = apply_all(feed, session.command_start("seq 1 2"))
    assert len(started) == 1 and isinstance(started[0], ItemAdded)
    assert isinstance(started[0].item, ShellBlock) and started[0].item.state == "running"
    assert feed.running_position == 0
    assert feed.apply(session.output("1\n")) == [OutputAdded(0, "1\n")]
    assert feed.apply(session.output("2\n")) == [OutputAdded(0, "2\n")]
    ended = feed.apply(session.end())
    assert len(ended) == 1 and isinstance(ended[0], ItemChanged)
    block = ended[0].item
    assert isinstance(block, ShellBlock)
    assert (block.state, block.exit_status, block.output_text()) == ("finished", 0, "1\n2\n")
    assert feed.running_position is None


def test_the_live_feed_ends_with_the_view_a_restart_rebuilds() -> None:
    session, feed = Session(), SessionFeed()
    session.command_start("echo a")
    session.output("a\n")
    session.end()
    session.add(ev.NOTICE, ev.CONCH, ev.notice("bash had exited", "warning"))
    session.command_start("sleep 9")
    apply_all(feed, session.events)
    assert feed.view() == rebuild_conversation(session.events)
    assert [type(item) for item in feed.view().items] == [ShellBlock, NoticeView, ShellBlock]


def test_an_event_seen_twice_on_a_reattach_changes_nothing() -> None:
    session, feed = Session(), SessionFeed()
    events = [*session.command_start("echo a"), session.output("a\n")]
    apply_all(feed, events)
    assert feed.apply(events[-1]) == []
    assert feed.last_index == events[-1].idx
    assert feed.view().items[0].output_text() == "a\n"  # type: ignore[union-attr]


def test_a_command_left_open_is_changed_to_interrupted_when_the_next_starts() -> None:
    session, feed = Session(), SessionFeed()
    apply_all(feed, session.command_start("sleep 100"))
    changes = apply_all(feed, session.command_start("true"))
    assert [type(change) for change in changes] == [ItemChanged, ItemAdded]
    first = changes[0]
    assert isinstance(first, ItemChanged) and first.item.state == "interrupted"  # type: ignore[union-attr]


def test_output_between_commands_is_a_background_block_that_grows() -> None:
    session, feed = Session(), SessionFeed()
    added = feed.apply(session.output("LATE\n"))
    assert isinstance(added[0], ItemAdded) and added[0].item.state == "background"  # type: ignore[union-attr]
    grown = feed.apply(session.output("LATER\n"))
    assert isinstance(grown[0], ItemChanged)
    assert grown[0].item.output_text() == "LATE\nLATER\n"  # type: ignore[union-attr]


def test_a_big_output_stored_by_reference_shows_its_size_and_tail() -> None:
    session, feed = Session(), SessionFeed()
    apply_all(feed, session.command_start("seq 1 999999"))
    big = session.add(ev.SHELL_OUTPUT, ev.SHELL, {"ref": 7, "size": 6888888, "tail": "999999\n"})
    (change,) = feed.apply(big)
    assert isinstance(change, OutputAdded)
    assert "6,888,888 bytes" in change.text and change.text.endswith("999999\n")


def test_a_big_output_with_its_line_count_gives_its_whole_last_lines_and_skips_the_rest() -> None:
    session, feed = Session(), SessionFeed()
    apply_all(feed, session.command_start("seq 1 999999"))
    payload: JsonObject = {"ref": 7, "size": 6888888, "tail": "97\n999998\n999999\n",
                           "lines": 999999}  # fmt: skip
    (change,) = feed.apply(session.add(ev.SHELL_OUTPUT, ev.SHELL, payload))
    assert change == OutputAdded(0, "999998\n999999\n", skipped=999997)


def test_a_block_counts_the_lines_of_its_big_pieces_without_reading_them() -> None:
    session, feed = Session(), SessionFeed()
    apply_all(feed, session.command_start("seq 1 999999"))
    feed.apply(session.output("0\n"))
    feed.apply(
        session.add(
            ev.SHELL_OUTPUT,
            ev.SHELL,
            {"ref": 7, "size": 6888888, "tail": "999999\n", "lines": 999999},
        )
    )
    block = feed.item(0)
    assert isinstance(block, ShellBlock) and block.newlines() == 1000000


def test_a_wire_event_becomes_the_journal_record_it_carries() -> None:
    record = {"idx": 4, "kind": "shell_output", "sender": "shell", "time": 12.5,
              "payload": {"text": "x"}}  # fmt: skip
    assert event_from_wire("s1", record) == Event("s1", 4, 12.5, "shell_output", "shell",
                                                 {"text": "x"})  # fmt: skip


def test_the_attach_client_outside_its_tui_package_imports_no_textual() -> None:
    code = (
        "import sys, conch.clients.attach.session_feed, conch.clients.attach.host_link\n"
        "import conch.clients.attach.command\n"
        "print([m for m in sys.modules if m.split('.')[0] == 'textual'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- agent turns -------------------------------------------------------------------------

CONTEXT = TurnContext("/w", "agent", "fake", "", 1000.0, "/w")
GATE = PermissionRequest(
    ToolCall("edit-1", "Edit notes.txt", "edit"),
    (PermissionOption("allow", "Allow", "allow_once"),
     PermissionOption("reject", "Reject", "reject_once")),
)  # fmt: skip


def test_an_open_turn_gets_agent_events_one_by_one_and_changes_whole_when_it_ends() -> None:
    session, feed = Session(), SessionFeed()
    prompt = session.add(ev.AGENT_PROMPT, ev.USER, ev.agent_prompt("hello", CONTEXT))
    [added] = feed.apply(prompt)
    assert isinstance(added, ItemAdded) and feed.is_open_turn(0)
    turn = prompt.idx
    assert feed.apply(session.add(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "s"))) == [
        TurnStarted(0)
    ]
    chunk = MessageChunk("received: hello")
    streamed = feed.apply(session.add(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, chunk)))
    assert streamed == [TurnEventAdded(0, chunk)]
    asked = feed.apply(session.add(ev.PERMISSION_ASKED, ev.CONCH,
                                   ev.permission_asked(turn, GATE)))  # fmt: skip
    assert asked == [PermissionAsked(0, turn, GATE)]
    decision = Decision("reject", "reject_once", "phone")
    [decided] = feed.apply(session.add(ev.PERMISSION, ev.USER,
                                       ev.permission(turn, GATE, decision)))  # fmt: skip
    assert isinstance(decided, PermissionDecided)
    assert (decided.decided.option_name, decided.decided.by) == ("Reject", "phone")
    assert len(feed.turn_log(0)) == 4, "a view that shows the turn late replays all four"
    [ended] = feed.apply(session.add(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done")))
    assert isinstance(ended, ItemChanged) and isinstance(ended.item, AgentTurnView)
    assert ended.item.state == "done" and not feed.is_open_turn(0)
    assert feed.view() == rebuild_conversation(session.events)
