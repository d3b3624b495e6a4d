"""The attach client's session view under Pilot: journal events in, the app's own widgets out.

Events are the journal's records as the host sends them (built with the journal's payload
builders); the view shows history on attach, then each live event changes one widget.
"""

from __future__ import annotations

from textual.app import App, ComposeResult

from conch.agents.events import (
    AgentEvent,
    Decision,
    MessageChunk,
    PermissionOption,
    PermissionRequest,
    ToolCall,
    TurnContext,
)
from conch.clients.attach.host_link import HostGone
from conch.clients.attach.tui.session_view import LIVE_LIMIT, TRIM_COUNT, SessionView
from conch.sessions import events as ev
from conch.sessions.pending import TAIL_CHARS
from conch.sessions.records import Event, JsonObject
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.restored import RECENT_ITEMS
from tests.pilot.conftest import shown_text, wait_for


class Journal:
    """Numbered events, as one session's journal holds them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, sender: str, payload: JsonObject) -> Event:
        event = Event("s1", len(self.events), 100.0 + len(self.events), kind, sender, payload)
        self.events.append(event)
        return event

    def command(self, command: str, output: str = "", status: int | None = 0) -> list[Event]:
        added = [
            self.add(ev.USER_INPUT, ev.USER, ev.user_input(command, "shell", "/w")),
            self.add(ev.SHELL_START, ev.SHELL, ev.shell_start(command, "/w")),
        ]
        if output:
            added.append(self.add(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(output)))
        if status is not None:
            end = ev.shell_end(status, "/w", duration=0.01)
            added.append(self.add(ev.SHELL_END, ev.SHELL, end))
        return added


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionView()


def blocks(app: App[None]) -> list[str]:
    return [shown_text(block) for block in app.query(CommandBlock)]


async def test_history_shows_finished_and_running_commands_and_the_running_one_streams() -> None:
    journal = Journal()
    journal.command("echo done-before", "done-before\n")
    journal.command("tail -f log", "first line\n", status=None)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        await pilot.pause()
        shown = blocks(app)
        assert "done-before" in shown[0] and "✓ 0" in shown[0]
        assert "first line" in shown[1] and "running…" in shown[1]
        assert view.is_running
        await view.add_events([journal.add(ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("second\n"))])
        await wait_for(pilot, lambda: "second" in blocks(app)[1])
        await view.add_events([journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(130, "/w",
                         duration=2.0, interrupted_by_user=True))])  # fmt: skip
        await wait_for(pilot, lambda: "exit 130 interrupted" in blocks(app)[-1])
        assert len(blocks(app)) == 2 and not view.is_running
        assert "first line" in blocks(app)[1] and "second" in blocks(app)[1]


async def test_live_commands_and_notices_are_added_below_the_history() -> None:
    journal = Journal()
    journal.command("true")
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        await view.add_events(journal.command("echo live", "live\n"))
        await view.add_events(
            [journal.add(ev.NOTICE, ev.CONCH, ev.notice("bash had exited", "warning"))]
        )
        await pilot.pause()
        assert len(blocks(app)) == 2 and "live" in blocks(app)[1] and "✓ 0" in blocks(app)[1]
        notice = app.query_one(Notice)
        assert "bash had exited" in shown_text(notice) and notice.has_class("-warning")


async def test_a_long_history_mounts_its_recent_items_and_still_takes_live_ones() -> None:
    journal = Journal()
    for number in range(RECENT_ITEMS + 12):
        journal.command(f"echo n{number}", f"n{number}\n")
    journal.command("sleep 5", status=None)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        await pilot.pause()
        assert len(app.query(EarlierItems)) == 1
        assert len(app.query(CommandBlock)) == RECENT_ITEMS
        await view.add_events([journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(0, "/w",
                         duration=5.0))])  # fmt: skip
        await wait_for(pilot, lambda: "✓ 0" in blocks(app)[-1])
        assert "$ sleep 5" in blocks(app)[-1].splitlines()[0]


def big_output_command(journal: Journal, ref: int, lines: int) -> str:
    """A finished command whose output the journal stored as blob ``ref``: its event carries
    the size and tail, as the host sends it. Returns the blob's text."""
    text = "".join(f"{n}\n" for n in range(1, lines + 1))
    stored = {"ref": ref, "size": len(text), "tail": text[-TAIL_CHARS:]}
    journal.command(f"seq 1 {lines}", status=None)
    journal.add(ev.SHELL_OUTPUT, ev.SHELL, stored)
    journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(0, "/w", duration=0.01))
    return text


