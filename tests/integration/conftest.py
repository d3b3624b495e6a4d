"""Fixtures shared by the tests that drive a real bash with no app around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PersistentBash]:
    """A started bash in the test's directory, with a home of its own and no ~/.bashrc."""
    home = tmp_path / "shell-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    shell = PersistentBash(tmp_path, ShellOptions(source_bashrc=False))
    shell.start()
    yield shell
    shell.close()
