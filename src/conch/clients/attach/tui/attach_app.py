"""``conch attach``'s window: one host session's conversation, a prompt and one status line.

The app holds no session: the host runs the bash, the agent and the journal; this window
follows the journal's events (session_view.py) and sends what is typed (host_link.py). Lines
go where the app sends them: Auto mode by default (the host routes; when unsure it says
``ask`` and the window asks, route_question.py), ``!`` / ``?`` for one line, Ctrl+Space
cycles the mode (the mode is this window's own, never shared). A line typed while a command
runs goes to that command's stdin, whole. The conversation keys are the app's own
(conversation_keys.py: PageUp, Ctrl+End, Ctrl+Y, Ctrl+C on a selection…), listed in the
footer. A permission request shows in every controller and
is answered only after Tab gives it the focus (shared_permission.py); prompts queued for the
agent are listed under the conversation and ``/cancel N`` withdraws one from any client.
``/rename TITLE`` titles the session for every client (the status line shows the shared
state's title); ``/new`` leaves the session running in the host and attaches this window to
a new one in the same cwd, with a fresh view; Ctrl+O (``/sessions``) and ``/fork`` move it
to a chosen session or a fork the same way (window_sessions.py).
Leaving detaches, and the session goes on in the host; Ctrl+Q quits, and the host stops the
session too when no other client is attached and nothing runs or waits (it decides: only it
sees every client). The prompt is the app's (PromptBar): Tab completes from the session's
bash in the host (its cwd, its aliases; an answer to a line changed since is dropped), Up/Down
recall the lines typed in every session, another client's as it sends them, Ctrl+R searches
them, and a paste of several lines is held for review. When the host goes away the status
line says so, in one line, and Ctrl+R (then only) starts a new host, which restores the
session from the journal; the window then gets the events it missed. A full-screen program
started here gets this terminal while it runs (the window is suspended, raw_passthrough.py
copies); one started in another client is said in its command's block.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Iterable
from functools import cached_property
from typing import ClassVar, TypeVar

from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from conch.clients.attach.host_link import FullScreen, HostGone, HostLink, HostRequestFailed
from conch.clients.attach.line_submission import Submission, paste_destination, submission_for
from conch.clients.attach.queue_cancel import queue_lines
from conch.clients.attach.raw_passthrough import lend_terminal
from conch.clients.attach.session_history import SessionHistory
from conch.clients.attach.slash_lines import (
    WINDOW_COMMANDS,
    slash_line,
)
from conch.clients.attach.tui.error_offers import ErrorOffers, submission_for_offer
from conch.clients.attach.tui.prompt_row import QueueLine, wrapped_in_providers
from conch.clients.attach.tui.route_question import RouteQuestion
from conch.clients.attach.tui.session_view import SessionView
from conch.clients.attach.tui.shared_permission import SharedPermission
from conch.clients.attach.tui.slash_actions import SlashActions
from conch.clients.attach.tui.window_sessions import WindowSessions
from conch.host.client import HostNotRunning
from conch.host.handshake import HandshakeRefused
from conch.paths import history_file
from conch.secret_masking import MASK
from conch.sessions.records import Event
from conch.tui import paste_input
from conch.tui.conversation_keys import (
    CONVERSATION_ACTIONS,
    CONVERSATION_BINDINGS,
    COPY_SELECTION_BINDING,
    ConversationKeys,
)
from conch.tui.prompt_providers import CwdProvider, ModeProvider
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.paste_review import hold_for_review
from conch.tui.widgets.prompt_bar import PromptBar
from conch.tui.widgets.prompt_input import PromptInput
from conch.tui.widgets.question import Question
from conch_plugins.shell_mode.cwd import shorten_home
from conch_plugins.shell_mode.modes import ExecutionMode

T = TypeVar("T")
OBSERVING = "observing: you see this session but cannot type in it"
HISTORY_LIMIT = 10_000
"""Lines of history asked of the host when the configuration cannot be read."""


def detached_line(session: str, kept: str) -> str:
    """What ``conch attach`` prints after leaving a session that goes on."""
    if not session:
        return ""
    why = f" ({kept})" if kept else ""
    return (
        f"Detached from session {session}; it goes on in the Conch host{why} "
        f"(`conch attach {session}` comes back)."
    )


def stopped_line(session: str) -> str:
    return (
        f"Stopped session {session}: nothing was running and no other client was attached "
        f"(`conch attach {session}` starts it again from the journal)."
    )


def host_lost_line(reason: str) -> str:
    return f"✗ The Conch host went away ({reason}). Ctrl+R restarts it and re-attaches."


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    StatusLine.-lost { color: $error; text-style: bold; }
    """


