"""Tab on file names against real files: escaping, quotes, ~ and $VAR, dotfiles, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion import Completer, Completion


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A working directory with awkward names."""
    root = tmp_path / "work"
    (root / "my dir").mkdir(parents=True)
    (root / "my dir" / "notes.txt").write_text("")
    (root / "src").mkdir()
    (root / "src" / "main.py").write_text("")
    (root / "src" / "main_test.py").write_text("")
    for name in ("a b.txt", "alpha", "it's", "o$p", ".env", "#hash"):
        (root / name).write_text("")
    (root / "linked").symlink_to(root / "src")
    tool = root / "run.sh"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    (root / "readme.md").write_text("")
    return root


def complete(tree: Path, line: str) -> Completion:
    return Completer(CommandIndex(executables={"cat"})).complete(line, len(line), str(tree))


def texts(result: Completion) -> list[str]:
    return [candidate.text for candidate in result.candidates]


def test_names_are_completed_relative_to_the_given_cwd(tree: Path) -> None:
    result = complete(tree, "cat al")
    assert texts(result) == ["alpha"]
    assert result.apply("cat al") == ("cat alpha ", 10)


def test_special_characters_are_escaped_with_backslashes(tree: Path) -> None:
    assert texts(complete(tree, "cat a")) == ["a\\ b.txt", "alpha"]
    assert texts(complete(tree, "cat it")) == ["it\\'s"]
    assert texts(complete(tree, "cat o")) == ["o\\$p"]
    assert texts(complete(tree, "cat \\#")) == ["\\#hash"]


def test_directories_end_with_a_slash_and_take_no_space(tree: Path) -> None:
    result = complete(tree, "cd my")
    assert texts(result) == ["my\\ dir/"]
    assert result.candidates[0].kind == "directory"
    assert result.candidates[0].display == "my dir/"
    assert result.apply("cd my") == ("cd my\\ dir/", 11)


def test_a_symlink_to_a_directory_counts_as_a_directory(tree: Path) -> None:
    assert texts(complete(tree, "cd lin")) == ["linked/"]


def test_dotfiles_only_when_the_name_typed_starts_with_a_dot(tree: Path) -> None:
    assert ".env" not in texts(complete(tree, "cat "))
    assert texts(complete(tree, "cat .e")) == [".env"]


def test_dot_dot_completes_to_the_parent(tree: Path) -> None:
    assert texts(complete(tree, "cd ..")) == ["../"]


def test_the_directory_part_is_kept_and_the_menu_shows_base_names(tree: Path) -> None:
    result = complete(tree, "cat src/ma")
    assert texts(result) == ["src/main.py", "src/main_test.py"]
    assert [c.display for c in result.candidates] == ["main.py", "main_test.py"]
    assert result.common == "src/main"


def test_an_escaped_directory_part_is_kept_as_typed(tree: Path) -> None:
    assert texts(complete(tree, "cat my\\ dir/no")) == ["my\\ dir/notes.txt"]


def test_an_open_double_quote_completes_inside_it_and_closes_for_a_file(tree: Path) -> None:
    line = 'cat "my dir/no'
    result = complete(tree, line)
    assert texts(result) == ['"my dir/notes.txt']
    assert result.apply(line) == ('cat "my dir/notes.txt" ', 23)


def test_an_open_single_quote_escapes_only_quotes(tree: Path) -> None:
    line = "cat 'it"
    result = complete(tree, line)
    assert texts(result) == ["'it'\\''s"]
    assert result.apply(line) == ("cat 'it'\\''s' ", 14)


def test_a_directory_inside_a_quote_keeps_it_open(tree: Path) -> None:
    line = 'cd "my'
    assert complete(tree, line).apply(line) == ('cd "my dir/', 11)


def test_a_tilde_prefix_is_kept_as_typed(tree: Path, isolated_home: Path) -> None:
    (isolated_home / "projects").mkdir()
    result = complete(tree, "cd ~/pro")
    assert texts(result) == ["~/projects/"]


def test_a_variable_prefix_is_kept_as_typed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCH_SRC", str(tree / "src"))
    assert texts(complete(tree, "cat $CONCH_SRC/main_")) == ["$CONCH_SRC/main_test.py"]
    assert texts(complete(tree, "cat ${CONCH_SRC}/main_")) == ["${CONCH_SRC}/main_test.py"]


def test_a_command_word_with_a_slash_completes_executables_and_directories(tree: Path) -> None:
    assert texts(complete(tree, "./r")) == ["./run.sh"]
    assert "./readme.md" not in texts(complete(tree, "./"))
    assert "./src/" in texts(complete(tree, "./"))


def test_a_command_word_that_matches_no_command_completes_directories(tree: Path) -> None:
    assert texts(complete(tree, "sr")) == ["src/"]


def test_a_redirection_target_and_an_assignment_value_complete_paths(tree: Path) -> None:
    assert texts(complete(tree, "echo x > al")) == ["alpha"]
    assert texts(complete(tree, "CONFIG=sr")) == ["src/"]
    assert texts(complete(tree, "PYTHONPATH=src:li")) == ["linked/"]


def test_an_unreadable_directory_offers_nothing(tree: Path) -> None:
    assert complete(tree, "cat missing/x").candidates == ()


def test_ten_thousand_files_are_all_offered(tmp_path: Path) -> None:
    for number in range(10_000):
        (tmp_path / f"file_{number:05d}").touch()
    result = Completer(CommandIndex(executables={"cat"})).complete(
        "cat file_", len("cat file_"), str(tmp_path)
    )
    assert len(result.candidates) == 10_000
    assert result.common == "file_0"  # 00000 to 09999
    assert os.path.basename(result.candidates[0].text) == "file_00000"
