"""Programmable completion run in the helper bash, as bash runs it on Tab.

The user's own ``complete`` specs need only bash. The bash-completion cases (git, ls) need
the Debian package ``bash-completion`` (``make test`` installs it when apt can) and skip
with a reason otherwise; git's completion ships with git itself.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion import Completer, Completion, CompletionShell
from tests.peers.programs import needs_bash_completion, needs_program

NEEDS_BASH_COMPLETION = needs_bash_completion()
NEEDS_GIT = needs_program("git", "git", "git's programmable completion")

Complete = Callable[[str], Completion]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "my dir").mkdir(parents=True)
    for name in ("file.txt", "notes.md"):
        (work / name).write_text("")
    return work


def completer_in(work: Path, shell: CompletionShell) -> Complete:
    index = CommandIndex()
    index.refresh_path()

    def complete(line: str) -> Completion:
        return Completer(index, shell).complete(line, len(line), str(work))

    return complete


@pytest.fixture
def plain_shell() -> Iterator[CompletionShell]:
    """A helper with only the user's specs, no bash-completion."""
    shell = CompletionShell(bash_completion=None)
    yield shell
    shell.close()


@pytest.fixture
def shell() -> Iterator[CompletionShell]:
    shell = CompletionShell()
    yield shell
    shell.close()


def texts(result: Completion) -> list[str]:
    return [candidate.text for candidate in result.candidates]


# -- the user's own specs ----------------------------------------------------


def test_a_word_list_spec_completes_its_words(plain_shell: CompletionShell, work: Path) -> None:
    plain_shell.sync("complete -W 'build bundle clean' mytool")
    complete = completer_in(work, plain_shell)
    assert texts(complete("mytool b")) == ["build", "bundle"]
    assert complete("mytool cl").apply("mytool cl") == ("mytool clean ", 13)


def test_a_function_spec_gets_the_comp_variables_bash_would_set(
    plain_shell: CompletionShell, work: Path
) -> None:
    plain_shell.sync(
        '_probe() { COMPREPLY=("$COMP_CWORD|${COMP_WORDS[*]}|$COMP_LINE|$COMP_POINT|'
        '$1|$2|$3|$COMP_TYPE"); }\ncomplete -F _probe probe'
    )
    complete = completer_in(work, plain_shell)
    result = complete("echo hi; X=1 probe --opt=va")
    assert [c.display for c in result.candidates] == [
        "3|probe --opt = va|probe --opt=va|14|probe|va|=|9"
    ]


def test_compopt_nospace_and_filenames_are_honoured(
    plain_shell: CompletionShell, work: Path
) -> None:
    plain_shell.sync(
        "_pick() { compopt -o nospace; COMPREPLY=(--depth=); }\ncomplete -F _pick pick\n"
        "_dirs() { compopt -o filenames; COMPREPLY=('my dir' file.txt); }\n"
        "complete -F _dirs dirs"
    )
    complete = completer_in(work, plain_shell)
    assert complete("pick --d").apply("pick --d") == ("pick --depth=", 13)
    result = complete("dirs ")
    assert texts(result) == ["file.txt", "my\\ dir/"]
    assert [c.kind for c in result.candidates] == ["file", "directory"]


def test_a_command_spec_filter_prefix_and_suffix_apply(
    plain_shell: CompletionShell, work: Path, tmp_path: Path
) -> None:
    # A -C command gets the command name, the word and the previous word, and COMP_LINE.
    lister = tmp_path / "lister"
    lister.write_text(
        '#!/bin/sh\nfor w in one two three "$COMP_LINE"; do\n'
        '  case $w in "$2"*) echo "$w";; esac\ndone\n'
    )
    lister.chmod(0o755)
    plain_shell.sync(
        f"complete -C {lister} cmdspec\n"
        "complete -W 'apple apricot banana' -X 'apr*' -P '<' -S '>' fruit"
    )
    complete = completer_in(work, plain_shell)
    assert texts(complete("cmdspec t")) == ["three", "two"]
    assert texts(complete("cmdspec c")) == ["cmdspec c"]  # COMP_LINE, from the environment
    assert texts(complete("fruit ")) == ["<apple>", "<banana>"]


def test_nosort_keeps_the_order_the_spec_gave(plain_shell: CompletionShell, work: Path) -> None:
    plain_shell.sync("_later() { COMPREPLY=(zeta alpha); }\ncomplete -o nosort -F _later later")
    assert texts(completer_in(work, plain_shell)("later ")) == ["zeta", "alpha"]


