"""The tools Conch's own agent offers the model: what each is called, its schema,
how Conch treats it (asks permission? changes files?) and its title in the UI.

This is the catalogue; the work is elsewhere: files in tool_files, searches in
tool_search, run_command's result text in tool_command, argument checks in
tool_arguments. Must never: do a tool's work, ask permission or run commands
(the backend does both; commands run in the user's bash through AgentShell).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conch.agents.events import ToolKind
from conch.agents.tool_command import COMMAND_TIMEOUT_DEFAULT
from conch.agents.tool_files import READ_LIMIT_LINES


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
            "Run a shell command in a bash set up like the user's, in the working directory. "
            "It may run sandboxed: writes outside the project and the temp dir then fail "
            "with 'Read-only file system'; ask the user instead of working around that.",
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
