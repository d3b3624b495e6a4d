"""The tools Conch's own agent offers the model: their schemas and their file work.

Each file tool is a plain function of (cwd, arguments) that returns text for
the model or raises ToolError with a message the model can act on. Paths are
relative to the turn's frozen cwd. Writes come in two steps, ``plan_*`` (check
and compute the FileDiff) then ``apply_diff``, so the user sees the diff before
allowing it. Nothing here asks permission or runs commands: the backend does
both (commands run in the user's bash through AgentShell).
"""

from __future__ import annotations

import fnmatch
import glob as globbing
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conch.agents.events import FileDiff, ToolKind

READ_LIMIT_LINES = 2000
READ_LIMIT_CHARS = 100_000
LIST_LIMIT = 1000
GLOB_LIMIT = 500
GREP_LIMIT = 200
GREP_LINE_CHARS = 300
GREP_MAX_FILE_BYTES = 2_000_000
COMMAND_RESULT_CHARS = 10_000
COMMAND_TIMEOUT_DEFAULT = 120.0
COMMAND_TIMEOUT_MAX = 600.0
# A NUL byte in the first block is how git and grep tell binary files apart too.
BINARY_SNIFF_BYTES = 8192
SKIPPED_DIRS = frozenset({".git"})
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


class ToolError(Exception):
    """A tool could not do what was asked; the message goes back to the model."""


@dataclass(frozen=True)
class ToolInfo:
    """One tool as the model sees it, and how Conch treats it."""

    name: str
    kind: ToolKind
    description: str
    properties: dict[str, Any]
    required: tuple[str, ...]
    asks_permission: bool = False
    changes_files: bool = False
    """Its target is checked against the project root (write_policy)."""

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-calling declaration."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": {
                    "type": "object",
                    "properties": self.properties,
                    "required": list(self.required),
                },
            },
        }


def _string(description: str) -> dict[str, str]:
    return {"type": "string", "description": description}


def _integer(description: str) -> dict[str, str]:
    return {"type": "integer", "description": description}


TOOLS: dict[str, ToolInfo] = {
    tool.name: tool
    for tool in (
        ToolInfo(
            "read_file",
            "read",
            "Read a text file. Long files come in pages of lines; use offset to go on.",
            {
                "path": _string("File path, relative to the working directory."),
                "offset": _integer("First line to read, counting from 1."),
                "limit": _integer(f"Most lines to read (default {READ_LIMIT_LINES})."),
            },
            ("path",),
        ),
        ToolInfo(
            "write_file",
            "edit",
            "Create a file or replace all of its content. Prefer edit_file for changes.",
            {"path": _string("File path."), "content": _string("The whole new content.")},
            ("path", "content"),
            asks_permission=True,
            changes_files=True,
        ),
        ToolInfo(
            "edit_file",
            "edit",
            "Replace one exact piece of a file. old_text must occur exactly once in the "
            "file: copy it from read_file output, with enough lines to be unique.",
            {
                "path": _string("File path."),
                "old_text": _string("The exact text to replace (must be unique in the file)."),
                "new_text": _string("The text to put in its place."),
            },
            ("path", "old_text", "new_text"),
            asks_permission=True,
            changes_files=True,
        ),
        ToolInfo(
            "list_dir",
            "read",
            "List a directory; directories end with '/'.",
            {"path": _string("Directory path (default: the working directory).")},
            (),
        ),
        ToolInfo(
            "glob",
            "search",
            "Find files whose path matches a glob pattern such as 'src/**/*.py'.",
            {"pattern": _string("Glob pattern, relative to the working directory.")},
            ("pattern",),
        ),
        ToolInfo(
            "grep",
            "search",
            "Search file contents with a Python regular expression; prints path:line: text.",
            {
                "pattern": _string("Python regular expression."),
                "path": _string("File or directory to search (default: the working directory)."),
                "glob": _string("Only search files whose name matches, e.g. '*.py'."),
            },
            ("pattern",),
        ),
        ToolInfo(
            "run_command",
            "execute",
            "Run a shell command in the user's own bash, in the working directory. "
            "Not a sandbox: it acts on the user's machine.",
            {
                "command": _string("The bash command line."),
                "timeout": _integer(
                    f"Seconds before it is interrupted (default {COMMAND_TIMEOUT_DEFAULT:.0f})."
                ),
            },
            ("command",),
            asks_permission=True,
        ),
    )
}


