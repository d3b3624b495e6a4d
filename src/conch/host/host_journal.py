"""The host's one journal: opened as the app opens it, or a scratch one for this run only.

The journal is opened as the app opens it (session_opening.py): a damaged one is set aside
untouched and salvaged into a new one, and the first window that attaches is told where it
went (or that the journal was wiped, when it was); one that cannot be written leaves the
host running its sessions unsaved, in a scratch journal in the runtime dir that goes when
the host stops, and every window that attaches is told so. Opening and closing block (a
salvage may take a moment): the host calls them from a thread, never on its event loop.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from conch.host.request_errors import RequestFailed
from conch.host.runtime import runtime_dir
from conch.session_opening import open_journal
from conch.sessions.errors import JournalError
from conch.sessions.journal import Journal
from conch.sessions.locations import journal_path

log = logging.getLogger("conch.host")
RESTART_HOST = "restart the Conch host (`conch host stop`, then `conch`)"
"""What to restart once the journal can be written again: a new window attaches to this host."""


class HostJournal:
    """The journal the host's sessions share, or why they cannot run; what windows are told."""

    def __init__(self) -> None:
        self.journal: Journal | None = None
        self.problem = ""
        """Why sessions cannot run ("" when the journal is open)."""
        self.unsaved = ""
        """Why sessions are not being saved ("" when they are): told to every window."""
        self._start_notes: list[str] = []
        """What opening the journal found (where a damaged one went, a wiped one): told to
        the first window that attaches, once."""
        self._scratch: Path | None = None
        """The directory of the scratch journal an unsaved host runs its sessions in."""

    @property
    def is_scratch(self) -> bool:
        """Whether the sessions run in this run's scratch journal: nothing of them is kept."""
        return self._scratch is not None

    def open(self) -> None:
        """Open the journal; a scratch one when it cannot be written; else say why not."""
        opened = open_journal(journal_path(), RESTART_HOST)
        self.journal = opened.journal
        loss = self.journal.storage_loss if self.journal is not None else None
        self._start_notes = [note for note in (opened.damage_note, loss and loss.message) if note]
        for note in self._start_notes:
            log.warning("%s", note)
        if self.journal is not None:
            return
        self.unsaved = opened.problem
        log.error("%s", self.unsaved)
        try:
            self.journal = self._open_scratch()
        except (JournalError, OSError) as error:
            self.problem = f"{self.unsaved} (no journal for this run either: {error})"
            log.error("no sessions: %s", self.problem)

    def _open_scratch(self) -> Journal:
        """A journal for this run only, private (0700), in the runtime dir (a tmpfs when
        there is one): the sessions run as in a saved journal, and nothing is kept."""
        where = runtime_dir()
        self._scratch = Path(
            tempfile.mkdtemp(prefix="unsaved-", dir=where if where.is_dir() else None)
        )
        return Journal.open(self._scratch / "journal.db")

    def close(self) -> None:
        """Close the journal; a scratch one goes with its directory."""
        if self.journal is not None:
            self.journal.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, True)

    def notices_for_attach(self) -> list[str]:
        """What a window that attaches is told about the journal: that nothing is saved
        (every window), where a damaged one was set aside or that it was wiped (the first
        window only, as the app says it once at the start that found it)."""
        notices = [self.unsaved] if self.unsaved else []
        notices += self._start_notes
        self._start_notes = []
        return notices

    def require(self) -> Journal:
        """The journal, or RequestFailed (``journal``) saying why sessions cannot run."""
        if self.journal is None:
            raise RequestFailed(f"sessions cannot run: {self.problem}", "journal")
        return self.journal
