"""The completion helper bash: framing, cwd, synced definitions, timeouts, threads, history."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch_plugins.shell_mode.completion import CompletionShell
from conch_plugins.shell_mode.completion.completion_shell import BASH_COMPLETION
from tests.peers.programs import needs_bash_completion

HAS_BASH_COMPLETION = Path(BASH_COMPLETION).is_file()


@pytest.fixture
def shell() -> Iterator[CompletionShell]:
    shell = CompletionShell(bash_completion=None)
    yield shell
    shell.close()


def test_a_query_returns_exactly_what_bash_printed(shell: CompletionShell) -> None:
    assert shell.query("printf 'a b\\n\\0c  '") == "a b\n\0c  "


def test_a_query_runs_in_the_given_directory(shell: CompletionShell, tmp_path: Path) -> None:
    assert shell.query("pwd", cwd=str(tmp_path)) == f"{tmp_path}\n"
    assert shell.query("pwd", cwd="/") == "/\n"


def test_a_missing_directory_gives_an_empty_answer(shell: CompletionShell) -> None:
    assert shell.query("echo ran", cwd="/no/such/dir") == ""


def test_a_syntax_error_does_not_break_the_next_query(shell: CompletionShell) -> None:
    assert shell.query("if then fi (") == ""
    assert shell.query("echo still here") == "still here\n"


def test_synced_definitions_give_the_users_aliases_functions_and_variables(
    shell: CompletionShell,
) -> None:
    shell.sync(
        "declare -x PROJECT_ROOT=\"/srv/app\"\nalias gst='git status'\n"
        "deploy () \n{ \n    echo deploying\n}\n"
    )
    assert shell.query("compgen -a; compgen -A function deploy") == "gst\ndeploy\n"
    assert shell.variables()["PROJECT_ROOT"] == "/srv/app"


def test_later_definitions_replace_earlier_values(shell: CompletionShell) -> None:
    shell.sync('declare -x STAGE="one"')
    assert shell.variables()["STAGE"] == "one"
    shell.sync('declare -x STAGE="two"')
    assert shell.variables()["STAGE"] == "two"


def test_definitions_given_before_the_start_are_applied_when_it_starts() -> None:
    shell = CompletionShell(bash_completion=None)
    try:
        shell.sync("alias early='true'")
        assert not shell.is_running
        assert shell.query("compgen -a") == "early\n"
    finally:
        shell.close()


def test_a_query_that_hangs_is_killed_and_the_helper_restarts_with_the_definitions() -> None:
    shell = CompletionShell(bash_completion=None, timeout=0.5)
    try:
        shell.sync("alias kept='true'")
        assert shell.query("echo up") == "up\n"
        assert shell.query("sleep 30") is None
        assert shell.kills == 1
        assert not shell.is_running
        assert shell.query("compgen -a") == "kept\n"
    finally:
        shell.close()


def test_a_helper_that_never_starts_is_not_retried_on_every_tab(tmp_path: Path) -> None:
    attempts = tmp_path / "attempts"
    hanging = tmp_path / "hanging_completion.bash"
    hanging.write_text(f"echo start >> {attempts}\nsleep 30\n")
    shell = CompletionShell(bash_completion=str(hanging), start_timeout=0.5)
    try:
        assert shell.query("echo x") is None
        assert shell.query("echo x") is None
    finally:
        shell.close()
    assert attempts.read_text() == "start\n"


def test_close_stops_the_helper_and_a_later_query_starts_a_new_one(
    shell: CompletionShell,
) -> None:
    first = shell.query("echo $$")
    shell.close()
    assert not shell.is_running
    second = shell.query("echo $$")
    assert first and second and first != second


def test_queries_from_several_threads_each_get_their_own_answer(shell: CompletionShell) -> None:
    answers: dict[int, str | None] = {}

    def ask(number: int) -> None:
        answers[number] = shell.query(f"echo {number}")

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {n: f"{n}\n" for n in range(8)}


def test_a_bash_that_cannot_run_gives_no_answers() -> None:
    shell = CompletionShell(bash="/no/such/bash")
    assert not shell.start()
    assert shell.query("echo x") is None
    assert shell.variables() == {}


def test_the_users_bashrc_is_not_read_and_history_is_not_written(isolated_home: Path) -> None:
    (isolated_home / ".bashrc").write_text(f"touch {isolated_home}/bashrc-ran\n")
    shell = CompletionShell()
    try:
        assert shell.query("echo one; history -a 2>/dev/null; echo two") == "one\ntwo\n"
    finally:
        shell.close()
    assert not (isolated_home / "bashrc-ran").exists()
    assert not (isolated_home / ".bash_history").exists()


@needs_bash_completion("the check that its variables stay its own")
def test_bash_completions_own_variables_are_not_the_users() -> None:
    shell = CompletionShell()
    try:
        shell.sync('declare -x MINE="1"')
        names = shell.variables()
        assert "MINE" in names
        assert "HOME" in names
        assert "BASH_COMPLETION_VERSINFO" not in names
        assert not [name for name in names if name.startswith("__conch")]
    finally:
        shell.close()


def test_after_shutdown_no_query_starts_a_helper_again(tmp_path: Path) -> None:
    shell = CompletionShell()
    assert shell.query("echo hi", str(tmp_path)) is not None
    shell.shutdown()
    assert shell.query("echo hi", str(tmp_path)) is None
    assert not shell.is_running
