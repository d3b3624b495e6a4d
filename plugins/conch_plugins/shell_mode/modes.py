"""The three execution modes and the rule for cycling through them."""

from __future__ import annotations

from enum import StrEnum


class ExecutionMode(StrEnum):
    """Where a submitted line goes."""

    AUTO = "auto"
    SHELL = "shell"
    AGENT = "agent"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def icon(self) -> str:
        return _ICONS[self]


_ICONS = {ExecutionMode.AUTO: "◆", ExecutionMode.SHELL: "$", ExecutionMode.AGENT: "✦"}
_CYCLE = (ExecutionMode.AUTO, ExecutionMode.SHELL, ExecutionMode.AGENT)


def next_mode(mode: ExecutionMode) -> ExecutionMode:
    """Auto → Shell → Agent → Auto."""
    return _CYCLE[(_CYCLE.index(mode) + 1) % len(_CYCLE)]


def parse_mode(name: str) -> ExecutionMode:
    """A mode from its name in config or history, case-insensitive."""
    try:
        return ExecutionMode(name.strip().lower())
    except ValueError:
        choices = ", ".join(mode.value for mode in ExecutionMode)
        raise ValueError(f"unknown mode {name!r}: choose one of {choices}") from None
