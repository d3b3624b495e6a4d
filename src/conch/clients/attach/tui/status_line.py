"""``conch attach``'s status line, and the lines it prints when the window is gone.

One line under the conversation says where this window is: the session, its title, the
shell's cwd, the agent and, for an observer, that it cannot type. When the host goes away
the same line says so, in red, with the key that brings it back.
"""

from __future__ import annotations

from textual.widgets import Static

from conch_plugins.shell_mode.cwd import shorten_home

OBSERVING = "observing: you see this session but cannot type in it"


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
    """Where this window is, or that the host went away. A title or a path is not markup."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    StatusLine.-lost { color: $error; text-style: bold; height: auto; }  /* a path wraps */
    """

    def __init__(self) -> None:
        super().__init__("attaching…", markup=False)

    def attached(self, session: str, title: str, cwd: str, agent: str, *, observer: bool) -> None:
        self.remove_class("-lost")
        role = f" · {OBSERVING}" if observer else ""  # the footer lists the keys
        agent = f" · agent {agent}" if agent else ""
        title = f" “{title}”" if title else ""
        self.update(f"● attached to {session[:8]}{title} · {shorten_home(cwd)}{agent}{role}")

    def lost(self, reason: str) -> None:
        self.add_class("-lost")
        self.update(host_lost_line(reason))
