"""CommandIndex: which words bash would run, including a check against a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import (
    ALIASES_AND_FUNCTIONS_QUERY,
    BASH_BUILTINS,
    BASH_KEYWORDS,
    CommandIndex,
)

BASH = shutil.which("bash") or "bash"


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "mytool")
    (bin_dir / "notes.txt").write_text("plain file\n")
    (bin_dir / "adir").mkdir()
    return bin_dir


# -- builtins, keywords, aliases, functions --------------------------------------


@pytest.mark.parametrize("word", ["cd", "export", "source", ".", ":", "[", "echo", "type"])
def test_bash_builtins_are_commands(word: str) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert word in BASH_BUILTINS
    assert index.is_command(word)


@pytest.mark.parametrize("word", ["if", "for", "while", "case", "[[", "{", "!", "time"])
def test_bash_keywords_are_commands(word: str) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert word in BASH_KEYWORDS
    assert index.is_command(word)


def test_aliases_and_functions_are_commands(bin_dir: Path) -> None:
    index = CommandIndex(aliases={"ll"}, functions={"mkcd"})
    index.refresh_path(str(bin_dir))
    assert index.is_command("ll")
    assert index.is_command("mkcd")


def test_unknown_word_is_not_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    assert not index.is_command("explain")


def test_empty_word_is_not_a_command() -> None:
    index = CommandIndex(aliases={""}, functions={""})
    index.refresh_path("")
    assert not index.is_command("")


# -- PATH executables --------------------------------------------------------------


def test_executable_file_on_path_is_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    assert index.is_command("mytool")
    assert "mytool" in index.executables


def test_non_executable_file_on_path_is_not_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    assert not index.is_command("notes.txt")


def test_directory_on_path_is_not_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    assert not index.is_command("adir")


def test_symlink_to_an_executable_is_a_command(bin_dir: Path, tmp_path: Path) -> None:
    target = _executable(tmp_path / "real-tool")
    (bin_dir / "linked").symlink_to(target)
    (bin_dir / "dangling").symlink_to(tmp_path / "missing")
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    assert index.is_command("linked")
    assert not index.is_command("dangling")


def test_every_path_directory_is_read(tmp_path: Path, bin_dir: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    _executable(other / "othertool")
    index = CommandIndex()
    index.refresh_path(os.pathsep.join([str(bin_dir), str(other)]))
    assert index.is_command("mytool")
    assert index.is_command("othertool")


def test_missing_path_directory_is_ignored(tmp_path: Path, bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(os.pathsep.join([str(tmp_path / "nope"), str(bin_dir)]))
    assert index.is_command("mytool")


def test_path_entry_that_is_a_file_is_ignored(tmp_path: Path, bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(os.pathsep.join([str(bin_dir / "mytool"), str(bin_dir)]))
    assert index.executables == {"mytool"}


def test_refresh_path_replaces_the_previous_executables(tmp_path: Path, bin_dir: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    index.refresh_path(str(other))
    assert not index.is_command("mytool")


def test_new_executable_is_seen_only_after_refresh(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path(str(bin_dir))
    _executable(bin_dir / "fresh")
    assert not index.is_command("fresh")
    index.refresh_path(str(bin_dir))
    assert index.is_command("fresh")


def test_path_is_read_from_the_environment_on_first_use(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(bin_dir))
    index = CommandIndex()
    assert index.is_command("mytool")
    assert not index.is_command("ls")


def test_refresh_path_without_argument_uses_the_environment(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(bin_dir))
    index = CommandIndex()
    index.refresh_path()
    assert index.executables == {"mytool"}


# -- words containing a slash --------------------------------------------------------


def test_absolute_path_to_an_executable_is_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert index.is_command(str(bin_dir / "mytool"))


def test_relative_path_to_an_executable_is_a_command(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(bin_dir.parent)
    index = CommandIndex()
    index.refresh_path("")
    assert index.is_command("./bin/mytool")
    assert index.is_command("bin/mytool")


def test_path_to_a_non_executable_file_is_not_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert not index.is_command(str(bin_dir / "notes.txt"))


def test_path_to_a_directory_is_not_a_command(bin_dir: Path) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert not index.is_command(str(bin_dir / "adir"))
    assert not index.is_command(str(bin_dir) + "/")


def test_path_to_a_missing_file_is_not_a_command(tmp_path: Path) -> None:
    index = CommandIndex()
    index.refresh_path("")
    assert not index.is_command(str(tmp_path / "missing"))


def test_tilde_path_to_an_executable_is_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fake-home"
    (home / "bin").mkdir(parents=True)
    _executable(home / "bin" / "hometool")
    monkeypatch.setenv("HOME", str(home))
    index = CommandIndex()
    index.refresh_path("")
    assert index.is_command("~/bin/hometool")
    assert not index.is_command("~/bin/missing")


# -- parsing the alias/function query ------------------------------------------------


def test_update_from_query_reads_aliases_and_functions() -> None:
    index = CommandIndex()
    index.update_from_query("ll\nla\n\x1d\nmkcd\ngreet\n")
    assert index.aliases == {"ll", "la"}
    assert index.functions == {"mkcd", "greet"}


def test_update_from_query_ignores_carriage_returns() -> None:
    index = CommandIndex()
    index.update_from_query("ll\r\n\x1d\r\nmkcd\r\n")
    assert index.aliases == {"ll"}
    assert index.functions == {"mkcd"}


def test_update_from_query_with_no_aliases_or_functions() -> None:
    index = CommandIndex(aliases={"old"}, functions={"older"})
    index.update_from_query("\x1d\n")
    assert index.aliases == set()
    assert index.functions == set()


def test_update_from_query_replaces_removed_names() -> None:
    index = CommandIndex()
    index.refresh_path("")
    index.update_from_query("ll\n\x1d\nmkcd\n")
    index.update_from_query("la\n\x1d\n")
    assert not index.is_command("ll")
    assert not index.is_command("mkcd")
    assert index.is_command("la")


def test_query_separator_is_the_one_the_parser_splits_on() -> None:
    assert "\x1d" in ALIASES_AND_FUNCTIONS_QUERY
    assert "compgen -a" in ALIASES_AND_FUNCTIONS_QUERY
    assert "compgen -A function" in ALIASES_AND_FUNCTIONS_QUERY


def test_query_output_of_a_real_bash_is_parsed(tmp_path: Path) -> None:
    script = (
        "alias ll='ls -l'; alias gst='git status'; f(){ :; }; mkcd(){ :; }; "
        + ALIASES_AND_FUNCTIONS_QUERY
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    completed = subprocess.run(
        [BASH, "--norc", "--noprofile", "-i", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=10,
        check=True,
    )
    index = CommandIndex()
    index.update_from_query(completed.stdout)
    assert index.aliases == {"ll", "gst"}
    assert index.functions == {"f", "mkcd"}


def test_query_through_the_persistent_bash_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conch_plugins.shell_mode.persistent_bash import PersistentBash
    from conch_plugins.shell_mode.shell_options import ShellOptions

    home = tmp_path / "fake-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    shell = PersistentBash(tmp_path, ShellOptions(source_bashrc=False))
    shell.start()
    try:
        shell.execute("alias ll='ls -l'", timeout=10)
        shell.execute('mkcd() { mkdir -p "$1" && cd "$1"; }', timeout=10)
        output = shell.query(ALIASES_AND_FUNCTIONS_QUERY, timeout=10)
    finally:
        shell.close()
    index = CommandIndex()
    index.refresh_path("")
    index.update_from_query(output)
    assert "ll" in index.aliases
    assert "mkcd" in index.functions
    assert "ll" not in index.functions
    assert "mkcd" not in index.aliases
    assert all(name == name.strip() and name for name in index.aliases | index.functions)
    assert index.is_command("ll")
    assert index.is_command("mkcd")


def test_tilde_path_to_a_directory_is_not_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fake-home"
    (home / "projects").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    index = CommandIndex()
    index.refresh_path("")
    assert not index.is_command("~/projects")
