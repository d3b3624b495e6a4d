"""Fork from a turn: pick a command or a prompt of this session; the fork keeps everything up
to and including it, and the session as it is now stays untouched."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from conch.sessions.views import AgentTurnView, ConversationView, ShellBlock

_WIDTH = 100


class ForkPicker(ModalScreen[int | None]):
    """Dismisses with the event index to fork at, or None."""

    DEFAULT_CSS = """
    ForkPicker { align: center middle; }
    ForkPicker > Vertical {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 80%;
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    ForkPicker OptionList { height: auto; max-height: 20; }
    ForkPicker .fork-picker--keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Close")]
    AUTO_FOCUS = "OptionList"

    def __init__(self, view: ConversationView) -> None:
        super().__init__()
        items = [i for i in view.items if isinstance(i, AgentTurnView | ShellBlock)]
        self.indexes = [item.last_index for item in reversed(items)]
        self.options = [_option(number, item) for number, item in reversed(list(enumerate(items)))]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Fork from a turn"
            if self.options:
                yield OptionList(*self.options)
                yield Static("Enter: fork here (keeps this turn and all before it) · Esc: close",
                             classes="fork-picker--keys")  # fmt: skip
            else:
                yield Static("Nothing to fork yet: run a command or ask the agent first.")

    def on_mount(self) -> None:
        if self.options:
            self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.indexes[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _option(number: int, item: AgentTurnView | ShellBlock) -> Option:
    if isinstance(item, ShellBlock):
        status = "" if item.exit_status in (0, None) else f"  (exit {item.exit_status})"
        text = f"{number + 1:>4}  $ {item.command}{status}"
    else:
        text = f"{number + 1:>4}  ✦ {item.prompt}"
    line = text.replace("\n", " ⏎ ")
    return Option(line if len(line) <= _WIDTH else line[: _WIDTH - 1] + "…")
