"""The session picker's edits in progress (a rename field open, a delete question asked, a
journal write under way), the rename field, and the message line that asks and answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.widgets import Input, Static

from conch.sessions import SessionSummary

MessageLevel = Literal["info", "warning", "error"]


@dataclass
class PickerEdits:
    """What the picker is in the middle of; with none of it, it is idle."""

    renaming: SessionSummary | None = None
    """The session the rename field is for (until saved or cancelled)."""
    deleting: SessionSummary | None = None
    """The session the delete question is about (until y or n)."""
    deleting_forks: int = 0
    writing: bool = False
    """A journal write (or the read before the delete question) is under way."""

    @property
    def idle(self) -> bool:
        """Not renaming, confirming a delete or waiting for a write."""
        return self.renaming is None and self.deleting is None and not self.writing

    @property
    def answerable(self) -> bool:
        """The delete question waits for y or n."""
        return self.deleting is not None and not self.writing

    def ask_delete(self, summary: SessionSummary, forks: list[str]) -> str:
        """Open the delete question about ``summary``, whose forks are titled ``forks``: the
        question to show."""
        self.writing = False
        count = summary.event_count
        question = (f"Delete session “{summary.display_title}” and its {count:,} "
                    f"event{'' if count == 1 else 's'}?")  # fmt: skip
        if len(forks) == 1:
            question += f" Its fork “{forks[0]}” stays, as a session of its own."
        elif forks:
            named = ", ".join(f"“{title}”" for title in forks[:3])
            more = f" and {len(forks) - 3} more" if len(forks) > 3 else ""
            question += f" Its {len(forks)} forks ({named}{more}) stay, as sessions of their own."
        self.deleting = summary
        self.deleting_forks = len(forks)
        return f"{question}  y: delete  n: keep"

    def write_ended(self) -> None:
        """A write is done or failed: no question stays open."""
        self.writing = False
        self.deleting = None

    def deleted_text(self, summary: SessionSummary) -> str:
        """What to say once ``summary`` (the one asked about) is deleted."""
        kept = self.deleting_forks
        after = {0: "", 1: "; its fork stays"}.get(kept, f"; its {kept} forks stay")
        return f"Deleted “{summary.display_title}”{after}."


class RenameField(Input):
    """The new title of ``summary``, typed under the list: empty goes back to its first input."""

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__(summary.record.title or "", placeholder=summary.display_title,
                         id="session-rename")  # fmt: skip
        self.summary = summary

    @property
    def help(self) -> str:
        return (f"New title for “{self.summary.display_title}”: Enter saves (empty: the first "
                "input again), Esc cancels.")  # fmt: skip


class PickerMessage(Static):
    """One line for what the picker has to say: done, a question, a warning or an error."""

    DEFAULT_CSS = """
    PickerMessage { min-height: 1; color: $text-muted; }
    PickerMessage.-warning { color: $warning; }
    PickerMessage.-error { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__("", classes="session-picker--message", markup=False)
        self.says_empty = False
        """It says the list is empty (to be cleared when it is not)."""

    def listed(self, count: int, search: str) -> None:
        """The list was read again: ``count`` sessions matching ``search``."""
        if count:
            if self.says_empty:
                self.say("")
        else:
            self.say(f"No sessions match “{search}”." if search else "No sessions yet.")
            self.says_empty = True

    def say(self, text: str, level: MessageLevel = "info") -> None:
        self.says_empty = False
        self.update(text)
        self.set_class(level == "warning", "-warning")
        self.set_class(level == "error", "-error")
