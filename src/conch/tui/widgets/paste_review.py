"""A paste of several lines is held here for review, never cut to its first line.

The one-line prompt cannot show it, and running pasted lines unseen is how a stray
`rm` runs. So the whole text opens in a small editor; Ctrl+S submits it as one entry
(the shell runs it as one script, the agent gets it as one prompt, a running program
gets every line), Esc drops it. It never submits on its own.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea


class PasteReview(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PasteReview { align: center bottom; }
    PasteReview > Vertical {
        width: 100%;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    PasteReview .paste-title { text-style: bold; }
    PasteReview TextArea { height: auto; max-height: 20; }
    PasteReview .paste-keys { color: $text-muted; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit all lines"),
        Binding("escape", "drop", "Drop the paste"),
    ]

    def __init__(self, text: str, destination: str) -> None:
        """``destination``: where Ctrl+S sends it, in a few words ("the running `cat`")."""
        super().__init__()
        self.text = text
        self.destination = destination

    def compose(self) -> ComposeResult:
        lines = len(self.text.splitlines())
        with Vertical():
            yield Static(f"Pasted {lines} lines — held here for review, nothing has run.",
                         classes="paste-title", markup=False)  # fmt: skip
            yield TextArea(self.text, id="paste-text", soft_wrap=True)
            yield Static(f"Ctrl+S: submit all {lines} lines as one to {self.destination}"
                         " · Esc: drop the paste", classes="paste-keys", markup=False)  # fmt: skip

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_drop(self) -> None:
        self.dismiss(None)


def hold_for_review(app: App[None], prompt: Input, text: str, destination: str) -> None:
    """Open the review for ``text`` pasted into ``prompt``; what the user keeps is submitted
    from ``prompt`` as one line (the ordinary path of a typed line); Esc keeps what the
    prompt held before the paste. ``destination`` says where that line would go."""

    def reviewed(kept: str | None) -> None:
        if kept:
            prompt.post_message(Input.Submitted(prompt, kept))
        prompt.focus()

    app.push_screen(PasteReview(text, destination), reviewed)
