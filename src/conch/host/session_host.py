"""The host's sessions: their engines and agents, opened, kept and stopped, and their news.

One Journal for the whole host (one SQLite connection, claims per session; host_journal.py
opens it). Its listener is called in the committing thread; it only hops to the event loop,
where each follower of the session gets the event (session_followers.py). The journal and
the engines' starts and stops are used from threads (``asyncio.to_thread``), never on the
event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from conch.agents.backend import no_agent_hint
from conch.agents.registry import UnknownAgent, agent_named
from conch.config import LoadedConfig, load_config
from conch.host.error_offers import CommandEnded, offer_message
from conch.host.follower import Follower, Send, SendRaw, SendSync
from conch.host.handshake import Role
from conch.host.host_journal import HostJournal
from conch.host.live_list import live_list_path, load_live_list, save_live_list
from conch.host.live_sessions import SessionSummary
from conch.host.request_errors import RequestFailed
from conch.host.session_agent import SessionAgent
from conch.host.session_engine import SessionEngine
from conch.host.session_followers import SessionFollowers
from conch.host.session_status import state_of, summary_of
from conch.host.shared_state import SharedState
from conch.session_recorder import stopped_saving_note
from conch.sessions.errors import AmbiguousSessionIdError, JournalError, SessionNotFoundError
from conch.sessions.records import Event
from conch.sessions.startup import open_at_start
from conch.sessions.unsaved import UnsavedSessions

log = logging.getLogger("conch.host")
SETTLE_TIMEOUT = 2.0
"""Seconds Ctrl+Q waits for a command that has just ended to finish its bookkeeping (its
exports are read from bash: milliseconds, unless bash hangs)."""
PASSWORD_POLL = 0.15
"""Seconds between looks at whether a running program reads a password (the app's pace)."""
UNSAVED_NEXT_STEP = (
    "It goes on in the host, and every window shows it, but nothing more of it is saved. "
    "Free some space, then end it (Ctrl+Q) and run `conch` to save again (`conch --new` if "
    "the session is damaged)."
)
STOPPED_NOTE = (
    "Session stopped: its last client quit with nothing running. `conch attach {short}` "
    "starts it again from the journal."
)


class SessionHost:
    """The host's live sessions by id (engine, agent, shared state, followers): opens them,
    keeps them while they have work or clients, stops them, and passes on their news."""

    def __init__(self, live_list: Path | None = None, loaded: LoadedConfig | None = None) -> None:
        self.engines: dict[str, SessionEngine] = {}
        self.agents: dict[str, SessionAgent] = {}
        """Each live session's agent (session_agent.py), by session id."""
        self.followers = SessionFollowers()
        self.shared: dict[str, SharedState] = {}
        """Each live session's shared state document (shared_state.py)."""
        self.host_journal = HostJournal()
        self._loaded = loaded or load_config()
        self._live_list = live_list or live_list_path()
        self._opening = asyncio.Lock()
        self._password_watch: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        """Notices on their way (kept referenced until done)."""

    # -- life ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the journal and run again the sessions a killed host was running."""
        self.followers.run_on(asyncio.get_running_loop())
        await asyncio.to_thread(self.host_journal.open)
        journal = self.host_journal.journal
        if journal is None:
            return
        journal.subscribe(self._committed)
        # A session the disk cannot take goes on unsaved: its windows still see it all.
        journal.unsaved = UnsavedSessions(self._stopped_saving)
        self._password_watch = asyncio.create_task(self._watch_for_passwords())
        # A killed host's sessions are in the real journal, not in this run's scratch one.
        scratch = self.host_journal.is_scratch
        killed = [] if scratch else await asyncio.to_thread(load_live_list, self._live_list)
        for session_id in killed:
            try:
                await self._open(cwd="", new=False, resume=session_id)
            except RequestFailed as failure:
                log.warning("could not restore session %s: %s", session_id, failure)
        log.info("restored %d session(s)", len(self.engines))

    async def stop(self) -> None:
        """Stop every session cleanly; the next host starts with none. Under the opening
        lock, so a session Ctrl+Q is stopping is stopped once."""
        if self._password_watch is not None:
            self._password_watch.cancel()
        async with self._opening:
            agents = list(self.agents.values())
            await asyncio.gather(*(agent.stop() for agent in agents))
            engines = list(self.engines.values())
            await asyncio.gather(*(asyncio.to_thread(engine.stop) for engine in engines))
            self.engines.clear()
            self.agents.clear()
            self.shared.clear()
            await self._save_live_list()
        await asyncio.to_thread(self.host_journal.close)

    async def _save_live_list(self) -> None:
        """The sessions a killed host's successor runs again; an unsaved host's die with
        its scratch journal, so it leaves the list as it found it."""
        if not self.host_journal.is_scratch:
            await asyncio.to_thread(save_live_list, self._live_list, list(self.engines))

    async def stop_if_idle(self, session_id: str) -> str:
        """Ctrl+Q's end of a session: stop it unless a client follows it, a command runs or
        waits, or the agent works or asks. Decided and done under the lock ``attach`` opens
        sessions with, so no client attaches in between. Returns why it was kept ("" when
        it was stopped)."""
        async with self._opening:
            engine = self.engines.get(session_id)
            if engine is None:
                return "it is not running in this host"
            await asyncio.to_thread(engine.settle, SETTLE_TIMEOUT)
            agent = self.agents.get(session_id)
            if agent is not None:
                await agent.settle()
            kept = self._why_kept(engine)
            if kept:
                return kept
            engine.notice(STOPPED_NOTE.format(short=session_id[:8]))
            self.agents.pop(session_id, None)
            if agent is not None:
                await agent.stop()
            await asyncio.to_thread(engine.stop)
            self.engines.pop(session_id, None)
            self.shared.pop(session_id, None)
            self.followers.forget(session_id)
            await self._save_live_list()
            await asyncio.to_thread(engine.journal.checkpoint)
            log.info("session %s stopped (Ctrl+Q, idle)", session_id)
            return ""

    def _why_kept(self, engine: SessionEngine) -> str:
        if self.followers.of(engine.id):
            return "another client is attached"
        if engine.has_work:
            return "a command is running"
        agent = self.agents.get(engine.id)
        if agent is not None and agent.questions.pending():
            return "the agent waits for an answer"
        if agent is not None and agent.is_working:
            return "the agent is working"
        return ""

    # -- live events ---------------------------------------------------------------------

    def _committed(self, event: Event) -> None:
        """In the committing thread, under the journal's lock: hop to the loop, in order."""
        self.followers.from_thread(self._deliver, event)

    def _stopped_saving(self, session_id: str, error: BaseException) -> None:
        """In the committing thread, under the journal's lock: say it, from the loop."""
        log.error("session %s goes on unsaved: %s", session_id, error)
        self.followers.from_thread(self._tell_stopped_saving, session_id, error)

    def _tell_stopped_saving(self, session_id: str, error: BaseException) -> None:
        engine = self.engines.get(session_id)
        if engine is not None:
            engine.went_unsaved()
            text = stopped_saving_note(error, UNSAVED_NEXT_STEP)
            task = asyncio.create_task(asyncio.to_thread(engine.notice, text, "error"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _deliver(self, event: Event) -> None:
        engine = self.engines.get(event.session_id)
        if engine is not None:
            engine.last_activity = max(engine.last_activity, event.time)
        self.followers.offer(event)

    async def follow(
        self,
        engine: SessionEngine,
        after_index: int,
        role: Role,
        client: str,
        send: Send,
        send_sync: SendSync,
        send_raw: SendRaw,
    ) -> tuple[Follower, list[Event]]:
        """Register a follower (buffering), then read what it missed; the caller sends
        its reply, then ``follower.catch_up(history)``."""
        follower = Follower(engine.id, after_index, role, send, send_sync, send_raw)
        follower.client = client
        self.followers.add(follower)
        follower.state_key = self.shared[engine.id].add_client(role, client)
        journal = self.host_journal.require()
        history = await asyncio.to_thread(lambda: list(journal.events(engine.id, after_index)))
        return follower, history

    def unfollow(self, follower: Follower) -> None:
        self.followers.remove(follower)
        engine = self.engines.get(follower.session_id)
        if engine is not None:
            engine.terminal.full_screen.leave(follower)  # nobody's until a controller attaches
        shared = self.shared.get(follower.session_id)
        if shared is not None:
            shared.remove_client(follower.state_key)

    def _share(self, engine: SessionEngine, title: str) -> Callable[..., None]:
        """The session's shared state, sent to its followers; returns what to call (from
        any thread) when the engine's or the agent's state changed."""
        followers = self.followers
        shared = SharedState(
            title, engine.agent, engine.state, lambda sync: followers.send_sync(engine.id, sync)
        )
        self.shared[engine.id] = shared

        def changed(*_: object) -> None:
            self.followers.from_thread(self._refresh, engine.id)

        engine.on_state = changed
        engine.on_unstored = self._committed  # a private line's: to the clients, in order
        engine.on_command_end = lambda ended: self._offer_help(engine, ended)
        self._relay_full_screen(engine)
        return changed

    def _offer_help(self, engine: SessionEngine, ended: CommandEnded) -> None:
        """On the session's thread: help for the client whose line failed, sent after the
        command's end (hops to the loop behind the end's event, so it arrives after it)."""
        agent = self.agents.get(engine.id)
        has_agent = agent is not None and agent.spec is not None
        message = offer_message(engine.id, ended, engine.shell.index, has_agent=has_agent)
        if message is not None:
            self.followers.from_thread(self.followers.send_to, engine.id, ended.owner, message)

    def _relay_full_screen(self, engine: SessionEngine) -> None:
        """A full-screen program's screen to its owner, and its start and end to every
        follower, in the order the session's threads said them (hops to the loop)."""
        relay, followers = engine.terminal.full_screen, self.followers
        relay.on_change = lambda program: followers.from_thread(
            followers.tell_full_screen, engine.id, program
        )
        relay.on_output = lambda owner, data: followers.from_thread(
            followers.send_screen, engine.id, owner, data
        )

    def tell_full_screen(self, follower: Follower) -> None:
        """A client that attaches while a full-screen program runs is told so; a controller
        adopts one whose owner left."""
        engine = self.engines.get(follower.session_id)
        if engine is None or engine.terminal.full_screen.current is None:
            return
        if follower.role == "controller":
            engine.terminal.full_screen.adopt(follower)
        if engine.terminal.full_screen.current is not None:
            self.followers.tell_full_screen(
                engine.id, engine.terminal.full_screen.current, follower
            )

    def _refresh(self, session_id: str) -> None:
        """Bring the session's shared state up to date with its engine and agent."""
        shared, engine = self.shared.get(session_id), self.engines.get(session_id)
        if shared is None or engine is None:
            return
        agent = self.agents.get(session_id)
        shared.set_state(state_of(engine, agent))
        if agent is not None:
            shared.set_agent(agent.name)
            shared.set_queue(agent.waiting())
            shared.set_questions(agent.questions.pending())

    async def _watch_for_passwords(self) -> None:
        """Whether each session's running program reads a password, in its shared state,
        so every client masks what is typed for it (as the app polls its own bash: echo
        off is a terminal setting, no event says it changed)."""
        while True:
            await asyncio.sleep(PASSWORD_POLL)
            for session_id, engine in list(self.engines.items()):
                shared = self.shared.get(session_id)
                if shared is not None:
                    shared.set_secret_input(engine.reads_secret())

    # -- choosing and opening sessions ---------------------------------------------------

    def check_agent(self, name: str) -> None:
        """RequestFailed (``no-agent``) unless ``name`` is an agent that can run here: an
        attach that will switch to it is refused before any session is opened or revived."""
        try:
            agent_named(self._loaded.config.agents, name)
        except UnknownAgent as error:
            raise RequestFailed(str(error), "no-agent") from None

    async def session_for(self, session: str | None, cwd: str, new: bool) -> SessionEngine:
        """The live session an attach asks for, opened (claimed, its bash started) if needed:
        an id or unique prefix, a new one, or this directory's last one."""
        async with self._opening:
            journal = self.host_journal.require()
            if session:
                try:
                    session_id = await asyncio.to_thread(journal.resolve_id, session)
                except (SessionNotFoundError, AmbiguousSessionIdError) as error:
                    raise RequestFailed(f"{error} (see `conch sessions`)", "no-session") from None
                live = self.engines.get(session_id)
                return live or await self._open(cwd, new=False, resume=session_id)
            if not cwd:
                raise RequestFailed("attach needs a session id or the client's cwd", "bad-params")
            if not new:
                last = await asyncio.to_thread(journal.last_session_for_cwd, cwd)
                if last is not None and last.id in self.engines:
                    return self.engines[last.id]
            return await self._open(cwd, new=new, resume=None)

    async def _open(self, cwd: str, *, new: bool, resume: str | None) -> SessionEngine:
        journal = self.host_journal.require()
        config = self._loaded.config
        default_agent = config.agent.default or ""
        try:
            opened = await asyncio.to_thread(
                open_at_start,
                journal,
                cwd,
                config.ui.default_mode,
                default_agent,
                new=new,
                resume=resume,
            )
        except (SessionNotFoundError, AmbiguousSessionIdError) as error:
            raise RequestFailed(f"{error} (see `conch sessions`)", "no-session") from None
        except JournalError as error:
            raise RequestFailed(f"the journal failed: {error}", "journal") from None
        engine = SessionEngine(journal, opened, cwd or opened.record.cwd, config.shell,
                               private_prefix=config.agent.private_prefix,
                               config_path=self._loaded.path,
                               scrollback_lines=config.ui.scrollback_lines)  # fmt: skip
        changed = self._share(engine, opened.record.title or "")
        agent = SessionAgent(engine, config, changed)
        await asyncio.to_thread(engine.start)
        for problem in self._loaded.problems:  # the app shows them on start; so does a session
            await asyncio.to_thread(engine.notice, problem, "warning")
        if opened.how == "new" and agent.spec is None:  # a first run: how to get an agent
            await asyncio.to_thread(engine.notice, no_agent_hint())
        agent.start()
        self.engines[engine.id] = engine
        self.agents[engine.id] = agent
        self._refresh(engine.id)
        await self._save_live_list()
        log.info("session %s live (%s)", engine.id, opened.how)
        return engine

    # -- conch ps ------------------------------------------------------------------------

    async def summaries(self) -> list[SessionSummary]:
        journal = self.host_journal.journal
        if journal is None:
            return []

        def titles() -> dict[str, str]:
            found: dict[str, str] = {}
            for session_id in list(self.engines):
                with contextlib.suppress(JournalError, SessionNotFoundError):
                    summary = journal.summary(session_id)
                    found[session_id] = summary.display_title
            return found

        named = await asyncio.to_thread(titles)
        return [
            summary_of(engine, self.agents.get(engine.id), self.followers.of(engine.id),
                       named.get(engine.id, ""))
            for engine in self.engines.values()
        ]  # fmt: skip
