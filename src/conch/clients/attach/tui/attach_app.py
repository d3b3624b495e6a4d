"""``conch attach``'s window: one host session's conversation, a prompt and one status line.

The app holds no session: the host runs the bash and keeps the journal; this window follows
the journal's events (session_view.py) and sends what is typed (host_link.py). A line typed
while a command runs goes to that command's stdin, whole. Leaving detaches, and the session
goes on in the host; Ctrl+Q quits, and the host stops the session too when no other client
is attached and nothing runs or waits (it decides: only it sees every client). When the host
goes away the status line says so, in one line, and Ctrl+R starts a new host, which restores
the session from the journal; the window then gets the events it missed. A full-screen
program started here gets this terminal while it runs (the window is suspended,
raw_passthrough.py copies); one started in another client is said in its command's block.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from conch.clients.attach.host_link import FullScreen, HostGone, HostLink, HostRequestFailed
from conch.clients.attach.raw_passthrough import lend_terminal
from conch.clients.attach.tui.session_view import SessionView
from conch.host.client import HostNotRunning
from conch.host.handshake import HandshakeRefused
from conch_plugins.shell_mode.cwd import shorten_home

DETACH_COMMAND = "/detach"
OBSERVING = "observing: you see this session but cannot type in it"
KEYS = "^q quit (stops it if idle) · ^d detach · ^c interrupt"


def detached_line(session: str, kept: str) -> str:
    """What ``conch attach`` prints after leaving a session that goes on."""
    if not session:
        return ""
    why = f" ({kept})" if kept else ""
    return (
        f"Detached from session {session}; it goes on in the Conch host{why} "
        f"(`conch attach {session}` comes back)."
    )


def stopped_line(session: str) -> str:
    return (
        f"Stopped session {session}: nothing was running and no other client was attached "
        f"(`conch attach {session}` starts it again from the journal)."
    )


def host_lost_line(reason: str) -> str:
    return f"✗ The Conch host went away ({reason}). Ctrl+R restarts it and re-attaches."


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    StatusLine.-lost { color: $error; text-style: bold; }
    """


