"""The ``conch`` command line: --version stays light, --cwd is checked."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conch import __version__
from conch.cli import build_parser, main


def run_python(
    code_or_args: list[str], tmp_path: Path, terminal: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the venv's Python with an isolated HOME and XDG dirs (stdin and stdout on the
    ``terminal`` fd when given, else stdout a pipe)."""
    env = dict(os.environ)
    env["HOME"] = str(tmp_path / "fake-home")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    if terminal is not None:
        return subprocess.run(
            [sys.executable, *code_or_args],
            stdin=terminal,
            stdout=terminal,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=30,
        )
    return subprocess.run(
        [sys.executable, *code_or_args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
    )


def test_version_is_printed_and_exits_zero(tmp_path: Path) -> None:
    completed = run_python(["-m", "conch", "--version"], tmp_path)
    assert completed.returncode == 0
    assert completed.stdout.strip() == "conch 0.1.0"
    assert completed.stdout.strip() == f"conch {__version__}"


def test_version_does_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from conch import cli\n"
        "try:\n"
        "    cli.main(['--version'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "print('exit', code)\n"
        "print('textual' in sys.modules)\n"
    )
    completed = run_python(["-c", code], tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["conch 0.1.0", "exit 0", "False"]


def test_version_import_time_has_no_textual(tmp_path: Path) -> None:
    completed = run_python(["-X", "importtime", "-m", "conch", "--version"], tmp_path)
    assert completed.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()]
    assert "conch.cli" in imported
    assert not [name for name in imported if name.split(".")[0] == "textual"]


def test_missing_cwd_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    completed = run_python(["-m", "conch", "--cwd", "/nonexistent"], tmp_path)
    assert completed.returncode == 2
    assert "/nonexistent" in completed.stderr
    assert "not a directory" in completed.stderr
    assert completed.stdout == ""


def test_cwd_that_is_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("")
    assert main(["--cwd", str(a_file)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_missing_cwd_in_process_does_not_start_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cwd", str(tmp_path / "gone")]) == 2
    captured = capsys.readouterr()
    assert "gone" in captured.err
    assert captured.out == ""


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--frobnicate"])
    assert raised.value.code == 2
    assert "usage: conch" in capsys.readouterr().err


def test_help_mentions_the_options() -> None:
    help_text = build_parser().format_help()
    assert "--version" in help_text
    assert "--cwd" in help_text


def test_conch_complete_prints_what_tab_would_offer(tmp_path: Path) -> None:
    (tmp_path / "alpha.txt").write_text("")
    (tmp_path / "alpine").mkdir()
    completed = run_python(["-m", "conch", "complete", "--cwd", str(tmp_path), "--", "cat al"],
                           tmp_path)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["alpha.txt", "alpine/"]


def test_conch_sessions_on_a_fresh_machine_lists_none(tmp_path: Path) -> None:
    completed = run_python(["-m", "conch", "sessions"], tmp_path)
    assert completed.returncode == 0, completed.stderr
    exported = run_python(["-m", "conch", "sessions", "export", "nope"], tmp_path)
    assert exported.returncode == 1 and "nope" in exported.stderr


def test_resume_of_an_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    parent, child = pty.openpty()  # the TUI needs a terminal before it reads --resume
    try:
        completed = run_python(["-m", "conch", "--resume", "nope"], tmp_path, terminal=child)
    finally:
        os.close(child)
        os.close(parent)
    assert completed.returncode == 1
    assert "conch sessions" in completed.stderr
