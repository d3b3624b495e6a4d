"""The session picker's journal calls, run in worker threads, and the messages they end with.

They run in threads because writes commit with synchronous=FULL and may wait on another
writer's transaction. Each call returns the message for the picker to post: what it read or
did, or ``Failed`` with the text to show (a journal error is shown in the picker, never
raised). The messages keep the picker's namespace: it handles them as ``on_session_picker_...``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Protocol

from textual.message import Message

from conch.sessions import Journal, JournalError, SessionNotFoundError, SessionSummary


class Loaded(Message, namespace="session_picker"):
    def __init__(
        self, generation: int, summaries: list[SessionSummary], titles: dict[str, str]
    ) -> None:
        super().__init__()
        self.generation = generation
        self.summaries = summaries
        self.titles = titles
        """Display titles of the listed sessions' parents, by id."""


class Failed(Message, namespace="session_picker"):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Changed(Message, namespace="session_picker"):
    """A rename or delete is done: say so and read the list again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Forked(Message, namespace="session_picker"):
    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id


class DeleteAsked(Message, namespace="session_picker"):
    def __init__(self, summary: SessionSummary, fork_titles: list[str]) -> None:
        super().__init__()
        self.summary = summary
        self.fork_titles = fork_titles


def load(journal: Journal, search: str, generation: int) -> Loaded | Failed:
    """The sessions matching ``search`` (all if empty), and the titles of their parents."""
    try:
        summaries = journal.list_sessions(search or None)
        titles = {summary.record.id: summary.display_title for summary in summaries}
        for summary in summaries:
            parent = summary.record.parent_id
            if parent is not None and parent not in titles:
                with contextlib.suppress(SessionNotFoundError):  # deleted since listed
                    titles[parent] = journal.summary(parent).display_title
    except (JournalError, sqlite3.Error) as error:
        return Failed(f"Could not read the sessions: {error}")
    return Loaded(generation, summaries, titles)


def fork(journal: Journal, summary: SessionSummary) -> Forked | Failed:
    try:
        forked = journal.fork(summary.record.id)
    except (JournalError, sqlite3.Error, OSError) as error:
        return Failed(f"Could not fork “{summary.display_title}”: {error}")
    return Forked(forked.id)


def rename(journal: Journal, summary: SessionSummary, title: str | None) -> Changed | Failed:
    try:
        record = journal.rename(summary.record.id, title)
    except (JournalError, sqlite3.Error, OSError) as error:
        return Failed(f"Could not rename “{summary.display_title}”: {error}")
    shown = record.title or "its first input"
    return Changed(f"Renamed “{summary.display_title}” to “{shown}”.")


def ask_delete(journal: Journal, summary: SessionSummary) -> DeleteAsked | Failed:
    """What the delete question names: the titles of the session's forks."""
    try:
        forks = journal.forks_of(summary.record.id)
        titles = [journal.summary(fork.id).display_title for fork in forks]
    except (JournalError, sqlite3.Error) as error:
        return Failed(f"Could not read “{summary.display_title}”: {error}")
    return DeleteAsked(summary, titles)


def delete(journal: Journal, summary: SessionSummary, done: str) -> Changed | Failed:
    """``done``: what to say once deleted."""
    try:
        # The question named its forks: they stay, holding their own copies of the events.
        journal.delete(summary.record.id, detach_forks=True)
    except (JournalError, sqlite3.Error, OSError) as error:
        return Failed(f"Could not delete “{summary.display_title}”: {error}")
    return Changed(done)


class SessionWrites(Protocol):
    """Where the picker's rename and delete go: the journal itself (the app, which holds its
    session's claim) or the host that runs the sessions (``conch attach``: a live session's
    claim is the host's, so a write from the window would be refused)."""

    async def rename(self, summary: SessionSummary, title: str | None) -> Changed | Failed: ...

    async def delete(self, summary: SessionSummary, done: str) -> Changed | Failed: ...


class JournalWrites:
    """The picker's writes straight to the journal, each in a worker thread (a write commits
    with synchronous=FULL and may wait on another writer)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    async def rename(self, summary: SessionSummary, title: str | None) -> Changed | Failed:
        return await asyncio.to_thread(rename, self.journal, summary, title)

    async def delete(self, summary: SessionSummary, done: str) -> Changed | Failed:
        return await asyncio.to_thread(delete, self.journal, summary, done)
