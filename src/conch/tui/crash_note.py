"""The window's side of a crash: a private report instead of Textual's traceback with locals.

Textual calls ``_handle_exception`` for any error the app does not catch (in a handler, a
worker, a timer) and ``_fatal_error`` to print it after leaving the screen; the exit code
is already 1. ``ReportsCrashes`` overrides those two hooks for the app and the attach
window alike: the report is written first (crash_report.py), and what is printed after the
screen is restored is one line with its path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from conch.crash_report import crash_message, write_report

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[Any]
else:
    _AppBase = object


class CrashNote:
    """The one line a crash leaves on the terminal, for its first error."""

    def __init__(self) -> None:
        self.line = ""

    def remember(self, error: Exception) -> None:
        if not self.line:  # the first error is the cause; later ones are its echoes
            self.line = crash_message(error, write_report(error))

    def printed(self) -> Text:
        """What is printed after the screen is restored, instead of the traceback."""
        return Text(self.line)


class ReportsCrashes(_AppBase):
    """Mixed in before ``App``: an uncaught error leaves a report and one line, never the
    session's contents on the terminal."""

    crash: CrashNote

    def _handle_exception(self, error: Exception) -> None:
        self.crash.remember(error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        self._exit_renderables.append(self.crash.printed())
        self._close_messages_no_wait()
