"""``conch``'s subcommands after global options, their own --help, and the TUI without a
terminal: each answers at once, in a real process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

# Long enough for a loaded machine; the old behaviour (the TUI starting, or spinning without
# a terminal) never ends on its own, so it fails by running out of this.
PATIENCE = 30


def conch(args: list[str], home: Path, terminal: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m conch ARGS`` with the isolated HOME; stdin and stdout are a pty when
    ``terminal``, else stdin is /dev/null and stdout a pipe (a script, a cron job)."""
    env = dict(os.environ, HOME=str(home))
    if not terminal:
        return subprocess.run(
            [sys.executable, "-m", "conch", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
            timeout=PATIENCE,
        )
    parent, child = pty.openpty()
    try:
        return subprocess.run(
            [sys.executable, "-m", "conch", *args],
            stdin=child,
            stdout=child,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=home,
            timeout=PATIENCE,
        )
    finally:
        os.close(child)
        os.close(parent)


@pytest.mark.parametrize("option", [["--new"], ["--agent", "fake"], ["--resume", "abc"]])
def test_a_tui_option_before_a_subcommand_is_a_usage_error_not_the_tui(
    option: list[str], isolated_home: Path
) -> None:
    completed = conch([*option, "sessions"], isolated_home, terminal=True)
    assert completed.returncode == 2
    assert "usage: conch" in completed.stderr
    assert f"`conch sessions` takes no {option[0]}" in completed.stderr


def test_the_cwd_option_before_complete_is_used_by_complete(isolated_home: Path) -> None:
    (isolated_home / "project").mkdir()
    (isolated_home / "project" / "alpha.txt").write_text("")
    where = str(isolated_home / "project")
    completed = conch(["--cwd", where, "complete", "--", "cat al"], isolated_home)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["alpha.txt"]


def test_without_a_terminal_the_tui_refuses_in_one_line_at_once(isolated_home: Path) -> None:
    completed = conch([], isolated_home)
    assert completed.returncode != 0
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0], completed.stderr


def test_with_stdout_redirected_the_tui_refuses_too(isolated_home: Path) -> None:
    parent, child = pty.openpty()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "conch", "--new"],
            stdin=child,
            capture_output=True,
            text=True,
            env=dict(os.environ, HOME=str(isolated_home)),
            cwd=isolated_home,
            timeout=PATIENCE,
        )
    finally:
        os.close(child)
        os.close(parent)
    assert completed.returncode != 0
    assert "needs a terminal" in completed.stderr


def test_conch_route_help_is_routes_own_help(isolated_home: Path) -> None:
    completed = conch(["route", "--help"], isolated_home)
    assert completed.returncode == 0
    assert completed.stdout.startswith("usage: conch route")
    assert "--explain" in completed.stdout


def test_route_explain_works_after_and_before_the_word_route(isolated_home: Path) -> None:
    for args in (["route", "--explain"], ["--explain", "route"]):
        completed = subprocess.run(
            [sys.executable, "-m", "conch", *args],
            input="git status\n",
            capture_output=True,
            text=True,
            env=dict(os.environ, HOME=str(isolated_home)),
            cwd=isolated_home,
            timeout=PATIENCE,
        )
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.startswith("shell\t"), completed.stdout


def test_help_names_every_sessions_command(isolated_home: Path) -> None:
    top = conch(["--help"], isolated_home).stdout
    assert "sessions --search TEXT" in top or "sessions [--search TEXT]" in top
    assert "sessions delete ID" in top
    sessions = conch(["sessions", "--help"], isolated_home).stdout
    assert "--search" in sessions and "delete" in sessions and "export" in sessions


def test_an_unknown_command_is_a_usage_error(isolated_home: Path) -> None:
    completed = conch(["frobnicate"], isolated_home)
    assert completed.returncode == 2
    assert "invalid choice: 'frobnicate'" in completed.stderr
