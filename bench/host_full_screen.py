"""A full-screen program through the host: how fast its owner's keys come back as its screen.

    .venv/bin/python bench/host_full_screen.py

A real detached `conch host`, one client on its socket (in this process). `vim -u NONE -N`
is started through `submit`; its screen arrives as ``R`` frames, keys leave as
``send_input`` with base64 ``data`` (what `conch attach` does while it lends its terminal).
(a) submit → the ``full_screen`` notice, and submit → the first screen bytes; 5 runs.
(b) In insert mode, a key → the first screen bytes after it (vim echoes every key at once);
    20 warm-up + 200 keys, each sent after the previous one's echo.
(c) The same key → echo with vim on a raw pty in this process (pexpect-free: os.read), the
    floor the host's relay adds to.
(d) `:q` Enter → the notice that the program ended.
Target (issue 12, typing): a key reaches the screen within 50 ms, max.
"""

from __future__ import annotations

import asyncio
import base64
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import PYTHON, figures, header, isolate, isolated_env

ROOT = isolate()

from conch.host.client import HostConnection  # noqa: E402
from conch.host.runtime import host_places  # noqa: E402

VIM = ["vim", "-u", "NONE", "-N", "notes.txt"]
STARTS = 5
WARM_UP = 20
KEYS = 200


class Owner:
    """One client's view of its full-screen program: notices and screen bytes."""

    def __init__(self, connection: HostConnection) -> None:
        self.connection = connection
        self.notices: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.screen: asyncio.Queue[float] = asyncio.Queue()
        connection.on_notice = self.notices.put_nowait
        connection.on_raw = lambda data: self.screen.put_nowait(time.perf_counter())

    def drain(self) -> None:
        while not self.screen.empty():
            self.screen.get_nowait()

    async def press(self, keys: bytes) -> None:
        data = base64.b64encode(keys).decode()
        await self.connection.request("send_input", data=data)


async def start_vim(owner: Owner) -> tuple[float, float]:
    owner.drain()
    sent = time.perf_counter()
    await owner.connection.request("submit", line=" ".join(VIM))
    notice = await asyncio.wait_for(owner.notices.get(), 20)
    assert notice["yours"], notice
    told = time.perf_counter()
    drawn = await asyncio.wait_for(owner.screen.get(), 20)
    return told - sent, drawn - sent


async def quit_vim(owner: Owner) -> float:
    await owner.press(b"\x1b")
    sent = time.perf_counter()
    await owner.press(b":q!\r")
    while (await asyncio.wait_for(owner.notices.get(), 20))["program"]:
        pass
    return time.perf_counter() - sent


async def host_figures() -> None:
    connection = await HostConnection.open(host_places().socket)
    owner = Owner(connection)
    await connection.request("attach", cwd=str(ROOT / "work"), new=True)
    await connection.request("resize", rows=40, cols=120)
    told, drawn, ended = [], [], []
    for _ in range(STARTS):
        notice_after, screen_after = await start_vim(owner)
        told.append(notice_after)
        drawn.append(screen_after)
        ended.append(await quit_vim(owner))
    print(figures("(a) submit → full_screen notice", told))
    print(figures("(a) submit → vim's first screen bytes", drawn))
    await start_vim(owner)
    await owner.press(b"i")
    echoes: list[float] = []
    for number in range(WARM_UP + KEYS):
        await asyncio.sleep(0.005)  # let vim finish the previous echo's writes
        owner.drain()
        sent = time.perf_counter()
        await owner.press(b"x" if number % 60 else b"\r")
        echoed = await asyncio.wait_for(owner.screen.get(), 10)
        if number >= WARM_UP:
            echoes.append(echoed - sent)
    print(figures("(b) key → echo at the owner, through host", echoes))
    ended.append(await quit_vim(owner))
    print(figures("(d) :q Enter → the end notice", ended))
    await connection.close()


def raw_pty_figures() -> None:
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT / "work")
        os.execvp("vim", VIM)
    try:
        read_for(fd, 1.0)
        os.write(fd, b"i")
        read_for(fd, 0.2)
        echoes: list[float] = []
        for number in range(WARM_UP + KEYS):
            read_for(fd, 0.005)
            sent = time.perf_counter()
            os.write(fd, b"x" if number % 60 else b"\r")
            select.select([fd], [], [], 10)
            if number >= WARM_UP:
                echoes.append(time.perf_counter() - sent)
        print(figures("(c) key → echo, vim on a raw pty", echoes))
        os.write(fd, b"\x1b:q!\r")
    finally:
        os.waitpid(pid, 0)
        os.close(fd)


def read_for(fd: int, seconds: float) -> None:
    """Read and drop what the program prints for ``seconds`` (it settles after a key)."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        if select.select([fd], [], [], left)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def main() -> None:
    header("host_full_screen: vim through the host, keys and screen")
    if shutil.which("vim") is None:
        print("   vim is not installed: nothing to measure")
        return
    env = {**os.environ, **isolated_env(ROOT)}
    subprocess.run([str(PYTHON), "-m", "conch", "host"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        asyncio.run(host_figures())
    finally:
        subprocess.run([str(PYTHON), "-m", "conch", "host", "stop"], env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    raw_pty_figures()
    print("   target: a key reaches the screen within 50 ms, max")


if __name__ == "__main__":
    main()
