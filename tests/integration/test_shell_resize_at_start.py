"""A resize that comes while bash is being spawned is not lost.

The host spawns a session's bash in the session's thread while a client that just attached
sends its terminal's size from another: before the fix, a resize landing between reading
the size for the spawn and keeping the child was dropped, and bash stayed 24×80
(28 of 60 tries on this machine).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from conch_plugins.shell_mode import persistent_bash
from conch_plugins.shell_mode.command_result import CollectingSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions


def terminal_size(shell: PersistentBash) -> str:
    sink = CollectingSink()
    shell.execute("stty size", sink)
    return sink.text.strip()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "shell-home"
    where.mkdir()
    monkeypatch.setenv("HOME", str(where))
    return where


def test_a_resize_while_bash_is_spawned_reaches_bash(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = PersistentBash(home, ShellOptions(source_bashrc=False))
    real_spawn = persistent_bash.spawn_bash

    def spawn_while_a_client_resizes(*args: Any, **kwargs: Any) -> Any:
        shell.resize(33, 101)  # the other thread's resize, inside the spawn's window
        return real_spawn(*args, **kwargs)

    monkeypatch.setattr(persistent_bash, "spawn_bash", spawn_while_a_client_resizes)
    shell.start()
    try:
        assert terminal_size(shell) == "33 101"
    finally:
        shell.close()


def test_resizes_from_another_thread_during_start_leave_bash_at_the_last_size(
    home: Path,
) -> None:
    for attempt in range(15):
        shell = PersistentBash(home, ShellOptions(source_bashrc=False))
        starting = threading.Thread(target=shell.start)
        starting.start()
        size = (30 + attempt % 5, 90 + attempt)
        shell.resize(*size)
        starting.join()
        try:
            assert terminal_size(shell) == f"{size[0]} {size[1]}", f"attempt {attempt}"
        finally:
            shell.close()
