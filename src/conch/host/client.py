"""A connection to the host, from any client: connect, shake hands, ask.

Errors are typed so each client can tell the user what to do: no host is
running (start one), the host refused (versions, uid), or the host went away
mid-request (it crashed or was stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conch.host.handshake import HandshakeRefused, Role, check_welcome, hello
from conch.host.wire import Frame, ProtocolError, encode_json, encode_sync, read_frame

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
    """One handshaken connection. A reader task takes every frame the host sends: replies go
    to the request that waits for them, events of a followed session to ``next_event``. When
    the host goes away, everything waiting fails at once with HostGone."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host_pid: int
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.host_pid = host_pid
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._events: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._gone: HostGone | None = None
        self.on_sync: Callable[[bytes], None] | None = None
        """Gets each Yjs sync message (the followed session's shared state)."""
        self.on_raw: Callable[[bytes], None] | None = None
        """Gets the screen of a full-screen program this client started (``R`` frames)."""
        self.on_notice: Callable[[dict[str, Any]], None] | None = None
        """Gets the host's messages that are neither events nor answers (``full_screen``)."""
        self._reading = asyncio.create_task(self._read_all())

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
        """Ask and wait for the answer; HostRequestFailed when the host says no."""
        if self._gone is not None:
            raise self._gone
        request_id = next(self._ids)
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = answer
        message = {"type": "request", "id": request_id, "method": method, "params": params}
        self.writer.write(encode_json(message))
        try:
            await self.writer.drain()
        except ConnectionError as error:
            self._waiting.pop(request_id, None)
            raise HostGone(f"the host closed the connection: {error}") from None
        return await answer

    def send_sync(self, data: bytes) -> None:
        self.writer.write(encode_sync(data))

    async def next_event(self, timeout: float | None = None) -> dict[str, Any]:
        """The next ``event`` frame of the followed session (TimeoutError after ``timeout``)."""
        if self._gone is not None and self._events.empty():
            raise self._gone
        event = await asyncio.wait_for(self._events.get(), timeout)
        if event is None:
            self._events.put_nowait(None)  # every later call fails too
            raise self._gone or HostGone("the host closed the connection")
        return event

    def ready_events(self) -> list[dict[str, Any]]:
        """The events already received, without waiting (a client draws them in one go)."""
        ready: list[dict[str, Any]] = []
        while not self._events.empty():
            event = self._events.get_nowait()
            if event is None:
                self._events.put_nowait(None)  # next_event says the host is gone
                break
            ready.append(event)
        return ready

    async def _read_all(self) -> None:
        try:
            while True:
                frame = await _read(self.reader)
                if frame.kind == "sync":
                    if self.on_sync is not None:
                        self.on_sync(frame.data)
                    continue
                if frame.kind == "raw":
                    if self.on_raw is not None:
                        self.on_raw(frame.data)
                    continue
                message = frame.message or {}
                kind = message.get("type")
                if kind == "event":
                    self._events.put_nowait(message)
                elif kind in ("response", "error"):
                    self._answer(message)
                elif self.on_notice is not None:
                    self.on_notice(message)
        except HostGone as gone:
            self._gone = gone
        except asyncio.CancelledError:
            self._gone = HostGone("this connection was closed")
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(self._gone)
        self._waiting.clear()
        self._events.put_nowait(None)

    def _answer(self, reply: dict[str, Any]) -> None:
        waiting = self._waiting.pop(reply.get("id"), None)  # type: ignore[arg-type]
        if waiting is None or waiting.done():
            return
        if reply.get("type") == "error":
            failure = reply.get("error") or {}
            code, text = str(failure.get("code")), str(failure.get("message"))
            waiting.set_exception(HostRequestFailed(code, text))
        else:
            waiting.set_result(reply.get("result"))

    async def close(self) -> None:
        self._reading.cancel()
        with contextlib.suppress(BaseException):
            await self._reading
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
