"""Each host test gets its own runtime dir, so its socket and its host are its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from conch.host.client import HostConnection, ask_host
from conch.host.runtime import host_places
from tests.host.conch_process import conch


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private XDG_RUNTIME_DIR (0700, as a login session's is), where the host's socket
    goes."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    return run


def host_pid() -> int:
    status = asyncio.run(ask_host(host_places().socket, "status"))
    return int(status["pid"])


@pytest.fixture
def project(tmp_path: Path, runtime: Path) -> Path:
    where = tmp_path / "project"
    where.mkdir()
    return where


@pytest.fixture
def host(project: Path) -> Iterator[int]:
    """A host started as `conch` starts it; stopped (or, if killed, its successor) after."""
    started = conch("host")
    assert started.returncode == 0, started.stderr
    yield host_pid()
    conch("host", "stop")


@pytest.fixture
async def clients() -> AsyncIterator[list[HostConnection]]:
    opened: list[HostConnection] = []
    yield opened
    for connection in opened:
        await connection.close()
