"""The attach window's parts around the prompt: the queue line, and the plugins' providers
the prompt (the app's PromptBar) is wrapped in, as the app wraps its own.

The mode is this window's own (never the session's): the providers own it, the prompt's
badge shows it. The queue line lists the prompts waiting for the agent, numbered alike in
every client.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static

from conch.plugin_host import load_plugins
from conch.tui.prompt_providers import CwdProvider, ModeProvider


class QueueLine(Static):
    """The prompts waiting for the agent, numbered alike in every client."""

    DEFAULT_CSS = """
    QueueLine { height: auto; padding: 0 1; color: $warning; display: none; }
    QueueLine.-waiting { display: block; }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False)  # a queued prompt is shown as typed
        self._shown = ""

    def show(self, queued: str) -> None:
        """List ``queued`` (empty: hidden). The shared state changes twice a command (its
        start and end) and the queue is mostly unchanged: redrawing it laid out the whole
        screen each time, a frame of ~10 ms that held back the command's end (attach window,
        40 blocks mounted). Only a change is drawn."""
        if queued == self._shown:
            return
        self._shown = queued
        self.update(queued)
        self.set_class(bool(queued), "-waiting")


def wrapped_in_providers(prompt_row: Widget) -> Widget:
    """The prompt in the containers the plugins supply, as the app wraps its own (the mode
    provider's Ctrl+Space among them); the contract's bare providers when none does."""
    wrapped = prompt_row
    for batch in reversed(load_plugins().hook.conch_prompt_providers()):
        for factory in reversed(batch):
            wrapped = factory(wrapped)
    if wrapped is prompt_row:
        wrapped = ModeProvider(CwdProvider(prompt_row))
    wrapped.add_class("-prompt-area")
    return wrapped
