"""A message from Conch itself in the conversation (not shell or agent output)."""

from __future__ import annotations

from textual.widgets import Static


class Notice(Static):
    journal_index: int | None = None
    """The journal index of the event that began this block (None: not journaled)."""

    """Informational by default; ``-warning`` and ``-error`` classes colour it."""

    DEFAULT_CSS = """
    Notice {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        border-left: outer $primary;
        color: $text-muted;
        text-overflow: fold;  /* a long path wraps whole instead of being cut */
    }
    Notice.-warning { border-left: outer $warning; color: $warning; }
    Notice.-error { border-left: outer $error; color: $error; }
    """

    def __init__(self, text: str, level: str = "info") -> None:
        super().__init__(text, markup=False)
        if level != "info":
            self.add_class(f"-{level}")
