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
