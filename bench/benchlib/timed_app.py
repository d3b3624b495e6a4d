"""The real ConchApp, instrumented to stamp what the benches time.

Imports Conch lazily: the bench scripts isolate their XDG dirs first.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any


def make_timed_app(work: Path) -> Any:
    """A ConchApp in ``work``, journaling to a new session, that records shell start, each
    command's end, the first frame composed after it (``shown_at``: the frame that shows
    the finished block), each prompt edit (when its value changed) and each composed frame."""
    from textual.widgets import Input

    from conch.config import load_config
    from conch.plugin_host import load_plugins
    from conch.session_opening import open_session
    from conch.tui.app import ConchApp
    from conch.tui.shell_controller import ShellCommandFinished, ShellStarted

    class TimedApp(ConchApp):
        def __init__(self) -> None:
            # Journaled like `conch` itself: a new session in the bench's own XDG dirs.
            loaded = load_config()
            link = open_session(str(work), loaded, None, new=True, resume=None)
            super().__init__(work, loaded, load_plugins(), session=link)
            self.started = asyncio.Event()
            self.finished = asyncio.Event()
            self.changed = asyncio.Event()
            self.finished_at = 0.0
            self.shown_at = 0.0
            self.shown = asyncio.Event()
            self.changed_at = 0.0
            self.frames: list[float] = []

        def on_shell_started(self, message: ShellStarted) -> None:
            super().on_shell_started(message)
            self.started.set()

        def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
            super().on_shell_command_finished(message)
            self.finished_at = time.perf_counter()
            self.shown.clear()
            self.finished.set()

        def on_input_changed(self, event: Input.Changed) -> None:
            # When the value changed (the message's birth), not when the message reached
            # the app: the frame that shows the key was often composed in between (the
            # message bubbles through the screen's queue), and a search for the "next
            # frame after Changed" then waited for the flood's next redraw (~200 ms).
            self.changed_at = time.perf_counter() - (time.monotonic() - event.time)
            self.changed.set()

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            # Private Textual hook: called with each composed update (headless too).
            if renderable is not None:
                now = time.perf_counter()
                self.frames.append(now)
                if self.finished.is_set() and not self.shown.is_set():
                    self.shown_at = now
                    self.shown.set()
            super()._display(screen, renderable)

    return TimedApp()


def make_timed_attach_app(work: Path) -> Any:
    """A `conch attach` window (AttachApp) on a new session in ``work`` of the running host,
    instrumented like TimedApp: ``finished`` when a command's end event has been applied to
    the view, ``shown_at`` the first composed frame after it."""
    from conch.clients.attach.host_link import HostLink
    from conch.clients.attach.tui.attach_app import AttachApp
    from conch.clients.attach.tui.session_view import SessionView
    from conch.sessions import events as ev
    from conch.sessions.records import Event

    class TimedView(SessionView):
        async def add_events(self, events: Any) -> None:
            batch: list[Event] = list(events)
            await super().add_events(batch)
            if any(event.kind == ev.SHELL_END for event in batch):
                app = self.app
                assert isinstance(app, TimedAttachApp)
                app.finished_at = time.perf_counter()
                app.shown.clear()
                app.finished.set()

    class TimedAttachApp(AttachApp):
        def __init__(self) -> None:
            super().__init__(HostLink(str(work), new=True))
            self.finished = asyncio.Event()
            self.finished_at = 0.0
            self.shown = asyncio.Event()
            self.shown_at = 0.0

        def compose(self) -> Any:
            for widget in super().compose():
                yield TimedView() if isinstance(widget, SessionView) else widget

        @property
        def attached(self) -> bool:
            return self.attached_once

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            if renderable is not None and self.finished.is_set() and not self.shown.is_set():
                self.shown_at = time.perf_counter()
                self.shown.set()
            super()._display(screen, renderable)

    return TimedAttachApp()
