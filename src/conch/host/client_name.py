"""The name a client gives in its hello: who answered a permission, who is attached.

``user@machine`` says whose terminal it is, and the terminal (``pts/3``) tells apart two
windows of one user; without a terminal the process id does. The host adds nothing: the
name is shown as given, so it must read well alone.
"""

from __future__ import annotations

import getpass
import os
import socket


def client_name(kind: str = "") -> str:
    """``user@machine pts/N`` (or ``… pid N``), with ``kind`` first when given."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    machine = socket.gethostname().split(".")[0] or "localhost"
    name = f"{user}@{machine} {_terminal()}"
    return f"{kind} {name}" if kind else name


def _terminal() -> str:
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd).removeprefix("/dev/")
        except OSError:
            continue
    return f"pid {os.getpid()}"