def test_an_empty_reply_falls_back_to_files_with_default_and_dirs_with_dirnames(
    plain_shell: CompletionShell, work: Path
) -> None:
    plain_shell.sync(
        "_none() { COMPREPLY=(); }\ncomplete -o default -F _none fallback\n"
        "complete -o dirnames -F _none dirsonly\ncomplete -F _none strict"
    )
    complete = completer_in(work, plain_shell)
    assert texts(complete("fallback fi")) == ["file.txt"]
    assert texts(complete("dirsonly ")) == ["my\\ dir/"]
    assert texts(complete("strict fi")) == []


def test_a_command_without_a_spec_completes_files(plain_shell: CompletionShell, work: Path) -> None:
    assert texts(completer_in(work, plain_shell)("nospec no")) == ["notes.md"]


def test_a_spec_that_hangs_degrades_to_files_and_the_next_tab_works(work: Path) -> None:
    shell = CompletionShell(bash_completion=None, timeout=0.5)
    try:
        shell.sync("_slow() { sleep 30; }\ncomplete -F _slow slow\ncomplete -W 'fine' quick")
        complete = completer_in(work, shell)
        assert texts(complete("slow fi")) == ["file.txt"]
        assert shell.kills == 1
        assert texts(complete("quick f")) == ["fine"]
    finally:
        shell.close()


# -- bash-completion ---------------------------------------------------------


@NEEDS_BASH_COMPLETION
@NEEDS_GIT
def test_git_subcommands_complete(shell: CompletionShell, work: Path) -> None:
    result = completer_in(work, shell)("git ch")
    assert {"checkout", "cherry", "cherry-pick"} <= set(texts(result))
    assert all(text.startswith("ch") for text in texts(result))
    assert result.apply("git ch") == ("git che", 7)
    assert result.start == 4


@pytest.fixture
def repo(work: Path) -> Path:
    """A real git repository with a few branches."""
    repo = work / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (repo / "README").write_text("hi\n")
    git("add", "README")
    git("commit", "-q", "-m", "first")
    for branch in ("maint", "feature/login"):
        git("branch", branch)
    return repo


@NEEDS_BASH_COMPLETION
@NEEDS_GIT
def test_git_checkout_completes_the_branches_of_a_real_repository(
    shell: CompletionShell, repo: Path
) -> None:
    complete = completer_in(repo, shell)
    result = complete("git checkout ma")
    assert texts(result) == ["main", "maint"]
    assert result.apply("git checkout ma") == ("git checkout main", 17)
    one = complete("git checkout fea")
    assert texts(one) == ["feature/login"]
    assert one.apply("git checkout fea") == ("git checkout feature/login ", 27)


@NEEDS_BASH_COMPLETION
def test_ls_long_options_complete_from_its_help(shell: CompletionShell, work: Path) -> None:
    result = completer_in(work, shell)("ls --col")
    assert "--color" in texts(result)
    assert {c.kind for c in result.candidates} == {"option"}


@NEEDS_BASH_COMPLETION
def test_bash_completion_file_names_are_quoted_like_readline_does(
    shell: CompletionShell, work: Path
) -> None:
    complete = completer_in(work, shell)
    assert complete('ls "my').apply('ls "my') == ('ls "my dir/', 11)
    assert texts(complete("ls my")) == ["my\\ dir/"]
    assert texts(complete("ls my\\ d")) == ["my\\ dir/"]


@NEEDS_BASH_COMPLETION
def test_a_variable_directory_stays_as_typed_after_bash_completion(
    shell: CompletionShell, work: Path
) -> None:
    shell.sync(f'declare -x WORK="{work}"')
    assert texts(completer_in(work, shell)("ls $WORK/no")) == ["$WORK/notes.md"]


@NEEDS_BASH_COMPLETION
def test_sudo_completes_the_command_it_runs(shell: CompletionShell, work: Path) -> None:
    result = completer_in(work, shell)("sudo ech")
    kinds = {c.text: c.kind for c in result.candidates}
    assert kinds.get("echo") in ("builtin", "command")


@NEEDS_BASH_COMPLETION
def test_a_files_only_spec_is_learnt_once_then_files_are_listed_without_the_helper(
    shell: CompletionShell, work: Path
) -> None:
    index = CommandIndex()
    index.refresh_path()
    completer = Completer(index, shell)
    first = completer.complete("cat no", len("cat no"), str(work))  # runs `_minimal` in bash
    assert texts(first) == ["notes.md"]
    kills_before = shell.kills
    shell.close()  # a helper round trip would have to start bash again
    second = completer.complete("cat no", len("cat no"), str(work))
    assert texts(second) == ["notes.md"] and not shell.is_running
    assert shell.kills == kills_before
    # An option still goes to the spec, and new user definitions unlearn what was learnt.
    shell.sync("complete -W 'nothing-like-a-file' cat")
    third = completer.complete("cat no", len("cat no"), str(work))
    assert texts(third) == ["nothing-like-a-file"]