async def test_a_restored_big_output_shows_its_last_lines_and_count_read_from_the_host() -> None:
    journal = Journal()
    blobs = {7: big_output_command(journal, 7, 40_000)}
    asked: list[int] = []

    async def fetch(ref: int) -> str:
        asked.append(ref)
        return blobs[ref]

    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.query_one(SessionView).show_history(journal.events, fetch)
        await pilot.pause()
        [block] = app.query(CommandBlock)
        assert asked == [7]
        assert "40,000 lines, last 5,000 shown" in block.status_text
        shown = block.output.text()
        assert shown.startswith("35001\n") and shown.endswith("\n40000")


async def test_a_big_output_the_host_cannot_send_shows_its_stored_tail() -> None:
    journal = Journal()
    big_output_command(journal, 7, 40_000)

    async def gone(ref: int) -> str:
        raise HostGone("the host went away")

    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.query_one(SessionView).show_history(journal.events, gone)
        await pilot.pause()
        [block] = app.query(CommandBlock)
        assert block.output.text().startswith("[… 228,894 bytes stored in the journal")
        assert block.output.text().endswith("\n40000") and "✓ 0" in block.status_text


async def test_a_reattach_overlapping_the_history_shows_nothing_twice() -> None:
    journal = Journal()
    first = journal.command("echo once", "once\n")
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        await view.add_events(first)
        await pilot.pause()
        assert len(blocks(app)) == 1


# -- agent turns -------------------------------------------------------------------------

CONTEXT = TurnContext("/w", "agent", "fake", "", 100.0, "/w")
GATE = PermissionRequest(
    ToolCall("edit-1", "Edit notes.txt", "edit"),
    (PermissionOption("allow", "Allow", "allow_once"),
     PermissionOption("reject", "Reject", "reject_once")),
)  # fmt: skip


class AgentJournal(Journal):
    def prompt(self, text: str) -> Event:
        return self.add(ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, CONTEXT))

    def update(self, turn: int, event: AgentEvent) -> Event:
        return self.add(ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, event))


def turn_text(app: App[None]) -> str:
    return shown_text(app.query(AgentTurn).last())


