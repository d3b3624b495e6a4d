"""The attach window's parts around the prompt: the mode badge, the queue line, and the
plugins' providers the prompt row is wrapped in (as the app wraps its own prompt).

The mode is this window's own (never the session's): the providers own it, the badge shows
it. The queue line lists the prompts waiting for the agent, numbered alike in every client.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from conch.plugin_host import load_plugins
from conch.tui.prompt_providers import ModeProvider


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


class PromptLine(Input):
    """The window's one-line prompt."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """How wide the line is. Input sets it on every edit and Textual's own declaration lays
    out the whole screen each time: a full layout per key and one more on Enter (the line is
    cleared), ~10 ms each with 40 blocks mounted, before the command's block could show.
    The line's box never depends on it (fixed height, 1fr width), so a repaint is enough,
    as for the app's PromptInput."""


class ModeBadge(Static):
    DEFAULT_CSS = """
    ModeBadge { width: auto; padding: 0 1; text-style: bold; background: $primary; }
    """


def wrapped_in_providers(prompt_row: Widget) -> Widget:
    """The prompt in the containers the plugins supply, as the app wraps its own (the mode
    provider's Ctrl+Space among them); the contract's bare ModeProvider when none does."""
    wrapped = prompt_row
    for batch in reversed(load_plugins().hook.conch_prompt_providers()):
        for factory in reversed(batch):
            wrapped = factory(wrapped)
    if wrapped is prompt_row:
        wrapped = ModeProvider(prompt_row)
    wrapped.add_class("-prompt-area")
    return wrapped
