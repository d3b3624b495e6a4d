"""Tab in the prompt: candidates are computed off the event loop, then shown by the input.

What Tab offers is conch.session_completion's (the host answers a client's Tab with the
same); this controller runs it in a worker and hands the answer to the prompt.
"""

from __future__ import annotations

from textual.app import App

from conch.session_completion import SessionCompletion
from conch.tui.screen_parts import ScreenParts
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.modes import ExecutionMode


class CompletionController:
    """Answers the prompt's completion requests from a helper bash, in a worker."""

    def __init__(self, app: App[None], parts: ScreenParts, shell: ShellController) -> None:
        self.app = app
        self.parts = parts
        self.shell = shell
        self.session = SessionCompletion(lambda: shell.bash)

    def requested(self, line: str, cursor: int) -> None:
        """Tab in the prompt: complete ``line`` at ``cursor`` in a worker (the latest wins)."""
        if self.shell.running_block is not None:
            return  # the line is input for a running program, not a command
        mode = self.parts.mode_provider.mode
        cwd = self.parts.cwd_provider.cwd
        self.app.run_worker(
            lambda: self._complete(line, cursor, mode, cwd),
            thread=True,
            exclusive=True,
            group="completion",
        )

    def _complete(self, line: str, cursor: int, mode: ExecutionMode, cwd: str) -> None:
        try:
            completion = self.session.complete(line, cursor, mode, cwd)
        except Exception as error:  # a broken helper must never break the prompt
            text = f"Tab completion failed: {error}. Completion restarts on the next Tab."
            self.app.call_from_thread(self._say_failed, text)
            self.session.restart()
            return
        prompt = self.parts.prompt_bar.input
        self.app.call_from_thread(prompt.show_completion, completion, line, cursor)

    def _say_failed(self, text: str) -> None:
        self.parts.conversation.add_block(Notice(text, "warning"))

    def warm(self) -> None:
        """Start the helper bash while the user reads the screen: the first Tab is fast."""
        self.app.run_worker(self.session.warm, thread=True, group="completion")

    def forget(self) -> None:
        """The session's bash changed: its command index and definitions are not the next's."""
        self.session.forget()

    def close(self) -> None:
        """For good: a warm-up or Tab racing with the exit never starts another helper."""
        self.session.close()
