"""A scripted OpenAI-compatible server for tests: real HTTP, real SSE streaming.

A test queues the replies it wants (streamed text, streamed tool calls, an HTTP
error, garbage, a stream dropped mid-way) and afterwards reads the requests the
server received. Standard library only; listens on 127.0.0.1 on a free port in
a background thread. Streams use chunked encoding, so a dropped stream looks to
the client exactly like a server that died mid-reply.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Text:
    """A text answer streamed in ``parts``, ``delay`` seconds apart."""

    parts: tuple[str, ...]
    delay: float = 0.0
    reasoning: tuple[str, ...] = ()
    finish_reason: str = "stop"


@dataclass(frozen=True)
class ToolCalls:
    """One reply asking for tool calls: (name, arguments JSON), each streamed in fragments,
    after the text ``parts`` (models often say what they are about to do)."""

    calls: tuple[tuple[str, str], ...]
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class HttpError:
    status: int
    message: str = "the fake server failed on purpose"


@dataclass(frozen=True)
class Garbage:
    body: bytes = b"<html><body>this is not an API</body></html>"
    content_type: str = "text/html"


@dataclass(frozen=True)
class Dropped:
    """Streams ``parts`` of text, then closes the connection without finishing."""

    parts: tuple[str, ...]


Reply = Text | ToolCalls | HttpError | Garbage | Dropped


def text(*parts: str, delay: float = 0.0) -> Text:
    return Text(parts, delay)


def tool_call(name: str, **arguments: Any) -> ToolCalls:
    return ToolCalls(((name, json.dumps(arguments)),))


def text_then_tool_call(said: str, name: str, **arguments: Any) -> ToolCalls:
    """A reply that streams ``said`` and then asks for one tool call."""
    return ToolCalls(((name, json.dumps(arguments)),), (said,))


class FakeOpenAIServer:
    """Serves ``/v1/models`` and ``/v1/chat/completions`` from a queue of scripted replies."""

    def __init__(self, models: tuple[str, ...] = ("fake-model",), port: int = 0) -> None:
        self.models = models
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        """Bodies of the chat-completion requests, in order."""
        self.model_list_requests = 0
        self.stopping = threading.Event()
        self._call_ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else HttpError(500, "no scripted reply left")

    def new_call_id(self) -> str:
        return f"call_{next(self._call_ids)}"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _fragments(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _make_handler(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                return self._send(404, b'{"error": {"message": "not found"}}')
            fake.model_list_requests += 1
            data = [{"id": m, "object": "model", "owned_by": "test"} for m in fake.models]
            self._send(200, json.dumps({"object": "list", "data": data}).encode())

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/v1/chat/completions":
                return self._send(404, b'{"error": {"message": "not found"}}')
            request = json.loads(body)
            fake.requests.append(request)
            reply = fake.next_reply()
            model = request.get("model", "")
            try:
                if isinstance(reply, HttpError):
                    error = {"error": {"message": reply.message, "type": "server_error"}}
                    self._send(reply.status, json.dumps(error).encode())
                elif isinstance(reply, Garbage):
                    self._send(200, reply.body, reply.content_type)
                else:
                    self._stream(reply, model)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away (a cancel)

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, reply: Text | ToolCalls | Dropped, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(_chunk(model, {"role": "assistant", "content": ""}))
            if isinstance(reply, ToolCalls):
                for part in reply.parts:
                    self._event(_chunk(model, {"content": part}))
                for index, (name, arguments) in enumerate(reply.calls):
                    function = {"name": name, "arguments": ""}
                    head = {"index": index, "id": fake.new_call_id(), "type": "function"}
                    self._event(_chunk(model, {"tool_calls": [{**head, "function": function}]}))
                    for piece in _fragments(arguments):
                        delta = {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
                        self._event(_chunk(model, delta))
                self._event(_chunk(model, {}, "tool_calls"))
            else:
                for thought in getattr(reply, "reasoning", ()):
                    self._event(_chunk(model, {"reasoning_content": thought}))
                for part in reply.parts:
                    if fake.stopping.wait(getattr(reply, "delay", 0.0)):
                        return
                    self._event(_chunk(model, {"content": part}))
                if isinstance(reply, Dropped):
                    self.close_connection = True  # no final chunk: the body is cut short
                    return
                self._event(_chunk(model, {}, reply.finish_reason))
            self._write(b"data: [DONE]\n\n")
            self._write(b"")

        def _event(self, data: dict[str, Any]) -> None:
            self._write(b"data: " + json.dumps(data).encode() + b"\n\n")

        def _write(self, data: bytes) -> None:
            """One HTTP chunk (an empty one ends the body)."""
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            time.sleep(0.001)  # let the client see separate reads, as from a real model

    return Handler
