"""`conch complete [--cwd DIR] -- LINE`: what Tab would offer, one text a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.complete_cli import main
from tests.peers.programs import needs_bash_completion, needs_program


def test_prints_each_candidate_text_as_tab_inserts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "my notes.md").write_text("")
    (tmp_path / "my dir").mkdir()
    status = main(["--cwd", str(tmp_path), "--", "cat my"])
    assert status == 0
    assert capsys.readouterr().out == "my\\ dir/\nmy\\ notes.md\n"


def test_the_words_after_the_separator_make_up_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.md").write_text("")
    assert main(["--cwd", str(tmp_path), "--", "cat", "no"]) == 0
    assert capsys.readouterr().out == "notes.md\n"


def test_nothing_to_offer_prints_nothing_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cwd", str(tmp_path), "--", "cat zzz"]) == 1
    assert capsys.readouterr().out == ""


def test_command_names_come_from_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--", "ech"]) == 0
    assert "echo" in capsys.readouterr().out.splitlines()


@needs_bash_completion("`conch complete` of git's subcommands")
@needs_program("git", "git", "`conch complete` of git's subcommands")
def test_programmable_completion_runs_as_on_tab(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cwd", str(tmp_path), "--", "git ch"]) == 0
    assert {"checkout", "cherry-pick"} <= set(capsys.readouterr().out.splitlines())
