"""Before the app starts: open the journal and claim the session this start asks for.

Done outside the event loop (a migration or a backup may take a moment). A journal that
cannot be opened does not stop Conch: it starts unsaved and says why. Only a ``--resume``
that names no session is an error, because the user asked for something that is not there.
"""

from __future__ import annotations

from conch.config import LoadedConfig
from conch.session_binding import SessionLink, link_session
from conch.sessions.errors import AmbiguousSessionIdError, JournalError, SessionNotFoundError
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path, root_marker_path
from conch.sessions.startup import open_at_start


class SessionChoiceError(Exception):
    """``--resume ID`` names no single session."""


def open_session(
    cwd: str, loaded: LoadedConfig, agent: str | None, *, new: bool, resume: str | None
) -> SessionLink:
    path = journal_path()
    try:
        journal = Journal.open(path, root_marker=root_marker_path())
    except (JournalError, OSError) as error:
        problem = (
            f"Sessions are not being saved: the journal {path} could not be opened ({error}). "
            "Move it aside to start a new one; Conch did not change it."
        )
        return SessionLink(None, None, problem)
    mode = loaded.config.ui.default_mode
    agent_name = agent or loaded.config.agent.default or ""
    try:
        opened = open_at_start(journal, cwd, mode, agent_name, new=new, resume=resume)
    except (SessionNotFoundError, AmbiguousSessionIdError) as error:
        journal.close()
        raise SessionChoiceError(f"{error} (see `conch sessions`)") from error
    except JournalError as error:
        journal.close()
        problem = f"Sessions are not being saved: {error}."
        return SessionLink(None, None, problem)
    return link_session(journal, opened)
