"""Which exported variables may be journaled and given back to a new shell after a restart.

"Restored where safe" means: the variables the user chose to export (``export FOO=bar``),
minus three groups that must not come back. Secrets (names with TOKEN, KEY, SECRET,
PASSWORD..., or values of a known secret shape) are never written to the journal at all: a
transcript on disk is not a keyring.
Shell internals (PWD, SHLVL, BASH_*, PROMPT_COMMAND...) belong to the new bash. Values that
describe the old process's surroundings (DISPLAY, SSH_*, TMUX, XDG_RUNTIME_DIR) may point at
things that no longer exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from conch.secret_masking import SECRET_WORDS, mask_secrets

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_VALUE_CHARS = 4096

SHELL_OWNED = frozenset(
    {
        "PWD",
        "OLDPWD",
        "SHLVL",
        "_",
        "PS0",
        "PS1",
        "PS2",
        "PS3",
        "PS4",
        "PROMPT_COMMAND",
        "IFS",
        "HISTFILE",
        "HISTSIZE",
        "HISTFILESIZE",
        "HISTCONTROL",
        "COLUMNS",
        "LINES",
        "TERM",
        "SHELLOPTS",
        "BASHOPTS",
        "HOME",
        "USER",
        "LOGNAME",
        "SHELL",
        "CONCH",
        "CONCH_START_DIR",
        "CONCH_SOURCE_BASHRC",
    }
)
SHELL_OWNED_PREFIXES = ("BASH", "COMP_", "READLINE", "CONCH_")
SURROUNDINGS = frozenset(
    {
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "TMUX",
        "TMUX_PANE",
        "XDG_RUNTIME_DIR",
        "DBUS_SESSION_BUS_ADDRESS",
    }
)
SURROUNDING_PREFIXES = ("SSH_", "GPG_", "WINDOWID", "KITTY_", "TERM_")


def is_restorable(name: str) -> bool:
    """Whether a variable of this name may be journaled and exported into a new shell."""
    if not NAME.match(name):
        return False
    upper = name.upper()
    if upper in SHELL_OWNED or upper in SURROUNDINGS:
        return False
    if upper.startswith(SHELL_OWNED_PREFIXES + SURROUNDING_PREFIXES):
        return False
    return not any(word in upper for word in SECRET_WORDS)


def safe_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """The restorable subset; values with NUL bytes, over 4 KiB, or holding a known secret
    shape (``DATABASE_URL=postgres://ada:pw@db``) are left out too."""
    return {
        name: value
        for name, value in variables.items()
        if is_restorable(name)
        and "\0" not in value
        and len(value) <= MAX_VALUE_CHARS
        and mask_secrets(value) == value
    }
