"""The session picker over a real journal: list, search, open, fork, rename, delete, close.

Sessions are written by one Journal that is then closed (an earlier Conch run); the picker's
Journal has claimed only the session the app is in, as the app's would.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from conch.sessions import SessionSummary
from conch.sessions import events as ev
from conch.sessions.journal import Journal
from conch.tui.widgets.session_picker import PickerResult, SessionPicker
from tests.pilot.conftest import wait_for

NOW = 1_750_000_000.0
UNSET = object()


@dataclass(frozen=True)
class Sessions:
    """Ids, newest first: the list's order."""

    current: str
    question: str
    fork: str
    release: str
    empty: str


def build_sessions(path: Path, home: Path) -> Sessions:
    """Five sessions with fixed times: written, then the writer closes (as Conch exiting)."""
    project = str(home / "project")
    with Journal.open(path) as writer:
        current = writer.create_session(project, "auto", "fake", title="Fix the parser").id
        for text in ("make test", "?why does parse() fail"):
            writer.append(current, ev.USER_INPUT, ev.USER, ev.user_input(text, "auto", project))
        fork = writer.fork(current).id
        question = writer.create_session(str(home / "other"), "auto", "fake").id
        first = ev.user_input("why does make fail on CI?", "agent", str(home / "other"))
        writer.append(question, ev.USER_INPUT, ev.USER, first)
        release = writer.create_session("/srv/site", "auto", "fake", title="Release notes").id
        writer.set_status(release, "error")
        empty = writer.create_session(str(home), "auto", "fake").id
    ages = {current: 180, question: 2 * 3600, fork: 86400, release: 5 * 86400, empty: 20 * 86400}
    with sqlite3.connect(path) as conn:
        for session_id, age in ages.items():
            conn.execute("UPDATE sessions SET created_at = ?, last_used_at = ? WHERE id = ?",
                         (NOW - age, NOW - age, session_id))  # fmt: skip
    conn.close()
    return Sessions(current, question, fork, release, empty)


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.db"


@pytest.fixture
def sessions(journal_path: Path, isolated_home: Path) -> Sessions:
    return build_sessions(journal_path, isolated_home)


@pytest.fixture
def journal(journal_path: Path, sessions: Sessions) -> Iterator[Journal]:
    with Journal.open(journal_path) as opened:
        opened.claim(sessions.current)  # the app is in this session
        yield opened


class PickerApp(App[None]):
    """Pushes the picker at start and keeps what it was dismissed with."""

    def __init__(self, journal: Journal, current_id: str) -> None:
        super().__init__()
        self.journal = journal
        self.current_id = current_id
        self.result: object = UNSET

    def on_mount(self) -> None:
        picker = SessionPicker(self.journal, self.current_id, now=lambda: NOW)
        self.push_screen(picker, self.picked)

    def picked(self, result: PickerResult | None) -> None:
        self.result = result


def picker(pilot: Pilot[None]) -> SessionPicker:
    screen = pilot.app.screen
    assert isinstance(screen, SessionPicker)
    return screen


def listed_ids(pilot: Pilot[None]) -> list[str]:
    return [summary.record.id for summary in picker(pilot).summaries]


def rows(pilot: Pilot[None]) -> list[str]:
    options = picker(pilot).query_one(OptionList)
    return [
        str(getattr(option.prompt, "plain", option.prompt)).rstrip() for option in options.options
    ]


def message(pilot: Pilot[None]) -> str:
    return str(picker(pilot).query_one(".session-picker--message", Static).render())


async def opened(pilot: Pilot[None], count: int = 5) -> SessionPicker:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SessionPicker)
                   and len(picker(pilot).summaries) == count)  # fmt: skip
    await pilot.pause()
    return picker(pilot)


async def highlight(pilot: Pilot[None], session_id: str) -> None:
    picker(pilot).query_one(OptionList).highlighted = listed_ids(pilot).index(session_id)
    await pilot.pause()


def result_of(app: App[None]) -> object:
    assert isinstance(app, PickerApp)
    return app.result


