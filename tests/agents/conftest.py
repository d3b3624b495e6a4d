"""Fixtures shared by the agent tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def sandbox_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder, and a temp dir of its own for the sandbox.

    The test's HOME lies under the system temp dir, which the sandbox leaves
    writable: the sandbox gets a temp dir of its own, as on a real machine."""
    project = tmp_path / "project"
    project.mkdir()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return project
