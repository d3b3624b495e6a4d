"""The app's link to its journaled session: restore at start, record while running.

The first session is chosen and claimed before the app starts (session_opening), so the
event loop never waits on a migration or a lock; later ones are opened in place
(session_switcher). If the journal fails mid-session, Conch says
so once and keeps working: the user loses the recording, never the work in front of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

from textual.app import App
from textual.message import Message

from conch.agent_replay import AgentReplay
from conch.agent_runner import QueuedPrompt
from conch.agents.backend import AgentBackend
from conch.agents.events import AgentEvent, Decision, PermissionRequest
from conch.session_link import SessionLink
from conch.session_recorder import (
    OUTPUT_DELAY,
    NoticeLevel,
    SessionRecorder,
    TurnRecording,
    stopped_saving_note,
)
from conch.sessions.events import TurnStatus
from conch.tui.screen_parts import ScreenParts
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.modes import ExecutionMode, parse_mode

T = TypeVar("T")


class GuardedTurn:
    """A turn's recording whose failures go to the app's one report, never to the turn."""

    def __init__(self, binding: SessionBinding, recording: TurnRecording) -> None:
        self.binding = binding
        self.recording = recording

    def update(self, event: AgentEvent) -> None:
        self.binding.record(lambda _: self.recording.update(event))

    def permission_asked(self, request: PermissionRequest) -> None:
        self.binding.record(lambda _: self.recording.permission_asked(request))

    def permission(self, request: PermissionRequest, decision: Decision) -> None:
        self.binding.record(lambda _: self.recording.permission(request, decision))

    def flush(self) -> None:
        self.binding.record(lambda _: self.recording.flush())

    def end(self, status: TurnStatus, stop_reason: str = "") -> None:
        self.binding.live_turn = None
        self.binding.record(lambda _: self.recording.end(status, stop_reason))


class RecordingFailed(Message):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class SessionBinding:
    """The journal writer of the session on screen (the agent runner's TurnJournal too).

    Every write goes through ``record``, from any thread: a failure ends recording and is
    reported once, on the event loop.
    """

    def __init__(self, app: App[None], parts: ScreenParts, link: SessionLink) -> None:
        self.app = app
        self.parts = parts
        self.link = link
        self.recorder: SessionRecorder | None = None
        self.live_turn: GuardedTurn | None = None
        """The running turn's recording (its batch is committed every OUTPUT_DELAY seconds)."""
        self.agent_replay = AgentReplay(None, self.tell)
        """What the agent is told of the earlier conversation (shared with the host)."""
        self.bind(link)

    def bind(self, link: SessionLink) -> None:
        """Record into ``link``'s session from now on; nothing of the last one carries over."""
        self.link = link
        self.recorder = None
        self.live_turn = None
        if link.journal is not None and link.opened is not None and link.opened.is_writable:
            self.recorder = SessionRecorder(link.journal, link.opened.record.id)
        self.agent_replay = AgentReplay(self.recorder, self.tell)

    def start_recording(self) -> None:
        """Once per app: journal mode changes, and commit a quiet agent's stream."""
        self.app.watch(self.parts.mode_provider, "mode", self._record_mode, init=False)
        self.app.set_interval(OUTPUT_DELAY, self._flush_live_turn)

    def restore(self) -> None:
        """Put the session's past conversation on screen, then say what was restored."""
        link = self.link
        conversation = self.parts.conversation
        if link.problem:
            conversation.add_block(Notice(link.problem, "warning"))
        if link.journal is None or link.opened is None:
            return
        loss = link.journal.storage_loss
        if loss is not None:
            conversation.add_block(Notice(loss.message, "warning"))
        view = link.view
        if view is not None:
            from conch.tui.widgets.restored import restored_widgets

            widgets = list(restored_widgets(view, link.journal.read_blob))
            if widgets:
                conversation.mount_all(widgets)
            if view.mode:
                with contextlib.suppress(ValueError):
                    self.parts.mode_provider.mode = parse_mode(view.mode)
        if link.damage_note:  # below what was salvaged, where the eye is
            conversation.add_block(Notice(link.damage_note, "warning"))
        notes = [link.opened.note, link.opened.shell.note if link.opened.shell else ""]
        for note in filter(None, notes):
            self.tell(note)

    def record(self, write: Callable[[SessionRecorder], T]) -> T | None:
        """Run one journal write; on failure, stop recording and say so once."""
        recorder = self.recorder
        if recorder is None:
            return None
        try:
            return write(recorder)
        except Exception as error:  # a full disk or a damaged file must not crash the UI
            self.recorder = None
            self.app.post_message(RecordingFailed(error))  # thread-safe: writers run in workers
            return None

    def recording_failed(self, message: RecordingFailed) -> None:
        text = stopped_saving_note(
            message.error,
            "What is on screen is kept; restart Conch "
            "to save again (`conch --new` if the session is damaged).",
        )
        self.parts.conversation.add_block(Notice(text, "error"))

    # -- TurnJournal, for the agent runner ---------------------------------------------

    def turn_started(self, queued: QueuedPrompt[AgentTurn]) -> GuardedTurn | None:
        if queued.turn_index is None:
            return None
        recording = self.record(lambda recorder: recorder.turn_started(queued.turn_index or 0))
        self.live_turn = GuardedTurn(self, recording) if recording is not None else None
        return self.live_turn

    def _flush_live_turn(self) -> None:
        """Streamed updates are batched; this commits them while the agent is quiet too."""
        if self.live_turn is not None:
            self.live_turn.flush()

    async def replay_for(self, queued: QueuedPrompt[AgentTurn], backend: AgentBackend) -> str:
        """After a restart the agent is new: resume its own session if it can (ACP
        session/load), else give it the earlier conversation as text, once."""
        return await self.agent_replay.replay_for(
            backend, queued.turn_index, queued.context, self.record
        )

    def _record_mode(self, mode: ExecutionMode) -> None:
        self.record(lambda recorder: recorder.mode_changed(mode.value))

    def turn_finished(self, backend: AgentBackend) -> None:
        self.agent_replay.turn_finished(backend, self.record)

    def record_notice(self, text: str, level: NoticeLevel = "info") -> int | None:
        return self.record(lambda recorder: recorder.notice(text, level))

    def tell(self, text: str, level: NoticeLevel = "info") -> None:
        """A notice on screen, journaled so that it is there after a restart too."""
        notice = Notice(text, level)
        notice.journal_index = self.record_notice(text, level)
        self.parts.conversation.add_block(notice)

    def close(self) -> None:
        link = self.link
        if link.journal is None:
            return
        if self.recorder is not None:
            session_id = self.recorder.session_id
            journal = link.journal
            self.record(lambda _: journal.set_status(session_id, "idle"))
            journal.release(session_id)
        link.journal.close()
