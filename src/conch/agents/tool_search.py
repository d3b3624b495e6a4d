"""The search tools: glob (files by path pattern) and grep (file contents by regex).

Plain functions of (cwd, arguments) that return text for the model or raise
ToolError. Results are capped so a broad pattern cannot flood the model's
context; the cap is said in the result so the model narrows its search. Must
never: change a file, search inside .git, or read binary or huge files, or
``.env`` files (secrets) in a search over a folder.
"""

from __future__ import annotations

import fnmatch
import glob as globbing
import os
import re
from pathlib import Path
from typing import Any

from conch.agents.read_policy import is_env_file
from conch.agents.tool_arguments import ToolError, resolve_path, shown_path, text_argument
from conch.agents.tool_files import is_binary

GLOB_LIMIT = 500
GREP_LIMIT = 200
GREP_LINE_CHARS = 300
GREP_MAX_FILE_BYTES = 2_000_000
SKIPPED_DIRS = frozenset({".git"})


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
            if is_env_file(name):
                continue  # secrets: read only when asked for by name (and allowed)
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
        if is_binary(data):
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if regex.search(line):
                hits.append(f"{shown_path(cwd, file)}:{number}: {line[:GREP_LINE_CHARS]}")
                if len(hits) >= GREP_LIMIT:
                    hits.append(f"[stopped after {GREP_LIMIT} matches; narrow the pattern or path]")
                    return "\n".join(hits)
    return "\n".join(hits) if hits else f"No matches for {pattern}"
