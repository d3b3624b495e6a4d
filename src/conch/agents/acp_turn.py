"""One prompt turn with a live ACP agent: send it, stream its events, decide how it ended.

A turn is a ``session/prompt`` request running as a task while the agent's
session updates arrive on the process's queue; the turn is over when the
request is answered or the agent process exits. ``turn_outcome`` turns the
answer (or its failure) into the closing ``TurnEnded``, after an
``AgentError`` if the turn failed.

It must never raise for anything the agent did (a failed turn is events,
not an exception), never start, restart or stop the agent process itself
(it reports ``agent_died`` and the backend forgets the process), and never
import the ``acp`` SDK at module level (~0.65 s at start-up).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conch.agents.acp_failures import request_error
from conch.agents.acp_process import (
    EXIT_GRACE,
    AgentExited,
    AgentProcess,
    PromptAnswered,
    drain,
)
from conch.agents.events import AgentEvent, TurnEnded

if TYPE_CHECKING:
    from acp.schema import PromptResponse


@dataclass(frozen=True)
class TurnOutcome:
    """The events that close a turn, and whether the agent process died during it."""

    events: list[AgentEvent]
    agent_died: bool = False


def send_prompt(agent: AgentProcess, text: str) -> asyncio.Task[PromptResponse]:
    """Start session/prompt; its answer is announced on the queue with PromptAnswered."""
    from acp import text_block

    assert agent.session_id is not None
    task = asyncio.create_task(
        agent.conn.prompt(session_id=agent.session_id, prompt=[text_block(text)])
    )
    task.add_done_callback(lambda done: agent.queue.put_nowait(PromptAnswered(done)))
    return task


async def events_until_answered(
    agent: AgentProcess, task: asyncio.Task[PromptResponse]
) -> AsyncGenerator[AgentEvent, None]:
    """The queue's events until the prompt is answered or the agent has died."""
    while True:
        item = await agent.queue.get()
        if isinstance(item, PromptAnswered):
            if item.task is task:
                return
            continue  # an abandoned earlier turn's answer
        if isinstance(item, AgentExited):
            # Its last answer may still be in the pipe: give the reader a moment.
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(task), EXIT_GRACE)
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            for event in drain(agent.queue):
                yield event
            return
        yield item


async def turn_outcome(
    agent: AgentProcess,
    task: asyncio.Task[PromptResponse],
    *,
    closed: bool,
    cancel_requested: bool,
) -> TurnOutcome:
    """How the finished ``task`` ended the turn.

    ``closed``: the backend was closed (the agent ended) mid-turn.
    ``cancel_requested``: the user cancelled this turn.
    """
    events: list[AgentEvent] = list(drain(agent.queue))
    if task.cancelled() and closed:
        events.append(TurnEnded("cancelled"))
        return TurnOutcome(events)
    if task.cancelled():
        error: BaseException | None = ConnectionError("the agent process exited")
    else:
        error = task.exception()
    if error is None:
        events.append(TurnEnded(task.result().stop_reason))
    elif not agent.is_alive or isinstance(error, ConnectionError):
        await agent.await_exit()
        events += [agent.describe_crash("during the turn"), TurnEnded("error")]
        return TurnOutcome(events, agent_died=True)
    elif cancel_requested:
        # Some agents answer a cancelled turn with an error, not stopReason "cancelled".
        events.append(TurnEnded("cancelled"))
    else:
        events += [request_error(agent.name, error, agent.stderr_log), TurnEnded("error")]
    return TurnOutcome(events)
