"""A connection to the host, from any client: connect, shake hands, ask.

Errors are typed so each client can tell the user what to do: no host is
running (start one), the host refused (versions, uid), or the host went away
mid-request (it crashed or was stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from pathlib import Path
from typing import Any

from conch.host.handshake import HandshakeRefused, Role, check_welcome, hello
from conch.host.wire import Frame, ProtocolError, encode_json, read_frame

CONNECT_TIMEOUT = 5.0


class HostNotRunning(Exception):
    """Nothing listens on the host's socket."""


class HostGone(Exception):
    """The host closed the connection or broke the protocol mid-conversation."""


class HostRequestFailed(Exception):
    """The host answered a request with an error; ``str()`` is its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class HostConnection:
    """One handshaken connection; requests are answered in the order they are sent."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host_pid: int
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.host_pid = host_pid
        self._ids = itertools.count(1)

    @classmethod
    async def open(
        cls, socket_path: Path, role: Role = "controller", client: str = "cli"
    ) -> HostConnection:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(str(socket_path)), CONNECT_TIMEOUT
            )
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise HostNotRunning(f"no Conch host is listening on {socket_path}") from error
        except (TimeoutError, OSError) as error:
            raise HostNotRunning(f"cannot reach the Conch host at {socket_path}: {error}") from None
        writer.write(encode_json(hello(role, client)))
        try:
            frame = await asyncio.wait_for(_read(reader), CONNECT_TIMEOUT)
            host_pid = check_welcome(frame.message or {})
        except (TimeoutError, HandshakeRefused, HostGone):
            writer.close()
            raise
        return cls(reader, writer, host_pid)

    async def request(self, method: str, **params: Any) -> Any:
        request_id = next(self._ids)
        message = {"type": "request", "id": request_id, "method": method, "params": params}
        self.writer.write(encode_json(message))
        try:
            await self.writer.drain()
        except ConnectionError as error:
            raise HostGone(f"the host closed the connection: {error}") from None
        while True:
            reply = (await _read(self.reader)).message or {}
            if reply.get("id") != request_id:
                continue  # an event for a client that follows a session; not ours to answer
            if reply.get("type") == "error":
                failure = reply.get("error") or {}
                raise HostRequestFailed(str(failure.get("code")), str(failure.get("message")))
            return reply.get("result")

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await self.writer.wait_closed()


async def _read(reader: asyncio.StreamReader) -> Frame:
    try:
        frame = await read_frame(reader)
    except (ProtocolError, ConnectionError) as error:
        raise HostGone(f"the host broke off: {error}") from None
    if frame is None:
        raise HostGone("the host closed the connection")
    return frame


async def ask_host(socket_path: Path, method: str, **params: Any) -> Any:
    """One request on a connection of its own (the CLI's commands)."""
    connection = await HostConnection.open(socket_path)
    try:
        return await connection.request(method, **params)
    finally:
        await connection.close()
