"""Sessions from inside ``conch attach``: the app's picker (Ctrl+O, ``/sessions``) and ``/fork``.

The picker is the app's (session_picker.py): the journal's sessions, read here (reading needs
no claim), with those the host runs marked live with their state and clients (the host's
``ps``). Choosing one moves this window to it (``move_to``: the session left goes on in
the host, which revives a stored one, and the window gets a fresh view, as if just
attached; ``/new`` moves it to a new session in the shell's cwd the same way). Forking is
the host's, since it holds the claims: the picker's ``f`` and the point chosen in /fork's
list (fork_picker.py) go to its ``fork`` request, and the window moves to the fork. The
picker's rename and delete go to the host too (host_session_writes.py): it renames any
session, live or stored, and deletes a stored one (a live one is refused with what to do).
A failure is said in a toast with what to do; nothing here raises into the app.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from conch.clients.attach.host_link import HostRequestFailed
from conch.clients.attach.live_marks import live_marks
from conch.clients.attach.tui.host_session_writes import HostSessionWrites
from conch.clients.attach.tui.session_view import SessionView
from conch.clients.attach.tui.status_line import StatusLine
from conch.clients.attach.tui.window_follow import WORKER_GROUP as FOLLOW_GROUP
from conch.sessions.errors import JournalError
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path
from conch.sessions.projections import rebuild_conversation
from conch.sessions.views import ConversationView
from conch.tui.key_order import ScreenOnItsWay
from conch.tui.widgets.fork_picker import ForkPicker
from conch.tui.widgets.session_picker import PickerResult, SessionPicker

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp

WORKER_GROUP = "window-sessions"


class WindowSessions:
    """The picker and /fork for ``app``'s window."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app
        self.picker_keys = ScreenOnItsWay()
        """Keys typed after Ctrl+O, before the picker shows (the host is asked first)."""
        self.arrival_note: str | None = None
        """Where the window came from, said under the next session's history once shown."""

    def show_picker(self) -> None:
        """Ctrl+O, /sessions: the picker; the chosen session (or a fork of it) opens here.
        The keys typed until it shows are the picker's (Ctrl+O Down Enter opens the next
        session), and an Esc among them means it does not show."""
        if self._choosing():
            return
        self.picker_keys.hold()
        self.app.run_worker(self._pick(), exclusive=True, group=WORKER_GROUP)

    def fork(self) -> None:
        """/fork: choose a command or prompt of this session; the window goes to the fork."""
        if self._choosing():
            return
        self.app.run_worker(self._fork_from_a_turn(), exclusive=True, group=WORKER_GROUP)

    def commands(self) -> Iterable[SystemCommand]:
        """The palette's entries (Ctrl+P)."""
        yield SystemCommand("Sessions", "Open a live or stored session here, or fork one "
                            "(Ctrl+O, /sessions)", self.show_picker)  # fmt: skip
        yield SystemCommand("Fork this session", "From one of its turns; this window goes "
                            "to the fork (/fork)", self.fork)  # fmt: skip

    def cannot_move(self) -> str | None:
        """Why this window cannot go to another session now (None: it can)."""
        if self.app.host_lost:
            return "The Conch host is gone: Ctrl+R first."
        return None if self.app.attached_once else "Still attaching."

    async def move_to(self, session: str | None) -> None:
        """Leave this session (it goes on in the host) and attach this window to ``session``
        (a new one in the shell's cwd when None): a fresh view, as if just attached. Where
        the window came from is a notice under the new session's history: where the eye
        is, and it covers nothing (a toast hid the conversation for 10 s)."""
        app = self.app
        why = self.cannot_move()
        if why is not None:
            app.notify(why, severity="warning")
            return
        app.workers.cancel_group(app, FOLLOW_GROUP)  # its link is about to close
        app.workers.cancel_group(app, "completion")  # the old session's bash answers it
        app.prompt.close_menu()
        app.prompt_bar.forget_recall()  # Up starts again from the newest line
        cwd = app.view.feed.cwd or app.link.cwd
        left = (await app.link.leave_for(session, cwd) or "")[:8]
        await self._fresh_view()
        app.attached_once = False
        app.follower.forget_session()
        where = f"session {session[:8]}" if session else "a new session"
        app.query_one(StatusLine).update(f"attaching to {where}…")
        self.arrival_note = (f"Left session {left}: it goes on in the host (Ctrl+O, or "
                             f"`conch attach {left}`, goes back).")  # fmt: skip
        app.follower.start()

    async def _fresh_view(self) -> None:
        """An empty SessionView in place of the old one, and the helpers that watch it."""
        app = self.app
        old = app.view
        await app.mount(
            SessionView(client_name=app.link.name, can_answer=not app.is_observer), before=old
        )
        await old.remove()
        app.queue_line.show("")
        app.watch_view()

    def _choosing(self) -> bool:
        """A picker is open already (Ctrl+O again, from the palette): it stays the one."""
        return isinstance(self.app.screen, SessionPicker | ForkPicker)

    async def _pick(self) -> None:
        try:
            chosen = await self._show_picker()
        finally:
            # Whatever happened, the held keys act: in the picker (which holds them itself
            # until its list is read) or, with none shown, where they would have gone.
            await self.picker_keys.release(self.app.key_typed)
        if chosen is None:
            return
        current, result = chosen
        self._back_to_prompt()
        if result is None:
            return
        if result.action == "fork-chosen":
            await self._fork(None, result.session_id)
        elif result.session_id != current:
            await self.move_to(result.session_id)

    async def _show_picker(self) -> tuple[str, PickerResult | None] | None:
        """The picker once the host said which sessions are live; the session it was opened
        from and what was chosen (None: it did not show)."""
        current = self._current()
        journal = await self._journal() if current is not None else None
        if current is None or journal is None:
            return None
        try:
            rows = await self.app.ask(self.app.link.live_sessions())
            if self.picker_keys.dismissed:
                return None  # Esc was typed before it showed
            picker = SessionPicker(
                journal,
                current,
                live=live_marks(rows or []),
                fork_here=False,
                writes=HostSessionWrites(self.app.link),
            )
            chosen: asyncio.Future[PickerResult | None] = asyncio.get_running_loop().create_future()

            def dismissed(result: PickerResult | None) -> None:
                if not chosen.done():  # not when this worker was cancelled meanwhile
                    chosen.set_result(result)

            await self.app.push_screen(picker, dismissed)  # mounted: it takes keys now
            await self.picker_keys.release(self.app.key_typed)
            return current, await chosen
        finally:
            await asyncio.to_thread(journal.close)

    async def _fork_from_a_turn(self) -> None:
        current = self._current()
        journal = await self._journal() if current is not None else None
        if current is None or journal is None:
            return

        def read() -> ConversationView:
            try:
                return rebuild_conversation(journal.events(current))
            finally:
                journal.close()

        try:
            view = await asyncio.to_thread(read)
        except (JournalError, sqlite3.Error) as error:
            self._say(f"Could not read this session to fork it: {error}. `conch sessions "
                      f"export {current[:8]}` shows what the journal holds.")  # fmt: skip
            return
        at_index = await self.app.push_screen_wait(ForkPicker(view))
        self._back_to_prompt()
        if at_index is not None:
            await self._fork(at_index, None)

    async def _fork(self, at_index: int | None, session: str | None) -> None:
        """Ask the host to fork (the attached session when ``session`` is None), then go to
        the fork."""
        fork = await self.app.ask(self._fork_request(at_index, session))
        if fork is None:
            return
        await self.move_to(fork)  # the fork's history begins with what it was forked from

    async def _fork_request(self, at_index: int | None, session: str | None) -> str | None:
        try:
            return await self.app.link.fork(at_index, session)
        except HostRequestFailed as failure:
            self._say(f"Not forked: {failure}.")
            return None

    def _current(self) -> str | None:
        """The attached session, or None (said) when the window cannot move now."""
        why = self.cannot_move()
        if why is not None:
            self.app.notify(why, severity="warning")
            return None
        return self.app.link.session

    async def _journal(self) -> Journal | None:
        """The journal, opened to read (the host writes it; a reader needs no claim)."""
        path = journal_path()
        try:
            return await asyncio.to_thread(Journal.open, path)
        except (JournalError, sqlite3.Error, OSError) as error:
            self._say(f"Cannot read the sessions in {path}: {error}. `conch sessions` lists "
                      "them and `conch attach ID` opens one.")  # fmt: skip
            return None

    def _say(self, text: str) -> None:
        self.app.notify(text, severity="error", timeout=15, markup=False)

    def _back_to_prompt(self) -> None:
        if not self.app.is_observer:
            self.app.prompt.focus()
