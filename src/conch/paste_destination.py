"""Where a pasted block would go if submitted now, in the few words a paste review shows on
its Ctrl+S line.

The app and ``conch attach`` say it with this one function: the app from its own routing,
the attach window from the host's (the ``route`` request), so one paste reads the same in
both. Plain Python: no Textual.
"""

from __future__ import annotations

from conch_plugins.shell_mode.modes import ExecutionMode

UNKNOWN = "auto"
"""``to`` when where Auto mode sends the line is not known (the host did not say)."""


def paste_destination(to: str, mode: ExecutionMode, running_command: str = "") -> str:
    """``to``: where the line would go (shell, agent, ask, or UNKNOWN); ``running_command``:
    the command that runs now (a paste is its input then)."""
    if running_command:
        return f"the running `{running_command}` as its input"
    if to == "agent":
        return "the agent, as one prompt"
    if to == "ask":
        return "Auto mode, which will ask: shell or agent"
    if to == UNKNOWN:
        return "Auto mode: the shell as one script, or the agent (it asks when unsure)"
    where = "the shell" if mode is ExecutionMode.AUTO else "the shell (Shell mode)"
    return f"{where}, as one script"
