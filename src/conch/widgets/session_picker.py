"""The session picker: find a past session and open, fork, rename or delete it.

Lists the journal's sessions newest first (title, directory, last used, status, which session
it was forked from), filtered as the user types. Rename and delete happen here and the list
is read again; open and fork end the picker with a ``PickerResult`` for the app to act on.

Every journal call runs in a worker thread (writes commit with synchronous=FULL and may wait
on another writer's transaction), and its result comes back as a message. Nothing is deleted
without an explicit "y", the session the user is in is never deleted from here, and a journal
error is shown in the picker, never raised.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from conch.sessions import Journal, JournalError, SessionNotFoundError, SessionSummary
from conch.widgets.durations import format_age
from conch_plugins.shell_mode.cwd import shorten_home

AGE_WIDTH = 11
"""Cells for "20 days ago" (and "2025-01-31")."""
STATUS_WIDTH = 16
STATUS_TEXT = {"idle": "idle", "busy": "agent busy", "error": "last turn failed",
               "closed": "closed"}  # fmt: skip
KEYS_HELP = "Enter open · f fork · r rename · d delete · / search · Esc close"
MessageLevel = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class PickerResult:
    """What the user chose: open a session, or open the fork just made of one."""

    action: Literal["open", "fork"]
    session_id: str
    """The session to open: the chosen one, or for "fork" the new fork (claimed already)."""


class SessionPicker(ModalScreen[PickerResult | None]):
    """Sessions of ``journal``, newest first; ``current_id`` is the one the app shows."""

    DEFAULT_CSS = """
    SessionPicker { align: center middle; }
    SessionPicker > Vertical {
        width: 90%;
        max-width: 130;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    SessionPicker OptionList { height: auto; max-height: 20; }
    SessionPicker .session-picker--message { min-height: 1; color: $text-muted; }
    SessionPicker .session-picker--message.-warning { color: $warning; }
    SessionPicker .session-picker--message.-error { color: $error; }
    SessionPicker .session-picker--keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("f", "fork", "Fork"),
        Binding("r", "rename", "Rename"),
        Binding("d", "delete", "Delete"),
        Binding("y", "confirm_delete", "Yes, delete", show=False),
        Binding("n", "keep", "No, keep it", show=False),
        Binding("slash", "search", "Search", show=False),
        Binding("down", "to_list", show=False),
    ]

    class Loaded(Message):
        def __init__(
            self, generation: int, summaries: list[SessionSummary], titles: dict[str, str]
        ) -> None:
            super().__init__()
            self.generation = generation
            self.summaries = summaries
            self.titles = titles
            """Display titles of the listed sessions' parents, by id."""

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Changed(Message):
        """A rename or delete is done: say so and read the list again."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Forked(Message):
        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    class DeleteAsked(Message):
        def __init__(self, summary: SessionSummary, fork_titles: list[str]) -> None:
            super().__init__()
            self.summary = summary
            self.fork_titles = fork_titles

    def __init__(
        self, journal: Journal, current_id: str | None, *, now: Callable[[], float] = time.time
    ) -> None:
        """``now``: the clock "3 min ago" is counted from (fixed in tests and snapshots)."""
        super().__init__()
        self.journal = journal
        self.current_id = current_id
        self.now = now
        self.summaries: list[SessionSummary] = []
        """The sessions listed, in order."""
        self._titles: dict[str, str] = {}
        self._generation = 0
        self._highlight_id: str | None = current_id
        self._renaming: SessionSummary | None = None
        self._deleting: SessionSummary | None = None
        """The session the delete question is about (until y or n)."""
        self._deleting_forks = 0
        self._writing = False
        """A journal write (or the read before the delete question) is under way."""
        self._said_empty = False
        """The message line says the list is empty (cleared when it is not)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Sessions"
            yield Input(placeholder="Search: title, directory or first input  (/)",
                        id="session-search")  # fmt: skip
            yield OptionList(id="session-list")
            yield Static("", classes="session-picker--message", markup=False)
            yield Static(KEYS_HELP, classes="session-picker--keys", markup=False)

    @property
    def options(self) -> OptionList:
        return self.query_one("#session-list", OptionList)

    @property
    def search(self) -> Input:
        return self.query_one("#session-search", Input)

    def on_mount(self) -> None:
        self.options.focus()
        self._reload()

    # -- reading the list -----------------------------------------------------------------

    def _reload(self) -> None:
        self._generation += 1
        self._load(self.search.value.strip(), self._generation)

    @work(thread=True, exclusive=True, group="session-list")
    def _load(self, search: str, generation: int) -> None:
        try:
            summaries = self.journal.list_sessions(search or None)
            titles = {summary.record.id: summary.display_title for summary in summaries}
            for summary in summaries:
                parent = summary.record.parent_id
                if parent is not None and parent not in titles:
                    with contextlib.suppress(SessionNotFoundError):  # deleted since listed
                        titles[parent] = self.journal.summary(parent).display_title
        except (JournalError, sqlite3.Error) as error:
            self.post_message(self.Failed(f"Could not read the sessions: {error}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(generation, summaries, titles))

    def on_session_picker_loaded(self, message: Loaded) -> None:
        if message.generation != self._generation:
            return  # typed on since: a newer search is on its way
        self.summaries = message.summaries
        self._titles = message.titles
        self._fill()
        ids = [summary.record.id for summary in self.summaries]
        search = self.search.value.strip()
        if ids:
            keep = self._highlight_id if self._highlight_id in ids else ids[0]
            self.options.highlighted = ids.index(keep)
            if self._said_empty:
                self._say("")
        else:
            self._say(f"No sessions match “{search}”." if search else "No sessions yet.")
            self._said_empty = True

    def on_resize(self) -> None:
        self._fill()

    def _fill(self) -> None:
        """Rows for the listed sessions, their columns fitted to the list's width."""
        options = self.options
        highlighted = options.highlighted
        now = self.now()
        rows = [_Row.of(s, self.current_id, self._titles, now) for s in self.summaries]
        columns = _Columns.fitted(options.scrollable_content_region.width, rows)
        options.clear_options()
        options.add_options(Option(row.text(columns), id=row.id) for row in rows)
        if highlighted is not None and highlighted < len(rows):
            options.highlighted = highlighted

    # -- the chosen session ---------------------------------------------------------------

    @property
    def chosen(self) -> SessionSummary | None:
        """The highlighted session."""
        index = self.options.highlighted
        if index is None or not 0 <= index < len(self.summaries):
            return None
        return self.summaries[index]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._highlight_id = event.option.id
        if self._deleting is not None and event.option.id != self._deleting.record.id:
            self.action_keep()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "session-search":
            self._reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "session-search":
            self._open()
        elif event.input.id == "session-rename" and self._renaming is not None:
            self._writing = True
            self._say("Renaming…")
            self._rename(self._renaming, event.value.strip() or None)

    def _open(self) -> None:
        chosen = self.chosen
        if chosen is not None and self._is_idle():
            self.dismiss(PickerResult("open", chosen.record.id))

    def _is_idle(self) -> bool:
        """Not renaming, confirming a delete or waiting for a write."""
        return self._renaming is None and self._deleting is None and not self._writing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm_delete", "keep"):
            return self._deleting is not None and not self._writing
        if action in ("fork", "rename", "delete"):
            return self._is_idle() and self.chosen is not None
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Esc: leave the rename or the question first; otherwise close the picker."""
        if self._renaming is not None:
            self._end_rename("Rename cancelled.")
        elif self._deleting is not None:
            self.action_keep()
        elif not self._writing:
            self.dismiss(None)

    def action_search(self) -> None:
        if self._is_idle():
            self.search.focus()

    def action_to_list(self) -> None:
        if self.focused is self.search:
            self.options.focus()

    def action_fork(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        self._writing = True
        self._say(f"Forking “{chosen.display_title}”…")
        self._fork(chosen)

    def action_rename(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        self._renaming = chosen
        field = Input(chosen.record.title or "", placeholder=chosen.display_title,
                      id="session-rename")  # fmt: skip
        self.query_one(Vertical).mount(field, after=self.options)
        field.focus()
        self._say(f"New title for “{chosen.display_title}”: Enter saves (empty: the first "
                  "input again), Esc cancels.")  # fmt: skip

    def action_delete(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        if chosen.record.id == self.current_id:
            self._say(f"“{chosen.display_title}” is the session you are in, so it cannot be "
                      "deleted here; open another session first.", "warning")  # fmt: skip
            return
        self._writing = True
        self._ask_delete(chosen)

    def action_confirm_delete(self) -> None:
        summary = self._deleting
        if summary is None:
            return
        self._writing = True
        self._say(f"Deleting “{summary.display_title}”…")
        kept = self._deleting_forks
        after = {0: "", 1: "; its fork stays"}.get(kept, f"; its {kept} forks stay")
        self._delete(summary, f"Deleted “{summary.display_title}”{after}.")

    def action_keep(self) -> None:
        summary = self._deleting
        if summary is not None:
            self._deleting = None
            self._say(f"Kept “{summary.display_title}”.")
            self.refresh_bindings()

    # -- writes (worker threads) --------------------------------------------------------------

    @work(thread=True, group="session-write")
    def _fork(self, summary: SessionSummary) -> None:
        try:
            fork = self.journal.fork(summary.record.id)
        except (JournalError, sqlite3.Error, OSError) as error:
            self.post_message(self.Failed(f"Could not fork “{summary.display_title}”: {error}"))
        else:
            self.post_message(self.Forked(fork.id))

    @work(thread=True, group="session-write")
    def _rename(self, summary: SessionSummary, title: str | None) -> None:
        try:
            record = self.journal.rename(summary.record.id, title)
        except (JournalError, sqlite3.Error, OSError) as error:
            text = f"Could not rename “{summary.display_title}”: {error}"
            self.post_message(self.Failed(text))
        else:
            shown = record.title or "its first input"
            self.post_message(self.Changed(f"Renamed “{summary.display_title}” to “{shown}”."))

    @work(thread=True, group="session-write")
    def _ask_delete(self, summary: SessionSummary) -> None:
        try:
            forks = self.journal.forks_of(summary.record.id)
            titles = [self.journal.summary(fork.id).display_title for fork in forks]
        except (JournalError, sqlite3.Error) as error:
            self.post_message(self.Failed(f"Could not read “{summary.display_title}”: {error}"))
        else:
            self.post_message(self.DeleteAsked(summary, titles))

    @work(thread=True, group="session-write")
    def _delete(self, summary: SessionSummary, done: str) -> None:
        try:
            # The question named its forks: they stay, holding their own copies of the events.
            self.journal.delete(summary.record.id, detach_forks=True)
        except (JournalError, sqlite3.Error, OSError) as error:
            text = f"Could not delete “{summary.display_title}”: {error}"
            self.post_message(self.Failed(text))
        else:
            self.post_message(self.Changed(done))

    # -- results of the writes --------------------------------------------------------------

    def on_session_picker_delete_asked(self, message: DeleteAsked) -> None:
        self._writing = False
        summary, forks = message.summary, message.fork_titles
        count = summary.event_count
        question = (f"Delete session “{summary.display_title}” and its {count:,} "
                    f"event{'' if count == 1 else 's'}?")  # fmt: skip
        if len(forks) == 1:
            question += f" Its fork “{forks[0]}” stays, as a session of its own."
        elif forks:
            named = ", ".join(f"“{title}”" for title in forks[:3])
            more = f" and {len(forks) - 3} more" if len(forks) > 3 else ""
            question += f" Its {len(forks)} forks ({named}{more}) stay, as sessions of their own."
        self._deleting = summary
        self._deleting_forks = len(forks)
        self._say(f"{question}  y: delete  n: keep", "warning")
        self.refresh_bindings()

    def on_session_picker_changed(self, message: Changed) -> None:
        self._writing = False
        self._deleting = None
        if self._renaming is not None:
            self._end_rename(message.text)
        else:
            self._say(message.text)
        self.refresh_bindings()
        self._reload()

    def on_session_picker_forked(self, message: Forked) -> None:
        self._writing = False
        self.dismiss(PickerResult("fork", message.session_id))

    def on_session_picker_failed(self, message: Failed) -> None:
        self._writing = False
        self._deleting = None
        self._say(message.text, "error")
        self.refresh_bindings()

    # -- helpers ------------------------------------------------------------------------------

    def _end_rename(self, text: str) -> None:
        self._renaming = None
        for field in self.query("#session-rename"):
            field.remove()
        self.options.focus()
        self._say(text)
        self.refresh_bindings()

    def _say(self, text: str, level: MessageLevel = "info") -> None:
        self._said_empty = False
        line = self.query_one(".session-picker--message", Static)
        line.update(text)
        line.set_class(level == "warning", "-warning")
        line.set_class(level == "error", "-error")


@dataclass(frozen=True)
class _Row:
    """One session's cells, before they are fitted to the list's width."""

    id: str
    is_current: bool
    title: str
    parent: str
    """"↳ " and the title of the session this one was forked from ("" if not a fork)."""
    cwd: str
    age: str
    status: str
    is_quiet: bool
    """Nothing to note (idle, not the current session): the status is dimmed."""

    @classmethod
    def of(
        cls, summary: SessionSummary, current_id: str | None, titles: dict[str, str], now: float
    ) -> _Row:
        record = summary.record
        is_current = record.id == current_id
        parent = ""
        if record.parent_id is not None:
            parent = "↳ " + titles.get(record.parent_id, record.parent_id[:8])
        elif record.forked_from_event is not None:
            parent = "↳ (a deleted session)"
        status = "open here" if is_current else STATUS_TEXT.get(record.status, record.status)
        return cls(
            record.id,
            is_current,
            " ".join(summary.display_title.split()),
            parent,
            shorten_home(record.cwd),
            format_age(record.last_used_at, now),
            status,
            record.status == "idle" and not is_current,
        )

    def text(self, columns: _Columns) -> Text:
        text = Text.assemble(
            ("● " if self.is_current else "  ", "bold"),
            (_cell(self.title, columns.title), "bold" if self.is_current else ""),
            " ",
        )
        if columns.parent:
            text.append(_cell(self.parent, columns.parent) + " ", "dim")
        text.append(_cell(self.cwd, columns.cwd) + " ", "dim")
        text.append(_cell(self.age, AGE_WIDTH) + " ")
        text.append(self.status, "dim" if self.is_quiet else "")
        return text


class _Columns(NamedTuple):
    title: int
    parent: int
    """0: no listed session is a fork, so no column."""
    cwd: int

    @classmethod
    def fitted(cls, width: int, rows: list[_Row]) -> _Columns:
        """Marker, age and status keep their widths; title, parent and directory share the
        rest (half, a fifth, three tenths), none wider than its longest cell."""
        width = width if width > 0 else 100
        share = max(24, width - 2 - AGE_WIDTH - STATUS_WIDTH - 3)
        title_need = max((cell_len(row.title) for row in rows), default=1)
        parent_need = max((cell_len(row.parent) for row in rows), default=0)
        cwd_need = max((cell_len(row.cwd) for row in rows), default=1)
        if parent_need:
            share -= 1
        parent = min(parent_need, share // 5)
        cwd = min(cwd_need, share * 3 // 10)
        title = min(title_need, share - parent - cwd)
        cwd += min(share - parent - cwd - title, cwd_need - cwd)
        parent += min(share - parent - cwd - title, parent_need - parent)
        return cls(max(1, title), parent, max(1, cwd))


def _cell(text: str, width: int) -> str:
    """``text`` on one line, clipped or padded to ``width`` cells."""
    line = " ".join(text.split())
    if cell_len(line) > width:
        return set_cell_size(line, width - 1) + "…"
    return set_cell_size(line, width)
