"""Shared by the hostile probes: damaged journals in every shape, and small file systems.

The damage is real bytes in a real journal file written by the Journal; the file systems
are real tmpfs mounts (we run as root in the test machine; where ``mount`` is refused the
tests that need one are skipped, saying why).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conch.sessions import events as ev
from conch.sessions.journal import Journal

SHAPES = ("truncated_half", "random_header", "whole_file_random", "text_file", "middle_garbage")
"""How a journal file gets damaged, as found by the hostile probe."""

SALVAGEABLE = ("truncated_half", "random_header", "middle_garbage")
"""Shapes that leave sessions to salvage (random bytes and text leave none)."""


def write_journal(path: Path, cwd: str, sessions: int = 3, lines: int = 200) -> list[str]:
    """A journal with ``sessions`` sessions in ``cwd`` of typed lines and one big output each;
    returns their ids (the last one is the newest)."""
    ids = []
    with Journal.open(path) as journal:
        for number in range(sessions):
            session_id = journal.create_session(cwd, "auto", "").id
            for line in range(lines):
                text = f"echo session-{number}-line-{line}"
                journal.append_many(session_id, [
                    (ev.USER_INPUT, ev.USER, ev.user_input(text, "auto", cwd)),
                    (ev.SHELL_START, ev.SHELL, ev.shell_start(text, cwd)),
                    (ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(text[5:] + "\n")),
                    (ev.SHELL_END, ev.SHELL, ev.shell_end(0, cwd)),
                ])  # fmt: skip
            journal.append(session_id, ev.SHELL_START, ev.SHELL, ev.shell_start("seq 1 40000", cwd))
            output = "".join(f"{n}\n" for n in range(1, 40001))
            journal.append(session_id, ev.SHELL_OUTPUT, ev.SHELL, ev.shell_output(output))
            journal.append(session_id, ev.SHELL_END, ev.SHELL, ev.shell_end(0, cwd))
            ids.append(session_id)
    return ids


def damage(path: Path, shape: str, seed: int = 7) -> None:
    """Damage the journal file in place, the way the hostile probe did."""
    data = path.read_bytes()
    rng = random.Random(seed)
    if shape == "truncated_half":
        path.write_bytes(data[: len(data) // 2])
    elif shape == "random_header":
        path.write_bytes(rng.randbytes(100) + data[100:])
    elif shape == "whole_file_random":
        path.write_bytes(rng.randbytes(len(data)))
    elif shape == "text_file":
        path.write_text("this is not a journal\n" * 200)
    elif shape == "middle_garbage":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + rng.randbytes(8192) + data[middle + 8192 :])
    else:
        raise ValueError(shape)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)  # a checkpointed, closed journal


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems (``mount("1m")``), unmounted after the test."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        if shutil.which("mount") is None:
            pytest.skip("no mount command here, so no small file system to fill")
        point = tmp_path / f"fs-{uuid.uuid4().hex[:6]}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=10)


def remount_read_only(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True, timeout=10)
