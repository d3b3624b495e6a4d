"""Where what is typed at ``conch attach``'s prompt goes.

A line goes where the app would send it: Auto mode by default (the host routes; when unsure
it says ``ask`` and the window asks, route_question.py), ``!`` / ``?`` for one line, a
slash command to the window (slash_actions.py), and a line typed while a command runs to
that command's stdin, whole. Nothing typed is lost: a line that cannot go now (still
attaching, a recalled line whose secret history masked) stays in the prompt with the reason.
Tab completes from the session's bash in the host (its cwd, its aliases); a paste of several
lines is held for the app's review first; Up/Down and Ctrl+R recall the lines typed in every
session, loaded from the host's journal and the old history file.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from conch.clients.attach.host_link import HostGone, HostRequestFailed
from conch.clients.attach.line_submission import Submission, submission_for
from conch.clients.attach.slash_lines import WINDOW_COMMANDS, slash_line
from conch.paste_destination import UNKNOWN, paste_destination
from conch.secret_masking import MASK
from conch.tui.widgets.paste_review import hold_for_review
from conch_plugins.shell_mode.modes import ExecutionMode

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp

ROUTE_TIMEOUT = 5.0
"""Seconds a paste review waits for the host to say where Auto mode sends the paste; then
it opens saying Auto mode decides on submit."""
HISTORY_LIMIT = 10_000
"""Lines of history asked of the host when the configuration cannot be read."""


class WindowPrompt:
    """Sends ``app``'s prompt lines, Tab and pastes to the host."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app

    async def enter(self, line: str) -> None:
        """Enter at the prompt."""
        app = self.app
        asking = app.route_question
        if asking is not None and asking.answer_by_enter(line):
            return  # Enter again on the unchanged line: the recommended route
        if not app.attached_once and not app.host_lost:  # moving to another session
            app.notify("Still attaching: the line stays in the prompt; press Enter again "
                       "once the status line says attached.", severity="warning")  # fmt: skip
            return
        if MASK in line and not app.view.is_running:
            app.notify(f"This line holds {MASK} where history masked a secret: type the "
                       "secret in its place, then press Enter.", severity="warning")  # fmt: skip
            return  # a recalled line with a masked secret is never run: it stays here
        program = app.link.full_screen
        if app.view.is_running and program is not None and not program.yours:
            app.notify(f"Not sent: {program.program} is running in another client and has "
                       "the keys there. The line stays here.", severity="warning")  # fmt: skip
            return  # the host would refuse it; nothing typed is lost
        app.prompt.value = ""
        app.prompt_bar.forget_recall()
        app.view.conversation.follow()
        slash = slash_line(line, app.mode_provider.mode)
        if slash is not None and (slash.name in WINDOW_COMMANDS or not app.view.is_running):
            await app.slash_actions.run(slash)
        elif app.view.is_running:
            await app.ask(app.link.send_input(line + "\n"))
        else:
            submission = submission_for(line, app.mode_provider.mode)
            if submission is not None:
                await self.submit(line, submission)

    async def submit(self, typed: str, submission: Submission) -> None:
        """To the host, which runs it, sends it to the agent, or says ``ask``."""
        app = self.app
        if app.route_question is not None:
            app.route_question.lapse()
        if app.error_offers is not None:
            app.error_offers.lapse()
        reply = await app.ask(app.link.submit(submission))
        if reply is None and not app.prompt.value:
            app.prompt.value = typed  # not taken (said why): nothing typed is lost
            app.prompt.cursor_position = len(typed)
        if reply is not None and reply.get("to") == "ask" and app.route_question is not None:
            suggestion = reply.get("suggestion")
            app.route_question.ask(typed, submission.text, str(reply.get("reason") or ""),
                                   str(suggestion) if suggestion else None)  # fmt: skip

    def complete(self, line: str, cursor: int) -> None:
        """Tab at the prompt: the session's bash in the host completes (its cwd, aliases)."""
        app = self.app
        if app.view.is_running or app.is_observer or app.host_lost:
            return  # a running command's input is not a command line
        mode = app.mode_provider.mode
        app.run_worker(self._complete(line, cursor, mode), exclusive=True, group="completion")

    async def _complete(self, line: str, cursor: int, mode: ExecutionMode) -> None:
        """Ask the host, off the event loop's way; the prompt drops a stale answer (the
        line changed since), and a newer Tab cancels this one."""
        completion = await self.app.ask(self.app.link.complete(line, cursor, mode.value))
        if completion is not None:
            self.app.prompt.show_completion(completion, line, cursor)

    async def paste(self, text: str) -> None:
        """A paste of several lines: the app's review, saying where Ctrl+S sends it (in
        Auto mode the host's routing says), then the host as one line."""
        app = self.app
        mode = app.mode_provider.mode
        to = UNKNOWN
        submission = submission_for(text, mode)
        if submission is not None and submission.mode != "auto":
            to = submission.mode
        elif submission is not None and not app.view.is_running:
            # Awaited in the window's message handler, as the app opens its review at once:
            # keys typed after the paste reach the review, not the prompt behind it.
            with contextlib.suppress(HostGone, HostRequestFailed, TimeoutError):
                to = await asyncio.wait_for(app.link.route(submission), ROUTE_TIMEOUT) or to
        hold_for_review(
            app, app.prompt, text, paste_destination(to, mode, app.view.running_command)
        )

    def load_history(self) -> None:
        self.app.run_worker(self._load_history(), exclusive=True, group="history")

    async def _load_history(self) -> None:
        """The lines typed in every session (the host reads its journal) and the old
        history file, as the app loads them; the session's own came with its events."""
        from conch.config import load_config

        history = self.app.history
        try:
            limit = (await asyncio.to_thread(load_config)).config.history.max_entries
        except Exception:  # a broken config is said by the app; history still works
            limit = HISTORY_LIMIT
        history.max_entries = limit
        history.merge(await asyncio.to_thread(history.read_file))
        with contextlib.suppress(HostGone, HostRequestFailed):  # recall keeps what it has
            history.merge(await self.app.link.input_history(limit))
