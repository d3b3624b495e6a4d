"""What a host session tells its clients after a command, besides the command's own end.

Typed input the command never read (counted, never shown: it may be a password), a bash that
did not start, and a bash that exited and was started again (or could not be). The app says
the same things (tui/shell_controller.py); here they become the session's journaled notices.
Pure: the caller journals them.
"""

from __future__ import annotations

from pathlib import Path

from conch.session_recorder import NoticeLevel
from conch.shell_start import did_not_start_note
from conch_plugins.shell_mode.bash_supervisor import RunOutcome

Note = tuple[str, NoticeLevel]


def command_end_notes(
    command: str, outcome: RunOutcome, unsent: list[str], where: str, config_path: Path
) -> list[Note]:
    """The notices after ``command`` ran: ``unsent`` is what was typed for it and held back,
    ``where`` the bash's directory as the app says it (``~/src``), ``config_path`` the file
    to check when bash does not start."""
    notes: list[Note] = []
    unread = [line for line in outcome.result.unread_input.splitlines() if line] + unsent
    if unread:
        notes.append((f"`{command}` did not read what was typed for it ({len(unread)} "
                       "lines), so it was not run.", "warning"))  # fmt: skip
    if outcome.start_error:
        notes.append((did_not_start_note(outcome.start_error, config_path), "error"))
    if outcome.revived:
        notes.append((f"bash had exited; started a new bash in {where}.", "info"))
    if outcome.restarted:
        notes.append((f"bash exited; started a new bash in {where}.", "info"))
    if outcome.restart_error:
        notes.append((f"bash exited and could not be restarted: {outcome.restart_error}",
                      "error"))  # fmt: skip
    return notes
