"""A crash before the app runs (or after it): one line, a private report, a non-zero exit."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from conch import cli
from conch.crash_report import EXIT_CRASHED, reports_dir


def test_a_crash_outside_the_app_leaves_a_private_report_and_one_line(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(words: list[str]) -> int:
        typed_by_the_user = "SECRET-LINE"
        raise KeyError(typed_by_the_user.lower())

    monkeypatch.setattr(cli, "run", crash)
    assert cli.main([]) == EXIT_CRASHED
    captured = capsys.readouterr()
    (report,) = reports_dir().glob("crash-*.txt")
    assert captured.err.strip() == (
        f"Conch crashed (KeyError); the report is {report}. Your session is saved up to the "
        "last thing shown as done; `conch` reopens it."
    )
    assert "SECRET" not in captured.err and "secret" not in captured.err and captured.out == ""
    text = report.read_text()
    assert "KeyError: 'secret-line'" in text and "SECRET-LINE" not in text  # no locals
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(reports_dir().stat().st_mode) == 0o700
