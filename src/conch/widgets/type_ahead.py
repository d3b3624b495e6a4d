"""Questions Conch asks (permission, ask choice, offers) never take keys meant for the prompt.

Two rules, shared by every question widget: a question takes the focus only
when the prompt is empty (the user is not in the middle of a line), and keys
arriving within a short time of the question appearing were typed ahead for
something else, so they answer nothing.
"""

from __future__ import annotations

import time

from textual.app import App
from textual.widgets import Input


class TypeAheadGuard:
    """Remembers when a question appeared; says whether a key may answer it yet."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._shown_at = time.monotonic()

    def restart(self) -> None:
        """The question is on screen now (call from on_mount)."""
        self._shown_at = time.monotonic()

    @property
    def accepts_keys(self) -> bool:
        return time.monotonic() - self._shown_at >= self.seconds


def user_is_typing(app: App[object]) -> bool:
    """True when the focused input holds text the user has not submitted yet."""
    focused = app.focused
    return isinstance(focused, Input) and bool(focused.value)
