"""Where a session's bash starts and with what: the plain half of starting a session shell.

A new session's bash starts in the start directory; a reopened one where its last bash was,
with the variables it had exported (sessions/restore.py decides which are safe). No Textual:
the app and the host both start session shells this way.
"""

from __future__ import annotations

from pathlib import Path

from conch.config import ShellConfig
from conch.sessions.startup import OpenedSession
from conch_plugins.shell_mode.shell_options import ShellOptions


def shell_start(
    opened: OpenedSession | None, start_cwd: str, config: ShellConfig
) -> tuple[str, ShellOptions]:
    """The directory and options of the session's (not yet started) bash."""
    options = ShellOptions(source_bashrc=config.source_bashrc, bash=config.bash)
    restored = opened.shell if opened is not None else None
    if restored is None:
        return start_cwd, options
    options.extra_env.update(restored.environment)
    return restored.cwd, options


def did_not_start_note(error: str, config_path: Path) -> str:
    """What the user is told each time the session's bash could not be started."""
    return (f"The session shell did not start: {error}. Check shell.bash in {config_path} "
            "and your ~/.bashrc; the next command tries again.")  # fmt: skip
