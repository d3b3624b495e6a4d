"""Tab in the prompt: candidates are computed off the event loop, then shown by the input.

The helper bash that runs programmable completion is Conch's own, never the user's shell
(which may be running a command), and it is given the user's aliases, functions and
variables again whenever a command has run since it last got them.
"""

from __future__ import annotations

from functools import cached_property

from textual import work

from conch.prompt_completion import PromptCompleter
from conch.tui.app_base import ConchAppBase
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_input import PromptInput
from conch_plugins.shell_mode.completion import Completer, CompletionShell
from conch_plugins.shell_mode.modes import ExecutionMode


class TabCompletion(ConchAppBase):
    _definitions_seen = -1
    """The session's command count when the helper bash last got the user's definitions."""

    @cached_property
    def completion_shell(self) -> CompletionShell:
        return CompletionShell()

    @cached_property
    def prompt_completer(self) -> PromptCompleter:
        return PromptCompleter(Completer(self.session.index, self.completion_shell))

    def on_prompt_input_completion_requested(
        self, message: PromptInput.CompletionRequested
    ) -> None:
        message.stop()
        if self.running_block is not None:
            return  # the line is input for a running program, not a command
        mode = self.mode_provider.mode
        self._complete(message.value, message.cursor, mode, self.cwd_provider.cwd)

    @work(thread=True, exclusive=True, group="completion")
    def _complete(self, line: str, cursor: int, mode: ExecutionMode, cwd: str) -> None:
        try:
            self._sync_definitions()
            completion = self.prompt_completer.complete_line(
                line, cursor, mode, cwd, self.session.index
            )
        except Exception as error:  # a broken helper must never break the prompt
            text = f"Tab completion failed: {error}. Completion restarts on the next Tab."
            self.call_from_thread(self._say_completion_failed, text)
            self.completion_shell.close()
            return
        self.call_from_thread(self.prompt_bar.input.show_completion, completion, line, cursor)

    def _say_completion_failed(self, text: str) -> None:
        self.conversation.add_block(Notice(text, "warning"))

    def _sync_definitions(self) -> None:
        seen = self.session.commands_run
        if seen == self._definitions_seen:
            return
        definitions = self.session.user_definitions(with_completions=True)
        if definitions:  # "" when the user's shell is busy: try again next Tab
            self.completion_shell.sync(definitions)
            self._definitions_seen = seen

    def warm_completion(self) -> None:
        """Start the helper bash while the user reads the screen: the first Tab is fast."""
        self._warm()

    @work(thread=True, group="completion")
    def _warm(self) -> None:
        self.completion_shell.start()

    def close_completion(self) -> None:
        """For good: a warm-up or Tab racing with the exit never starts another helper."""
        self.completion_shell.shutdown()
