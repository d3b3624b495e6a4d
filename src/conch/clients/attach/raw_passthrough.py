"""Lend this terminal to a full-screen program that runs in the host (vim in a host session).

While the attach window is suspended: the terminal in raw mode, keys to the host as they are
pressed (bytes, not lines: Esc, arrows and Ctrl keys must reach vim as typed), the program's
screen from the host straight to the terminal, and the terminal's size to the host at once
and on every SIGWINCH, until the host says the program ended (None on the screen queue) or
the host went away. The terminal's mode and the signal handler are put back whatever
happens. Keys and sizes leave in the order they came, one request at a time. Plain asyncio,
termios and tty: no Textual, so it is tested over a real pty with no app.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import termios
import tty
from collections.abc import Awaitable, Callable

READ_SIZE = 4096
SendKeys = Callable[[bytes], Awaitable[object]]
SendSize = Callable[[int, int], Awaitable[object]]
Screen = asyncio.Queue[bytes | None]
"""The program's screen as the host sends it; None: the program ended (or the host left)."""


async def lend_terminal(
    stdin_fd: int, stdout_fd: int, screen: Screen, send_keys: SendKeys, send_size: SendSize
) -> None:
    """Copy both ways until ``screen`` gives None; call from the thread that owns signals."""
    loop = asyncio.get_running_loop()
    outgoing: asyncio.Queue[bytes | tuple[int, int]] = asyncio.Queue()

    def keys_ready() -> None:
        try:
            keys = os.read(stdin_fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            keys = b""
        if keys:
            outgoing.put_nowait(keys)
        else:  # the terminal is gone: nothing more will be typed
            loop.remove_reader(stdin_fd)

    def size_changed() -> None:
        with contextlib.suppress(OSError):
            size = os.get_terminal_size(stdout_fd)
            outgoing.put_nowait((size.lines, size.columns))

    async def forward() -> None:
        try:
            while True:
                item = await outgoing.get()
                if isinstance(item, bytes):
                    await send_keys(item)
                else:
                    await send_size(*item)
        except Exception:  # the host went away: there is no program to show any more
            screen.put_nowait(None)

    saved_mode = termios.tcgetattr(stdin_fd)
    size_changed()
    tty.setraw(stdin_fd)
    loop.add_signal_handler(signal.SIGWINCH, size_changed)
    loop.add_reader(stdin_fd, keys_ready)
    forwarder = asyncio.create_task(forward())
    try:
        while (data := await screen.get()) is not None:
            write_all(stdout_fd, data)
    finally:
        loop.remove_reader(stdin_fd)
        loop.remove_signal_handler(signal.SIGWINCH)
        forwarder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await forwarder
        termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved_mode)


def write_all(fd: int, data: bytes) -> None:
    """All of ``data``, also to a terminal left non-blocking (a big redraw is 10+ KiB)."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            select.select([], [fd], [])
