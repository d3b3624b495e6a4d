"""Measure Tab completion (conch_plugins.shell_mode.completion) through its public API.

    .venv/bin/python bench/completion_bench.py

Cases: a file-name prefix in a directory of 10,000 files (no helper bash, and through
bash-completion's ``cat`` spec in the helper), ``git ch``, ``git checkout ma`` in a
repository with a few branches, ``ls --col``, and the command word ``gi``. Each round
starts a fresh helper bash: its start-up, the first call and the repeats are reported
apart (git's completion caches its command list on the first call). HOME is an empty temp
directory, so no dotfiles are read. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "plugins"))

from benchlib import figures, header, isolate  # noqa: E402
from conch_plugins.shell_mode.command_check import CommandIndex  # noqa: E402
from conch_plugins.shell_mode.completion import Completer, CompletionShell  # noqa: E402

ROUNDS = 5
REPEATS = 20


def make_files(directory: Path, count: int) -> None:
    directory.mkdir()
    for number in range(count):
        (directory / f"file_{number:05d}").touch()


def make_repo(directory: Path) -> None:
    directory.mkdir()
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=directory, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (directory / "README").write_text("bench\n")
    git("add", "README")
    git("commit", "-q", "-m", "first")
    for branch in ("maint", "master-old", "feature/a", "feature/b", "release-1.0"):
        git("branch", branch)


def measure(
    line: str, cwd: Path, index: CommandIndex, *, helper: bool
) -> tuple[list[float], list[float], list[float], int]:
    """Start-up, first-call and repeat times (seconds) over ROUNDS fresh helpers."""
    starts: list[float] = []
    firsts: list[float] = []
    repeats: list[float] = []
    count = 0
    clock = time.perf_counter
    for _ in range(ROUNDS):
        shell = CompletionShell() if helper else None
        try:
            if shell is not None:
                began = clock()
                shell.start()
                starts.append(clock() - began)
            completer = Completer(index, shell)
            began = clock()
            result = completer.complete(line, len(line), str(cwd))
            firsts.append(clock() - began)
            count = len(result.candidates)
            for _ in range(REPEATS):
                began = clock()
                completer.complete(line, len(line), str(cwd))
                repeats.append(clock() - began)
        finally:
            if shell is not None:
                shell.close()
    return starts, firsts, repeats, count


def report(label: str, line: str, cwd: Path, index: CommandIndex, *, helper: bool) -> None:
    starts, firsts, repeats, count = measure(line, cwd, index, helper=helper)
    where = "helper bash" if helper else "no helper"
    print(f"-- {label}: {line!r} ({where}, {count} candidates)")
    if starts:
        print(figures("   helper start", starts))
    print(figures("   first call", firsts))
    print(figures("   repeat", repeats))
    sys.stdout.flush()


def main() -> int:
    root = isolate()
    home = root / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)
    header("Tab completion")
    has_bash_completion = CompletionShell().has_bash_completion
    print(f"   bash-completion installed: {has_bash_completion}")
    files = root / "work" / "many"
    make_files(files, 10_000)
    repo = root / "work" / "repo"
    make_repo(repo)
    index = CommandIndex()
    index.refresh_path()
    print(f"   PATH executables: {len(index.executables)}")

    report("10,000 files, 1,000 match", "cat file_01", files, index, helper=False)
    report("10,000 files, 10 match", "cat file_0123", files, index, helper=False)
    report("10,000 files, 1,000 match", "cat file_01", files, index, helper=True)
    report("command word", "gi", repo, index, helper=False)
    if has_bash_completion:
        report("git subcommands", "git ch", repo, index, helper=True)
        report("git branches", "git checkout ma", repo, index, helper=True)
        report("long options from --help", "ls --col", repo, index, helper=True)
    else:
        print("-- git ch, git checkout ma, ls --col: skipped (bash-completion not installed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
