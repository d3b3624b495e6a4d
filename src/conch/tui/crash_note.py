"""The app's side of a crash: a private report instead of Textual's traceback with locals.

Textual calls ``_handle_exception`` for any error the app does not catch (in a handler, a
worker, a timer) and ``_fatal_error`` to print it after leaving the screen; the exit code
is already 1. Here the report is written first (crash_report.py), and what is printed
after the screen is restored is one line with its path.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App

from conch.crash_report import crash_message, write_report


class CrashHandling(App[None]):
    _crash_line = ""

    def _handle_exception(self, error: Exception) -> None:
        if not self._crash_line:  # the first error is the cause; later ones are its echoes
            self._crash_line = crash_message(error, write_report(error))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        self._exit_renderables.append(Text(self._crash_line))
        self._close_messages_no_wait()
