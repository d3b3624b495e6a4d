"""Tab in the prompt: candidates are computed off the event loop, then shown by the input.

The helper bash that runs programmable completion is Conch's own, never the user's shell
(which may be running a command), and it is given the user's aliases, functions and
variables again whenever a command has run since it last got them.
"""

from __future__ import annotations

from functools import cached_property

from textual.app import App

from conch.prompt_completion import PromptCompleter
from conch.tui.screen_parts import ScreenParts
from conch.tui.shell_controller import ShellController
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.completion import Completer, CompletionShell
from conch_plugins.shell_mode.modes import ExecutionMode


class CompletionController:
    """Answers the prompt's completion requests from a helper bash, in a worker."""

    def __init__(self, app: App[None], parts: ScreenParts, shell: ShellController) -> None:
        self.app = app
        self.parts = parts
        self.shell = shell
        self._definitions_seen = -1
        """The bash's command count when the helper bash last got the user's definitions."""

    @cached_property
    def completion_shell(self) -> CompletionShell:
        return CompletionShell()

    @cached_property
    def prompt_completer(self) -> PromptCompleter:
        return PromptCompleter(Completer(self.shell.bash.index, self.completion_shell))

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
            self._sync_definitions()
            completion = self.prompt_completer.complete_line(
                line, cursor, mode, cwd, self.shell.bash.index
            )
        except Exception as error:  # a broken helper must never break the prompt
            text = f"Tab completion failed: {error}. Completion restarts on the next Tab."
            self.app.call_from_thread(self._say_failed, text)
            self.completion_shell.close()
            return
        prompt = self.parts.prompt_bar.input
        self.app.call_from_thread(prompt.show_completion, completion, line, cursor)

    def _say_failed(self, text: str) -> None:
        self.parts.conversation.add_block(Notice(text, "warning"))

    def _sync_definitions(self) -> None:
        bash = self.shell.bash
        seen = bash.commands_run
        if seen == self._definitions_seen:
            return
        definitions = bash.user_definitions(with_completions=True)
        if definitions:  # "" when the user's shell is busy: try again next Tab
            self.completion_shell.sync(definitions)
            self._definitions_seen = seen

    def warm(self) -> None:
        """Start the helper bash while the user reads the screen: the first Tab is fast."""
        self.app.run_worker(self.completion_shell.start, thread=True, group="completion")

    def forget(self) -> None:
        """The session's bash changed: its command index and definitions are not the next's."""
        self.__dict__.pop("prompt_completer", None)
        self._definitions_seen = -1

    def close(self) -> None:
        """For good: a warm-up or Tab racing with the exit never starts another helper."""
        self.completion_shell.shutdown()
