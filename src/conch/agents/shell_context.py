"""What the user did in the shell since the last agent turn, told to the agent.

The agent sees recent commands with their exit status and a truncated tail of
their output, so "fix that" means something. A line the user marks private
(it starts with the private prefix, a space by default, like bash's
HISTCONTROL=ignorespace) is never included, and known secret shapes in the rest are
masked (only the part that is sent: at most MAX_OUTPUT_CHARS a command). No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from conch.secret_masking import mask_secrets

MAX_OUTPUT_CHARS = 2000
MAX_TOTAL_CHARS = 8000
MAX_KEPT = MAX_TOTAL_CHARS // 20
"""Activities kept until the next prompt: a command's part is 20 characters at the least
(``$ x   (exit 0, in /)``), so no more than this many are ever told. A session with no agent
(the host runs it for days) would otherwise keep every command's output."""


@dataclass(frozen=True)
class ShellActivity:
    command: str
    exit_status: int | None
    cwd: str
    output: str


class ShellContextLog:
    def __init__(self) -> None:
        self._pending: list[ShellActivity] = []

    def record(self, activity: ShellActivity) -> None:
        output = activity.output
        if len(output) > MAX_OUTPUT_CHARS + 1:  # one more: the told part says it was cut
            activity = replace(activity, output=output[-(MAX_OUTPUT_CHARS + 1) :])
        self._pending.append(activity)
        del self._pending[:-MAX_KEPT]

    def __len__(self) -> int:
        """Activities kept and not told yet."""
        return len(self._pending)

    def forget(self) -> None:
        """Drop what was not told yet (the session it happened in was left)."""
        self._pending = []

    def take(self) -> str:
        """The activity since the last call, as text for the prompt ("" if none)."""
        pending, self._pending = self._pending, []
        parts: list[str] = []
        budget = MAX_TOTAL_CHARS
        for activity in reversed(pending):
            part = _describe(activity)
            if len(part) > budget:
                break
            parts.append(part)
            budget -= len(part)
        if not parts:
            return ""
        body = "\n".join(reversed(parts))
        return f"<recent-shell-commands>\n{body}</recent-shell-commands>\n\n"


def is_private(line: str, prefix: str) -> bool:
    """True for lines the user keeps private: they run, but are never journaled, kept in
    history, exported, replayed or told to an agent."""
    return bool(prefix) and line.startswith(prefix)


def _describe(activity: ShellActivity) -> str:
    output = activity.output
    if len(output) > MAX_OUTPUT_CHARS:
        output = "[…earlier output cut…]\n" + output[-MAX_OUTPUT_CHARS:]
    status = "?" if activity.exit_status is None else str(activity.exit_status)
    head = f"$ {activity.command.strip()}   (exit {status}, in {activity.cwd})\n"
    return mask_secrets(head + (output.rstrip("\n") + "\n" if output.strip() else ""))
