"""Prompts to one session never overlap; other sessions are not held up."""

from __future__ import annotations

import asyncio

import pytest

from conch.sessions.turn_queue import SessionTurnQueue


async def test_turns_of_one_session_run_one_at_a_time_in_order() -> None:
    queue = SessionTurnQueue()
    log: list[str] = []
    release_first = asyncio.Event()

    async def turn(name: str, gate: asyncio.Event | None = None) -> str:
        log.append(f"start {name}")
        if gate is not None:
            await gate.wait()
        await asyncio.sleep(0)
        log.append(f"end {name}")
        return name

    first = asyncio.create_task(queue.run("s", lambda: turn("1", release_first)))
    await asyncio.sleep(0)
    second = asyncio.create_task(queue.run("s", lambda: turn("2")))
    third = asyncio.create_task(queue.run("s", lambda: turn("3")))
    await asyncio.sleep(0)
    assert queue.is_busy("s") and queue.queued("s") == 2
    assert log == ["start 1"]
    release_first.set()
    assert list(await asyncio.gather(first, second, third)) == ["1", "2", "3"]
    assert log == ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]
    assert not queue.is_busy("s") and queue.queued("s") == 0


async def test_another_session_runs_while_one_is_busy() -> None:
    queue = SessionTurnQueue()
    never = asyncio.Event()
    blocked = asyncio.create_task(queue.run("a", never.wait))
    await asyncio.sleep(0)

    async def quick() -> str:
        return "done"

    assert await queue.run("b", quick) == "done"
    assert queue.is_busy("a") and not queue.is_busy("b")
    blocked.cancel()
    with pytest.raises(asyncio.CancelledError):
        await blocked
    assert not queue.is_busy("a")


async def test_a_failing_turn_does_not_block_the_next_one() -> None:
    queue = SessionTurnQueue()

    async def broken() -> str:
        raise RuntimeError("backend bug")

    async def fine() -> str:
        return "ok"

    failing = asyncio.create_task(queue.run("s", broken))
    following = asyncio.create_task(queue.run("s", fine))
    with pytest.raises(RuntimeError):
        await failing
    assert await following == "ok"