class AttachApp(App[None]):
    CSS = """
    Input#prompt { dock: bottom; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_session", "Quit", priority=True),
        Binding("ctrl+c", "interrupt", "Interrupt", priority=True),
        Binding("ctrl+d", "end_input", "EOF/Detach", priority=True),
        Binding("ctrl+r", "restart_host", "Restart host", priority=True),
    ]

    def __init__(self, link: HostLink) -> None:
        super().__init__()
        self.link = link
        self.farewell = ""
        """What ``conch attach`` prints once the window is gone."""
        self.host_lost = False
        self._attached_once = False
        link.on_full_screen = self._full_screen_changed

    @property
    def is_observer(self) -> bool:
        return self.link.role == "observer"

    def compose(self) -> ComposeResult:
        yield SessionView()
        yield StatusLine("attaching…")
        prompt = Input(placeholder=OBSERVING if self.is_observer else "a shell command",
                       id="prompt", disabled=self.is_observer)  # fmt: skip
        yield prompt

    @property
    def view(self) -> SessionView:
        return self.query_one(SessionView)

    @property
    def prompt(self) -> Input:
        return self.query_one("#prompt", Input)

    def on_mount(self) -> None:
        if not self.is_observer:
            self.prompt.focus()
        self.follow()

    # -- following the session ---------------------------------------------------------

    @work(exclusive=True, group="follow")
    async def follow(self) -> None:
        """Attach (again, after a lost host: only what was missed), then show events as
        they come, until the host goes away."""
        try:
            attached = await self.link.open(self.view.feed.last_index)
        except (HostRequestFailed, HandshakeRefused, HostNotRunning) as error:
            self._leave(f"conch attach: {error}", 1)
            return
        except HostGone as gone:
            self._lost(str(gone))
            return
        if self._attached_once:
            self.view.add_events(attached.history)
        else:
            self.view.show_history(attached.history)
        self._attached_once = True
        self.host_lost = False
        self._show_status()
        self._send_size()
        try:
            while True:
                self.view.add_events(await self.link.next_events())
        except HostGone as gone:
            self._lost(str(gone))

    def _show_status(self) -> None:
        status = self.query_one(StatusLine)
        status.remove_class("-lost")
        where = shorten_home(self.view.feed.cwd or self.link.cwd)
        role = OBSERVING if self.is_observer else KEYS
        status.update(f"● attached to {(self.link.session or '')[:8]} · {where} · {role}")

    def _lost(self, reason: str) -> None:
        self.host_lost = True
        self.link.end_screen()
        self.view.show_full_screen(None)
        status = self.query_one(StatusLine)
        status.add_class("-lost")
        status.update(host_lost_line(reason))

    def _leave(self, farewell: str, code: int = 0) -> None:
        self.farewell = farewell
        self.exit(return_code=code)

    # -- full-screen programs -----------------------------------------------------------

    def _full_screen_changed(self, program: FullScreen | None) -> None:
        if program is not None and program.yours:
            self._lend_terminal(self.link.screen)
        else:
            self.view.show_full_screen(program.program if program else None)

    @work(exclusive=True, group="full-screen")
    async def _lend_terminal(self, screen: asyncio.Queue[bytes | None]) -> None:
        """This client's program gets the terminal until it ends. Nothing is drawn while
        suspended: the loop still runs (the host's frames come through it), and a frame
        drawn then would go to a stopped writer thread whose queue blocks when full."""
        stdin, stdout = sys.__stdin__, sys.__stdout__
        try:
            if stdin is None or stdout is None:
                raise SuspendNotSupported("no terminal")
            with self.batch_update(), self.suspend():
                await lend_terminal(
                    stdin.fileno(), stdout.fileno(), screen, self.link.send_keys, self._resize
                )
        except SuspendNotSupported:
            self.notify("A full-screen program started, but this window cannot give it the "
                        "terminal.", severity="warning")  # fmt: skip

    async def _resize(self, rows: int, cols: int) -> None:
        await self.link.resize(rows, cols)

    # -- what the user does ------------------------------------------------------------

    @on(Input.Submitted, "#prompt")
    async def submitted(self, event: Input.Submitted) -> None:
        line = event.value
        self.prompt.value = ""
        self.view.conversation.follow()
        if line.strip() == DETACH_COMMAND:
            await self.action_detach()
        elif self.view.is_running:
            program = self.link.full_screen
            if program is not None and not program.yours:  # the host would refuse it
                self.notify(f"Not sent: {program.program} is running in another client.",
                            severity="warning")  # fmt: skip
                return
            await self._ask(self.link.send_input(line + "\n"))
        elif line.strip():
            await self._ask(self.link.submit(line))

    async def _ask(self, request: Awaitable[object]) -> None:
        """Send a request; a host that went away is said in the status line."""
        try:
            await request
        except HostGone as gone:
            self._lost(str(gone))
        except HostRequestFailed as failure:
            self.notify(str(failure), severity="error")

    async def action_detach(self) -> None:
        await self.link.detach()
        self._leave(detached_line((self.link.session or "")[:8], ""))

    async def action_quit_session(self) -> None:
        """Ctrl+Q: leave, and stop the session unless something keeps it."""
        if self.host_lost:
            self._leave(detached_line((self.link.session or "")[:8], "the host went away"))
            return
        left = await self.link.detach(stop_if_idle=not self.is_observer)
        session = (self.link.session or "")[:8]
        self._leave(stopped_line(session) if left.stopped else detached_line(session, left.kept))

    async def action_interrupt(self) -> None:
        if self.view.is_running and not self.is_observer and not self.host_lost:
            await self._ask(self.link.interrupt())
        elif not self.is_observer:
            self.prompt.value = ""

    async def action_end_input(self) -> None:
        if not self.is_observer and self.prompt.value:
            self.prompt.action_delete_right()
        elif self.view.is_running and not self.is_observer and not self.host_lost:
            await self._ask(self.link.send_input("", eof=True))
        else:
            await self.action_detach()

    def action_restart_host(self) -> None:
        if self.host_lost:
            self.query_one(StatusLine).update("restarting the Conch host…")
            self.follow()

    def on_resize(self, event: events.Resize) -> None:
        if self._attached_once:
            self._send_size()

    @work(exclusive=True, group="resize")
    async def _send_size(self) -> None:
        """The session's terminal gets the size its output is drawn in here (not while this
        client's full-screen program has the whole terminal: it sends that size itself)."""
        lent = self.link.full_screen is not None and self.link.full_screen.yours
        if self.is_observer or self.host_lost or lent:
            return
        width, height = self.view.conversation.scrollable_content_region.size
        with contextlib.suppress(HostGone, HostRequestFailed):
            await self.link.resize(max(5, height), max(20, width - 4))  # a block's bar, padding
