"""When Conch's own agent must ask the user before a tool acts.

Writes, edits and commands ask unless the user chose "Always allow" for that
tool kind earlier in the session. A write whose target lies outside the
project always asks, whatever was remembered: Conch never writes outside the
project without an explicit allow for that very write (the tool runner passes
``always_ask`` for those). Reads have their own rules (read_policy).
Pure logic: no I/O except resolving paths.
"""

from __future__ import annotations

import os

from conch.agents.events import Decision


def is_inside(path: str, project_root: str) -> bool:
    """Whether ``path`` (after resolving symlinks and ``..``) lies in ``project_root``.

    An empty root contains nothing: with no project known, every write asks.
    """
    if not project_root:
        return False
    real_path = os.path.realpath(path)
    real_root = os.path.realpath(project_root)
    try:
        return os.path.commonpath([real_path, real_root]) == real_root
    except ValueError:  # one relative, one absolute: cannot be inside
        return False


def outside_project_reason(project_root: str) -> str:
    """The reason shown with a permission request for a write outside the project."""
    return f"writes outside the project {project_root or '(no project root known)'}"


class PermissionMemory:
    """Tool kinds the user allowed for good ("Always allow"), for one backend's life."""

    def __init__(self) -> None:
        self.always_allowed: set[str] = set()

    def must_ask(self, tool_kind: str) -> bool:
        """Ask unless this kind was always allowed."""
        return tool_kind not in self.always_allowed

    def remember(self, tool_kind: str, decision: Decision) -> None:
        """Keep an "Always allow" answer for later calls of the same kind."""
        if decision.option_kind == "allow_always":
            self.always_allowed.add(tool_kind)
