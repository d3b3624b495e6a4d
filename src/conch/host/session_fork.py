"""The host's ``fork``: a new session copied from one of the journal's, up to a chosen event.

The host holds the claim of every live session, so a client cannot fork one itself; the
host forks in its journal and hands the fork back unclaimed, so that an ``attach`` to it
opens it (claims it, starts its bash) like any stored session. The session forked from is
untouched and goes on running. Blocking (SQLite): call it from a thread.
"""

from __future__ import annotations

import sqlite3

from conch.host.request_errors import RequestFailed
from conch.sessions.errors import AmbiguousSessionIdError, JournalError, SessionNotFoundError
from conch.sessions.journal import Journal
from conch.sessions.records import SessionRecord


def fork_session(journal: Journal, session: str, at_index: int | None) -> SessionRecord:
    """The fork of ``session`` (an id or unique prefix) keeping events 0..``at_index`` (all
    when None); RequestFailed ``no-session``, ``bad-params`` or ``journal`` otherwise."""
    try:
        parent = journal.resolve_id(session)
        fork = journal.fork(parent, at_index)
    except (SessionNotFoundError, AmbiguousSessionIdError) as error:
        raise RequestFailed(f"{error} (see `conch sessions`)", "no-session") from None
    except ValueError as error:  # an index outside the session's events
        raise RequestFailed(f"{error}; pick a point from the list", "bad-params") from None
    except (JournalError, sqlite3.Error, OSError) as error:
        raise RequestFailed(f"the journal could not fork it: {error}", "journal") from None
    journal.release(fork.id)  # the attach that opens it claims it
    return fork
