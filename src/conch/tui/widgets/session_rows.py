"""The session picker's rows: one session's title, the session it was forked from, directory,
last use and status, fitted to the list's width as an option's text. A session running in a
Conch host says so in its status (``live``: what ``conch ps`` says of it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets.option_list import Option

from conch.sessions import SessionSummary
from conch.tui.widgets.durations import format_age
from conch_plugins.shell_mode.cwd import shorten_home

AGE_WIDTH = 11
"""Cells for "20 days ago" (and "2025-01-31")."""
STATUS_WIDTH = 16
STATUS_TEXT = {"idle": "idle", "busy": "agent busy", "error": "last turn failed",
               "closed": "closed"}  # fmt: skip


def session_options(
    summaries: list[SessionSummary],
    current_id: str | None,
    titles: dict[str, str],
    now: float,
    width: int,
    live: Mapping[str, str] | None = None,
) -> list[Option]:
    """One option per session (its id the session's), the columns fitted to ``width`` cells;
    ``titles``: display titles of the sessions' parents, by id; ``live``: the status of
    sessions a host runs, by id."""
    live = live or {}
    rows = [SessionRow.of(summary, current_id, titles, now, live.get(summary.record.id))
            for summary in summaries]  # fmt: skip
    columns = Columns.fitted(width, rows)
    return [Option(row.text(columns), id=row.id) for row in rows]


@dataclass(frozen=True)
class SessionRow:
    """One session's cells, before they are fitted to the list's width."""

    id: str
    is_current: bool
    title: str
    parent: str
    """"↳ " and the title of the session this one was forked from ("" if not a fork)."""
    cwd: str
    age: str
    status: str
    is_quiet: bool
    """Nothing to note (idle, not the current session): the status is dimmed."""

    @classmethod
    def of(
        cls,
        summary: SessionSummary,
        current_id: str | None,
        titles: dict[str, str],
        now: float,
        live: str | None = None,
    ) -> SessionRow:
        """``live``: what a host says of the session, if one runs it."""
        record = summary.record
        is_current = record.id == current_id
        parent = ""
        if record.parent_id is not None:
            parent = "↳ " + titles.get(record.parent_id, record.parent_id[:8])
        elif record.forked_from_event is not None:
            parent = "↳ (a deleted session)"
        status = live or STATUS_TEXT.get(record.status, record.status)
        if is_current:
            status = f"open here · {live}" if live else "open here"
        return cls(
            record.id,
            is_current,
            " ".join(summary.display_title.split()),
            parent,
            shorten_home(record.cwd),
            format_age(record.last_used_at, now),
            status,
            record.status == "idle" and not is_current and live is None,
        )

    def text(self, columns: Columns) -> Text:
        text = Text.assemble(
            ("● " if self.is_current else "  ", "bold"),
            (_cell(self.title, columns.title), "bold" if self.is_current else ""),
            " ",
        )
        if columns.parent:
            text.append(_cell(self.parent, columns.parent) + " ", "dim")
        text.append(_cell(self.cwd, columns.cwd) + " ", "dim")
        text.append(_cell(self.age, AGE_WIDTH) + " ")
        text.append(self.status, "dim" if self.is_quiet else "")
        return text


class Columns(NamedTuple):
    title: int
    parent: int
    """0: no listed session is a fork, so no column."""
    cwd: int

    @classmethod
    def fitted(cls, width: int, rows: list[SessionRow]) -> Columns:
        """Marker, age and status keep their widths; title, parent and directory share the
        rest (half, a fifth, three tenths), none wider than its longest cell."""
        width = width if width > 0 else 100
        status = max((cell_len(row.status) for row in rows), default=0)
        share = max(24, width - 2 - AGE_WIDTH - max(STATUS_WIDTH, status) - 3)
        title_need = max((cell_len(row.title) for row in rows), default=1)
        parent_need = max((cell_len(row.parent) for row in rows), default=0)
        cwd_need = max((cell_len(row.cwd) for row in rows), default=1)
        if parent_need:
            share -= 1
        parent = min(parent_need, share // 5)
        cwd = min(cwd_need, share * 3 // 10)
        title = min(title_need, share - parent - cwd)
        cwd += min(share - parent - cwd - title, cwd_need - cwd)
        parent += min(share - parent - cwd - title, parent_need - parent)
        return cls(max(1, title), parent, max(1, cwd))


def _cell(text: str, width: int) -> str:
    """``text`` on one line, clipped or padded to ``width`` cells."""
    line = " ".join(text.split())
    if cell_len(line) > width:
        return set_cell_size(line, width - 1) + "…"
    return set_cell_size(line, width)
