"""Who is on the other end of a Unix socket, from the kernel (SO_PEERCRED), not from them.

The socket file is 0600 in a 0700 directory, which keeps other users out, but
root ignores file modes and a file mode is one mistake away from open: the
host also refuses any peer whose uid is not its own.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


@dataclass(frozen=True)
class PeerCredentials:
    pid: int
    uid: int
    gid: int


def peer_credentials(sock: socket.socket) -> PeerCredentials | None:
    """The connecting process's pid, uid and gid; None where the OS cannot say."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, option, _UCRED.size)
    except OSError:
        return None
    pid, uid, gid = _UCRED.unpack(raw)
    return PeerCredentials(pid, uid, gid)


def refusal_for(credentials: PeerCredentials | None, own_uid: int) -> str | None:
    """Why this peer may not attach (None: it may)."""
    if credentials is None:
        return "the host cannot tell who you are (no SO_PEERCRED), so it refuses"
    if credentials.uid != own_uid:
        return f"this host belongs to uid {own_uid}; uid {credentials.uid} may not attach"
    return None
