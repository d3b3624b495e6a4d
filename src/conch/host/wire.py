"""The host protocol's frames: what crosses the socket, and nothing about what it means.

A frame is a 4-byte big-endian length, one kind byte and the payload:
``J`` a JSON object (handshake, requests, responses, journal events), ``Y`` a
Yjs sync message (the shared session state, binary as pycrdt makes it), ``R`` raw terminal
bytes of a full-screen program, for the one client that owns it (full_screen_relay.py). A
length over ``MAX_FRAME`` is refused: a peer that sends garbage is cut off
instead of making the other side allocate gigabytes.
"""

from __future__ import annotations

import asyncio
import json
import struct
from dataclasses import dataclass
from typing import Any, Literal

PROTOCOL_VERSION = 3
"""Bumped whenever a frame or message changes meaning; the handshake compares it."""
MAX_FRAME = 64 * 1024 * 1024
_HEADER = struct.Struct(">IB")
JSON_KIND = ord("J")
SYNC_KIND = ord("Y")
RAW_KIND = ord("R")

FrameKind = Literal["json", "sync", "raw"]


class ProtocolError(Exception):
    """The peer sent something that is not a frame of this protocol."""


@dataclass(frozen=True)
class Frame:
    kind: FrameKind
    message: dict[str, Any] | None = None
    """The JSON object of a ``json`` frame."""
    data: bytes = b""
    """The bytes of a ``sync`` or a ``raw`` frame."""


def encode_json(message: dict[str, Any]) -> bytes:
    payload = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    return _HEADER.pack(len(payload), JSON_KIND) + payload


def encode_sync(data: bytes) -> bytes:
    return _HEADER.pack(len(data), SYNC_KIND) + data


def encode_raw(data: bytes) -> bytes:
    return _HEADER.pack(len(data), RAW_KIND) + data


async def read_frame(reader: asyncio.StreamReader) -> Frame | None:
    """The next frame; None when the peer closed the connection between frames."""
    try:
        header = await reader.readexactly(_HEADER.size)
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise ProtocolError("the connection closed in the middle of a frame") from None
        return None
    length, kind = _HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ProtocolError(f"a frame of {length:,} bytes is over the limit of {MAX_FRAME:,}")
    try:
        payload = await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        raise ProtocolError("the connection closed in the middle of a frame") from None
    if kind == SYNC_KIND:
        return Frame("sync", data=payload)
    if kind == RAW_KIND:
        return Frame("raw", data=payload)
    if kind != JSON_KIND:
        raise ProtocolError(f"unknown frame kind {kind!r}")
    try:
        message = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProtocolError(f"a JSON frame that is not JSON: {error}") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a JSON frame must be an object with a string 'type'")
    return Frame("json", message=message)
