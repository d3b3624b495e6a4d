"""One shell command while it is open, and how its events read: its output, its end.

The conversation projector (conversation_projection.py) keeps a builder per open command (and
per run of output between commands) and freezes it into a ShellBlock (views.py) when the
command ends or a view is asked for. The end is read here, from the shell_end event, onto the
ShellBlock's own fields: they are the one place that says what an ending holds. Pure Python,
no SQLite, no Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conch.sessions.views import OutputPiece, OutputRef, ShellBlock, ShellState

SIGINT_STATUS = 130
"""bash's status for a command stopped by Ctrl+C (128 + SIGINT)."""


def output_piece(payload: Mapping[str, Any]) -> OutputPiece:
    """A shell_output event's output: its text, or the reference to its blob."""
    if "ref" not in payload:
        return str(payload.get("text", ""))
    lines = payload.get("lines")
    return OutputRef(int(payload["ref"]), int(payload["size"]), str(payload.get("tail", "")),
                     lines if isinstance(lines, int) else None)  # fmt: skip


@dataclass
class ShellBuilder:
    """A command with no shell_end yet (or a run of background output), grown in place."""

    index: int
    command: str
    cwd: str
    started_at: float = 0.0
    output: list[OutputPiece] = field(default_factory=list)
    last_index: int = 0

    def add_output(self, index: int, payload: Mapping[str, Any]) -> None:
        self.last_index = index
        self.output.append(output_piece(payload))

    def freeze(
        self, state: ShellState, exit_status: int | None = None, end_cwd: str | None = None
    ) -> ShellBlock:
        """The command as it stands, with no ending read (running, interrupted, background)."""
        return ShellBlock(self.index, self.command, self.cwd, tuple(self.output), exit_status,
                          end_cwd, state, self.last_index)  # fmt: skip

    def end(self, index: int, payload: Mapping[str, Any], time: float) -> ShellBlock:
        """The command as its shell_end event (``payload``, written at ``time``) ends it."""
        self.last_index = index
        status = payload.get("exit_status")
        exit_status = int(status) if isinstance(status, int) else None
        end_cwd = payload.get("cwd")
        if payload.get("interrupted"):  # Conch stopped it: no ending to read
            return self.freeze("interrupted", exit_status, str(end_cwd) if end_cwd else None)
        block = self.freeze("finished", exit_status, str(end_cwd) if end_cwd else None)
        return _with_ending(block, payload, time - self.started_at)


def _with_ending(block: ShellBlock, payload: Mapping[str, Any], between: float) -> ShellBlock:
    """How a command ended. Journals written before these fields existed say nothing: the
    time between its start and end events stands in for the duration (they are stamped when
    written, a few ms off), and status 130 is read as Ctrl+C, which is what bash reports."""
    duration = payload.get("duration")
    by_user = payload.get("interrupted_by_user")
    lines = payload.get("spool_complete_lines")
    return dataclasses.replace(
        block,
        duration=float(duration) if isinstance(duration, int | float) else max(0.0, between),
        interrupted_by_user=(
            bool(by_user) if isinstance(by_user, bool) else block.exit_status == SIGINT_STATUS
        ),
        timed_out=payload.get("timed_out") is True,
        not_started=payload.get("not_started") is True,
        spool_error=str(payload.get("spool_error") or ""),
        spool_complete_lines=int(lines) if isinstance(lines, int) else 0,
        spool_path=str(payload.get("spool_path") or ""),
        bash_restarted=payload.get("restarted") is True,
        ran_full_screen=payload.get("full_screen") is True,
    )
