"""The attach client's raw passthrough over a real pty, with no app and no host: keys leave
as pressed, the program's screen reaches the terminal, sizes follow SIGWINCH, and the
terminal's mode comes back whatever ends it."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import signal
import termios
from collections.abc import Callable, Iterator

import pytest

from conch.clients.attach.raw_passthrough import Screen, lend_terminal


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    """(the side a person types on, the side the client uses as stdin and stdout)."""
    person, client = pty.openpty()
    termios.tcsetwinsize(client, (24, 80))
    yield person, client
    os.close(person)
    os.close(client)


def is_line_mode(fd: int) -> bool:
    return bool(termios.tcgetattr(fd)[3] & termios.ICANON)


async def until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not check():
            await asyncio.sleep(0.01)


def read_until(fd: int, wanted: bytes) -> bytes:
    seen = b""
    while wanted not in seen:
        readable, _, _ = select.select([fd], [], [], 10)
        assert readable, f"{wanted!r} never reached the terminal; got {seen!r}"
        seen += os.read(fd, 4096)
    return seen


async def test_keys_screen_and_sizes_cross_a_real_terminal(terminal: tuple[int, int]) -> None:
    person, client = terminal
    screen: Screen = asyncio.Queue()
    keys: list[bytes] = []
    sizes: list[tuple[int, int]] = []

    async def send_keys(data: bytes) -> None:
        keys.append(data)

    async def send_size(rows: int, cols: int) -> None:
        sizes.append((rows, cols))

    lending = asyncio.create_task(lend_terminal(client, client, screen, send_keys, send_size))
    await until(lambda: sizes == [(24, 80)])
    assert not is_line_mode(client)

    os.write(person, b"ihello\x1b:wq\r")  # Esc and Enter as pressed, no line wait
    await until(lambda: b"".join(keys) == b"ihello\x1b:wq\r")

    screen.put_nowait(b"\x1b[2Jdrawn-by-the-program")
    assert b"drawn-by-the-program" in await asyncio.to_thread(
        read_until, person, b"drawn-by-the-program"
    )

    termios.tcsetwinsize(client, (30, 100))
    os.kill(os.getpid(), signal.SIGWINCH)
    await until(lambda: sizes[-1] == (30, 100))

    screen.put_nowait(None)
    await asyncio.wait_for(lending, 10)
    assert is_line_mode(client)
    assert signal.getsignal(signal.SIGWINCH) == signal.SIG_DFL


async def test_a_host_that_went_away_ends_it_and_the_mode_comes_back(
    terminal: tuple[int, int],
) -> None:
    person, client = terminal
    screen: Screen = asyncio.Queue()

    async def host_gone(*_: object) -> None:
        raise ConnectionError("the host closed the connection")

    lending = asyncio.create_task(lend_terminal(client, client, screen, host_gone, host_gone))
    os.write(person, b"x")
    await asyncio.wait_for(lending, 10)
    assert is_line_mode(client)
