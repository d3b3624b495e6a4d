"""Conch's own agent: a tool loop over any OpenAI-compatible chat-completions API.

The model streams text and tool calls; Conch runs the tools itself (files in
builtin_tools, commands in the user's bash through AgentShell), asks the user
before any write or command (write_policy), sends the results back, and loops
until the model answers without tools. The conversation is kept across turns.

This module is the loop and the server; the parts live beside it: the turn's
cancel signal in openai_turn, stream assembly in openai_stream, the message
history in openai_conversation, tool calls in openai_tool_calls, and the
user's error messages in openai_errors.

Must never: raise out of ``prompt`` (every failure becomes an AgentError with a
hint the user can act on, then TurnEnded("error")), or import ``openai`` at
module level (it costs ~0.6 s and Conch must start fast; it is imported in a
thread when the first turn starts).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, cast

from conch.agents import builtin_tools as tools
from conch.agents.backend import PermissionHandler
from conch.agents.events import AgentError, AgentEvent, MessageChunk, TurnContext, TurnEnded
from conch.agents.openai_conversation import Conversation
from conch.agents.openai_errors import (
    broken_stream_error,
    describe_failure,
    no_models_error,
    unfinished_reply_error,
)
from conch.agents.openai_stream import StreamedReply
from conch.agents.openai_tool_calls import ToolCallRunner, ToolOutcome
from conch.agents.openai_turn import Turn, TurnCancelled, TurnFailed
from conch.agents.registry import AgentSpec
from conch.agents.sandbox import UNSANDBOXED, Sandbox
from conch_plugins.shell_mode.agent_shell import AgentShell

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream
    from openai.types.chat import ChatCompletionChunk

DEFAULT_MAX_STEPS = 25
CLOSE_SHELL_TIMEOUT = 3.0

STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "end_turn",
    "length": "max_tokens",
    "content_filter": "refusal",
}


class OpenAIBackend:
    """AgentBackend for an OpenAI-compatible server; Conch runs the tools itself."""

    def __init__(
        self,
        spec: AgentSpec,
        shell: AgentShell,
        *,
        max_steps: int = DEFAULT_MAX_STEPS,
        max_retries: int = 2,
        use_tools: bool = True,
        sandbox: Sandbox = UNSANDBOXED,
    ) -> None:
        self.name = spec.name
        self.spec = spec
        self.shell = shell
        self.max_steps = max_steps
        """Model requests per turn before it ends with "max_turn_requests"."""
        self.max_retries = max_retries
        """The SDK's retries of a failed request (connection errors, 5xx, 429)."""
        self.use_tools = use_tools
        """False for models too small to call tools well: answers only."""
        self.conversation = Conversation()
        self.tool_calls = ToolCallRunner(shell, sandbox)
        self._client: AsyncOpenAI | None = None
        self._model = spec.model
        self._turn: Turn | None = None

    # -- AgentBackend ------------------------------------------------------------

    async def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        if self._turn is not None:
            yield AgentError("A turn is already running.", "Wait for it to end, or cancel it.")
            yield TurnEnded("error")
            return
        turn = self._turn = Turn(context, permissions)
        mark = self.conversation.mark()
        ending: list[AgentEvent] = []
        try:
            self.conversation.add_user_message(text, context)
            async with aclosing(self._run_turn(turn)) as events:
                async for event in events:
                    yield event
            ending = [TurnEnded(turn.stop_reason)]
        except TurnCancelled:
            ending = [TurnEnded("cancelled")]
        except Exception as error:
            if turn.is_cancelled:
                ending = [TurnEnded("cancelled")]
            elif isinstance(error, TurnFailed):
                ending = [error.error, TurnEnded("error")]
            else:
                ending = [describe_failure(error, self.spec), TurnEnded("error")]
        finally:
            # Before the last event: a reader may stop at TurnEnded and prompt again
            # at once, or abandon this generator mid-turn.
            self.conversation.settle(mark, turn)
            turn.close()
            self._turn = None
        for event in ending:
            yield event

    async def cancel(self) -> None:
        """Stop the turn: its stream is closed and a running command interrupted."""
        turn = self._turn
        if turn is None:
            return
        turn.cancel()
        self.tool_calls.interrupt_command()

    async def close(self) -> None:
        await self.cancel()
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
            self._client = None
        with contextlib.suppress(Exception):
            # The shell waits for a running command; a stubborn one must not hang exit.
            await asyncio.wait_for(asyncio.to_thread(self.shell.close), CLOSE_SHELL_TIMEOUT)

    # -- the loop ----------------------------------------------------------------

    async def _run_turn(self, turn: Turn) -> AsyncGenerator[AgentEvent, None]:
        client = await turn.until_cancelled(self._ensure_client())
        model = await turn.until_cancelled(self._ensure_model(client))
        for _ in range(self.max_steps):
            reply = StreamedReply()
            async with aclosing(self._stream_reply(client, model, turn, reply)) as events:
                async for event in events:
                    yield event
            calls = self.conversation.add_assistant_message(reply)
            turn.partial_text = ""
            if not calls:
                turn.stop_reason = STOP_REASONS.get(reply.finish_reason or "", "end_turn")
                return
            for call in calls:
                outcome = ToolOutcome()
                async with aclosing(self.tool_calls.run(call, turn, outcome)) as events:
                    async for event in events:
                        yield event
                self.conversation.add_tool_result(call.call_id, outcome.for_model)
        turn.stop_reason = "max_turn_requests"

    async def _ensure_client(self) -> AsyncOpenAI:
        if self._client is None:
            self._client = await asyncio.to_thread(_make_client, self.spec, self.max_retries)
        return self._client

    async def _ensure_model(self, client: AsyncOpenAI) -> str:
        """The configured model, else the server's first (asked once)."""
        if not self._model:
            page = await client.models.list()
            ids = [model.id for model in page.data]
            if not ids:
                raise TurnFailed(no_models_error(self.spec))
            self._model = ids[0]
        return self._model

    async def _stream_reply(
        self, client: AsyncOpenAI, model: str, turn: Turn, reply: StreamedReply
    ) -> AsyncGenerator[AgentEvent, None]:
        options: dict[str, Any] = {"tools": tools.tool_schemas()} if self.use_tools else {}
        stream = await turn.until_cancelled(
            client.chat.completions.create(
                model=model,
                messages=cast(Any, self.conversation.messages),
                stream=True,
                **options,
            )
        )
        try:
            while (chunk := await turn.until_cancelled(_next_chunk(stream))) is not None:
                for event in reply.absorb(chunk):
                    if isinstance(event, MessageChunk):
                        turn.partial_text += event.text
                    yield event
        except (TurnCancelled, TurnFailed):
            raise
        except Exception as error:
            raise TurnFailed(broken_stream_error(error, self.spec)) from error
        finally:
            with contextlib.suppress(Exception):
                await stream.close()
        if reply.finish_reason is None:
            raise TurnFailed(unfinished_reply_error(reply.chunks, self.spec))


def _make_client(spec: AgentSpec, max_retries: int) -> AsyncOpenAI:
    """The SDK client; called in a thread, as importing the SDK blocks for ~0.6 s."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        base_url=spec.base_url, api_key=spec.api_key or "not-needed", max_retries=max_retries
    )


async def _next_chunk(stream: AsyncStream[ChatCompletionChunk]) -> ChatCompletionChunk | None:
    try:
        return await stream.__anext__()
    except StopAsyncIteration:
        return None
