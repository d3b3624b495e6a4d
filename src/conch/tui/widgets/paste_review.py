"""A paste of several lines is held here for review, never cut to its first line.

The one-line prompt cannot show it, and running pasted lines unseen is how a stray
`rm` runs. So the whole text opens in a small editor; Ctrl+S submits it as one entry
(the shell runs it as one script, the agent gets it as one prompt, a running program
gets every line), Esc drops it. It never submits on its own. Keys act in the order typed
(key_order.py): in a burst, Backspace and the arrows edit where the letters before them
left the cursor, and the keys typed after Ctrl+S or Esc go to the prompt (after Ctrl+S,
once the app has taken the submitted text: they are typed after it).
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from conch.tui.key_order import run_binding_in_order
from conch.tui.widgets.prompt_input import PromptInput


class ReviewText(TextArea):
    """The held text, editable; each key in its turn (``run_binding_in_order``), and once
    the review is closed the keys still on their way go to ``hand_back_to``."""

    def __init__(self, text: str, hand_back_to: PromptInput | None) -> None:
        super().__init__(text, id="paste-text", soft_wrap=True)
        self.hand_back_to = hand_back_to
        self.closed = False
        """Submitted or dropped: later keys are not this text's."""

    async def _on_key(self, event: events.Key) -> None:
        if self.closed or await run_binding_in_order(self, event.key):
            event.stop()
            event.prevent_default()
            if self.closed and self.hand_back_to is not None:
                self.hand_back_to.post_message(events.Key(event.key, event.character))
            return
        await super()._on_key(event)


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

    def __init__(self, text: str, destination: str, prompt: PromptInput | None = None) -> None:
        """``destination``: where Ctrl+S sends it, in a few words ("the running `cat`");
        ``prompt``: where the kept text is submitted from, and where the keys typed after
        Ctrl+S or Esc go."""
        super().__init__()
        self.text = text
        self.destination = destination
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        lines = len(self.text.splitlines())
        with Vertical():
            yield Static(f"Pasted {lines} lines — held here for review, nothing has run.",
                         classes="paste-title", markup=False)  # fmt: skip
            yield ReviewText(self.text, self.prompt)
            yield Static(f"Ctrl+S: submit all {lines} lines as one to {self.destination}"
                         " · Esc: drop the paste", classes="paste-keys", markup=False)  # fmt: skip

    def on_mount(self) -> None:
        self.query_one(ReviewText).focus()

    def action_submit(self) -> None:
        self._close(self.query_one(ReviewText).text)

    def action_drop(self) -> None:
        self._close(None)

    def _close(self, kept: str | None) -> None:
        """Once, in the closing key's turn: the keys after it are then the prompt's, held
        by it until the app has taken the kept text (as after Enter)."""
        review = self.query_one(ReviewText)
        if review.closed:
            return
        review.closed = True
        prompt = self.prompt
        if kept and prompt is not None:
            prompt.type_ahead.hold()
            prompt.post_message(Input.Submitted(prompt, kept))
        self.dismiss(kept)


def hold_for_review(app: App[None], prompt: PromptInput, text: str, destination: str) -> None:
    """Open the review for ``text`` pasted into ``prompt``; what the user keeps is submitted
    from ``prompt`` as one line (the ordinary path of a typed line); Esc keeps what the
    prompt held before the paste. ``destination`` says where that line would go."""

    def reviewed(kept: str | None) -> None:
        prompt.focus()

    app.push_screen(PasteReview(text, destination, prompt), reviewed)
