"""The file tools: read_file and list_dir, and the write_file / edit_file changes.

Each tool is a plain function of (cwd, arguments) that returns text for the
model or raises ToolError with a message the model can act on. Paths are
relative to the turn's frozen cwd. Writes come in two steps, ``plan_*`` (check
and compute the FileDiff) then ``apply_diff``, so the user sees the diff before
allowing it. Must never: ask permission or write anything in ``plan_*`` (the
backend asks between planning and applying).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conch.agents.events import FileDiff
from conch.agents.tool_arguments import (
    ToolError,
    number_argument,
    resolve_path,
    shown_path,
    text_argument,
)

READ_LIMIT_LINES = 2000
READ_LIMIT_CHARS = 100_000
LIST_LIMIT = 1000
# A NUL byte in the first block is how git and grep tell binary files apart too.
BINARY_SNIFF_BYTES = 8192


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF_BYTES]


# -- reading -----------------------------------------------------------------------


def _existing_file(cwd: str, args: dict[str, Any]) -> Path:
    path = Path(resolve_path(cwd, text_argument(args, "path")))
    if path.is_dir():
        raise ToolError(f"{path} is a directory; use list_dir")
    if not path.exists():
        raise ToolError(f"{path} does not exist")
    return path


def read_file(cwd: str, args: dict[str, Any]) -> str:
    path = _existing_file(cwd, args)
    data = path.read_bytes()
    if is_binary(data):
        raise ToolError(f"{path} is a binary file")
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    if not lines:
        return "(the file is empty)"
    first = max(1, int(number_argument(args, "offset", 1)))
    limit = max(1, int(number_argument(args, "limit", READ_LIMIT_LINES)))
    if first > len(lines):
        raise ToolError(f"offset {first} is past the end: the file has {len(lines)} lines")
    chosen: list[str] = []
    size = 0
    for line in lines[first - 1 : first - 1 + limit]:
        if chosen and size + len(line) > READ_LIMIT_CHARS:
            break
        chosen.append(line)
        size += len(line)
    last = first + len(chosen) - 1
    text = "".join(chosen)
    if first > 1 or last < len(lines):
        note = f"[lines {first}-{last} of {len(lines)}"
        note += f"; read on with offset={last + 1}]" if last < len(lines) else "]"
        text = text + ("" if text.endswith("\n") else "\n") + note
    return text


def list_dir(cwd: str, args: dict[str, Any]) -> str:
    path = Path(resolve_path(cwd, text_argument(args, "path", ".")))
    if not path.is_dir():
        raise ToolError(f"{path} is not a directory")
    entries = sorted(path.iterdir(), key=lambda entry: entry.name)
    names = [entry.name + ("/" if entry.is_dir() else "") for entry in entries[:LIST_LIMIT]]
    if not names:
        return "(empty directory)"
    if len(entries) > LIST_LIMIT:
        names.append(f"[{len(entries) - LIST_LIMIT} more entries not shown]")
    return "\n".join(names)


# -- writing -------------------------------------------------------------------------


def _current_text(path: Path) -> str | None:
    """The file's text exactly (newlines untranslated), or None when it does not exist."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None


def plan_write(cwd: str, args: dict[str, Any]) -> FileDiff:
    path = Path(resolve_path(cwd, text_argument(args, "path")))
    content = text_argument(args, "content")
    if path.is_dir():
        raise ToolError(f"{path} is a directory")
    return FileDiff(str(path), _current_text(path), content)


def plan_edit(cwd: str, args: dict[str, Any]) -> FileDiff:
    path = _existing_file(cwd, args)
    old_text = text_argument(args, "old_text")
    new_text = text_argument(args, "new_text")
    if not old_text:
        raise ToolError("old_text is empty; give the exact text to replace")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ToolError(f"{path} is not UTF-8 text; it cannot be edited with edit_file") from None
    count = text.count(old_text)
    if count == 0:
        raise ToolError(
            f"old_text was not found in {path}; read the file and copy the text exactly"
        )
    if count > 1:
        raise ToolError(
            f"old_text occurs {count} times in {path}; include more surrounding lines "
            "so that it matches exactly once"
        )
    return FileDiff(str(path), text, text.replace(old_text, new_text, 1))


def apply_diff(diff: FileDiff) -> None:
    """Write the planned change, unless the file changed while the user was asked."""
    path = Path(diff.path)
    if _current_text(path) != diff.old_text:
        raise ToolError(f"{path} changed while waiting for permission; read it again")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(diff.new_text)


def diff_summary(diff: FileDiff, cwd: str) -> str:
    """What the model is told after a successful write."""
    where = shown_path(cwd, diff.path)
    if diff.old_text is None:
        lines = len(diff.new_text.splitlines())
        return f"Created {where} ({lines} line{'' if lines == 1 else 's'})."
    return f"Updated {where}."
