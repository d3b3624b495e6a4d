"""Agents in the host: how fast each of two clients hears of an agent's turn.

    .venv/bin/python bench/host_agent.py

A real detached `conch host` whose sessions use the fake ACP agent (tests/peers, the real
protocol over stdio; it answers at once, so what is measured is Conch: the host, its agent
thread, the journal commit and the socket). Two clients follow one session (both in this
process, each reading its own connection): the controller that submits and an observer.
(a) submit → the turn's first agent_update at the first client and at the second.
(b) submit → the turn's turn_end (the whole reply) at the first client.
(c) The second client's lag behind the first for that first update (signed: the host
    writes both frames in one loop turn, so which one this process reads first is chance).
5 warm-up turns (the first starts the agent process), then 40.
Target: a second client's view ≤ 100 ms behind the first's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CONFIG_TOML, PYTHON, figures, header, isolate, running_host

ROOT = isolate()
FAKE_AGENT = Path(__file__).resolve().parent.parent / "tests" / "peers" / "fake_acp_agent.py"
AGENT_TOML = (
    '[agent]\ndefault = "fake"\nsandbox = false\n\n[agents.fake]\nkind = "acp"\n'
    f"command = {json.dumps([str(PYTHON), str(FAKE_AGENT), 'echo'])}\n"
)

from conch.host.client import HostConnection  # noqa: E402
from conch.host.runtime import host_places  # noqa: E402
from conch.sessions import events as ev  # noqa: E402

WARM_UP = 5
RUNS = 40


async def until(connection: HostConnection, kind: str) -> float:
    """The moment the next event of ``kind`` arrives."""
    while True:
        event = (await connection.next_event(timeout=30))["event"]
        if event["kind"] == kind:
            return time.perf_counter()


async def one_turn(first: HostConnection, second: HostConnection, number: int) -> tuple[float, ...]:
    sent = time.perf_counter()
    await first.request("submit", line=f"turn {number}", mode="agent")
    first_update, second_update = await asyncio.gather(
        until(first, ev.AGENT_UPDATE), until(second, ev.AGENT_UPDATE)
    )
    ended = await until(first, ev.TURN_END)
    await until(second, ev.TURN_END)
    return first_update - sent, second_update - sent, ended - sent, second_update - first_update


async def measure() -> None:
    socket_path = host_places().socket
    first = await HostConnection.open(socket_path, client="first")
    attached = await first.request("attach", cwd=str(ROOT / "work"), new=True)
    second = await HostConnection.open(socket_path, role="observer", client="second")
    await second.request("attach", session=attached["session"], role="observer")
    rows = [await one_turn(first, second, number) for number in range(WARM_UP + RUNS)][WARM_UP:]
    at_first, at_second, replies, lags = (list(column) for column in zip(*rows, strict=True))
    print(figures("(a) submit → first agent update, first client", at_first))
    print(figures("(a) submit → first agent update, second client", at_second))
    print(figures("(b) submit → turn_end (the reply), first client", replies))
    print(figures("(c) second − first, first update", lags, "µs", 1e6))
    await second.close()
    await first.close()


def main() -> None:
    header("host_agent: an agent's turn in the host, two clients on one session")
    (ROOT / "config" / "conch" / "config.toml").write_text(CONFIG_TOML + "\n" + AGENT_TOML)
    with running_host(ROOT):
        asyncio.run(measure())
    print("   target: a second client ≤ 100 ms behind the first")


if __name__ == "__main__":
    main()
