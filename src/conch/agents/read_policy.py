"""When a read by Conch's own agent must ask: outside the project, or a secret store.

Reads inside the project go ahead. A read outside the project asks; "Always
allow" then covers that directory and everything below it, for the backend's
life. A well-known secret store (``~/.ssh``, ``~/.aws``, ``~/.gnupg``, keyrings,
``.env`` files…) asks every time, inside the project or not, whatever was
allowed before: what is read goes to the model's provider. Pure logic: no I/O
except resolving paths.
"""

from __future__ import annotations

import glob as globbing
import os
from dataclasses import dataclass, field

from conch.agents.write_policy import is_inside

SECRET_DIRS = (
    ".ssh",
    ".aws",
    ".gnupg",
    ".password-store",
    ".kube",
    ".docker",
    ".azure",
    ".config/gcloud",
    ".config/gh",
    ".local/share/keyrings",
)
"""Folders under the home directory that hold keys, tokens or keyrings."""
SECRET_FILES = frozenset({".netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc"})
_ENV_TEMPLATES = (".example", ".sample", ".template", ".dist")


def is_env_file(name: str) -> bool:
    """``.env``, ``.env.local``…, but not the templates committed beside them."""
    if name == ".env":
        return True
    return name.startswith(".env.") and not name.endswith(_ENV_TEMPLATES)


def secret_store(path: str, home: str | None = None) -> str | None:
    """The secret store ``path`` lies in ("~/.ssh", "a .env file"), or None."""
    real = os.path.realpath(path)
    home_dir = os.path.realpath(home or os.path.expanduser("~"))
    for folder in SECRET_DIRS:
        if is_inside(real, os.path.join(home_dir, folder)):
            return f"~/{folder}"
    name = os.path.basename(real)
    if name in SECRET_FILES and os.path.dirname(real) == home_dir:
        return f"~/{name}"
    if is_env_file(name) or is_env_file(os.path.basename(path)):
        return "a .env file"
    return None


def search_root(cwd: str, pattern: str) -> str:
    """Where a glob pattern starts reading: its folders before the first wildcard."""
    fixed: list[str] = []
    for part in os.path.expanduser(pattern).split(os.sep):
        if globbing.has_magic(part):
            break
        fixed.append(part)
    start = os.sep.join(fixed) or "."
    if pattern.startswith(os.sep) and not start.startswith(os.sep):
        start = os.sep + start
    return os.path.normpath(os.path.join(cwd, start))


@dataclass(frozen=True)
class ReadCheck:
    """Whether a read asks, and what the request says."""

    must_ask: bool
    reason: str = ""
    remember_dir: str | None = None
    """The directory an "Always allow" answer covers (None: it is never remembered)."""


@dataclass
class ReadMemory:
    """Directories outside the project the user allowed the agent to read for good."""

    allowed_dirs: set[str] = field(default_factory=set)

    def check(self, target: str, project_root: str, home: str | None = None) -> ReadCheck:
        store = secret_store(target, home)
        if store is not None:
            return ReadCheck(True, f"reads {store}, a secret store: always asks")
        if is_inside(target, project_root):
            return ReadCheck(False)
        if any(is_inside(target, folder) for folder in self.allowed_dirs):
            return ReadCheck(False)
        folder = target if os.path.isdir(target) else os.path.dirname(target)
        where = project_root or "(no project root known)"
        return ReadCheck(True, f"reads outside the project {where}", os.path.realpath(folder))

    def remember(self, check: ReadCheck) -> None:
        if check.remember_dir is not None:
            self.allowed_dirs.add(check.remember_dir)
