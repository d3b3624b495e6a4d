"""`conch route`: stdin lines in, Auto mode's decisions out, from a real session bash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """The test's HOME, whose ~/.bashrc defines an alias and a function Conch never saw."""
    (isolated_home / ".bashrc").write_text(
        "alias shipit='echo shipped'\nhello_there() { echo hi; }\n"
    )
    return isolated_home


def conch_route(stdin: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``conch route`` in a subprocess; HOME and XDG dirs come from the isolated env."""
    return subprocess.run(
        [sys.executable, "-m", "conch", "route", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=home,
        timeout=60,
    )


def test_conch_route_prints_one_decision_per_line_in_order(home: Path) -> None:
    lines = [
        "git status",
        "make the failing tests pass",
        "gti status",
        "mkae the tests pass",
        "thanks",
        "ps aux | grep python",
        "!explain this",
        "?ls",
    ]
    completed = conch_route("\n".join(lines) + "\n", home)
    assert completed.returncode == 0, completed.stderr
    expected = ["shell", "agent", "shell", "ask", "agent", "shell", "shell", "agent"]
    assert completed.stdout.splitlines() == expected


def test_conch_route_explain_adds_a_tab_and_the_reason(home: Path) -> None:
    completed = conch_route("gti status\nfind where we handle auth\n", home, "--explain")
    assert completed.returncode == 0, completed.stderr
    first, second = completed.stdout.splitlines()
    decision, reason = first.split("\t")
    assert decision == "shell"
    assert "`gti`" in reason and "git status" in reason
    assert second.split("\t")[0] == "agent"
    assert "`find`" in second.split("\t")[1]


def test_conch_route_knows_the_aliases_and_functions_from_bashrc(home: Path) -> None:
    completed = conch_route("shipit\nhello_there\n", home)
    assert completed.stdout.splitlines() == ["shell", "shell"]
    (home / ".bashrc").write_text("")
    completed = conch_route("shipit\nhello_there\n", home)
    assert completed.stdout.splitlines() == ["ask", "ask"]  # unknown words: Conch asks


def test_conch_route_runs_nothing_it_reads(home: Path) -> None:
    marker = home / "ran"
    keep = home / "keep"
    keep.mkdir()
    lines = [f"touch {marker}", f"rm -rf {keep}", f"echo x > {marker}"]
    completed = conch_route("\n".join(lines) + "\n", home)
    assert completed.stdout.splitlines() == ["shell", "shell", "shell"]
    assert not marker.exists()
    assert keep.is_dir()


def test_conch_route_reads_an_escaped_newline_as_typed_on_one_line(home: Path) -> None:
    completed = conch_route("ls\\npwd\n\n", home, "--explain")
    assert len(completed.stdout.splitlines()) == 2
    assert completed.stdout.splitlines()[1] == "shell\tempty line"
