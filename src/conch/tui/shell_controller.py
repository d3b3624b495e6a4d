"""The app's side of the session's bash: running commands as blocks.

Commands run in a worker thread; results come back as messages to the app, which hands
them back here. Full-screen programs borrow the real terminal; input typed for a command
waits until bash has read it. The controller owns the bash and the running block; it never
decides where a line goes (line_dispatch does).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import pluggy
from textual.app import App, SuspendNotSupported
from textual.geometry import Size
from textual.message import Message

from conch import paths
from conch.agents.shell_context import ShellActivity, ShellContextLog, is_private
from conch.command_journal import CommandJournal
from conch.config import LoadedConfig
from conch.output_buffer import BoundedOutput
from conch.pending_text import PendingText
from conch.secret_masking import warm_up
from conch.session_link import SessionLink
from conch.session_recorder import ShellRecording
from conch.shell_start import did_not_start_note, shell_start
from conch.tui.question_controller import QuestionController
from conch.tui.screen_parts import ScreenParts
from conch.tui.session_binding import SessionBinding
from conch.tui.widgets.background_output import BackgroundOutput
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.bash_supervisor import BashSupervisor, RunOutcome, may_change_exports
from conch_plugins.shell_mode.command_result import HandoverResult, Passthrough
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.failure_offer import offer_after_failure

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


class ShellController:
    """Runs lines in the session's bash and shows each as a CommandBlock."""

    def __init__(
        self,
        app: App[None],
        parts: ScreenParts,
        binding: SessionBinding,
        questions: QuestionController,
        shell_context: ShellContextLog,
        loaded: LoadedConfig,
        plugins: pluggy.PluginManager,
        start_cwd: str,
    ) -> None:
        self.app = app
        self.parts = parts
        self.binding = binding
        self.questions = questions
        self.shell_context = shell_context
        self.loaded = loaded
        self.config = loaded.config
        self.plugins = plugins
        self.start_cwd = start_cwd
        self.bash = self.new_bash(binding.link)
        self.running_block: CommandBlock | None = None
        self.has_agent: Callable[[], bool] = lambda: True
        """Whether an agent is configured to send a request to (the app sets it once its
        agent controller is there): without one a failed request is told so, not offered."""
        self._background_block: BackgroundOutput | None = None
        self._background_text: PendingText | None = None
        self._journal_done: threading.Event | None = None
        """Set once the last command's end is journaled: the next one's start waits for it."""

    def new_bash(self, link: SessionLink) -> BashSupervisor:
        """A (not yet started) bash for ``link``'s session: where its last one was, with the
        variables it exported, or in the start directory for a new session."""
        shell_cwd, options = shell_start(link.opened, self.start_cwd, self.config.shell)
        return BashSupervisor(
            self.plugins.hook.conch_persistent_bash(cwd=shell_cwd, options=options)
        )

    # -- starting -----------------------------------------------------------------

    def start(self) -> None:
        """Start the bash in a worker; ShellStarted comes back to the app."""
        self.app.run_worker(self._start_bash, thread=True, group="shell")

    def _start_bash(self) -> None:
        try:
            self.bash.start()
        except ShellStartError as error:
            self.app.post_message(ShellStarted(str(error)))
        else:
            self.app.post_message(ShellStarted(None))

    def started(self, message: ShellStarted) -> bool:
        """The bash is up (True) or said why not; the cwd shows where it is."""
        if message.error:
            self._tell_did_not_start(message.error)
            return False
        self.parts.cwd_provider.cwd = self.bash.shell.cwd
        # The secret detector takes ~0.15 s to load: not on the event loop at the first
        # line that looks like it may hold a secret (`echo $PWD` does).
        threading.Thread(target=warm_up, name="secret-detector", daemon=True).start()
        self._background_text = PendingText()
        self.bash.shell.watch_between_commands(self._background_output)
        return True

    def _background_output(self, text: str) -> None:
        """From the shell's reader between commands: journal it, wake the UI once."""
        self.binding.record(lambda recorder: recorder.background_output(text))
        pending = self._background_text
        if pending is not None and pending.put(text):
            self.app.post_message(BackgroundOutputArrived())

    def show_background_output(self) -> None:
        text = "" if self._background_text is None else self._background_text.take()
        if not text:
            return
        block = self._background_block
        conversation = self.parts.conversation
        children = conversation.children
        if block is None or not children or children[-1] is not block:
            output = BoundedOutput(self.config.ui.scrollback_lines, paths.output_dir())
            block = self._background_block = BackgroundOutput(output)
            conversation.add_block(block)
        block.add(text)

    def _tell_did_not_start(self, error: str) -> None:
        self.binding.tell(did_not_start_note(error, self.loaded.path), "error")

    def resize(self, size: Size) -> None:
        self.bash.shell.resize(max(5, size.height), max(20, size.width - _BLOCK_CHROME))

    # -- running ------------------------------------------------------------------

    def run(
        self, command: str, raw_line: str = "", journal_first: Callable[[], object] | None = None
    ) -> None:
        """Run a line in the bash; ``journal_first`` is journaled just before the command's
        start, on its thread."""
        private = is_private(raw_line or command, self.config.agent.private_prefix)
        spool = None if private else paths.output_dir()  # a private line leaves no file behind
        output = BoundedOutput(self.config.ui.scrollback_lines, spool)
        cwd = self.parts.cwd_provider.cwd
        block = CommandBlock(command, cwd, output, self._lend_terminal, raw_line)
        block.sink.wake = lambda: self._command_output_arrived(block)
        self.running_block = block
        previous, done = self._journal_done, threading.Event()
        self._journal_done = done
        self.app.run_worker(
            lambda: self._run_in_bash(block, journal_first, previous, done),
            thread=True,
            group="shell",
        )
        self.app.set_timer(PLACE_AFTER, lambda: self.place(block))

    def _command_output_arrived(self, block: CommandBlock) -> None:
        """From the reader thread: wake the block, or have it shown first."""
        if block.parent is not None:
            block.output_arrived()
        elif not block.placing:
            block.placing = True
            self.app.post_message(CommandOutputStarted(block))

    def place(self, block: CommandBlock, *, running: bool = True) -> None:
        """Show the block (it syncs its output on mount), once, and the prompt bar's
        note that input goes to the command (also a layout: it waits with the block)."""
        if block.parent is None:
            self.parts.conversation.add_block(block)
            if running and self.running_block is block:
                self.parts.prompt_bar.running_command = block.command

    def _run_in_bash(
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
        record = self.binding.record

        def start() -> ShellRecording | None:
            if previous is not None:
                previous.wait()  # the journal reads: last command's end, then this one
            if private:
                return None  # never journaled
            if journal_first is not None:
                journal_first()  # the user's input line: it comes before the command
            recording = record(lambda recorder: recorder.shell_started(command, cwd))
            if recording is not None:
                block.journal_index = recording.start_index
            return recording

        journal = CommandJournal(start, lambda write: record(lambda _: write()))
        if not private:
            block.sink.tee = journal.output
        post = self.app.post_message
        try:
            outcome = self.bash.run(
                block.command,
                block.sink,
                timeout,
                on_ended=lambda ended: post(ShellCommandFinished(block, ended)),
            )
            recording = journal.started()
            if recording is not None:
                result = outcome.result
                record(
                    lambda _: recording.finished(
                        result, restarted=outcome.restarted, full_screen=block.sink.ran_fullscreen
                    )
                )
                if may_change_exports(block.command):
                    self._record_exports()
        finally:
            done.set()
        post(ShellCommandJournaled(block))

    def _record_exports(self) -> None:
        """Journal what the command exported or unset, for the bash of a restart."""
        found = self.bash.exports_changed()
        if found is not None:
            self.binding.record(lambda recorder: recorder.environment_changed(*found))

    def finished(self, message: ShellCommandFinished) -> None:
        """The command ended: its block shows the result, the prompt is the user's again."""
        outcome = message.outcome
        block = message.block
        self.place(block, running=False)
        block.finish(outcome.result, outcome.restarted)
        self._offer_help(block, outcome)
        if not is_private(block.raw_line, self.config.agent.private_prefix):
            activity = ShellActivity(block.command, outcome.result.exit_status, block.cwd,
                                     block.output.text())  # fmt: skip
            self.shell_context.record(activity)
        self._give_back_unread(block, outcome.result.unread_input)
        self.running_block = None
        prompt_bar = self.parts.prompt_bar
        prompt_bar.running_command = ""
        prompt_bar.secret = False
        self.parts.cwd_provider.cwd = self.bash.shell.cwd
        where = shorten_home(self.bash.shell.cwd)
        tell = self.binding.tell
        if outcome.revived:
            tell(f"bash had exited; started a new bash in {where}.")
        if outcome.restarted:
            tell(f"bash exited; started a new bash in {where}.")
        if outcome.start_error:
            self._tell_did_not_start(outcome.start_error)
        if outcome.restart_error:
            tell(f"bash exited and could not be restarted: {outcome.restart_error}", "error")

    def journaled(self, message: ShellCommandJournaled) -> None:
        """The command's end is in the journal: its spooled output file is a second copy."""
        block = message.block
        if block.journal_index is not None and self.binding.record(lambda _: True):
            spooled = block.output.spool_path is not None
            block.output.drop_spool()  # the journal recorded all of it: keep one copy
            if spooled:
                block.show_status()  # it named the file just removed

    def _offer_help(self, block: CommandBlock, outcome: RunOutcome) -> None:
        """After a failure that reads as a request or a typo: offer, never act."""
        self.questions.lapse()
        offer = offer_after_failure(block.command, outcome.result, block.output.text,
                                    self.bash.index, agent=self.has_agent())  # fmt: skip
        if offer is not None and offer.kind == "no-agent":
            self.parts.conversation.add_block(Notice(offer.message, "warning"))
        elif offer is not None:
            self.questions.show_offer(ErrorOffer(offer))

    def _give_back_unread(self, block: CommandBlock, unread: str) -> None:
        """Lines typed for a command that never read them: shown, never run.

        Not put back in the prompt: typing on would glue new text to them."""
        lines = [line for line in unread.splitlines() if line] + block.sink.take_unsent()
        if not lines:
            return
        text = f"`{block.command}` did not read what you typed for it, so it was not run"
        if block.had_secret_input:
            # It may hold a password: say how much, never what.
            self.binding.tell(f"{text} ({len(lines)} hidden lines).", "warning")
            return
        listing = "\n".join(f"  {line}" for line in lines)
        self.binding.tell(f"{text}:\n{listing}", "warning")

    def _lend_terminal(self, passthrough: Passthrough) -> HandoverResult:
        """Called from the shell worker: suspend the UI and let the program draw."""
        result: HandoverResult = self.app.call_from_thread(self._lend_terminal_now, passthrough)
        return result

    def _lend_terminal_now(self, passthrough: Passthrough) -> HandoverResult:
        try:
            with self.app.suspend():
                return passthrough(sys.__stdin__.fileno(), sys.__stdout__.fileno())  # type: ignore[union-attr]
        except SuspendNotSupported:
            return False

    # -- keys and input for the running command -------------------------------------

    def send_line(self, text: str) -> bool:
        """A line typed for the running command; False when it ended first."""
        block = self.running_block
        if block is None:
            return False
        block.had_secret_input |= self.parts.prompt_bar.secret
        return block.sink.send(text.encode() + b"\n")

    def watch_for_password(self) -> None:
        if self.running_block is not None:
            self.parts.prompt_bar.secret = self.bash.shell.wants_secret()

    def interrupt_or_clear(self) -> None:
        """Ctrl+C: interrupt the running command, else clear the prompt."""
        if self.running_block is not None:
            self.running_block.sink.interrupt(self.bash.shell.interrupt)
        else:
            prompt_bar = self.parts.prompt_bar
            prompt_bar.input.value = ""
            prompt_bar.forget_recall()

    def end_of_input(self) -> None:
        """Ctrl+D: end the running command's input, else delete right of the cursor."""
        if self.running_block is not None:
            self.running_block.sink.send(b"\x04")
        else:
            self.parts.prompt_bar.input.action_delete_right()

    def close(self) -> None:
        self.bash.close()
