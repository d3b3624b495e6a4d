"""Shell variable names for a word typed as ``$NA`` or ``${NA``.

The names and values come from the helper bash, which holds the user's exports and shell
variables after ``CompletionShell.sync`` (os.environ without one). Like bash, a variable
whose value is a directory completes to ``$NAME/`` with no space, so the path can go on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from conch_plugins.shell_mode.completion.model import Candidate

_VARIABLE_PREFIX = re.compile(r"\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?\Z")


def is_variable_prefix(text: str) -> bool:
    """True for ``$``, ``$NA``, ``${`` or ``${NA``: the start of a variable name."""
    return _VARIABLE_PREFIX.match(text) is not None


def variable_candidates(text: str, variables: Mapping[str, str], cwd: str) -> list[Candidate]:
    """``$NAME`` (or ``${NAME}``) for each variable whose name starts as typed in ``text``."""
    match = _VARIABLE_PREFIX.match(text)
    if match is None:
        return []
    braced, prefix = bool(match.group(1)), match.group(2) or ""
    candidates = []
    for name, value in variables.items():
        if not name.startswith(prefix):
            continue
        word = f"${{{name}}}" if braced else f"${name}"
        is_dir = bool(value) and os.path.isdir(os.path.join(cwd, value))
        candidates.append(
            Candidate(
                text=word + ("/" if is_dir else ""),
                display=word,
                kind="variable",
                space_after=not is_dir,
            )
        )
    return candidates
