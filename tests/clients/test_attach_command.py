"""`conch attach` refuses what it cannot do, in one line, before starting anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conch.cli import main


def test_attach_without_a_terminal_says_so_and_exits_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "conch", "--cwd", str(tmp_path), "attach"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert "conch attach: needs a terminal" in done.stderr


def test_attach_to_an_id_and_a_new_session_at_once_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["attach", "abc123", "--new"])
    assert exited.value.code == 2
    assert "a session ID or --new, not both" in capsys.readouterr().err


def test_attach_help_names_its_keys(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["attach", "--help"])
    shown = capsys.readouterr().out
    assert "--observe" in shown and "Ctrl+Q" in shown and "Ctrl+R" in shown
