"""The session picker: find a past session and open, fork, rename or delete it.

Lists the journal's sessions newest first (rows: ``session_rows``), filtered as the user types.
Rename and delete happen here and the list is read again; open and fork end the picker with a
``PickerResult`` for the app to act on (or, made with ``fork_here=False``, fork nothing and
end with the chosen session for its caller to fork: the attach window asks its host, which
writes the journal). Sessions a host runs show what it says of them (``live``). A rename or
delete goes to ``writes`` (the journal; in ``conch attach`` the host, which holds the live
sessions' claims). Every journal call runs in a worker and comes back as a message
(``session_jobs``).
Nothing is deleted without an explicit "y" (the question: ``session_edits``), the session the
user is in is never deleted from here, and a journal error is shown in the picker, never
raised.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from conch.sessions import Journal, SessionSummary
from conch.tui.key_order import run_binding_in_order
from conch.tui.widgets import session_jobs as jobs
from conch.tui.widgets.session_edits import MessageLevel, PickerEdits, PickerMessage, RenameField
from conch.tui.widgets.session_rows import session_options

KEYS_HELP = "Enter open · f fork · r rename · d delete · / search · Esc close"


@dataclass(frozen=True)
class PickerResult:
    """What the user chose: open a session, or open the fork just made of one."""

    action: Literal["open", "fork", "fork-chosen"]
    session_id: str
    """The session to open: the chosen one, or for "fork" the new fork (claimed already);
    for "fork-chosen" the chosen one, to fork (the picker did not)."""


class SessionPicker(ModalScreen[PickerResult | None]):
    AUTO_FOCUS = ""  # nothing has the keys until the list is there (``on_key``)
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
    SessionPicker .session-picker--keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("f", "fork", "Fork"),
        # r and the arrows are taken as they arrive (priority), in the order typed: a key
        # bound on the list is otherwise run only once it has bubbled back up to the app,
        # after the app has passed the next keys on, so in a burst ("Down r title") the
        # rename would take the row before the move and the title's first keys would go to
        # the list rather than to the field r opens.
        Binding("r", "rename", "Rename", priority=True),
        Binding("d", "delete", "Delete"),
        Binding("y", "confirm_delete", "Yes, delete", show=False),
        Binding("n", "keep", "No, keep it", show=False),
        Binding("slash", "search", "Search", show=False),
        Binding("down", "down", show=False, priority=True),
        Binding("up", "up", show=False, priority=True),
    ]

    def __init__(
        self,
        journal: Journal,
        current_id: str | None,
        *,
        now: Callable[[], float] = time.time,
        live: Mapping[str, str] | None = None,
        fork_here: bool = True,
        writes: jobs.SessionWrites | None = None,
    ) -> None:
        """``now``: the clock "3 min ago" is counted from (fixed in tests and snapshots);
        ``live``: the status of the sessions a host runs, by id; ``fork_here``: whether
        ``f`` forks in ``journal`` (else it ends with "fork-chosen"); ``writes``: where a
        rename or delete goes (``journal`` by default)."""
        super().__init__()
        self.journal = journal
        self.writes = writes or jobs.JournalWrites(journal)
        self.current_id = current_id
        self.now = now
        self.live = dict(live or {})
        self.fork_here = fork_here
        self.summaries: list[SessionSummary] = []
        """The sessions listed, in order."""
        self._titles: dict[str, str] = {}
        self._generation = 0
        self._highlight_id: str | None = current_id
        self._edits = PickerEdits()
        self._early_keys: list[events.Key] | None = []
        """Keys typed before the list first came (None once it has): they wait for it."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Sessions"
            yield Input(placeholder="Search: title, directory or first input  (/)",
                        id="session-search")  # fmt: skip
            yield OptionList(id="session-list")
            yield PickerMessage()
            yield Static(KEYS_HELP, classes="session-picker--keys", markup=False)

    @property
    def options(self) -> OptionList:
        return self.query_one("#session-list", OptionList)

    @property
    def search(self) -> Input:
        return self.query_one("#session-search", Input)

    def on_mount(self) -> None:
        self._reload()

    def on_key(self, event: events.Key) -> None:
        """A key typed before the list is there (Ctrl+O, Down, Enter in one go; the journal
        read in a worker) waits for it: on an empty list it would be lost, and Enter would
        open nothing. Esc still closes at once."""
        if self._early_keys is None or event.key == "escape":
            return
        self._early_keys.append(event)
        event.stop()
        event.prevent_default()

    async def _listed(self) -> None:
        """The list came (or could not be read): the keys go to it, those typed early first,
        here and now (ahead of any key typed from now on), each as its binding or as text."""
        early, self._early_keys = self._early_keys, None
        if early is None:
            return
        self.set_focus(self.options)
        for key in early:
            if await self.app._check_bindings(key.key, priority=True):  # private: as on arrival
                continue
            if not await run_binding_in_order(self, key.key) and key.is_printable:
                focused = self.focused
                if isinstance(focused, Input):
                    focused.insert_text_at_cursor(key.character or "")

    # -- reading the list -----------------------------------------------------------------

    def _reload(self) -> None:
        self._generation += 1
        self._load(self.search.value.strip(), self._generation)

    @work(thread=True, exclusive=True, group="session-list")
    def _load(self, search: str, generation: int) -> None:
        result = jobs.load(self.journal, search, generation)
        if isinstance(result, jobs.Failed) or not get_current_worker().is_cancelled:
            self.post_message(result)

    async def on_session_picker_loaded(self, message: jobs.Loaded) -> None:
        if message.generation != self._generation:
            return  # typed on since: a newer search is on its way
        self.summaries = message.summaries
        self._titles = message.titles
        self._fill()
        ids = [summary.record.id for summary in self.summaries]
        if ids:
            keep = self._highlight_id if self._highlight_id in ids else ids[0]
            self.options.highlighted = ids.index(keep)
        self.query_one(PickerMessage).listed(len(ids), self.search.value.strip())
        await self._listed()

    def on_resize(self) -> None:
        self._fill()

    def _fill(self) -> None:
        """Rows for the listed sessions, their columns fitted to the list's width."""
        options = self.options
        highlighted = options.highlighted
        width = options.scrollable_content_region.width
        rows = session_options(
            self.summaries, self.current_id, self._titles, self.now(), width, self.live
        )
        options.clear_options()
        options.add_options(rows)
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
        deleting = self._edits.deleting
        if deleting is not None and event.option.id != deleting.record.id:
            self.action_keep()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "session-search":
            self._reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        renaming = self._edits.renaming
        if event.input.id == "session-search":
            self._open()
        elif event.input.id == "session-rename" and renaming is not None:
            self._edits.writing = True
            self._say("Renaming…")
            self._edit(self.writes.rename(renaming, event.value.strip() or None))

    def _open(self) -> None:
        chosen = self.chosen
        if chosen is not None and self._edits.idle:
            self.dismiss(PickerResult("open", chosen.record.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._early_keys is not None and action in ("down", "up", "rename"):
            return False  # typed before the list is there: held for it (``on_key``)
        if action in ("confirm_delete", "keep"):
            return self._edits.answerable
        if action in ("rename", "up"):  # typed in a field, they are that field's
            return self.focused is self.options and (action == "up" or self._can_edit())
        if action == "down":
            return self.focused in (self.options, self.search)
        if action in ("fork", "delete"):
            return self._can_edit()
        return True

    def _can_edit(self) -> bool:
        return self._edits.idle and self.chosen is not None

    # -- actions ----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Esc: leave the rename or the question first; otherwise close the picker."""
        if self._edits.renaming is not None:
            self._end_rename("Rename cancelled.")
        elif self._edits.deleting is not None:
            self.action_keep()
        elif not self._edits.writing:
            self.dismiss(None)

    def action_search(self) -> None:
        if self._edits.idle:
            self.search.focus()

    def action_down(self) -> None:
        """Down: from the search field to the list, and down the list."""
        if self.focused is self.search:
            self.set_focus(self.options)
        else:
            self.options.action_cursor_down()

    def action_up(self) -> None:
        self.options.action_cursor_up()

    def action_fork(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        if not self.fork_here:
            self.dismiss(PickerResult("fork-chosen", chosen.record.id))
            return
        self._edits.writing = True
        self._say(f"Forking “{chosen.display_title}”…")
        self._write(partial(jobs.fork, self.journal, chosen))

    def action_rename(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        self._edits.renaming = chosen
        field = RenameField(chosen)
        self.query_one(Vertical).mount(field, after=self.options)
        self.set_focus(field)  # now, not a message later: the next key typed is the title's
        self._say(field.help)

    def action_delete(self) -> None:
        chosen = self.chosen
        if chosen is None:
            return
        if chosen.record.id == self.current_id:
            self._say(f"“{chosen.display_title}” is the session you are in, so it cannot be "
                      "deleted here; open another session first.", "warning")  # fmt: skip
            return
        self._edits.writing = True
        self._write(partial(jobs.ask_delete, self.journal, chosen))

    def action_confirm_delete(self) -> None:
        summary = self._edits.deleting
        if summary is None:
            return
        self._edits.writing = True
        self._say(f"Deleting “{summary.display_title}”…")
        done = self._edits.deleted_text(summary)
        self._edit(self.writes.delete(summary, done))

    def action_keep(self) -> None:
        summary = self._edits.deleting
        if summary is not None:
            self._edits.deleting = None
            self._say(f"Kept “{summary.display_title}”.")
            self.refresh_bindings()

    # -- writes and their results -------------------------------------------------------------

    @work(thread=True, group="session-write")
    def _write(self, job: Callable[[], Message]) -> None:
        """Run one of ``session_jobs``' journal calls and post the message it ends with."""
        self.post_message(job())

    @work(group="session-write")
    async def _edit(self, write: Awaitable[Message]) -> None:
        """Await a rename or delete (``writes``) and post the message it ends with."""
        self.post_message(await write)

    def on_session_picker_delete_asked(self, message: jobs.DeleteAsked) -> None:
        self._say(self._edits.ask_delete(message.summary, message.fork_titles), "warning")
        self.refresh_bindings()

    def on_session_picker_changed(self, message: jobs.Changed) -> None:
        self._edits.write_ended()
        if self._edits.renaming is not None:
            self._end_rename(message.text)
        else:
            self._say(message.text)
        self.refresh_bindings()
        self._reload()

    def on_session_picker_forked(self, message: jobs.Forked) -> None:
        self._edits.writing = False
        self.dismiss(PickerResult("fork", message.session_id))

    async def on_session_picker_failed(self, message: jobs.Failed) -> None:
        await self._listed()
        self._edits.write_ended()
        self._say(message.text, "error")
        self.refresh_bindings()

    # -- helpers ------------------------------------------------------------------------------

    def _end_rename(self, text: str) -> None:
        self._edits.renaming = None
        for field in self.query("#session-rename"):
            field.remove()
        self.options.focus()
        self._say(text)
        self.refresh_bindings()

    def _say(self, text: str, level: MessageLevel = "info") -> None:
        self.query_one(PickerMessage).say(text, level)
