"""A prompt sent to the agent and what came back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class AgentTurn(Vertical):
    DEFAULT_CSS = """
    AgentTurn {
        height: auto;
        margin: 0 0 1 0;
        border-left: outer #9d6cdf;
    }
    AgentTurn > .agent-prompt { padding: 0 1; text-style: bold; }
    AgentTurn > .agent-answer { padding: 0 1; }
    AgentTurn > .-unavailable { color: $warning; }
    """

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("✦ ", "bold"), self.prompt), classes="agent-prompt")

    def add_answer(self, text: str, unavailable: bool = False) -> None:
        classes = "agent-answer" + (" -unavailable" if unavailable else "")
        self.mount(Static(text, classes=classes, markup=False))
