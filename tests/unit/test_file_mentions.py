"""`@` mentions: fuzzy ranking of project files, listed by git or by a bounded walk."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conch_plugins.shell_mode.file_mentions import ProjectFiles, match_score, rank

PATHS = [
    "src/conch/app.py",
    "src/conch/app_base.py",
    "src/conch/agents/write_policy.py",
    "plugins/shell_mode/route_decision.py",
    "tests/unit/test_route_decision.py",
    "README.md",
]


def test_letters_in_order_match_and_others_do_not() -> None:
    assert match_score("rtdec", "plugins/shell_mode/route_decision.py") is not None
    assert match_score("cedtr", "plugins/shell_mode/route_decision.py") is None


def test_a_match_inside_the_file_name_beats_one_spread_over_directories() -> None:
    assert rank("appy", PATHS)[0] == "src/conch/app.py"


def test_the_query_as_one_piece_ranks_first_and_case_does_not_matter() -> None:
    assert rank("readme", PATHS)[0] == "README.md"
    assert rank("route_dec", PATHS)[:2] == [
        "tests/unit/test_route_decision.py",
        "plugins/shell_mode/route_decision.py",
    ]


def test_an_empty_query_lists_the_shallowest_paths_first() -> None:
    assert rank("", PATHS, limit=1) == ["README.md"]


def test_the_limit_keeps_the_best(tmp_path: Path) -> None:
    assert len(rank("p", PATHS, limit=2)) == 2


def test_a_git_repository_lists_tracked_and_new_files_but_not_ignored_ones(
    tmp_path: Path,
) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.bin").write_text("x")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("x")
    listed = ProjectFiles().list(str(tmp_path))
    assert "src/main.py" in listed and "src/" in listed
    assert not [path for path in listed if path.startswith("build")]


def test_outside_git_the_walk_skips_hidden_and_vendored_directories(tmp_path: Path) -> None:
    tmp_path = tmp_path / "project"  # tmp_path also holds the isolated HOME
    for name in ("node_modules/pkg/index.js", ".venv/lib/x.py", "app/main.py", ".env"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    listed = ProjectFiles().list(str(tmp_path))
    assert set(listed) == {"app/", "app/main.py", ".env"}
