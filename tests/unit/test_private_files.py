"""Conch's own files are private, and nobody else's directory is ever closed by it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from conch import private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_made_directories_are_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        made = private.make_dir(tmp_path / "a" / "b")
    finally:
        os.umask(previous)
    assert mode(made) == mode(made.parent) == 0o700


def test_a_shared_sticky_directory_is_never_tightened(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    private.make_dir(shared)
    assert mode(shared) == 0o1777, "tightening /tmp locks every other user out"


def test_a_file_opened_in_an_existing_folder_leaves_the_folder_alone(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    folder.chmod(0o755)
    with private.open_append(folder / "agent.log") as log:
        log.write(b"x")
    assert mode(folder) == 0o755
    assert mode(folder / "agent.log") == 0o600
    os.close(private.open_new_text(folder / "report.txt"))
    assert mode(folder) == 0o755 and mode(folder / "report.txt") == 0o600


def test_conchs_own_folder_left_open_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    own = tmp_path / "conch"
    own.mkdir()
    own.chmod(0o755)
    private.make_dir(own)
    assert mode(own) == 0o700
