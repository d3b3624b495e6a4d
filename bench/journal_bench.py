"""The session journal (issue: sessions that survive anything): append throughput and open time.

    .venv/bin/python bench/journal_bench.py

(a) Batched per turn, synchronous=FULL: each turn is the user's input and the agent prompt,
    acknowledged together (one commit, append_many), then turn_start + 40 agent updates +
    turn_end in one batch: 44 events, 2 commits. Also the whole turn as one batch (1 commit).
    The time per commit printed in (b) is this disk's fsync cost: figures scale with it.
(b) Unbatched: every event its own commit (what per-update acknowledgement would cost).
(c) Open a session of 10,000 events: Journal.open + read every event + rebuild the
    conversation and history projections. Each run opens a new connection (cold for SQLite's
    own cache; the OS page cache stays warm), 7 runs; then the same in fresh processes
    (imports excluded), 5 runs.
Targets: (a) ≥ 5,000 events/s; (c) ≤ 300 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import PYTHON, figures, header, isolate

ROOT = isolate()

from conch.agents.events import MessageChunk, ToolCall, ToolCallUpdate, TurnContext  # noqa: E402
from conch.sessions import events as ev  # noqa: E402
from conch.sessions.journal import Journal  # noqa: E402
from conch.sessions.projections import rebuild_conversation, rebuild_history  # noqa: E402
from conch.sessions.records import JsonObject  # noqa: E402

UPDATES_PER_TURN = 40
BATCHED_TURNS = 300
UNBATCHED_TURNS = 15
OPEN_EVENTS = 10_000
OPEN_RUNS = 7
PROCESS_RUNS = 5
CONTEXT = TurnContext("/work/project", "auto", "bench", "model", 0.0, "/work/project")

OPEN_IN_PROCESS = """
import sys, time
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation, rebuild_history
started = time.perf_counter()
journal = Journal.open(sys.argv[1])
events = list(journal.events(sys.argv[2]))
view = rebuild_conversation(events)
history = rebuild_history(events)
print(time.perf_counter() - started, len(events), len(view.items), len(history))
"""


def updates(turn: int) -> list[tuple[str, str, JsonObject]]:
    """turn_start, 40 agent updates (a tool call, its update, message chunks), turn_end."""
    call = ToolCall(f"call-{turn}", "Read src/app.py", "read", "in_progress", '{"path": "a"}')
    finished = ToolCallUpdate(call.tool_call_id, "completed", None, "file text " * 20)
    items: list[tuple[str, str, JsonObject]] = [
        (ev.TURN_START, ev.CONCH, ev.turn_start(turn, "bench-agent")),
        (ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, call)),
        (ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, finished)),
    ]
    for chunk in range(UPDATES_PER_TURN - 2):
        text = MessageChunk(f"Part {chunk} of the answer, a sentence of ordinary length. ")
        items.append((ev.AGENT_UPDATE, ev.AGENT, ev.agent_update(turn, text)))
    items.append((ev.TURN_END, ev.CONCH, ev.turn_end(turn, "done", "end_turn")))
    return items


def turn_batched(journal: Journal, sid: str, number: int, *, prompt_alone: bool) -> int:
    """One turn; returns the number of events written."""
    text = f"question {number}: why does the build take so long?"
    typed = ev.user_input(text, "agent", "/work/project")
    with journal.batch(sid, max_pending=10_000, max_delay=3600) as batch:
        if prompt_alone:
            prompt = ev.agent_prompt(text, CONTEXT)
            acked = [(ev.USER_INPUT, ev.USER, typed), (ev.AGENT_PROMPT, ev.USER, prompt)]
            turn = journal.append_many(sid, acked)[-1]
        else:
            batch.append(ev.USER_INPUT, ev.USER, typed)
            batch.append(ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, CONTEXT))
            # The batch was empty, so the prompt lands two after the last committed event.
            turn = journal.last_index(sid) + 2
        for kind, sender, payload in updates(turn):
            batch.append(kind, sender, payload)
    return 2 + UPDATES_PER_TURN + 2


def turn_unbatched(journal: Journal, sid: str, number: int) -> int:
    text = f"question {number}"
    journal.append(sid, ev.USER_INPUT, ev.USER, ev.user_input(text, "agent", "/work/project"))
    turn = journal.append(sid, ev.AGENT_PROMPT, ev.USER, ev.agent_prompt(text, CONTEXT))
    for kind, sender, payload in updates(turn):
        journal.append(sid, kind, sender, payload)
    return 2 + UPDATES_PER_TURN + 2


def throughput(path: Path) -> None:
    with Journal.open(path) as journal:
        cases = [
            ("prompt acked, then the turn batched", True),
            ("whole turn in one batch", False),
        ]
        for label, prompt_alone in cases:
            sid = journal.create_session("/work/project", "auto", "bench").id
            written, started = 0, time.perf_counter()
            for number in range(BATCHED_TURNS):
                written += turn_batched(journal, sid, number, prompt_alone=prompt_alone)
            elapsed = time.perf_counter() - started
            print(f"(a) {label:<40} {written / elapsed:10,.0f} events/s   "
                  f"({written} events, {BATCHED_TURNS} turns, {elapsed:.2f} s)")  # fmt: skip
        sid = journal.create_session("/work/project", "auto", "bench").id
        written, started = 0, time.perf_counter()
        for number in range(UNBATCHED_TURNS):
            written += turn_unbatched(journal, sid, number)
        elapsed = time.perf_counter() - started
        per_commit = elapsed / written * 1e3
        print(f"(b) {'unbatched, one commit per event':<40} {written / elapsed:10,.0f} events/s   "
              f"({written} events, {elapsed:.2f} s; {per_commit:.2f} ms a commit)")  # fmt: skip


def build_big_session(path: Path) -> str:
    with Journal.open(path) as journal:
        sid = journal.create_session("/work/project", "auto", "bench").id
        number = 0
        while journal.last_index(sid) + 1 < OPEN_EVENTS:
            if number % 5 == 4:  # some shell commands among the turns
                cwd = "/work/project"
                journal.append(sid, ev.USER_INPUT, ev.USER, ev.user_input("make", "shell", cwd))
                journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("make", cwd))
                with journal.batch(sid) as batch:
                    for line in range(20):
                        batch.append(
                            ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(f"cc -c f{line}.c\n")
                        )
                    batch.append(ev.SHELL_END, ev.SHELL, ev.shell_end(0, cwd))
            else:
                turn_batched(journal, sid, number, prompt_alone=True)
            number += 1
        return sid


def open_times(path: Path, sid: str) -> None:
    samples: list[float] = []
    parts: dict[str, list[float]] = {"open": [], "read": [], "rebuild": []}
    count = items = 0
    for _ in range(OPEN_RUNS):
        started = time.perf_counter()
        journal = Journal.open(path)
        opened = time.perf_counter()
        events = list(journal.events(sid))
        read = time.perf_counter()
        view = rebuild_conversation(events)
        rebuild_history(events)
        done = time.perf_counter()
        journal.close()
        samples.append(done - started)
        parts["open"].append(opened - started)
        parts["read"].append(read - opened)
        parts["rebuild"].append(done - read)
        count, items = len(events), len(view.items)
    print(f"(c) session of {count:,} events, {items} conversation items")
    print("    " + figures("open + read + rebuild (new connection)", samples))
    for name, values in parts.items():
        print("    " + figures(f"  of which {name}", values))
    fresh: list[float] = []
    for _ in range(PROCESS_RUNS):
        child = subprocess.run(
            [str(PYTHON), "-c", OPEN_IN_PROCESS, str(path), sid],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        fresh.append(float(child.stdout.split()[0]))
    print("    " + figures("open + read + rebuild (fresh process)", fresh))
    median = statistics.median(samples) * 1e3
    mark = "ok" if median <= 300 else "MISSED"
    print(f"    target ≤ 300 ms: {median:.0f} ms median ({mark})")


def main() -> int:
    header("journal_bench: append throughput and open time (synchronous=FULL, WAL)")
    data = ROOT / "data"
    throughput(data / "throughput.db")
    path = data / "open.db"
    sid = build_big_session(path)
    open_times(path, sid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
