"""The host's socket: who may connect, the handshake, and requests answered in turn.

Each connection is checked twice before a byte of it is read: the kernel's
word on the peer's uid (peer.py), then the hello's versions (handshake.py).
Requests are ``{"type": "request", "id", "method", "params"}`` and get a
``response`` or an ``error`` with the same id. Must never: block the event
loop (sessions' work runs in their own threads), or import Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

from conch import __version__
from conch.host.handshake import check_hello, refusal, welcome
from conch.host.live_sessions import LiveSessions
from conch.host.lock import HostLock
from conch.host.peer import peer_credentials, refusal_for
from conch.host.runtime import HostPlaces, ensure_private_dir
from conch.host.wire import ProtocolError, encode_json, read_frame

log = logging.getLogger("conch.host")
Handler = Callable[[dict[str, Any]], Awaitable[Any]]
HELLO_TIMEOUT = 5.0
"""Seconds a connection has to say hello before it is dropped."""
REFUSAL_LINGER = 1.0
"""Seconds a refused peer has to stop sending before the host hangs up."""


class RequestFailed(Exception):
    """A request the host understood but cannot do; the message goes to the client."""


class HostServer:
    """The running host: its socket, its lock and the connections it serves."""

    def __init__(self, places: HostPlaces, sessions: LiveSessions | None = None) -> None:
        self.places = places
        self.sessions = sessions or LiveSessions()
        self.started_at = time.time()
        self.clients = 0
        self._lock = HostLock(places.lock)
        self._server: asyncio.AbstractServer | None = None
        self._stopped = asyncio.Event()
        self._handlers: dict[str, Handler] = {
            "status": self._status,
            "ps": self._ps,
            "stop": self._stop,
        }

    # -- life ------------------------------------------------------------------------

    async def serve(self) -> None:
        """Take the lock, listen, and serve until a stop request or ``request_stop``."""
        ensure_private_dir(self.places.directory)
        self._lock.acquire()  # HostAlreadyRunning: another host owns the socket
        try:
            # The lock is ours, so a socket file left there is a dead host's.
            self.places.socket.unlink(missing_ok=True)
            self._server = await asyncio.start_unix_server(
                self._on_connection, sock=_private_socket(str(self.places.socket))
            )
            log.info("host %d listening on %s", os.getpid(), self.places.socket)
            await self._stopped.wait()
        finally:
            await self._close()

    def request_stop(self) -> None:
        self._stopped.set()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
        self.places.socket.unlink(missing_ok=True)
        self._lock.release()
        log.info("host %d stopped", os.getpid())

    # -- connections -----------------------------------------------------------------

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        sock = writer.get_extra_info("socket")
        refused = refusal_for(peer_credentials(sock), os.getuid()) if sock else "no socket"
        try:
            if refused:
                log.warning("refused a connection: %s", refused)
                await _refuse(reader, writer, refused)
                return
            frame = await asyncio.wait_for(read_frame(reader), HELLO_TIMEOUT)
            if frame is None or frame.message is None:
                return
            refused = check_hello(frame.message)
            if refused:
                await _refuse(reader, writer, refused)
                return
            writer.write(encode_json(welcome(os.getpid())))
            self.clients += 1
            try:
                await self._serve_requests(reader, writer)
            finally:
                self.clients -= 1
        except (TimeoutError, ProtocolError, ConnectionError) as error:
            log.info("dropped a connection: %s", error)
        finally:
            with contextlib.suppress(Exception):
                await writer.drain()
                writer.close()

    async def _serve_requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while not self._stopped.is_set():
            frame = await read_frame(reader)
            if frame is None:
                return
            message = frame.message or {}
            if message.get("type") != "request":
                continue
            writer.write(encode_json(await self._answer(message)))
            await writer.drain()

    async def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        request_id = request.get("id")
        method = request.get("method")
        handler = self._handlers.get(method) if isinstance(method, str) else None
        if handler is None:
            error = {"code": "unknown-method", "message": f"the host has no method {method!r}"}
            return {"type": "error", "id": request_id, "error": error}
        params = request.get("params")
        try:
            result = await handler(params if isinstance(params, dict) else {})
        except RequestFailed as failure:
            error = {"code": "failed", "message": str(failure)}
            return {"type": "error", "id": request_id, "error": error}
        return {"type": "response", "id": request_id, "result": result}

    # -- requests --------------------------------------------------------------------

    async def _status(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "conch": __version__,
            "started_at": self.started_at,
            "socket": str(self.places.socket),
            "log": str(self.places.log),
            "sessions": len(self.sessions),
            "clients": self.clients,
        }

    async def _ps(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [summary.to_json() for summary in self.sessions.summaries()]

    async def _stop(self, params: dict[str, Any]) -> dict[str, Any]:
        # Answered first, then stopped: the client hears the stop was taken.
        asyncio.get_running_loop().call_soon(self.request_stop)
        return {"stopping": True, "sessions": len(self.sessions)}


async def _refuse(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reason: str
) -> None:
    """Say why, then let the peer finish sending before hanging up: closing a socket
    with unread bytes resets it, and the peer could lose the reason unread."""
    writer.write(encode_json(refusal(reason)))
    with contextlib.suppress(Exception):
        await writer.drain()
        writer.write_eof()
        await asyncio.wait_for(reader.read(), REFUSAL_LINGER)


def _private_socket(path: str) -> socket.socket:
    """A listening socket whose file is 0600 from its first instant (umask at bind)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous = os.umask(0o177)
    try:
        sock.bind(path)
    except OSError:
        sock.close()
        raise
    finally:
        os.umask(previous)
    sock.listen(64)
    sock.setblocking(False)
    return sock
