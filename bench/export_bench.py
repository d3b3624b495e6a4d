"""`conch sessions export` of a session with big outputs: time and size of the Markdown.

    .venv/bin/python bench/export_bench.py

The session holds what a pty gives for `seq 1 1000000` (6.9 MB, CRLF line ends), a progress
bar redrawn 400,000 times with a bare CR, and 10,000 coloured lines. It is exported three
ways, 5 runs each: the default (outputs cut to their first and last lines), --full, and
--full --ansi. Printed: time, and the lines and bytes written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import figures, header, isolate

ROOT = isolate()

from conch.sessions import events as ev  # noqa: E402
from conch.sessions.export import MAX_OUTPUT_LINES, ExportOptions, session_markdown  # noqa: E402
from conch.sessions.journal import Journal  # noqa: E402

RUNS = 5
OUTPUTS = {
    "seq 1 1000000": "".join(f"{n}\r\n" for n in range(1, 1_000_001)),
    "download": "".join(f"\rfetching {n / 4000:.2f}%" for n in range(400_000)) + "\r\n",
    "pytest --color=yes": "".join(f"\x1b[32mPASSED\x1b[0m test_{n}\r\n" for n in range(10_000)),
}


def build(journal: Journal) -> str:
    session_id = journal.create_session(str(ROOT / "work"), "shell", "none").id
    for command, output in OUTPUTS.items():
        journal.append(session_id, ev.SHELL_START, ev.USER, ev.shell_start(command, "/w"))
        for start in range(0, len(output), 256 * 1024):  # as the recorder batches it
            chunk = output[start : start + 256 * 1024]
            journal.append(session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(chunk))
        journal.append(session_id, ev.SHELL_END, ev.SHELL, ev.shell_end(0, "/w", duration=1.0))
    return session_id


def main() -> None:
    header("export of a session with big outputs")
    raw = sum(len(output.encode()) for output in OUTPUTS.values())
    raw_lines = sum(output.count("\n") for output in OUTPUTS.values())
    print(f"   raw output: {raw:,} bytes, {raw_lines:,} lines")
    with Journal.open(ROOT / "data" / "journal.db") as journal:
        session_id = build(journal)
        ways = {
            f"default (cut at {MAX_OUTPUT_LINES} lines)": ExportOptions(),
            "--full": ExportOptions(max_output_lines=None),
            "--full --ansi": ExportOptions(ansi=True, max_output_lines=None),
        }
        for label, options in ways.items():
            times: list[float] = []
            for _ in range(RUNS):
                started = time.perf_counter()
                text = session_markdown(journal, session_id, options)
                times.append(time.perf_counter() - started)
            print(figures(label, times))
            print(f"{'':<44} {text.count(chr(10)):,} lines, {len(text.encode()):,} bytes, "
                  f"{text.count(chr(13))} CRs")  # fmt: skip


if __name__ == "__main__":
    main()