async def test_sessions_are_listed_newest_first_with_where_when_and_forks(
    journal: Journal, sessions: Sessions
) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        assert listed_ids(pilot) == [sessions.current, sessions.question, sessions.fork,
                                     sessions.release, sessions.empty]  # fmt: skip
        current, question, fork, release, empty = rows(pilot)
        assert current.startswith("● Fix the parser")
        assert "~/project" in current and "3 min ago" in current and "open here" in current
        assert question.startswith("  why does make fail on CI?")  # no title: the first input
        assert "~/other" in question and "2 h ago" in question
        assert "Fix the parser (fork)" in fork and "↳ Fix the parser" in fork
        assert "yesterday" in fork
        assert "/srv/site" in release and "5 days ago" in release
        assert "last turn failed" in release
        assert empty.startswith("  (empty)") and "20 days ago" in empty


async def test_typing_a_search_filters_the_list(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*"parser")
        await wait_for(pilot, lambda: listed_ids(pilot) == [sessions.current, sessions.fork])
        await pilot.press(*"xyz")
        await wait_for(pilot, lambda: listed_ids(pilot) == [])
        assert message(pilot) == "No sessions match “parserxyz”."
        picker(pilot).query_one(Input).value = "ci?"
        await wait_for(pilot, lambda: listed_ids(pilot) == [sessions.question])
        await pilot.press("enter")
        assert result_of(pilot.app) == PickerResult("open", sessions.question)


async def test_enter_opens_the_highlighted_session(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert result_of(pilot.app) == PickerResult("open", sessions.fork)
        assert not isinstance(pilot.app.screen, SessionPicker)


async def test_escape_closes_without_a_choice(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert result_of(pilot.app) is None


async def test_f_forks_the_session_and_returns_the_fork(
    journal: Journal, sessions: Sessions
) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.release)
        await pilot.press("f")
        await wait_for(pilot, lambda: result_of(pilot.app) is not UNSET)
        result = result_of(pilot.app)
        assert isinstance(result, PickerResult) and result.action == "fork"
        fork = journal.get_session(result.session_id)
        assert fork.id not in vars(sessions).values()
        assert (fork.parent_id, fork.title) == (sessions.release, "Release notes (fork)")
        assert journal.is_claimed(fork.id), "the fork is ready for the app to write"


async def test_r_renames_in_place(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.question)
        await pilot.press("r")
        field = picker(pilot).query_one("#session-rename", Input)
        assert pilot.app.focused is field and field.value == ""
        await pilot.press(*"CI", "space", *"failure", "enter")
        await wait_for(pilot, lambda: journal.get_session(sessions.question).title is not None)
        assert journal.get_session(sessions.question).title == "CI failure"
        await wait_for(pilot, lambda: rows(pilot)[1].startswith("  CI failure"))
        assert message(pilot) == "Renamed “why does make fail on CI?” to “CI failure”."
        assert not picker(pilot).query("#session-rename"), "the field goes once saved"
        assert result_of(pilot.app) is UNSET, "renaming keeps the picker open"


async def test_a_title_typed_in_one_burst_after_r_is_kept_whole_and_enter_saves_it(
    journal: Journal, sessions: Sessions
) -> None:
    """The keys are queued together, as a fast typist or a loaded machine delivers them: the
    rename is of the row the arrows reached, and the title's keys arrive before the field
    would have the focus. None may go to the list (``d`` would ask to delete, Enter would
    open the session)."""
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.question)
        burst = [("up", None), ("down", None), ("r", "r"), ("d", "d"), ("e", "e"),
                 ("space", " "), ("v", "v"), ("enter", None)]  # fmt: skip
        for key, character in burst:
            pilot.app.post_message(events.Key(key, character))

        await wait_for(pilot, lambda: journal.get_session(sessions.question).title is not None)
        assert journal.get_session(sessions.question).title == "de v"
        assert result_of(pilot.app) is UNSET, "Enter saved the title; it opened nothing"
        assert not message(pilot).startswith("Delete")


