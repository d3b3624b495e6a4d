"""The host's socket: who may connect, the handshake, and requests answered in turn.

Each connection is checked twice before a byte of it is read: the kernel's
word on the peer's uid (peer.py), then the hello's versions (handshake.py).
Requests are ``{"type": "request", "id", "method", "params"}`` and get a
``response`` or an ``error`` with the same id, answered in turn per connection;
a client that attached to a session also gets its ``event`` frames
(session_requests.py). Must never: block the event loop (sessions' work runs in
their own threads), or import Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from typing import Any

from conch import __version__
from conch.crash_report import host_crash_message, write_report
from conch.host.connection import Connection
from conch.host.handshake import check_hello, refusal, welcome
from conch.host.lock import HostLock
from conch.host.peer import peer_credentials, refusal_for
from conch.host.request_errors import CRASHED, RequestFailed
from conch.host.request_roles import AfterReply, Handler
from conch.host.runtime import HostPlaces, ensure_private_dir
from conch.host.session_host import SessionHost
from conch.host.session_requests import SessionRequests
from conch.host.wire import ProtocolError, encode_json, read_frame

__all__ = ["HostServer", "RequestFailed"]
log = logging.getLogger("conch.host")
HELLO_TIMEOUT = 5.0
"""Seconds a connection has to say hello before it is dropped."""
REFUSAL_LINGER = 1.0
"""Seconds a refused peer has to stop sending before the host hangs up."""


class HostServer:
    """The running host: its socket, its lock, its sessions and the connections it serves."""

    def __init__(self, places: HostPlaces, sessions: SessionHost | None = None) -> None:
        self.places = places
        self.sessions = sessions or SessionHost()
        self.started_at = time.time()
        self.clients = 0
        self._lock = HostLock(places.lock)
        self._server: asyncio.AbstractServer | None = None
        self._stopped = asyncio.Event()
        self._requests = SessionRequests(self.sessions)
        self._handlers: dict[str, Handler] = {
            "status": self._status,
            "ps": self._ps,
            "stop": self._stop,
            **self._requests.handlers(),
        }

    # -- life ------------------------------------------------------------------------

    async def serve(self) -> None:
        """Take the lock, listen, and serve until a stop request or ``request_stop``."""
        ensure_private_dir(self.places.directory)
        self._lock.acquire()  # HostAlreadyRunning: another host owns the socket
        try:
            # The lock is ours, so a socket file left there is a dead host's.
            self.places.socket.unlink(missing_ok=True)
            await self.sessions.start()
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
        await self.sessions.stop()
        if self._server is not None:
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
            role, client = frame.message["role"], str(frame.message.get("client", ""))
            connection = Connection(writer, role, client)
            self.clients += 1
            try:
                await self._serve_requests(reader, connection)
            finally:
                self.clients -= 1
                self._requests.forget(connection)
                await connection.close()
        except (TimeoutError, ProtocolError, ConnectionError) as error:
            log.info("dropped a connection: %s", error)
        finally:
            with contextlib.suppress(Exception):
                await writer.drain()
                writer.close()

    async def _serve_requests(self, reader: asyncio.StreamReader, connection: Connection) -> None:
        while not self._stopped.is_set():
            frame = await read_frame(reader)
            if frame is None:
                return
            if frame.kind == "sync":
                self._requests.sync(connection, frame.data)
                continue
            message = frame.message or {}
            if message.get("type") != "request":
                continue
            answer, then = await self._answer(connection, message)
            connection.send(answer)
            if then is not None:
                then()  # e.g. an attach's history: after its reply, before anything live

    async def _answer(
        self, connection: Connection, request: dict[str, Any]
    ) -> tuple[dict[str, Any], AfterReply | None]:
        request_id = request.get("id")
        method = request.get("method")
        handler = self._handlers.get(method) if isinstance(method, str) else None
        if handler is None:
            error = {"code": "unknown-method", "message": f"the host has no method {method!r}"}
            return {"type": "error", "id": request_id, "error": error}, None
        params = request.get("params")
        try:
            result, then = await handler(connection, params if isinstance(params, dict) else {})
        except RequestFailed as failure:
            error = {"code": failure.code, "message": str(failure)}
            return {"type": "error", "id": request_id, "error": error}, None
        except Exception as crash:  # a bug (a plugin's too) fails one request, not the host
            report = await asyncio.to_thread(write_report, crash)
            # The report has the traceback; the log only where it is (no session contents).
            log.error("request %r crashed (%s); report: %s", method, type(crash).__name__, report)
            error = {"code": CRASHED, "message": host_crash_message(crash, report)}
            return {"type": "error", "id": request_id, "error": error}, None
        return {"type": "response", "id": request_id, "result": result}, then

    # -- requests --------------------------------------------------------------------

    async def _status(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[dict[str, Any], None]:
        return {
            "pid": os.getpid(),
            "conch": __version__,
            "started_at": self.started_at,
            "socket": str(self.places.socket),
            "log": str(self.places.log),
            "sessions": len(self.sessions.engines),
            "clients": self.clients,
        }, None

    async def _ps(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], None]:
        summaries = await self.sessions.summaries()
        summaries.sort(key=lambda summary: summary.last_activity, reverse=True)
        return [summary.to_json() for summary in summaries], None

    async def _stop(
        self, connection: Connection, params: dict[str, Any]
    ) -> tuple[dict[str, Any], None]:
        # Answered first, then stopped: the client hears the stop was taken.
        asyncio.get_running_loop().call_soon(self.request_stop)
        return {"stopping": True, "sessions": len(self.sessions.engines)}, None


async def _refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reason: str) -> None:
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