async def test_a_turn_streams_text_and_its_question_is_settled_by_the_journals_decision() -> None:
    journal = AgentJournal()
    app = ViewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(SessionView)
        view.client_name = "laptop"
        prompt = journal.prompt("gate")
        turn = prompt.idx
        await view.add_events([prompt])
        await view.add_events([journal.add(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "s"))])
        await view.add_events([journal.update(turn, MessageChunk("I will edit "))])
        await view.add_events([journal.update(turn, MessageChunk("notes.txt."))])
        await wait_for(pilot, lambda: "I will edit notes.txt." in turn_text(app))
        await view.add_events([journal.add(ev.PERMISSION_ASKED, ev.CONCH,
                                           ev.permission_asked(turn, GATE))])  # fmt: skip
        await wait_for(pilot, lambda: "Allow the agent to run: Edit notes.txt?" in turn_text(app))
        box = view.waiting_permission()
        assert box is not None and "[1/y] Allow   [2/n] Reject" in shown_text(box)
        decision = Decision("reject", "reject_once", "phone")
        await view.add_events([journal.add(ev.PERMISSION, ev.USER,
                                           ev.permission(turn, GATE, decision))])  # fmt: skip
        await wait_for(pilot, lambda: "Reject (by phone): Edit notes.txt" in turn_text(app))
        assert view.waiting_permission() is None and box.settled
        box.action_choose(0)  # final: a later key changes nothing
        await pilot.pause()
        assert "Allow" not in shown_text(box)
        await view.add_events([journal.update(turn, MessageChunk("outcome=reject"))])
        await view.add_events([journal.add(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done"))])
        await wait_for(pilot, lambda: "✓ done" in turn_text(app))
        shown = turn_text(app)
        assert "Reject (by phone): Edit notes.txt" in shown and "outcome=reject" in shown
        assert len(app.query(AgentTurn)) == 1


async def test_a_client_attaching_mid_turn_shows_the_open_question_and_what_streamed() -> None:
    journal = AgentJournal()
    turn = journal.prompt("gate").idx
    journal.add(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "s"))
    journal.update(turn, MessageChunk("before the question"))
    journal.add(ev.PERMISSION_ASKED, ev.CONCH, ev.permission_asked(turn, GATE))
    queued = journal.prompt("run me later").idx
    app = ViewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        await wait_for(pilot, lambda: view.waiting_permission() is not None)
        turns = list(app.query(AgentTurn))
        assert len(turns) == 2
        await wait_for(pilot, lambda: "before the question" in shown_text(turns[0]))
        await wait_for(pilot, lambda: "Allow the agent to run: Edit" in shown_text(turns[0]))
        await wait_for(pilot, lambda: "queued — runs after" in shown_text(turns[1]))
        ended = ev.turn_end(queued, "cancelled", "cancelled before it started")
        await view.add_events([journal.add(ev.TURN_END, ev.CONCH, ended)])
        await wait_for(pilot, lambda: "⊘ cancelled" in turn_text(app))


async def test_a_live_command_that_ends_is_finished_in_place_not_rebuilt() -> None:
    """One widget for the command's whole life: the view lays out once at its end, not twice
    (a new widget mounted after the old one, and the old one removed)."""
    journal = Journal()
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history([])
        await view.add_events(journal.command("echo live", "live\n", status=None))
        await wait_for(pilot, lambda: "live" in "".join(blocks(app)))
        running = app.query_one(CommandBlock)
        await view.add_events(
            [journal.add(ev.SHELL_END, ev.SHELL, ev.shell_end(3, "/w", duration=0.2))]
        )
        await wait_for(pilot, lambda: "✗ exit 3" in blocks(app)[0])
        assert app.query_one(CommandBlock) is running


async def test_a_long_live_session_folds_its_oldest_items_and_brings_them_back() -> None:
    journal = Journal()
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history([])
        for number in range(LIVE_LIMIT + 1):
            await view.add_events(journal.command(f"echo n{number}", f"n{number}\n"))
            await pilot.pause()
        await wait_for(pilot, lambda: len(app.query(EarlierItems)) == 1)
        mounted = len(app.query(CommandBlock))
        assert mounted == LIVE_LIMIT - TRIM_COUNT
        assert "$ echo n40 " in blocks(app)[-1] and "$ echo n16 " in blocks(app)[0]
        earlier = app.query_one(EarlierItems)
        assert earlier.hidden_count == LIVE_LIMIT + 1 - mounted
        await view.add_events(journal.command("echo after-fold", "after-fold\n"))
        await wait_for(pilot, lambda: "after-fold" in blocks(app)[-1])
        conversation = app.query_one(Conversation)

        def scrolled_back_to_the_first() -> bool:
            conversation.scroll_home(animate=False)  # as a reader keeps scrolling up
            return any("$ echo n0 " in block for block in blocks(app))

        await wait_for(pilot, scrolled_back_to_the_first)


async def test_a_box_in_hand_when_another_client_answers_says_so_after_the_turn_ends() -> None:
    """The decision and the turn's end often come in one batch: the note that this user's key
    came too late must outlive the live turn it was shown in."""
    journal = AgentJournal()
    prompt = journal.prompt("gate")
    turn = prompt.idx
    journal.add(ev.TURN_START, ev.CONCH, ev.turn_start(turn, "s"))
    journal.add(ev.PERMISSION_ASKED, ev.CONCH, ev.permission_asked(turn, GATE))
    app = ViewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(SessionView)
        view.client_name = "laptop"
        await view.show_history(journal.events)
        await wait_for(pilot, lambda: view.waiting_permission() is not None)
        box = view.waiting_permission()
        assert box is not None
        app.set_focus(box)  # as Tab gives it: the user is about to answer
        await pilot.pause()
        decision = Decision("reject", "reject_once", "phone")
        await view.add_events([
            journal.add(ev.PERMISSION, ev.USER, ev.permission(turn, GATE, decision)),
            journal.add(ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done")),
        ])  # fmt: skip
        await wait_for(pilot, lambda: "✓ done" in turn_text(app))
        shown = turn_text(app)
        assert "Reject (by phone): Edit notes.txt" in shown
        assert "already answered by phone" in shown


async def test_a_private_command_in_no_journal_shows_between_the_journaled_ones() -> None:
    journal = Journal()
    journal.command("echo before", "before\n")
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        private = [  # as the host sends a private line's command: index -1, in no journal
            Event("s1", -1, 200.0, ev.SHELL_START, ev.SHELL, ev.shell_start(" echo p", "/w")),
            Event("s1", -1, 200.1, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output("p-out\n")),
        ]
        await view.add_events(private)
        await wait_for(pilot, lambda: len(blocks(app)) == 2 and "p-out" in blocks(app)[1])
        assert view.is_running and view.feed.last_index == journal.events[-1].idx
        end = ev.shell_end(0, "/w", duration=0.01)
        await view.add_events([Event("s1", -1, 200.2, ev.SHELL_END, ev.SHELL, end)])
        await wait_for(pilot, lambda: "✓ 0" in blocks(app)[1])
        assert not view.is_running
        await view.add_events(journal.command("echo after", "after\n"))
        await wait_for(pilot, lambda: len(blocks(app)) == 3 and "✓ 0" in blocks(app)[2])
        assert "after" in blocks(app)[2] and "p-out" in blocks(app)[1]


async def test_a_command_s_end_says_bash_was_started_anew_and_that_it_ran_full_screen() -> None:
    journal = Journal()
    journal.add(ev.SHELL_START, ev.SHELL, ev.shell_start("vim notes", "/w"))
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SessionView)
        await view.show_history(journal.events)
        end = ev.shell_end(0, "/w", duration=0.2, full_screen=True)
        await view.add_events([journal.add(ev.SHELL_END, ev.SHELL, end)])
        await wait_for(pilot, lambda: "ran full-screen" in blocks(app)[0])
        await view.add_events([journal.add(ev.SHELL_START, ev.SHELL, ev.shell_start("exit", "/w"))])
        gone = ev.shell_end(None, "/w", duration=0.0, restarted=True)
        await view.add_events([journal.add(ev.SHELL_END, ev.SHELL, gone)])
        await wait_for(pilot, lambda: len(blocks(app)) == 2 and "✗" in blocks(app)[1])
        assert "bash exited; started a new bash" in blocks(app)[1]
    restored = ViewApp()  # a later attach (or a restart) shows the same from the journal
    async with restored.run_test(size=(100, 30)) as pilot:
        await restored.query_one(SessionView).show_history(journal.events)

        def statuses() -> list[str]:
            return [block.strip().rsplit("\n", 1)[-1].strip("▌ ") for block in blocks(restored)]

        full_screen, restarted = "✓ 0 · 200 ms · ran full-screen", "✗ bash exited; started a new"
        await wait_for(pilot, lambda: statuses()[:1] == [full_screen])
        assert statuses()[1].startswith(restarted), statuses()
