"""Ctrl+Q in the host: how long the last client waits for its idle session to stop, and how
long `conch attach ID` takes to start it again from the journal.

    .venv/bin/python bench/host_quit.py

A real detached `conch host`; one client on its socket (this process). Per run: attach a
session, run `true`, then (a) ``detach`` with ``stop_if_idle`` (what Ctrl+Q sends) → its
reply, the session stopped (bash ended, claim released, live list saved); (b) attach by id →
its reply, the session revived (journal read, new bash). Shell only, then with the fake ACP
agent after one turn (its process ends with the session). 3 warm-up + 20 runs each.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CONFIG_TOML, PYTHON, figures, header, isolate, isolated_env

ROOT = isolate()

from conch.host.client import HostConnection  # noqa: E402
from conch.host.runtime import host_places  # noqa: E402

WARM_UP = 3
RUNS = 20
FAKE_ACP_AGENT = Path(__file__).resolve().parent.parent / "tests" / "peers" / "fake_acp_agent.py"


async def until(connection: HostConnection, kind: str, after: int) -> None:
    """Wait for a ``kind`` event past index ``after`` (a revive sends the history first)."""
    while True:
        event = (await connection.next_event(timeout=30))["event"]
        if event["kind"] == kind and event["idx"] > after:
            return


async def cycle(with_agent: bool) -> tuple[list[float], list[float]]:
    socket_path = host_places().socket
    stops: list[float] = []
    revives: list[float] = []
    session = ""
    for run in range(WARM_UP + RUNS):
        client = await HostConnection.open(socket_path)
        started = time.perf_counter()
        if session:
            reply = await client.request("attach", session=session)
        else:
            reply = await client.request("attach", cwd=str(ROOT / "work"), new=True)
        revived = time.perf_counter()
        session = reply["session"]
        await client.request("submit", line="true")
        await until(client, "shell_end", reply["last_index"])
        if with_agent:
            await client.request("submit", line="hello", mode="agent")
            await until(client, "turn_end", reply["last_index"])
        asked = time.perf_counter()
        left = await client.request("detach", stop_if_idle=True)
        stopped = time.perf_counter()
        assert left["stopped"], left
        await client.close()
        if run >= WARM_UP:
            stops.append(stopped - asked)
            if run > 0:
                revives.append(revived - started)
    return stops, revives


def main() -> None:
    header("host_quit: Ctrl+Q stops an idle session; attach ID revives it")
    env = {**os.environ, **isolated_env(ROOT)}
    config = ROOT / "config" / "conch" / "config.toml"
    for label, with_agent in (("shell only", False), ("after an agent turn", True)):
        if with_agent:
            command = json.dumps([str(PYTHON), str(FAKE_ACP_AGENT), "echo"])
            config.write_text(f'{CONFIG_TOML}\n[agent]\ndefault = "fake"\nsandbox = false\n\n'
                              f'[agents.fake]\nkind = "acp"\ncommand = {command}\n')  # fmt: skip
        subprocess.run([str(PYTHON), "-m", "conch", "host"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            stops, revives = asyncio.run(cycle(with_agent))
        finally:
            subprocess.run([str(PYTHON), "-m", "conch", "host", "stop"], env=env,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        print(figures(f"(a) {label}: Ctrl+Q → stopped", stops))
        print(figures(f"(b) {label}: attach ID → revived", revives))


if __name__ == "__main__":
    main()
