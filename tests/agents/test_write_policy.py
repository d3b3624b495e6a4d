"""Which writes count as outside the project, and what "Always allow" remembers."""

from __future__ import annotations

from pathlib import Path

from conch.agents.events import Decision
from conch.agents.write_policy import PermissionMemory, is_inside, outside_project_reason


def test_files_in_the_project_and_the_project_itself_are_inside(tmp_path: Path) -> None:
    assert is_inside(str(tmp_path / "src" / "new.py"), str(tmp_path))
    assert is_inside(str(tmp_path), str(tmp_path))


def test_dot_dot_cannot_escape_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    assert not is_inside(str(project / ".." / "elsewhere.txt"), str(project))


def test_a_sibling_sharing_the_name_prefix_is_outside(tmp_path: Path) -> None:
    assert not is_inside(str(tmp_path / "project2" / "a.txt"), str(tmp_path / "project"))


def test_a_symlink_pointing_out_of_the_project_is_outside(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "link").symlink_to(outside)
    assert not is_inside(str(project / "link" / "file.txt"), str(project))


def test_a_project_reached_through_a_symlink_still_contains_its_files(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real)
    assert is_inside(str(real / "a.txt"), str(tmp_path / "alias"))


def test_with_no_project_root_every_write_is_outside(tmp_path: Path) -> None:
    assert not is_inside(str(tmp_path / "a.txt"), "")
    assert outside_project_reason("/p") == "writes outside the project /p"


def test_always_allow_is_remembered_per_tool_kind() -> None:
    memory = PermissionMemory()
    assert memory.must_ask("edit")
    memory.remember("edit", Decision("allow_once", "allow_once"))
    assert memory.must_ask("edit")
    memory.remember("edit", Decision("allow_always", "allow_always"))
    assert not memory.must_ask("edit")
    assert memory.must_ask("execute")
