"""Recognise programs that need the whole terminal (editors, pagers, monitors).

Two signals: a known command name before it runs, and the alternate-screen
escape a program prints when it takes over the screen (catches `git commit`
opening vim, fzf, and anything not listed).
"""

from __future__ import annotations

import os
import shlex

FULLSCREEN_PROGRAMS = frozenset(
    {
        "vim", "vi", "nvim", "view", "vimdiff", "nano", "pico", "emacs", "micro", "hx", "helix",
        "less", "more", "most", "man", "info", "top", "htop", "btop", "atop", "iotop", "watch",
        "tmux", "screen", "mc", "ranger", "nnn", "lf", "vifm", "tig", "lazygit", "fzf",
        "mutt", "neomutt", "ncdu", "nmtui", "alsamixer", "crontab", "visudo", "vipw",
        "ipython", "ptpython", "bpython",
    }
)  # fmt: skip
"""REPLs that draw with cursor keys need a real terminal too; line REPLs
(python, sqlite3) work through Conch's prompt, which feeds their stdin."""

_PREFIXES = frozenset({"sudo", "doas", "env", "command", "exec", "nice", "time", "nohup"})

ALT_SCREEN_ENTER = (b"\x1b[?1049h", b"\x1b[?1047h", b"\x1b[?47h")


def is_fullscreen_command(command: str) -> bool:
    """True when the command's program is known to need the real terminal.

    ``ssh host`` with no remote command is an interactive login: full-screen.
    """
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return False
    while words and (words[0] in _PREFIXES or ("=" in words[0] and not words[0].startswith("="))):
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]
    if not words:
        return False
    program = os.path.basename(words[0])
    if program == "ssh":
        return _ssh_is_interactive(words[1:])
    if program == "crontab":
        return "-e" in words
    return program in FULLSCREEN_PROGRAMS


def _ssh_is_interactive(args: list[str]) -> bool:
    with_value = set("BbcDEeFIiJLlmOopQRSWw")
    positional: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-") and len(arg) > 1:
            skip = arg[-1] in with_value and len(arg) == 2
            continue
        positional.append(arg)
    return len(positional) == 1


def enters_alternate_screen(data: bytes) -> int:
    """Index of the first alternate-screen escape in ``data``, or -1."""
    found = [i for i in (data.find(seq) for seq in ALT_SCREEN_ENTER) if i >= 0]
    return min(found) if found else -1
