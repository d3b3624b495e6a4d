"""typo_check: near misses of the user's real commands and the line as it was meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.typo_check import (
    find_correction,
    near_command,
    slip_rank,
    suggest_correction,
)
from tests.unit.routing_setup import stub_command_index

_NAMES = "git python3 make grep ls cat clear npm docker kubectl touch mkdir find sl"
COMMANDS = _NAMES.split()


@pytest.fixture
def index(tmp_path: Path) -> CommandIndex:
    return stub_command_index(tmp_path / "bin", COMMANDS)


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("gti status", "git status"),
        ("pyhton3 app.py", "python3 app.py"),
        ("claer", "clear"),
        ("cler", "clear"),
        ("cd..", "cd .."),
        ("cd~", "cd ~"),
        ("ls-la", "ls -la"),
        ("gi tstatus", "git status"),
        ("gitp ull", "git pull"),
        ("l s", "ls"),
        ("$ npm install", "npm install"),
        ("lls", "ls"),
        ("ks -la", "ls -la"),
        ("gepr foo *.py", "grep foo *.py"),
        ("kubeclt get pods", "kubectl get pods"),
        ("mkdri -p src/utils", "mkdir -p src/utils"),
        ("exti", "exit"),
    ],
)
def test_a_mistyped_command_word_is_corrected(line: str, meant: str, index: CommandIndex) -> None:
    assert suggest_correction(line, index) == meant


def test_the_rest_of_the_line_is_kept_exactly(index: CommandIndex) -> None:
    line = 'gti commit  -m "wip:  two spaces"'
    assert suggest_correction(line, index) == 'git commit  -m "wip:  two spaces"'


@pytest.mark.parametrize("line", ["git status", "sl", "hello there", "x", "README.md", ""])
def test_a_command_or_an_unrelated_word_gets_no_correction(line: str, index: CommandIndex) -> None:
    assert suggest_correction(line, index) is None


def test_swapped_letters_rank_above_a_neighbouring_key_above_a_missing_letter() -> None:
    assert slip_rank("gti", "git") == 0
    assert slip_rank("ks", "ls") == 1
    assert slip_rank("pwdd", "pwd") == 1
    assert slip_rank("cler", "clear") == 2
    assert slip_rank("gepr", "grep") == 3
    assert slip_rank("xyz", "git") is None


def test_a_missing_letter_on_a_two_letter_command_is_not_a_slip() -> None:
    assert slip_rank("idk", "id") is None
    assert slip_rank("fyi", "fi") is None


def test_an_alias_or_function_is_a_correction_target(index: CommandIndex) -> None:
    assert near_command("gts", index) is None
    index.aliases = {"gst"}
    assert near_command("gts", index) == ("gst", 0)
    index.functions = {"deploy_app"}
    assert suggest_correction("deplyo_app now", index) == "deploy_app now"


def test_a_new_executable_is_seen_after_the_path_is_read_again(
    tmp_path: Path, index: CommandIndex
) -> None:
    assert suggest_correction("tmxu ls", index) is None
    stub_command_index(tmp_path / "bin", ["tmux"])
    index.refresh_path(str(tmp_path / "bin"))
    assert suggest_correction("tmxu ls", index) == "tmux ls"


def test_the_correction_names_the_command_and_how_likely_the_slip_is(
    index: CommandIndex,
) -> None:
    correction = find_correction("gti push", index)
    assert correction is not None
    assert (correction.command, correction.rank) == ("git", 0)


def test_an_extra_letter_on_a_two_letter_command_must_be_a_slip_of_the_finger() -> None:
    assert slip_rank("lsl", "ls") == 2  # a letter of the command again
    assert slip_rank("lsa", "ls") == 2  # the key beside `s`
    assert slip_rank("lsp", "ls") is None  # nowhere near: another word


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("% npm install", "npm install"),
        ("[root@web1 ~]# tail -f log", "tail -f log"),
        ("me@box:~/src$ make", "make"),
        ("$ ls -la", "ls -la"),
    ],
)
def test_a_copied_prompt_of_any_shell_is_dropped(
    line: str, meant: str, index: CommandIndex
) -> None:
    assert suggest_correction(line, index) == meant


def test_a_command_glued_to_a_file_name_is_split(index: CommandIndex) -> None:
    assert suggest_correction("catREADME.md", index) == "cat README.md"
    assert suggest_correction("catalog", index) is None
