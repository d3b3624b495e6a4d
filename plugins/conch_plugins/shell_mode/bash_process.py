"""Spawning the session's bash in a pty, and reading the pty's modes.

Kept apart from PersistentBash, which only talks to the process once it runs.
"""

from __future__ import annotations

import os
import termios
from collections.abc import Collection
from importlib import resources
from typing import Any

import pexpect

BASH_ARGS = ("--noediting", "--noprofile", "--rcfile")
# State of whatever launched Conch, not of the user's shell: started by
# `make run`, MAKELEVEL made every `make` in the session print "Entering directory".
LAUNCHER_STATE = frozenset({"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"})


class ShellStartError(RuntimeError):
    """bash could not be started or never reached its first prompt."""


def spawn_bash(
    bash: str,
    cwd: str,
    *,
    source_bashrc: bool,
    extra_env: dict[str, str],
    unset_env: Collection[str] = (),
    rows: int,
    cols: int,
    wrapper: tuple[str, ...] = (),
) -> Any:
    """An interactive bash in a pty, started with Conch's rc file (conch_init.bash).

    ``--noediting``: readline would add bracketed-paste codes and its own echo.
    ``wrapper``: a command bash runs under (e.g. a sandbox), its argv before bash's.
    """
    init = init_script()
    env = {key: value for key, value in os.environ.items() if key not in LAUNCHER_STATE}
    env.update(extra_env)
    for name in unset_env:
        env.pop(name, None)
    env["CONCH_START_DIR"] = cwd
    env["CONCH_SOURCE_BASHRC"] = "1" if source_bashrc else "0"
    env["CONCH"] = "1"
    if env.get("TERM", "dumb") == "dumb":
        env["TERM"] = "xterm-256color"
    start_dir = cwd if os.path.isdir(cwd) else os.path.expanduser("~")
    try:
        argv = [*wrapper, bash, *BASH_ARGS, str(init), "-i"]
        child = pexpect.spawn(
            argv[0],
            argv[1:],
            cwd=start_dir,
            env=env,
            echo=True,
            dimensions=(rows, cols),
        )
    except (pexpect.ExceptionPexpect, OSError) as error:
        raise ShellStartError(f"could not start {bash}: {error}") from error
    # pexpect waits 50 ms before every send by default (NOTES.md).
    child.delaybeforesend = None
    return child


def init_script() -> str:
    """Path of the rc file that sets up the sentinel (also sourced to recover it)."""
    return str(resources.files("conch_plugins.shell_mode").joinpath("conch_init.bash"))


def reads_secret(fd: int) -> bool:
    """True when the program on this pty turned echo off for a line (a password).

    sudo, ssh and getpass clear ECHO but keep canonical mode; readline-style
    line editors clear both, so they do not count.
    """
    try:
        lflag = termios.tcgetattr(fd)[3]
    except (termios.error, OSError):
        return False
    return not lflag & termios.ECHO and bool(lflag & termios.ICANON)
