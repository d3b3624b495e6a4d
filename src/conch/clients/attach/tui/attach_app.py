"""``conch attach``'s window: one host session's conversation, a prompt and one status line.

The app holds no session: the host runs the bash, the agent and the journal; this window
follows the journal's events (window_follow.py, shown by session_view.py) and sends what is
typed (window_prompt.py, through host_link.py). Its parts, each in its own module: the route
question and the error offers (route_question.py, error_offers.py), Tab to a waiting question
and permission answers shared with every controller (window_questions.py,
shared_permission.py), slash commands (slash_actions.py), the picker, /new and /fork
(window_sessions.py), full-screen programs and the terminal's size (window_terminal.py), the
status line (status_line.py). The mode is this window's own (Ctrl+Space, ``!``, ``?``), never
shared; the conversation keys are the app's (conversation_keys.py), listed in the footer;
prompts queued for the agent are listed under the conversation. Leaving detaches, and the
session goes on in the host; Ctrl+Q quits, and the host stops the session too when no other
client is attached and nothing runs or waits
(it decides: only it sees every client). When the host goes away the status line says so,
in one line, and Ctrl+R (then only) starts a new host, which restores the session from the
journal; the window then gets the events it missed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Collection, Iterable
from functools import cached_property
from typing import ClassVar, TypeVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Footer, Input

from conch.clients.attach.host_link import HostGone, HostLink, HostRequestFailed
from conch.clients.attach.line_submission import Submission
from conch.clients.attach.session_history import SessionHistory
from conch.clients.attach.tui.error_offers import ErrorOffers, submission_for_offer
from conch.clients.attach.tui.prompt_row import QueueLine, wrapped_in_providers
from conch.clients.attach.tui.route_question import RouteQuestion
from conch.clients.attach.tui.session_view import SessionView
from conch.clients.attach.tui.shared_permission import SharedPermission
from conch.clients.attach.tui.slash_actions import SlashActions
from conch.clients.attach.tui.status_line import OBSERVING, StatusLine, detached_line, stopped_line
from conch.clients.attach.tui.window_follow import SessionFollower
from conch.clients.attach.tui.window_prompt import HISTORY_LIMIT, WindowPrompt
from conch.clients.attach.tui.window_questions import WindowQuestions
from conch.clients.attach.tui.window_sessions import WindowSessions
from conch.clients.attach.tui.window_terminal import WindowTerminal
from conch.host.request_errors import CRASHED
from conch.paths import history_file
from conch.tui import paste_input
from conch.tui.conversation_keys import (
    CONVERSATION_ACTIONS,
    CONVERSATION_BINDINGS,
    COPY_SELECTION_BINDING,
    ConversationKeys,
)
from conch.tui.crash_note import CrashNote, ReportsCrashes
from conch.tui.heap import freeze_start_up_objects, let_removed_widgets_go, thaw
from conch.tui.prompt_providers import ModeProvider
from conch.tui.widgets.ask_choice import AskChoice
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_bar import PromptBar
from conch.tui.widgets.prompt_input import PromptInput
from conch.tui.widgets.question import Question

T = TypeVar("T")


class AttachApp(ReportsCrashes, App[None]):
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
        # Taken as it arrives (priority), so the keys typed after it are held for the picker
        # (window_sessions.py) before they reach the prompt; not over another picker or box.
        Binding("ctrl+o", "sessions", "Sessions", priority=True),
        *CONVERSATION_BINDINGS,
    ]

    def __init__(self, link: HostLink) -> None:
        super().__init__()
        self.link = link
        self.farewell = ""
        """What ``conch attach`` prints once the window is gone."""
        self.crash = CrashNote()
        self.host_lost = False
        """The host went away (the status line says so; Ctrl+R follows again)."""
        self.attached_once = False
        """Attached at least once to this window's session (the first history came)."""
        self.follower = SessionFollower(self)
        self.slash_actions = SlashActions(self)
        self.window_sessions = WindowSessions(self)
        self.questions = WindowQuestions(self)
        self.lines = WindowPrompt(self)
        self.terminal = WindowTerminal(self)
        self.route_question: RouteQuestion | None = None
        self.error_offers: ErrorOffers | None = None
        self.history = SessionHistory(history_file(), HISTORY_LIMIT)
        """Up/Down and Ctrl+R: every session's lines, this one's as they are typed."""
        self.key_typed_at: float | None = None
        """When the key being handled was typed: a Tab typed before a question came is
        not for it (window_questions.py)."""
        self.queue_line = QueueLine()
        """Kept: the shared state changes twice a command, and a query walked every widget."""
        link.on_state_change = self.follower.state_changed
        link.on_full_screen = self.terminal.full_screen_changed

    @property
    def is_observer(self) -> bool:
        return self.link.role == "observer"

    def compose(self) -> ComposeResult:
        yield SessionView(client_name=self.link.name, can_answer=not self.is_observer)
        yield self.queue_line
        yield StatusLine()
        yield wrapped_in_providers(PromptBar(self.history))  # the app's own prompt
        yield Footer()

    async def on_event(self, event: events.Event) -> None:
        """A key typed while the session picker is on its way is held for it (from here,
        before any widget has it: the prompt would take Down and Enter as its own)."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.window_sessions.picker_keys.take(event):
                return
            self.key_typed_at = event.time
        await super().on_event(event)

    async def key_typed(self, event: events.Key) -> None:
        """A key held earlier acts now, as if just typed (to the screen now shown)."""
        self.key_typed_at = event.time
        await super().on_event(event)

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
        let_removed_widgets_go()  # heap.py: a Textual cache kept removed blocks alive
        self.call_after_refresh(freeze_start_up_objects)  # heap.py: short GC passes later
        self.watch_view()
        if self.is_observer:
            self.prompt_bar.locked = OBSERVING
        else:
            self.prompt.focus()
        self.follower.start()

    def on_unmount(self) -> None:
        thaw()

    def watch_view(self) -> None:
        """The route question and the error offers show in the view (a new one after /new)."""
        for old in (self.route_question, self.error_offers):
            if old is not None:
                old.lapse()
        self.route_question = RouteQuestion(self.prompt, self.view)
        self.error_offers = ErrorOffers(self.view, self.link, lambda: self.prompt.value)

    def leave(self, farewell: str, code: int = 0) -> None:
        """Close the window; ``conch attach`` then prints ``farewell``."""
        self.farewell = farewell
        self.exit(return_code=code)

    # -- what the user does ------------------------------------------------------------

    @on(Input.Submitted, "#prompt-input")
    async def submitted(self, event: Input.Submitted) -> None:
        try:
            await self.lines.enter(event.value)
        finally:
            await self.prompt.line_handled()

    @on(PromptInput.CompletionRequested)
    def completion_requested(self, message: PromptInput.CompletionRequested) -> None:
        message.stop()
        self.lines.complete(message.value, message.cursor)

    @on(PromptInput.MultiLinePasted)
    async def pasted(self, message: PromptInput.MultiLinePasted) -> None:
        message.stop()
        await self.lines.paste(message.text)

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
        await self.lines.submit(event.offer.text, submission_for_offer(event.offer))

    # -- questions: Tab to the waiting one, answers to the host (window_questions.py) ----------

    def action_question(self) -> None:
        """Tab: to the waiting question, or from it back to the prompt. Never by itself:
        only this key gives a box the keys. With none waiting Tab completes (check_action)."""
        self.questions.tab()

    @on(Question.Settled)
    @on(Question.Left)
    def question_done(self, event: Question.Settled | Question.Left) -> None:
        self.questions.done(event.question)

    @on(SharedPermission.Chosen)
    async def permission_chosen(self, event: SharedPermission.Chosen) -> None:
        """A key on a focused box: the host decides, and every client's box says it."""
        await self.questions.answer(event.box, event.option_id)

    async def ask(
        self, request: Awaitable[T], *, said_in_conversation: Collection[str] = ()
    ) -> T | None:
        """Send a request; a host that went away is said in the status line, a refusal in a
        toast unless its code is one the host says in the conversation."""
        try:
            return await request
        except HostGone as gone:
            self.follower.host_gone(str(gone))
        except HostRequestFailed as failure:
            if failure.code == CRASHED:  # a report was written: say where, and keep it said
                self.view.conversation.add_block(Notice(str(failure), "error"))
            elif failure.code not in said_in_conversation:
                self.notify(str(failure), severity="error")
        return None

    async def action_detach(self) -> None:
        await self.link.detach()
        self.leave(detached_line((self.link.session or "")[:8], ""))

    async def action_quit_session(self) -> None:
        """Ctrl+Q: leave, and stop the session unless something keeps it."""
        if self.host_lost:
            self.leave(detached_line((self.link.session or "")[:8], "the host went away"))
            return
        left = await self.link.detach(stop_if_idle=not self.is_observer)
        session = (self.link.session or "")[:8]
        self.leave(stopped_line(session) if left.stopped else detached_line(session, left.kept))

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
            return self.questions.waiting(self.key_typed_at) is not None
        if action == "sessions":
            return not self.screen.is_modal
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
            self.follower.start()

    def on_resize(self, event: events.Resize) -> None:
        if self.attached_once:
            self.terminal.send_size()
