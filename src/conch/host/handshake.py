"""The first two messages on a connection: who the client is, and whether the host takes it.

A client and a host of different Conch versions refuse each other: the
journal and the wire carry the same event records, and two versions may not
agree on them. The refusal says what to do, in words a user can act on.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from conch import __version__
from conch.host.wire import PROTOCOL_VERSION

Role = Literal["controller", "observer"]
ROLES: tuple[str, ...] = get_args(Role)


class HandshakeRefused(Exception):
    """The other side would not talk; ``str()`` says why and what to do."""


def hello(role: Role, client: str) -> dict[str, Any]:
    return {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "conch": __version__,
        "role": role,
        "client": client,
    }


def welcome(host_pid: int) -> dict[str, Any]:
    return {"type": "welcome", "protocol": PROTOCOL_VERSION, "conch": __version__, "pid": host_pid}


def refusal(reason: str) -> dict[str, Any]:
    return {"type": "refused", "reason": reason}


def _mismatch(theirs: object, their_protocol: object, side: str) -> str | None:
    if their_protocol == PROTOCOL_VERSION and theirs == __version__:
        return None
    what = f"Conch {theirs} (protocol {their_protocol})"
    mine = f"Conch {__version__} (protocol {PROTOCOL_VERSION})"
    if side == "host":
        return (
            f"this host runs {mine} and the client is {what}: use the same version, "
            "or stop the host with `conch host stop` (sessions are kept) and start again"
        )
    return (
        f"the running host is {what} and this client is {mine}: stop it with "
        "`conch host stop` (sessions are kept in the journal) and run conch again"
    )


def check_hello(message: dict[str, Any]) -> str | None:
    """Why the host refuses this hello (None: it takes it)."""
    if message.get("type") != "hello":
        return "the first message must be a hello"
    mismatch = _mismatch(message.get("conch"), message.get("protocol"), "host")
    if mismatch:
        return mismatch
    if message.get("role") not in ROLES:
        return f"unknown role {message.get('role')!r}; roles are {', '.join(ROLES)}"
    return None


def check_welcome(message: dict[str, Any]) -> int:
    """The host's pid; HandshakeRefused with the host's own words when it refused."""
    if message.get("type") == "refused":
        raise HandshakeRefused(str(message.get("reason", "the host refused the connection")))
    if message.get("type") != "welcome":
        raise HandshakeRefused("the host answered something other than a welcome")
    mismatch = _mismatch(message.get("conch"), message.get("protocol"), "client")
    if mismatch:
        raise HandshakeRefused(mismatch)
    pid = message.get("pid")
    return pid if isinstance(pid, int) else 0
