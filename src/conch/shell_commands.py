"""The app's side of the session shell: running commands as blocks.

Commands run in a worker thread; results come back as messages. Full-screen
programs borrow the real terminal; input typed for a command waits until
bash has read it.
"""

from __future__ import annotations

import sys
import threading

from textual import work
from textual.app import SuspendNotSupported
from textual.events import Resize
from textual.message import Message

from conch import paths
from conch.agents.shell_context import ShellActivity, is_private
from conch.output_buffer import BoundedOutput
from conch.question_keys import QuestionKeys
from conch.secret_masking import warm_up
from conch.widgets.command_block import CommandBlock
from conch.widgets.error_offer import ErrorOffer
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.command_result import HandoverResult, Passthrough
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.route_decision import error_offer
from conch_plugins.shell_mode.shell_session import RunOutcome, may_change_exports
from conch_plugins.shell_mode.unfinished_input import unfinished_reason

# Columns the block's border and padding take from the conversation width.
_BLOCK_CHROME = 6


class ShellCommandFinished(Message):
    def __init__(self, block: CommandBlock, outcome: RunOutcome) -> None:
        super().__init__()
        self.block = block
        self.outcome = outcome


class ShellStarted(Message):
    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class ShellCommands(QuestionKeys):
    _exports: dict[str, str] = {}
    """The exported variables as last journaled."""

    @work(thread=True, group="shell")
    def _start_shell(self) -> None:
        try:
            self.session.start()
        except ShellStartError as error:
            self.post_message(ShellStarted(str(error)))
        else:
            self.post_message(ShellStarted(None))

    def on_shell_started(self, message: ShellStarted) -> None:
        if message.error:
            self._tell_shell_did_not_start(message.error)
        else:
            self.cwd_provider.cwd = self.session.shell.cwd
            self.warm_completion()
            # The secret detector takes ~0.15 s to load: not on the event loop at the first
            # line that looks like it may hold a secret (`echo $PWD` does).
            threading.Thread(target=warm_up, name="secret-detector", daemon=True).start()

    def _tell_shell_did_not_start(self, error: str) -> None:
        text = f"The session shell did not start: {error}. Check shell.bash in "
        text += f"{self.loaded.path} and your ~/.bashrc; the next command tries again."
        self.tell(text, "error")

    def on_resize(self, event: Resize) -> None:
        self.session.shell.resize(
            max(5, event.size.height), max(20, event.size.width - _BLOCK_CHROME)
        )

    def run_shell_command(self, command: str, raw_line: str = "") -> None:
        private = is_private(raw_line or command, self.config.agent.private_prefix)
        spool = None if private else paths.output_dir()  # a private line leaves no file behind
        output = BoundedOutput(self.config.ui.scrollback_lines, spool)
        block = CommandBlock(command, self.cwd_provider.cwd, output, self._lend_terminal, raw_line)
        self.conversation.add_block(block)
        self.running_block = block
        self.prompt_bar.running_command = command
        self._run_in_shell(block)

    @work(thread=True, group="shell")
    def _run_in_shell(self, block: CommandBlock) -> None:
        timeout = self.config.shell.command_timeout or None
        recording = None
        if not is_private(block.raw_line, self.config.agent.private_prefix):  # never journaled
            recording = self.record(lambda rec: rec.shell_started(block.command, block.cwd))
        if recording is not None:
            block.journal_index = recording.start_index
            block.sink.tee = lambda text: self.record(lambda _: recording.output(text))
        outcome = self.session.run(block.command, block.sink, timeout)
        if recording is not None:
            result = outcome.result
            self.record(lambda _: recording.finished(result))
            if may_change_exports(block.command):
                self._record_exports()
        self.post_message(ShellCommandFinished(block, outcome))

    def _record_exports(self) -> None:
        """Journal what the command exported or unset, for the bash of a restart."""
        found = self.session.exports_changed()
        if found is not None:
            self.record(lambda recorder: recorder.environment_changed(*found))

    def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
        outcome = message.outcome
        block = message.block
        if block.journal_index is not None and self.record(lambda _: True):
            block.output.drop_spool()  # the journal recorded all of it: keep one copy
        block.finish(outcome.result, outcome.restarted)
        self._offer_help(block, outcome)
        if not is_private(block.raw_line, self.config.agent.private_prefix):
            activity = ShellActivity(block.command, outcome.result.exit_status, block.cwd,
                                     block.output.text())  # fmt: skip
            self.shell_context.record(activity)
        self._give_back_unread(block, outcome.result.unread_input)
        self.running_block = None
        self.prompt_bar.running_command = ""
        self.prompt_bar.secret = False
        self.cwd_provider.cwd = self.session.shell.cwd
        where = shorten_home(self.session.shell.cwd)
        if outcome.revived:
            self.tell(f"bash had exited; started a new bash in {where}.")
        if outcome.restarted:
            self.tell(f"bash exited; started a new bash in {where}.")
        if outcome.start_error:
            self._tell_shell_did_not_start(outcome.start_error)
        if outcome.restart_error:
            text = f"bash exited and could not be restarted: {outcome.restart_error}"
            self.tell(text, "error")

    def _offer_help(self, block: CommandBlock, outcome: RunOutcome) -> None:
        """After a failure that reads as a request or a typo: offer, never act."""
        self.lapse_questions()
        result = outcome.result
        if result.succeeded or result.interrupted or result.shell_exited:
            return
        output = block.output.text()
        if unfinished_reason(result.exit_status, output):
            return  # the block already says what is missing; it is not a request
        offer = error_offer(block.command, result.exit_status, output, self.session.index)
        if offer is not None:
            self.show_offer(ErrorOffer(offer))

    def on_error_offer_accepted(self, message: ErrorOffer.Accepted) -> None:
        if message.offer.kind == "correction":
            self.run_shell_command(message.offer.text)
        else:
            self.ask_agent(message.offer.text)

    def _give_back_unread(self, block: CommandBlock, unread: str) -> None:
        """Lines typed for a command that never read them: shown, never run.

        Not put back in the prompt: typing on would glue new text to them."""
        lines = [line for line in unread.splitlines() if line] + block.sink.take_unsent()
        if not lines:
            return
        text = f"`{block.command}` did not read what you typed for it, so it was not run"
        if block.had_secret_input:
            # It may hold a password: say how much, never what.
            self.tell(f"{text} ({len(lines)} hidden lines).", "warning")
            return
        listing = "\n".join(f"  {line}" for line in lines)
        self.tell(f"{text}:\n{listing}", "warning")

    def _lend_terminal(self, passthrough: Passthrough) -> HandoverResult:
        """Called from the shell worker: suspend the UI and let the program draw."""
        result: HandoverResult = self.call_from_thread(self._lend_terminal_now, passthrough)
        return result

    def _lend_terminal_now(self, passthrough: Passthrough) -> HandoverResult:
        try:
            with self.suspend():
                return passthrough(sys.__stdin__.fileno(), sys.__stdout__.fileno())  # type: ignore[union-attr]
        except SuspendNotSupported:
            return False

    def _watch_for_password(self) -> None:
        if self.running_block is not None:
            self.prompt_bar.secret = self.session.shell.wants_secret()

    def action_interrupt_or_clear(self) -> None:
        if self.running_block is not None:
            self.session.shell.interrupt()
        else:
            self.prompt_bar.input.value = ""
            self.prompt_bar.forget_recall()

    def action_end_of_input(self) -> None:
        if self.running_block is not None:
            self.running_block.sink.send(b"\x04")
        else:
            self.prompt_bar.input.action_delete_right()
