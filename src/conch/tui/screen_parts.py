"""The few widgets the controllers talk to, looked up once.

The conversation grows without bound and a DOM query walks every block, so each part is
found on first use and kept. Nothing here changes what a widget shows.
"""

from __future__ import annotations

from functools import cached_property

from textual.app import App

from conch.tui.prompt_providers import CwdProvider, ModeProvider
from conch.tui.widgets.conversation import Conversation
from conch.tui.widgets.prompt_bar import PromptBar


class ScreenParts:
    """The conversation, the prompt bar and the two providers that wrap it."""

    def __init__(self, app: App[None]) -> None:
        self._app = app

    @cached_property
    def conversation(self) -> Conversation:
        return self._app.query_one(Conversation)

    @cached_property
    def prompt_bar(self) -> PromptBar:
        return self._app.query_one(PromptBar)

    @cached_property
    def mode_provider(self) -> ModeProvider:
        """Owns the execution mode (Auto, Shell, Agent)."""
        return self._app.query_one(ModeProvider)

    @cached_property
    def cwd_provider(self) -> CwdProvider:
        """Owns the directory the prompt shows (the session bash's, after each command)."""
        return self._app.query_one(CwdProvider)