class AttachApp(App[None]):
    CSS = """
    .-prompt-area { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_session", "Quit", priority=True),
        # With text selected Ctrl+C copies it; otherwise the next binding takes the key.
        COPY_SELECTION_BINDING,
        Binding("ctrl+c", "interrupt", "Interrupt/Clear", priority=True),
        Binding("ctrl+d", "end_input", "EOF/Detach", priority=True),
        # Ctrl+R restarts a host that went away (the status line says so, and the footer
        # lists it then); otherwise it searches the history. Tab goes to a waiting
        # question (its box names the key); otherwise the prompt completes.
        Binding("ctrl+r", "restart_host", "Restart host", priority=True),
        Binding("ctrl+r", "search_history", "History"),
        Binding("tab", "question", "Question", show=False, priority=True),
        Binding("escape", "stop_agent", "Stop agent"),
        Binding("ctrl+o", "sessions", "Sessions"),
        *CONVERSATION_BINDINGS,
    ]

    def __init__(self, link: HostLink) -> None:
        super().__init__()
        self.link = link
        self.farewell = ""
        """What ``conch attach`` prints once the window is gone."""
        self.host_lost = False
        self._attached_once = False
        self._status_cwd = ""
        self.agent_name = ""
        """The session's agent, as the shared state says ("none": no agent configured)."""
        self.session_title = ""
        """The session's title, as the shared state says (``/rename`` in any client)."""
        self.secret_input = False
        """The running program reads a password: the prompt masks what is typed for it."""
        self.slash_actions = SlashActions(self)
        self.window_sessions = WindowSessions(self)
        self.route_question: RouteQuestion | None = None
        self.error_offers: ErrorOffers | None = None
        self.history = SessionHistory(history_file(), HISTORY_LIMIT)
        """Up/Down and Ctrl+R: every session's lines, this one's as they are typed."""
        self.queue_line = QueueLine()
        """Kept: the shared state changes twice a command, and a query walked every widget."""
        link.on_state_change = self._state_changed
        link.on_full_screen = self._full_screen_changed

    @property
    def is_observer(self) -> bool:
        return self.link.role == "observer"

    def compose(self) -> ComposeResult:
        yield SessionView(client_name=self.link.name, can_answer=not self.is_observer)
        yield self.queue_line
        yield StatusLine("attaching…", markup=False)  # a title or a path is not markup
        yield wrapped_in_providers(PromptBar(self.history))  # the app's own prompt
        yield Footer()

    def get_driver_class(self) -> type[Driver]:
        paste_input.install()  # pasted control bytes stay text, never keys
        return super().get_driver_class()

    @property
    def view(self) -> SessionView:
        return self.query_one(SessionView)

    @cached_property
    def prompt_bar(self) -> PromptBar:
        """The app's prompt: badge, line editor, Tab menu, history recall."""
        return self.query_one(PromptBar)

    @property
    def prompt(self) -> PromptInput:
        return self.prompt_bar.input

    @property
    def mode_provider(self) -> ModeProvider:
        return self.query_one(ModeProvider)

    def on_mount(self) -> None:
        self._watch_view()
        if self.is_observer:
            self.prompt_bar.locked = OBSERVING
        else:
            self.prompt.focus()
        self.follow()

    def _watch_view(self) -> None:
        """The route question and the error offers show in the view (a new one after /new)."""
        for old in (self.route_question, self.error_offers):
            if old is not None:
                old.lapse()
        self.route_question = RouteQuestion(self.prompt, self.view)
        self.error_offers = ErrorOffers(self.view, self.link, lambda: self.prompt.value)

    def _state_changed(self) -> None:
        """The session's shared state changed: the status line, the queue line."""
        state = self.link.state
        if state is None or not self.queue_line.is_attached:
            return  # not composed yet, or the window is closing
        agent = str(state.session.get("agent") or "")
        title = str(state.session.get("title") or "")
        secret = bool(state.session.get("secret_input"))
        if secret != self.secret_input:
            # A password is being read: the app's prompt masks what is typed for it.
            self.secret_input = self.prompt_bar.secret = secret
        if (agent, title) != (self.agent_name, self.session_title):
            self.agent_name, self.session_title = agent, title
            if not self.host_lost:
                self._show_status()
        queued = queue_lines(state.queue)
        self.queue_line.show(queued)

    # -- following the session ---------------------------------------------------------

    @work(exclusive=True, group="follow")
    async def follow(self) -> None:
        """Attach (again, after a lost host: only what was missed), then show events as
        they come, until the host goes away."""
        try:
            attached = await self.link.open(self.view.feed.last_index)
        except (HostRequestFailed, HandshakeRefused, HostNotRunning) as error:
            self._leave(f"conch attach: {error}", 1)
            return
        except HostGone as gone:
            self._lost(str(gone))
            return
        if self._attached_once:
            await self.view.add_events(attached.history)
        else:
            await self.view.show_history(attached.history)
        self.history.add_events(attached.history)
        self._attached_once = True
        self.host_lost = False
        self.refresh_bindings()  # Ctrl+R searches the history again
        self._show_status()
        self._send_size()
        self._load_history()
        try:
            while True:
                events = await self.link.next_events()
                await self.view.add_events(events)
                self._events_shown(events)
                if self.focused is None and not self.is_observer:
                    self.prompt.focus()  # the focused box went with its ended turn
        except HostGone as gone:
            self._lost(str(gone))

    def _events_shown(self, events: list[Event]) -> None:
        """What the prompt shows follows the session: lines typed in any client join the
        history, a running command takes the typed lines, a `cd` moves the status line."""
        self.history.add_events(events)
        self.prompt_bar.running_command = self.view.running_command
        if self.view.feed.cwd != self._status_cwd:
            self._show_status()

    @work(exclusive=True, group="history")
    async def _load_history(self) -> None:
        """The lines typed in every session (the host reads its journal) and the old
        history file, as the app loads them; the session's own came with its events."""
        from conch.config import load_config

        try:
            limit = (await asyncio.to_thread(load_config)).config.history.max_entries
        except Exception:  # a broken config is said by the app; history still works
            limit = HISTORY_LIMIT
        self.history.max_entries = limit
        self.history.merge(await asyncio.to_thread(self.history.read_file))
        with contextlib.suppress(HostGone, HostRequestFailed):  # recall keeps what it has
            self.history.merge(await self.link.input_history(limit))

    def _show_status(self) -> None:
        status = self.query_one(StatusLine)
        status.remove_class("-lost")
        self._status_cwd = self.view.feed.cwd
        where = shorten_home(self.view.feed.cwd or self.link.cwd)
        role = f" · {OBSERVING}" if self.is_observer else ""  # the footer lists the keys
        agent = f" · agent {self.agent_name}" if self.agent_name else ""
        title = f" “{self.session_title}”" if self.session_title else ""
        session = (self.link.session or "")[:8]
        status.update(f"● attached to {session}{title} · {where}{agent}{role}")
        self.query_one(CwdProvider).cwd = self.view.feed.cwd or self.link.cwd

    def _lost(self, reason: str) -> None:
        self.host_lost = True
        self.refresh_bindings()  # Ctrl+R restarts the host now
        self.link.end_screen()
        self.view.show_full_screen(None)
        status = self.query_one(StatusLine)
        status.add_class("-lost")
        status.update(host_lost_line(reason))

    def _leave(self, farewell: str, code: int = 0) -> None:
        self.farewell = farewell
        self.exit(return_code=code)

    # -- full-screen programs -----------------------------------------------------------

    def _full_screen_changed(self, program: FullScreen | None) -> None:
        if program is not None and program.yours:
            self._lend_terminal(self.link.screen)
        else:
            self.view.show_full_screen(program.program if program else None)

    @work(exclusive=True, group="full-screen")
    async def _lend_terminal(self, screen: asyncio.Queue[bytes | None]) -> None:
        """This client's program gets the terminal until it ends. Nothing is drawn while
        suspended: the loop still runs (the host's frames come through it), and a frame
        drawn then would go to a stopped writer thread whose queue blocks when full."""
        stdin, stdout = sys.__stdin__, sys.__stdout__
        try:
            if stdin is None or stdout is None:
                raise SuspendNotSupported("no terminal")
            with self.batch_update(), self.suspend():
                await lend_terminal(
                    stdin.fileno(), stdout.fileno(), screen, self.link.send_keys, self._resize
                )
        except SuspendNotSupported:
            self.notify("A full-screen program started, but this window cannot give it the "
                        "terminal.", severity="warning")  # fmt: skip

    async def _resize(self, rows: int, cols: int) -> None:
        await self.link.resize(rows, cols)

    # -- what the user does ------------------------------------------------------------

    @on(Input.Submitted, "#prompt-input")
    async def submitted(self, event: Input.Submitted) -> None:
        line = event.value
        asking = self.route_question
        if asking is not None and asking.answer_by_enter(line):
            return  # Enter again on the unchanged line: the recommended route
        if not self._attached_once and not self.host_lost:  # moving to another session
            self.notify("Still attaching: the line stays in the prompt; press Enter again "
                        "once the status line says attached.", severity="warning")  # fmt: skip
            return
        if MASK in line and not self.view.is_running:
            self.notify(f"This line holds {MASK} where history masked a secret: type the "
                        "secret in its place, then press Enter.", severity="warning")  # fmt: skip
            return  # a recalled line with a masked secret is never run: it stays here
        self.prompt.value = ""
        self.prompt_bar.forget_recall()
        self.view.conversation.follow()
        slash = slash_line(line, self.mode_provider.mode)
        if slash is not None and (slash.name in WINDOW_COMMANDS or not self.view.is_running):
            await self.slash_actions.run(slash)
        elif self.view.is_running:
            program = self.link.full_screen
            if program is not None and not program.yours:  # the host would refuse it
                self.notify(f"Not sent: {program.program} is running in another client.",
                            severity="warning")  # fmt: skip
                return
            await self.ask(self.link.send_input(line + "\n"))
        else:
            submission = submission_for(line, self.mode_provider.mode)
            if submission is not None:
                await self._submit(line, submission)

    async def _submit(self, typed: str, submission: Submission) -> None:
        if self.route_question is not None:
            self.route_question.lapse()
        if self.error_offers is not None:
            self.error_offers.lapse()
        reply = await self.ask(self.link.submit(submission))
        if reply is not None and reply.get("to") == "ask" and self.route_question is not None:
            suggestion = reply.get("suggestion")
            self.route_question.ask(typed, submission.text, str(reply.get("reason") or ""),
                                    str(suggestion) if suggestion else None)  # fmt: skip

    @on(PromptInput.CompletionRequested)
    def completion_requested(self, message: PromptInput.CompletionRequested) -> None:
        """Tab at the prompt: the session's bash in the host completes (its cwd, aliases)."""
        message.stop()
        if self.view.is_running or self.is_observer or self.host_lost:
            return  # a running command's input is not a command line
        self._complete(message.value, message.cursor, self.mode_provider.mode)

    @work(exclusive=True, group="completion")
    async def _complete(self, line: str, cursor: int, mode: ExecutionMode) -> None:
        """Ask the host, off the event loop's way; the prompt drops a stale answer (the
        line changed since), and a newer Tab cancels this one."""
        completion = await self.ask(self.link.complete(line, cursor, mode.value))
        if completion is not None:
            self.prompt.show_completion(completion, line, cursor)

    @on(PromptInput.MultiLinePasted)
    def pasted(self, message: PromptInput.MultiLinePasted) -> None:
        """A paste of several lines: the app's review, then the host as one line."""
        message.stop()
        where = paste_destination(message.text, self.mode_provider.mode,
                                  self.view.running_command)  # fmt: skip
        hold_for_review(self, self.prompt, message.text, where)

    def action_search_history(self) -> None:
        self.prompt_bar.search_history()

    @on(Input.Changed, "#prompt-input")
    def prompt_changed(self) -> None:
        if self.route_question is not None:
            self.route_question.prompt_changed()
        if self.error_offers is not None:
            self.error_offers.prompt_changed()

    @on(AskChoice.Chosen)
    async def route_chosen(self, event: AskChoice.Chosen) -> None:
        if self.route_question is not None:
            self.route_question.answered()
        await self.ask(self.link.submit(Submission(event.text, event.choice)))

    @on(ErrorOffer.Accepted)
    async def offer_accepted(self, event: ErrorOffer.Accepted) -> None:
        await self._submit(event.offer.text, submission_for_offer(event.offer))

    async def start_new_session(self) -> None:
        """``/new``: leave this session (it goes on in the host) and attach, in this window,
        to a new one in the shell's cwd: a fresh view, as if just attached."""
        await self.move_to(None)

    def cannot_move(self) -> str | None:
        """Why this window cannot go to another session now (None: it can)."""
        if self.host_lost:
            return "The Conch host is gone: Ctrl+R first."
        return None if self._attached_once else "Still attaching."

    async def move_to(self, session: str | None) -> None:
        """Leave this session (it goes on in the host) and attach this window to ``session``
        (a new one in the shell's cwd when None): a fresh view, as if just attached."""
        why = self.cannot_move()
        if why is not None:
            self.notify(why, severity="warning")
            return
        self.workers.cancel_group(self, "follow")  # its link is about to close
        self.workers.cancel_group(self, "completion")  # the old session's bash answers it
        self.prompt.close_menu()
        self.prompt_bar.forget_recall()  # Up starts again from the newest line
        cwd = self.view.feed.cwd or self.link.cwd
        left = (await self.link.leave_for(session, cwd) or "")[:8]
        await self._fresh_view()
        self._attached_once = False
        self.agent_name = self.session_title = ""
        where = f"session {session[:8]}" if session else "a new session"
        self.query_one(StatusLine).update(f"attaching to {where}…")
        self.follow()
        self.notify(f"Left session {left} (it goes on in the host; `conch attach {left}` "
                    "comes back).", timeout=10)  # fmt: skip

    async def _fresh_view(self) -> None:
        """An empty SessionView in place of the old one, and the helpers that watch it."""
        old = self.view
        await self.mount(
            SessionView(client_name=self.link.name, can_answer=not self.is_observer),
            before=old,
        )
        await old.remove()
        self.queue_line.show("")
        self._watch_view()

    # -- questions ---------------------------------------------------------------------

    def _waiting_question(self) -> Question | None:
        """What Tab goes to: a permission first (the agent waits on it), then a route
        question, then an error's offer; None on a screen over the window (a review)."""
        if self.is_observer or self.screen is not self.screen_stack[0]:
            return None
        question: Question | None = self.view.waiting_permission()
        if question is None and self.route_question is not None:
            question = self.route_question.waiting()
        if question is None and self.error_offers is not None:
            question = self.error_offers.waiting()
        return question

    def action_question(self) -> None:
        """Tab: to the waiting question, or from it back to the prompt. Never by itself:
        only this key gives a box the keys. With none waiting Tab completes (check_action)."""
        question = self._waiting_question()
        if question is None:
            return
        question.hand_back_to = self.prompt  # now: the answer key may follow in one burst
        self.screen.set_focus(self.prompt if self.focused is question else question)

    @on(Question.Settled)
    @on(Question.Left)
    def question_done(self, event: Question.Settled | Question.Left) -> None:
        if not self.is_observer and self.focused in (None, event.question):
            self.screen.set_focus(self.prompt)

    @on(SharedPermission.Chosen)
    async def permission_chosen(self, event: SharedPermission.Chosen) -> None:
        """A key on a focused box: ask the host; the journal's decision settles every
        client's box. Another client's earlier answer is said on this box."""
        box = event.box
        question = await self.link.question_id(box.turn, box.tool_call_id)
        if question is None:
            box.refused("the host does not list this question (is the host still there?)")
            return
        try:
            await self.link.answer(question, event.option_id)
        except HostRequestFailed as failure:
            box.refused(str(failure))
            self.notify(str(failure), severity="warning")
        except HostGone as gone:
            box.refused("the Conch host went away")
            self._lost(str(gone))

    async def ask(self, request: Awaitable[T]) -> T | None:
        """Send a request; a host that went away is said in the status line."""
        try:
            return await request
        except HostGone as gone:
            self._lost(str(gone))
        except HostRequestFailed as failure:
            self.notify(str(failure), severity="error")
        return None

    async def action_detach(self) -> None:
        await self.link.detach()
        self._leave(detached_line((self.link.session or "")[:8], ""))

    async def action_quit_session(self) -> None:
        """Ctrl+Q: leave, and stop the session unless something keeps it."""
        if self.host_lost:
            self._leave(detached_line((self.link.session or "")[:8], "the host went away"))
            return
        left = await self.link.detach(stop_if_idle=not self.is_observer)
        session = (self.link.session or "")[:8]
        self._leave(stopped_line(session) if left.stopped else detached_line(session, left.kept))

    async def action_stop_agent(self) -> None:
        """Esc: cancel the agent's running turn (the queue goes on)."""
        if not self.is_observer and not self.host_lost:
            await self.ask(self.link.interrupt("agent"))

    async def action_interrupt(self) -> None:
        if self.view.is_running and not self.is_observer and not self.host_lost:
            await self.ask(self.link.interrupt())
        elif not self.is_observer:
            self.prompt.value = ""

    async def action_end_input(self) -> None:
        if not self.is_observer and self.prompt.value:
            self.prompt.action_delete_right()
        elif self.view.is_running and not self.is_observer and not self.host_lost:
            await self.ask(self.link.send_input("", eof=True))
        else:
            await self.action_detach()

    # -- moving through the conversation and copying from it ------------------------------

    @cached_property
    def conversation_keys(self) -> ConversationKeys:
        """The app's own keys for the conversation; Ctrl+C interrupts a command only where
        typing is allowed (an observer's Ctrl+C copies or does nothing)."""
        return ConversationKeys(self, lambda: self.view.conversation,
                                lambda: self.view.is_running and not self.is_observer)  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CONVERSATION_ACTIONS:
            return self.conversation_keys.is_enabled(action)
        if action in ("interrupt", "stop_agent") and self.is_observer:
            return False  # the footer lists what this client can do
        if action == "question":
            return self._waiting_question() is not None
        if action == "restart_host":
            return self.host_lost
        if action == "search_history":
            return not self.host_lost and not self.is_observer
        return super().check_action(action, parameters)

    def action_scroll_pages(self, pages: float) -> None:
        self.conversation_keys.scroll_pages(pages)

    def action_scroll_blocks(self, step: int) -> None:
        self.conversation_keys.scroll_blocks(step)

    def action_scroll_top(self) -> None:
        self.conversation_keys.scroll_top()

    def action_scroll_bottom(self) -> None:
        self.conversation_keys.scroll_bottom()

    def action_copy_selection(self) -> None:
        self.conversation_keys.copy_selection()

    def action_copy_block(self) -> None:
        self.conversation_keys.copy_block()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from self.conversation_keys.commands()
        yield from self.window_sessions.commands()

    def action_sessions(self) -> None:
        self.window_sessions.show_picker()

    def action_restart_host(self) -> None:
        if self.host_lost:
            self.query_one(StatusLine).update("restarting the Conch host…")
            self.follow()

    def on_resize(self, event: events.Resize) -> None:
        if self._attached_once:
            self._send_size()

    @work(exclusive=True, group="resize")
    async def _send_size(self) -> None:
        """The session's terminal gets the size its output is drawn in here (not while this
        client's full-screen program has the whole terminal: it sends that size itself)."""
        lent = self.link.full_screen is not None and self.link.full_screen.yours
        if self.is_observer or self.host_lost or lent:
            return
        width, height = self.view.conversation.scrollable_content_region.size
        with contextlib.suppress(HostGone, HostRequestFailed):
            await self.link.resize(max(5, height), max(20, width - 4))  # a block's bar, padding
