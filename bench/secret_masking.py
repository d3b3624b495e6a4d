"""What masking secrets costs on the journal and agent path (`conch.secret_masking`).

Prints: import cost (the module, then detect-secrets on first use, each in a fresh
process); per-line cost for a line the prefilter passes over, a flagged line with no secret
(a git hash), and a line with a secret; and the cost on `seq 1 1000000` (6.9 MB) and on
100,000 lines of `git log`-like output, whole and in the 256 KiB pieces the journal emits;
and journaling `seq 1 1000000` through a real ShellRecording (SQLite, 64 KiB reads) with the
masking and with it replaced by a no-op, alternating. Median of 5 runs (per-line figures:
median of 5 runs of 2,000 calls). Asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import conch.session_recorder as recorder_module
from conch.secret_masking import mask_secrets, warm_up
from conch.session_recorder import SessionRecorder
from conch.sessions.journal import Journal
from conch_plugins.shell_mode.command_result import CommandResult

RUNS = 5
CHUNK = 256 * 1024


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def fresh_process_import(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def per_line(line: str) -> float:
    calls = 2000
    return median_seconds(lambda: [mask_secrets(line) for _ in range(calls)]) / calls


def in_chunks(text: str) -> None:
    for at in range(0, len(text), CHUNK):
        mask_secrets(text[at : at + CHUNK])


def journal_output(text: str, masked: bool) -> float:
    """Seconds to journal ``text`` as one command's output, read 64 KiB at a time."""
    reads = [text[at : at + 65536] for at in range(0, len(text), 65536)]
    recorder_module.mask_secrets = mask_secrets if masked else (lambda text: text)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal.open(Path(folder) / "journal.db")
        try:
            session = journal.create_session("/w", "auto", "bench").id
            start = time.perf_counter()
            recording = SessionRecorder(journal, session).shell_started("seq 1 1000000", "/w")
            for piece in reads:
                recording.output(piece)
            recording.finished(CommandResult("cat", 0, "/w", 0.0))
            return time.perf_counter() - start
        finally:
            journal.close()
            recorder_module.mask_secrets = mask_secrets  # type: ignore[assignment]


def git_log_like(lines: int) -> str:
    rows = []
    for i in range(lines):
        if i % 6 == 0:
            rows.append(f"commit {i:040x}")
        elif i % 6 == 1:
            rows.append("Author: Ada Lovelace <ada@example.com>")
        elif i % 6 == 2:
            rows.append("Date:   Fri Dec 4 16:56:27 2026 +0000")
        else:
            rows.append(f"    Fix the widget layout when the window is resized ({i})")
    return "\n".join(rows) + "\n"


def main() -> None:
    print("import conch.secret_masking (fresh process): "
          f"{fresh_process_import('import conch.secret_masking') * 1000:.1f} ms")  # fmt: skip
    load = "import conch.secret_masking as m; m.warm_up()"
    print(f"  + loading detect-secrets on first use: {fresh_process_import(load) * 1000:.1f} ms")
    warm_up()
    print("per line (median of 5 × 2,000 calls):")
    for label, line in (
        ("clean line, prefilter misses", "drwxr-xr-x  2 root root 4096 Dec  4 16:56 bench"),
        ("flagged, no secret (git hash)", f"commit {7:040x}"),
        ("export GITHUB_TOKEN=ghp_…", "export GITHUB_TOKEN=ghp_" + "16C7e42F292c6912E7710c8" * 2),
        ("curl -H 'Authorization: Bearer …'", "curl -H 'Authorization: Bearer abc123def456' x"),
    ):
        print(f"  {label:36} {per_line(line) * 1e6:8.2f} µs")
    seq = "".join(f"{n}\n" for n in range(1, 1_000_001))
    log = git_log_like(100_000)
    for label, text in (("seq 1 1000000", seq), ("git log-like, 100,000 lines", log)):
        size = len(text) / 1e6
        whole = median_seconds(lambda text=text: mask_secrets(text))
        chunked = median_seconds(lambda text=text: in_chunks(text))
        print(f"{label} ({size:.1f} MB): whole {whole * 1000:.0f} ms, "
              f"in 256 KiB pieces {chunked * 1000:.0f} ms")  # fmt: skip
    with_mask: list[float] = []
    without: list[float] = []
    for _ in range(RUNS):
        with_mask.append(journal_output(seq, masked=True))
        without.append(journal_output(seq, masked=False))
    print("journaling seq 1 1000000 (ShellRecording, SQLite): "
          f"masked {statistics.median(with_mask) * 1000:.0f} ms, "
          f"unmasked {statistics.median(without) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