class GatedJournal:
    """The journal, whose list is read only once ``gate`` is set (a slow first read)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.gate = threading.Event()

    def list_sessions(self, search: str | None = None) -> list[SessionSummary]:
        self.gate.wait(10)
        return self.journal.list_sessions(search)

    def __getattr__(self, name: str) -> object:
        return getattr(self.journal, name)


async def test_keys_typed_before_the_list_is_read_wait_for_it(
    journal: Journal, sessions: Sessions
) -> None:
    """Down and Enter typed with Ctrl+O, before the journal was read: they act on the list
    once it is there (the row below the open one is opened), instead of being lost on an
    empty one."""
    gated = GatedJournal(journal)
    app = PickerApp(gated, sessions.current)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionPicker))
        await pilot.press("down", "enter")
        await pilot.pause(0.1)
        assert result_of(app) is UNSET and not picker(pilot).summaries, "the list is not read"

        gated.gate.set()

        await wait_for(pilot, lambda: result_of(app) is not UNSET)
        result = result_of(app)
        assert isinstance(result, PickerResult) and result.action == "open"
        ids = [summary.record.id for summary in journal.list_sessions()]
        assert result.session_id == ids[ids.index(sessions.current) + 1], "Down from the row open"


async def test_escape_during_a_rename_changes_nothing(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await pilot.press("r", *"oops", "escape")
        await pilot.pause()
        assert journal.get_session(sessions.current).title == "Fix the parser"
        assert message(pilot) == "Rename cancelled."
        assert result_of(pilot.app) is UNSET


async def test_d_asks_first_and_n_keeps_the_session(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.question)
        await pilot.press("d")
        await wait_for(pilot, lambda: message(pilot).startswith("Delete"))
        assert message(pilot).startswith(
            "Delete session “why does make fail on CI?” and its 1 event?"
        )
        assert "y: delete" in message(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert message(pilot) == "Kept “why does make fail on CI?”."
        await pilot.press("y")  # no question is open: y does nothing
        await pilot.pause(0.2)
        assert journal.get_session(sessions.question).id == sessions.question


async def test_d_then_y_deletes_and_the_list_follows(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.release)
        await pilot.press("d")
        await wait_for(pilot, lambda: message(pilot).startswith("Delete"))
        await pilot.press("y")
        await wait_for(pilot, lambda: sessions.release not in listed_ids(pilot))
        assert message(pilot) == "Deleted “Release notes”."
        assert sessions.release not in [s.record.id for s in journal.list_sessions()]
        assert len(listed_ids(pilot)) == 4


async def test_deleting_a_session_with_forks_says_the_forks_stay(
    journal: Journal, sessions: Sessions
) -> None:
    journal.release(sessions.current)
    async with PickerApp(journal, sessions.empty).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.current)
        await pilot.press("d")
        await wait_for(pilot, lambda: message(pilot).startswith("Delete"))
        stays = "Its fork “Fix the parser (fork)” stays, as a session of its own."
        assert stays in message(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: sessions.current not in listed_ids(pilot))
        assert message(pilot) == "Deleted “Fix the parser”; its fork stays."
        fork = journal.get_session(sessions.fork)
        assert fork.parent_id is None and len(list(journal.events(fork.id))) > 2


async def test_the_current_session_cannot_be_deleted(journal: Journal, sessions: Sessions) -> None:
    async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
        await opened(pilot)
        await highlight(pilot, sessions.current)
        await pilot.press("d")
        await pilot.pause()
        assert "is the session you are in, so it cannot be deleted here" in message(pilot)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert journal.get_session(sessions.current).id == sessions.current


async def test_a_journal_error_is_shown_in_the_picker(
    journal: Journal, journal_path: Path, sessions: Sessions
) -> None:
    with Journal.open(journal_path) as other_conch:
        other_conch.claim(sessions.question)  # another Conch is writing this session
        async with PickerApp(journal, sessions.current).run_test(size=(120, 30)) as pilot:
            await opened(pilot)
            await highlight(pilot, sessions.question)
            await pilot.press("d")
            await wait_for(pilot, lambda: message(pilot).startswith("Delete"))
            await pilot.press("y")
            await wait_for(pilot, lambda: message(pilot).startswith("Could not delete"))
            assert "is open for writing in process" in message(pilot)
            assert picker(pilot).query_one(".session-picker--message").has_class("-error")
            assert sessions.question in listed_ids(pilot)
            await pilot.press("f")  # the picker still works: forking a busy session is fine
            await wait_for(pilot, lambda: result_of(pilot.app) is not UNSET)
            result = result_of(pilot.app)
            assert isinstance(result, PickerResult) and result.action == "fork"


def test_the_picker_looks_right(
    snap_compare: Callable[..., bool], journal: Journal, sessions: Sessions
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await opened(pilot)
        await highlight(pilot, sessions.question)

    app = PickerApp(journal, sessions.current)
    assert snap_compare(app, terminal_size=(120, 24), run_before=run_before)
