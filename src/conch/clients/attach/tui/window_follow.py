"""``conch attach``'s window following its session: the history on attach, then the events
as the host sends them, and what they change around the conversation (the status line, the
prompt's history and running command, the queue line, the masked password prompt).

Attaching again after a lost host asks only for what was missed. When the host goes away
the status line says so in one line, and Ctrl+R (then only) follows again. Nothing here
reads a key; the window's flags ``host_lost`` and ``attached_once`` are set here and read by
every part of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conch.clients.attach.host_end import crash_report_of
from conch.clients.attach.host_link import HostGone, HostRequestFailed
from conch.clients.attach.queue_cancel import queue_lines
from conch.clients.attach.tui.status_line import StatusLine
from conch.host.client import HostNotRunning
from conch.host.handshake import HandshakeRefused
from conch.sessions.records import Event
from conch.tui.prompt_providers import CwdProvider
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_input import PromptInput

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp

WORKER_GROUP = "follow"


class SessionFollower:
    """Shows ``app``'s session as the host tells it."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app
        self._status_cwd = ""
        self.agent_name = ""
        """The session's agent, as the shared state says ("none": no agent configured)."""
        self.session_title = ""
        """The session's title, as the shared state says (``/rename`` in any client)."""
        self.secret_input = False
        """The running program reads a password: the prompt masks what is typed for it."""

    def start(self) -> None:
        """Attach (again) and follow, in place of any following before."""
        self.app.run_worker(self._follow(), exclusive=True, group=WORKER_GROUP)

    def forget_session(self) -> None:
        """The window moves to another session: what the status line said of this one."""
        self.agent_name = self.session_title = ""

    async def _follow(self) -> None:
        """Attach (again, after a lost host: only what was missed), then show events as
        they come, until the host goes away."""
        app = self.app
        try:
            attached = await app.link.open(app.view.feed.last_index)
        except (HostRequestFailed, HandshakeRefused, HostNotRunning) as error:
            app.leave(f"conch attach: {error}", 1)
            return
        except HostGone as gone:
            self.host_gone(str(gone))
            return
        if app.attached_once:
            await app.view.add_events(attached.history)
        else:
            await app.view.show_history(attached.history, app.link.blob)
        for notice in attached.notices:  # below the history, where the eye is (as the app)
            app.view.conversation.add_block(Notice(notice, "warning"))
        arrival, app.window_sessions.arrival_note = app.window_sessions.arrival_note, None
        if arrival is not None:
            app.view.conversation.add_block(Notice(arrival))
        app.history.add_events(attached.history)
        app.attached_once = True
        app.host_lost = False
        app.refresh_bindings()  # Ctrl+R searches the history again
        self.show_status()
        app.terminal.send_size()
        app.lines.load_history()
        try:
            while True:
                events = await app.link.next_events()
                await app.view.add_events(events)
                if not app.prompt_bar.query(PromptInput):
                    return  # the window is closing: its prompt is gone already
                self._events_shown(events)
                if app.focused is None and not app.is_observer:
                    app.prompt.focus()  # the focused box went with its ended turn
        except HostGone as gone:
            self.host_gone(str(gone))

    def _events_shown(self, events: list[Event]) -> None:
        """What the prompt shows follows the session: lines typed in any client join the
        history, a running command takes the typed lines, a `cd` moves the status line."""
        app = self.app
        app.history.add_events(events)
        app.prompt_bar.running_command = app.view.running_command
        app.terminal.show_whose_keys()
        if app.view.feed.cwd != self._status_cwd:
            self.show_status()

    def state_changed(self) -> None:
        """The session's shared state changed: the status line, the queue line."""
        app = self.app
        state = app.link.state
        if state is None or not app.queue_line.is_attached:
            return  # not composed yet, or the window is closing
        agent = str(state.session.get("agent") or "")
        title = str(state.session.get("title") or "")
        secret = bool(state.session.get("secret_input"))
        if secret != self.secret_input:
            # A password is being read: the app's prompt masks what is typed for it.
            self.secret_input = app.prompt_bar.secret = secret
        if (agent, title) != (self.agent_name, self.session_title):
            self.agent_name, self.session_title = agent, title
            if not app.host_lost:
                self.show_status()
        app.queue_line.show(queue_lines(state.queue))

    def show_status(self) -> None:
        app = self.app
        self._status_cwd = app.view.feed.cwd
        cwd = app.view.feed.cwd or app.link.cwd
        app.query_one(StatusLine).attached(app.link.session or "", self.session_title, cwd,
                                           self.agent_name, observer=app.is_observer)  # fmt: skip
        app.query_one(CwdProvider).cwd = cwd

    def host_gone(self, reason: str) -> None:
        """The host went away: said in the status line, and Ctrl+R restarts it."""
        app = self.app
        app.host_lost = True
        app.refresh_bindings()  # Ctrl+R restarts the host now
        app.link.end_screen()
        app.view.show_full_screen(None)
        app.prompt_bar.elsewhere = ""
        app.query_one(StatusLine).lost(reason)
        app.run_worker(self._say_if_host_crashed(), exclusive=True, group="host-end")

    async def _say_if_host_crashed(self) -> None:
        """A host that crashed as a whole left a report: say where, not only that it went."""
        app = self.app
        report = await crash_report_of(app.link.host_pid)
        if report is not None and app.host_lost:
            app.query_one(StatusLine).lost(f"it crashed; the report is {report}")