def tool_schemas() -> list[dict[str, Any]]:
    return [tool.schema() for tool in TOOLS.values()]


# -- arguments -------------------------------------------------------------------


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


def describe_call(name: str, args: dict[str, Any]) -> str:
    """A one-line title for the UI, like "Read src/app.py" or "Run `pytest -q`"."""

    def arg(key: str, default: str = "") -> str:
        value = args.get(key, default)
        return value if isinstance(value, str) else default

    if name == "run_command":
        command = arg("command").strip()
        first = command.splitlines()[0] if command else ""
        if len(first) > 80 or first != command:
            first = first[:77] + "…"
        return f"Run `{first}`"
    titles = {
        "read_file": f"Read {arg('path')}",
        "write_file": f"Write {arg('path')}",
        "edit_file": f"Edit {arg('path')}",
        "list_dir": f"List {arg('path', '.')}",
        "glob": f"Find files `{arg('pattern')}`",
        "grep": f"Search `{arg('pattern')}` in {arg('path', '.')}",
    }
    return titles.get(name, f"Unknown tool {name}")


# -- reading -----------------------------------------------------------------------


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF_BYTES]


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
    if _is_binary(data):
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


def _in_skipped_dir(path: str) -> bool:
    return any(part in SKIPPED_DIRS for part in Path(path).parts)


def glob_files(cwd: str, args: dict[str, Any]) -> str:
    pattern = text_argument(args, "pattern")
    found: list[str] = []
    for match in globbing.iglob(pattern, root_dir=cwd, recursive=True):
        if _in_skipped_dir(match):
            continue
        found.append(match + ("/" if os.path.isdir(os.path.join(cwd, match)) else ""))
        if len(found) > GLOB_LIMIT:
            break
    if not found:
        return f"No files match {pattern}"
    found.sort()
    if len(found) > GLOB_LIMIT:
        return "\n".join([*found[:GLOB_LIMIT], f"[stopped after {GLOB_LIMIT} matches]"])
    return "\n".join(found)


def _files_under(root: str, name_glob: str) -> list[str]:
    if os.path.isfile(root):
        return [root]
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(names):
            relative = os.path.relpath(os.path.join(folder, name), root)
            target = relative if "/" in name_glob else name
            if not name_glob or fnmatch.fnmatch(target, name_glob):
                files.append(os.path.join(folder, name))
    return files


def grep_files(cwd: str, args: dict[str, Any]) -> str:
    pattern = text_argument(args, "pattern")
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise ToolError(f"invalid regular expression {pattern!r}: {error}") from None
    root = resolve_path(cwd, text_argument(args, "path", "."))
    if not os.path.exists(root):
        raise ToolError(f"{root} does not exist")
    hits: list[str] = []
    for file in _files_under(root, text_argument(args, "glob", "")):
        try:
            if os.path.getsize(file) > GREP_MAX_FILE_BYTES:
                continue
            data = Path(file).read_bytes()
        except OSError:
            continue
        if _is_binary(data):
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if regex.search(line):
                hits.append(f"{shown_path(cwd, file)}:{number}: {line[:GREP_LINE_CHARS]}")
                if len(hits) >= GREP_LIMIT:
                    hits.append(f"[stopped after {GREP_LIMIT} matches; narrow the pattern or path]")
                    return "\n".join(hits)
    return "\n".join(hits) if hits else f"No matches for {pattern}"


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


# -- commands ------------------------------------------------------------------------


def command_timeout(args: dict[str, Any]) -> float:
    timeout = number_argument(args, "timeout", COMMAND_TIMEOUT_DEFAULT)
    return min(max(timeout, 1.0), COMMAND_TIMEOUT_MAX)


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def command_result_for_model(
    output: str, exit_status: int | None, *, timed_out: bool, timeout: float
) -> str:
    """The command's outcome as the model reads it: plain text, the tail if long."""
    text = strip_ansi(output).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > COMMAND_RESULT_CHARS:
        text = (
            f"[output truncated: showing the last {COMMAND_RESULT_CHARS:,} "
            f"of {len(text):,} characters]\n" + text[-COMMAND_RESULT_CHARS:]
        )
    if timed_out:
        status = f"The command timed out after {timeout:.0f} s and was interrupted."
    elif exit_status is None:
        status = "The shell running the command exited."
    else:
        status = f"Exit status {exit_status}."
    return f"{status}\n{text}" if text.strip() else f"{status} (no output)"
