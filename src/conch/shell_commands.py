"""The app's side of the session shell: running commands as blocks.

Commands run in a worker thread; results come back as messages. Full-screen
programs borrow the real terminal; input typed for a command waits until
bash has read it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from textual import work
from textual.app import SuspendNotSupported
from textual.events import Resize
from textual.message import Message

from conch import paths
from conch.agents.shell_context import ShellActivity, is_private
from conch.command_journal import CommandJournal
from conch.output_buffer import BoundedOutput
from conch.pending_text import PendingText
from conch.question_keys import QuestionKeys
from conch.secret_masking import warm_up
from conch.session_recorder import ShellRecording
from conch.widgets.background_output import BackgroundOutput
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
PLACE_AFTER = 0.05
"""A new block waits this long for its command's first output before it is shown empty:
mounted at Enter, its layout took the frame (12 ms here, 30 under load) during which
`echo`'s output arrived, and the output then waited for a second frame."""


class ShellCommandFinished(Message):
    def __init__(self, block: CommandBlock, outcome: RunOutcome) -> None:
        super().__init__()
        self.block = block
        self.outcome = outcome


class ShellCommandJournaled(Message):
    """A command's end is in the journal (or it is not journaled): after ShellCommandFinished."""

    def __init__(self, block: CommandBlock) -> None:
        super().__init__()
        self.block = block


class CommandOutputStarted(Message):
    """A command's first output came before its block was shown (from the reader thread)."""

    def __init__(self, block: CommandBlock) -> None:
        super().__init__()
        self.block = block


class BackgroundOutputArrived(Message):
    """Background jobs printed between commands (the text waits in a PendingText)."""


class ShellStarted(Message):
    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class ShellCommands(QuestionKeys):
    _background_block: BackgroundOutput | None = None
    _background_text: PendingText | None = None
    _exports: dict[str, str] = {}
    """The exported variables as last journaled."""
    _journal_done: threading.Event | None = None
    """Set once the last command's end is journaled: the next one's start waits for it."""

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
            self._background_text = PendingText()
            self.session.shell.watch_between_commands(self._background_output)

    def _background_output(self, text: str) -> None:
        """From the shell's reader between commands: journal it, wake the UI once."""
        self.record(lambda recorder: recorder.background_output(text))
        pending = self._background_text
        if pending is not None and pending.put(text):
            self.post_message(BackgroundOutputArrived())

    def on_background_output_arrived(self, message: BackgroundOutputArrived) -> None:
        text = "" if self._background_text is None else self._background_text.take()
        if not text:
            return
        block = self._background_block
        children = self.conversation.children
        if block is None or not children or children[-1] is not block:
            output = BoundedOutput(self.config.ui.scrollback_lines, paths.output_dir())
            block = self._background_block = BackgroundOutput(output)
            self.conversation.add_block(block)
        block.add(text)

    def _tell_shell_did_not_start(self, error: str) -> None:
        text = f"The session shell did not start: {error}. Check shell.bash in "
        text += f"{self.loaded.path} and your ~/.bashrc; the next command tries again."
        self.tell(text, "error")

    def on_resize(self, event: Resize) -> None:
        self.session.shell.resize(
            max(5, event.size.height), max(20, event.size.width - _BLOCK_CHROME)
        )

    def run_shell_command(
        self, command: str, raw_line: str = "", journal_first: Callable[[], object] | None = None
    ) -> None:
        private = is_private(raw_line or command, self.config.agent.private_prefix)
        spool = None if private else paths.output_dir()  # a private line leaves no file behind
        output = BoundedOutput(self.config.ui.scrollback_lines, spool)
        block = CommandBlock(command, self.cwd_provider.cwd, output, self._lend_terminal, raw_line)
        block.sink.wake = lambda: self._command_output_arrived(block)
        self.running_block = block
        previous, self._journal_done = self._journal_done, threading.Event()
        self._run_in_shell(block, journal_first, previous, self._journal_done)
        self.set_timer(PLACE_AFTER, lambda: self._place(block))

    def _command_output_arrived(self, block: CommandBlock) -> None:
        """From the reader thread: wake the block, or have it shown first."""
        if block.parent is not None:
            block.output_arrived()
        elif not block.placing:
            block.placing = True
            self.post_message(CommandOutputStarted(block))

    def on_command_output_started(self, message: CommandOutputStarted) -> None:
        self._place(message.block)

    def _place(self, block: CommandBlock, *, running: bool = True) -> None:
        """Show the block (it syncs its output on mount), once, and the prompt bar's
        note that input goes to the command (also a layout: it waits with the block)."""
        if block.parent is None:
            self.conversation.add_block(block)
            if running and self.running_block is block:
                self.prompt_bar.running_command = block.command

    @work(thread=True, group="shell")
    def _run_in_shell(
        self,
        block: CommandBlock,
        journal_first: Callable[[], object] | None,
        previous: threading.Event | None,
        done: threading.Event,
    ) -> None:
        """The block is finished as soon as the command ended (``on_ended``); its end is
        journaled after that (an fsync, 7–16 ms under load), before the next command's start."""
        timeout = self.config.shell.command_timeout or None
        command, cwd = block.command, block.cwd
        private = is_private(block.raw_line, self.config.agent.private_prefix)

        def start() -> ShellRecording | None:
            if previous is not None:
                previous.wait()  # the journal reads: last command's end, then this one
            if private:
                return None  # never journaled
            if journal_first is not None:
                journal_first()  # the user's input line: it comes before the command
            recording = self.record(lambda recorder: recorder.shell_started(command, cwd))
            if recording is not None:
                block.journal_index = recording.start_index
            return recording

        journal = CommandJournal(start, lambda write: self.record(lambda _: write()))
        if not private:
            block.sink.tee = journal.output
        try:
            outcome = self.session.run(
                block.command,
                block.sink,
                timeout,
                on_ended=lambda ended: self.post_message(ShellCommandFinished(block, ended)),
            )
            recording = journal.started()
            if recording is not None:
                result = outcome.result
                self.record(lambda _: recording.finished(result))
                if may_change_exports(block.command):
                    self._record_exports()
        finally:
            done.set()
        self.post_message(ShellCommandJournaled(block))

    def _record_exports(self) -> None:
        """Journal what the command exported or unset, for the bash of a restart."""
        found = self.session.exports_changed()
        if found is not None:
            self.record(lambda recorder: recorder.environment_changed(*found))

    def on_shell_command_finished(self, message: ShellCommandFinished) -> None:
        outcome = message.outcome
        block = message.block
        self._place(block, running=False)
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

    def on_shell_command_journaled(self, message: ShellCommandJournaled) -> None:
        block = message.block
        if block.journal_index is not None and self.record(lambda _: True):
            spooled = block.output.spool_path is not None
            block.output.drop_spool()  # the journal recorded all of it: keep one copy
            if spooled:
                block.show_status()  # it named the file just removed

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
