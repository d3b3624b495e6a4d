"""The model's tool arguments, checked, and the paths they name, resolved.

Every tool reads its arguments through here, so a wrong argument always comes
back to the model as a ToolError it can act on. Must never: touch the file
system beyond path arithmetic, or guess a value the model did not send (a
missing argument is an error unless the tool gives a default).
"""

from __future__ import annotations

import json
import os
from typing import Any


class ToolError(Exception):
    """A tool could not do what was asked; the message goes back to the model."""


def parse_arguments(raw: str) -> dict[str, Any]:
    """The model's arguments JSON as a dict, or ToolError saying what is wrong."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ToolError(f"the arguments are not valid JSON ({error}); send a JSON object") from None
    if not isinstance(value, dict):
        raise ToolError("the arguments must be a JSON object")
    return value


def text_argument(args: dict[str, Any], key: str, default: str | None = None) -> str:
    value = args.get(key, default)
    if value is None:
        raise ToolError(f"missing argument `{key}`")
    if not isinstance(value, str):
        raise ToolError(f"argument `{key}` must be a string")
    return value


def number_argument(args: dict[str, Any], key: str, default: float) -> float:
    """A number; small models often send "10" for 10, so digit strings count too."""
    value = args.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        raise ToolError(f"argument `{key}` must be a number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise ToolError(f"argument `{key}` must be a number") from None


def resolve_path(cwd: str, path: str) -> str:
    """An absolute, normalised path (symlinks kept, so the user recognises it)."""
    return os.path.normpath(os.path.join(cwd, os.path.expanduser(path)))


def shown_path(cwd: str, path: str) -> str:
    """``path`` relative to cwd when inside it, else absolute."""
    relative = os.path.relpath(path, cwd)
    return path if relative.startswith("..") else relative
