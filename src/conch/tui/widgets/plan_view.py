"""The agent's plan: each entry with its status, replaced whole on every update."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from conch.agents.events import PlanEntry

_MARKS = {"pending": ("☐", "dim"), "in_progress": ("◐", "bold"), "completed": ("☑", "green")}


def plan_text(entries: tuple[PlanEntry, ...]) -> Text:
    text = Text("Plan\n", style="bold")
    for entry in entries:
        mark, style = _MARKS.get(entry.status, ("☐", ""))
        text.append(f"{mark} {entry.content}\n", style=style)
    text.rstrip()
    return text


class PlanView(Static):
    DEFAULT_CSS = """
    PlanView { height: auto; margin: 0 0 0 1; padding: 0 1; border-left: wide $secondary; }
    """

    def show(self, entries: tuple[PlanEntry, ...]) -> None:
        self.update(plan_text(entries))
