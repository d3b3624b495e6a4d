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
