"""`@` mentions in agent prompts: the project's files, matched fuzzily.

Typing ``@rtdec`` should find ``plugins/…/route_decision.py`` the way an editor's "go to file"
does: the letters appear in order, and a match scores higher when its letters are adjacent,
start a path part or a word, and sit in the file name rather than a directory name. Files
come from ``git ls-files`` in a repository (so ignored files stay out) and from a bounded walk
elsewhere. No Textual: the prompt calls this from a worker thread.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass

MAX_FILES = 50_000
"""A walk stops here: a home directory is not a project."""
_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache",
     ".ruff_cache", ".pytest_cache", ".tox", "target", "dist", "build", ".cache", ".idea"}
)  # fmt: skip
_FRESH_FOR = 5.0
"""Seconds a listing is reused: new files show up at the next `@` after that."""
_WORD_STARTS = "/._- "


@dataclass(frozen=True)
class _Listing:
    paths: tuple[str, ...]
    taken: float


class ProjectFiles:
    """The files (and their directories) under one root, listed lazily and cached briefly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, _Listing] = {}

    def list(self, root: str) -> tuple[str, ...]:
        with self._lock:
            cached = self._cache.get(root)
            if cached is not None and time.monotonic() - cached.taken < _FRESH_FOR:
                return cached.paths
            paths = tuple(_with_directories(_git_files(root) or _walk(root)))
            self._cache[root] = _Listing(paths, time.monotonic())
            return paths


def rank(query: str, paths: tuple[str, ...] | list[str], limit: int = 200) -> list[str]:
    """The paths that contain ``query``'s letters in order, best first (at most ``limit``)."""
    if not query:
        shallow = sorted(paths, key=lambda path: (path.count("/"), path))
        return shallow[:limit]
    lowered = query.lower()
    scored: list[tuple[float, str]] = []
    for path in paths:
        score = match_score(lowered, path)
        if score is not None:
            scored.append((score, path))
    scored.sort(key=lambda pair: (-pair[0], len(pair[1]), pair[1]))
    return [path for _, path in scored[:limit]]


def match_score(query: str, path: str) -> float | None:
    """How well lowercase ``query`` matches ``path`` as a subsequence; None if it does not.

    A match inside the file name beats one spread over directories: ``appy`` is ``app.py``
    before ``agents/write_policy.py``.
    """
    lowered = path.lower()
    name_start = lowered.rfind("/", 0, len(lowered) - 1) + 1
    position = lowered.find(query)
    if position >= 0:  # the query as one piece: best, and best of all in the file name
        bonus = 2.0 if position >= name_start else 0.0
        start = 1.0 if position == 0 or lowered[position - 1] in _WORD_STARTS else 0.0
        return 10.0 + bonus + start - len(path) / 1000
    spread = _subsequence_score(query, lowered)
    if spread is None:
        return None
    in_name = _subsequence_score(query, lowered[name_start:])
    if in_name is not None:
        spread = max(spread, 5.0 + in_name)
    return spread - len(path) / 1000


def _subsequence_score(query: str, lowered: str) -> float | None:
    name_start = lowered.rfind("/", 0, len(lowered) - 1) + 1
    score = 0.0
    previous = -2
    at = 0
    for char in query:
        found = lowered.find(char, at)
        if found < 0:
            return None
        if found == previous + 1:
            score += 1.0
        if found == 0 or lowered[found - 1] in _WORD_STARTS:
            score += 0.8
        if found >= name_start:
            score += 0.3
        previous = found
        at = found + 1
    return score / len(query)


def _git_files(root: str) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if listed.returncode != 0:
        return []
    names = listed.stdout.decode(errors="replace").split("\0")
    return [name for name in names if name][:MAX_FILES]


def _walk(root: str) -> list[str]:
    found: list[str] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative + "/"
        for name in sorted(files):
            found.append(prefix + name)
            if len(found) >= MAX_FILES:
                return found
    return found


def _with_directories(files: list[str]) -> list[str]:
    """Files plus each directory that holds them, written with a trailing ``/``."""
    directories: set[str] = set()
    for path in files:
        cut = path.rfind("/")
        while cut > 0:
            parent = path[: cut + 1]
            if parent in directories:
                break
            directories.add(parent)
            cut = path.rfind("/", 0, cut)
    return sorted(directories) + files
