"""PersistentBash against a real bash in a pty: no mocks.

Every test gets its own HOME (so the developer's ~/.bashrc and history are
never used) and its own shell, closed afterwards. Every ``execute`` carries a
timeout so that a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conch_plugins.shell_mode.command_encoding import encode_command
from conch_plugins.shell_mode.command_result import CollectingSink, CommandResult
from conch_plugins.shell_mode.persistent_bash import PersistentBash, ShellBusyError
from conch_plugins.shell_mode.shell_options import ShellOptions
from tests.peers.programs import missing_reason

# Generous bound for commands that should finish at once; only there so that a
# bug fails the test instead of hanging it.
QUICK = 10.0

MakeShell = Callable[..., PersistentBash]


# -- fixtures and helpers ----------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME, so the user's real ~/.bashrc and ~/.bash_history are never used."""
    home = tmp_path / "shell-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return workdir


@pytest.fixture
def make_shell(home: Path, workdir: Path) -> Iterator[MakeShell]:
    """Start PersistentBashes (in ``workdir`` unless told); all are closed afterwards."""
    shells: list[PersistentBash] = []

    def make(cwd: Path | None = None, **options: Any) -> PersistentBash:
        shell = PersistentBash(cwd or workdir, ShellOptions(**options))
        shells.append(shell)
        shell.start()
        return shell

    yield make
    for shell in shells:
        shell.close()


@pytest.fixture
def shell(make_shell: MakeShell) -> PersistentBash:
    return make_shell()


def run(shell: PersistentBash, command: str, timeout: float = QUICK) -> tuple[CommandResult, str]:
    """Execute ``command``; return its result and output with the pty's CRLF made LF."""
    sink = CollectingSink()
    result = shell.execute(command, sink, timeout=timeout)
    return result, sink.text.replace("\r\n", "\n")


def output_of(shell: PersistentBash, command: str, timeout: float = QUICK) -> str:
    result, text = run(shell, command, timeout)
    assert not result.timed_out, f"{command!r} timed out; output so far: {text!r}"
    assert not result.shell_exited, f"bash died during {command!r}; output: {text!r}"
    return text


class Background:
    """``shell.execute`` on another thread, as Conch's worker does it."""

    def __init__(self, shell: PersistentBash, command: str, timeout: float = QUICK) -> None:
        self.shell = shell
        self.sink = CollectingSink()
        self.result: CommandResult | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(command, timeout), daemon=True)
        self.thread.start()
        wait_until(lambda: shell.is_busy or self.result is not None or self.error is not None)

    def _run(self, command: str, timeout: float) -> None:
        try:
            self.result = self.shell.execute(command, self.sink, timeout=timeout)
        except BaseException as error:
            self.error = error

    def join(self, within: float = QUICK) -> CommandResult:
        self.thread.join(within)
        assert not self.thread.is_alive(), f"execute did not return within {within} s"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    @property
    def text(self) -> str:
        return self.sink.text.replace("\r\n", "\n")


def wait_until(condition: Callable[[], bool], within: float = QUICK) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"condition not met within {within} s"
        time.sleep(0.001)


def foreground_is_not_bash(shell: PersistentBash) -> bool:
    """True once the running command's process group owns the terminal."""
    try:
        return os.tcgetpgrp(shell.fd) != shell.pid
    except OSError:
        return False


# -- state persists because it is one bash -------------------------------------


def test_cd_persists_between_commands(shell: PersistentBash, workdir: Path) -> None:
    (workdir / "sub").mkdir()
    output_of(shell, "cd sub")
    assert output_of(shell, "pwd") == f"{workdir / 'sub'}\n"


def test_export_persists_between_commands(shell: PersistentBash) -> None:
    output_of(shell, "export CONCH_TEST_VAR=exported-value")
    assert output_of(shell, "printenv CONCH_TEST_VAR") == "exported-value\n"


def test_alias_persists_between_commands(shell: PersistentBash) -> None:
    output_of(shell, "alias conchgreet='echo hello from alias'")
    assert output_of(shell, "conchgreet") == "hello from alias\n"


def test_function_persists_between_commands(shell: PersistentBash) -> None:
    output_of(shell, 'conch_fn() { echo "fn got $1"; }')
    assert output_of(shell, "conch_fn arg") == "fn got arg\n"


def test_shell_variable_persists_between_commands(shell: PersistentBash) -> None:
    output_of(shell, "conch_local=not-exported")
    assert output_of(shell, "echo $conch_local") == "not-exported\n"
    assert output_of(shell, "printenv conch_local || echo absent") == "absent\n"


# -- exit status, cwd and output ---------------------------------------------


@pytest.mark.parametrize(
    ("command", "status"),
    [
        ("true", 0),
        ("false", 1),
        ("conch-no-such-command-xyz", 127),
        ("if then fi", 2),
        ("(exit 42)", 42),
    ],
)
def test_exit_status_is_reported(shell: PersistentBash, command: str, status: int) -> None:
    result, _ = run(shell, command)
    assert result.exit_status == status
    assert result.succeeded == (status == 0)
    assert not result.shell_exited and not result.interrupted and not result.timed_out


def test_unknown_command_says_command_not_found(shell: PersistentBash) -> None:
    result, text = run(shell, "conch-no-such-command-xyz")
    assert result.exit_status == 127
    assert "command not found" in text


def test_cwd_is_reported_after_cd(shell: PersistentBash, workdir: Path) -> None:
    (workdir / "a" / "b").mkdir(parents=True)
    result, _ = run(shell, "cd a/b")
    assert result.cwd == str(workdir / "a" / "b")
    assert shell.cwd == str(workdir / "a" / "b")
    result, _ = run(shell, "cd ..")
    assert result.cwd == str(workdir / "a")


def test_cd_into_a_symlink_keeps_the_symlink_path(shell: PersistentBash, workdir: Path) -> None:
    (workdir / "real").mkdir()
    (workdir / "link").symlink_to(workdir / "real")
    result, _ = run(shell, "cd link")
    assert result.cwd == str(workdir / "link")
    assert output_of(shell, "pwd") == f"{workdir / 'link'}\n"


def test_start_directory_is_the_initial_cwd(shell: PersistentBash, workdir: Path) -> None:
    assert shell.cwd == str(workdir)
    assert output_of(shell, "pwd") == f"{workdir}\n"


def test_stdout_and_stderr_are_both_captured(shell: PersistentBash) -> None:
    text = output_of(shell, "echo to-stdout; echo to-stderr >&2")
    assert "to-stdout\n" in text
    assert "to-stderr\n" in text


def test_output_without_trailing_newline_is_kept(shell: PersistentBash) -> None:
    assert output_of(shell, "printf 'no newline'") == "no newline"
    assert output_of(shell, "echo next") == "next\n"


def test_ansi_colours_are_kept(shell: PersistentBash) -> None:
    assert output_of(shell, r"printf '\e[31mred\e[0m'") == "\x1b[31mred\x1b[0m"


def test_query_returns_the_output_of_a_helper_command(shell: PersistentBash) -> None:
    assert shell.query("echo queried").replace("\r\n", "\n") == "queried\n"


def test_background_job_persists_between_commands(shell: PersistentBash) -> None:
    result, _ = run(shell, "sleep 30 &")
    assert result.exit_status == 0
    jobs = output_of(shell, "jobs")
    assert "sleep 30" in jobs
    assert "Running" in jobs
    output_of(shell, "kill %1; wait")


def test_a_second_command_while_one_runs_is_refused(shell: PersistentBash) -> None:
    running = Background(shell, "sleep 30", timeout=QUICK)
    with pytest.raises(ShellBusyError):
        shell.execute("echo no")
    shell.interrupt()
    assert running.join().interrupted


# -- interrupts and timeouts -------------------------------------------------


def test_interrupt_from_another_thread_ends_sleep_quickly(shell: PersistentBash) -> None:
    running = Background(shell, "sleep 100", timeout=30)
    wait_until(lambda: foreground_is_not_bash(shell))
    sent = time.monotonic()
    shell.interrupt()
    result = running.join(within=30)
    assert time.monotonic() - sent < 2.0
    assert result.exit_status == 130
    assert result.interrupted
    assert not result.timed_out and not result.shell_exited
    assert output_of(shell, "echo still-alive") == "still-alive\n"


def test_interrupt_right_after_the_line_is_sent_is_never_lost(shell: PersistentBash) -> None:
    """Ctrl+C as soon as execute() holds the shell: before bash has read the line,
    or before ``sleep`` owns the terminal. It must still end the command, and each
    round must get its own result (no stray prompt left for the next one)."""
    for round_number in range(50):
        # Background() returns as soon as ``is_busy``: the line is going out.
        running = Background(shell, "sleep 5")
        shell.interrupt()
        result = running.join()
        assert result.duration < 2.5, f"round {round_number}: interrupt lost: {result}"
        assert result.exit_status == 130, f"round {round_number}: {result} {running.text!r}"
        assert result.interrupted, f"round {round_number}: {result}"
    assert output_of(shell, "echo in-step") == "in-step\n"


def test_interrupt_while_idle_does_not_put_the_next_results_out_of_step(
    shell: PersistentBash,
) -> None:
    """A late Ctrl+C (the command just finished) must not make bash print a stray prompt."""
    output_of(shell, "true")
    shell.interrupt()
    time.sleep(0.1)
    for word in ("one", "two", "three"):
        result, text = run(shell, f"echo {word}")
        assert (result.exit_status, text) == (0, f"{word}\n")


def test_stty_minus_echo_loses_no_output_and_does_not_hang(shell: PersistentBash) -> None:
    """With tty echo off the command line is not echoed back, so there is nothing to skip."""
    output_of(shell, "stty -echo")
    assert output_of(shell, "echo a; echo b") == "a\nb\n"
    result, text = run(shell, "stty echo")
    assert (result.exit_status, result.timed_out, text) == (0, False, "")
    assert output_of(shell, "echo c; echo d") == "c\nd\n"


@pytest.mark.parametrize("command", ["PS0=''", "unset PS0", "PS0=x; echo set"])
def test_changing_ps0_does_not_stop_the_next_command(shell: PersistentBash, command: str) -> None:
    """PS0 tells Conch that bash has read the line; without it the next command would hang."""
    run(shell, command)
    assert output_of(shell, "echo still-works") == "still-works\n"


def test_a_syntax_error_does_not_disturb_the_next_command(shell: PersistentBash) -> None:
    for _ in range(20):
        assert run(shell, "echo 'abc")[0].exit_status == 2
        assert output_of(shell, "echo next") == "next\n"


def test_timeout_interrupts_a_long_command(shell: PersistentBash) -> None:
    started = time.monotonic()
    result, _ = run(shell, "sleep 30", timeout=0.5)
    assert time.monotonic() - started < 5.0
    assert result.timed_out
    assert result.interrupted
    assert result.exit_status == 130
    assert not result.shell_exited
    assert output_of(shell, "echo after-timeout") == "after-timeout\n"


def test_timeout_escalates_when_the_command_ignores_sigint(shell: PersistentBash) -> None:
    started = time.monotonic()
    result, _ = run(shell, "bash -c \"trap '' INT; sleep 30\"", timeout=0.5)
    assert time.monotonic() - started < 15.0
    assert result.timed_out
    assert not result.shell_exited
    assert result.exit_status not in (None, 0)
    assert shell.is_alive
    assert output_of(shell, "echo after-escalation") == "after-escalation\n"


# -- bash itself ending ------------------------------------------------------


def test_kill_9_of_the_shell_reports_shell_exited_and_restart_resumes_in_last_cwd(
    shell: PersistentBash, workdir: Path
) -> None:
    (workdir / "sub").mkdir()
    output_of(shell, "cd sub")
    result, _ = run(shell, "kill -9 $$")
    assert result.shell_exited
    assert result.exit_status is None
    assert not shell.is_alive
    shell.restart()
    assert shell.is_alive
    assert output_of(shell, "pwd") == f"{workdir / 'sub'}\n"


def test_exit_reports_shell_exited_and_restart_resumes_in_last_cwd(
    shell: PersistentBash, workdir: Path
) -> None:
    (workdir / "sub").mkdir()
    output_of(shell, "cd sub")
    result, _ = run(shell, "exit")
    assert result.shell_exited
    assert result.exit_status is None
    assert not shell.is_alive
    shell.restart()
    assert output_of(shell, "pwd") == f"{workdir / 'sub'}\n"
    assert output_of(shell, "echo works") == "works\n"


def test_execute_after_exit_starts_a_fresh_bash(shell: PersistentBash, workdir: Path) -> None:
    old_pid = shell.pid
    assert run(shell, "exit 3")[0].shell_exited
    assert output_of(shell, "echo $$") != f"{old_pid}\n"
    assert shell.cwd == str(workdir)


# -- stdin of the running program --------------------------------------------


def test_read_gets_a_line_sent_with_send_input(shell: PersistentBash) -> None:
    running = Background(shell, "read x; echo got:$x")
    time.sleep(0.2)
    shell.send_input("hello")
    result = running.join()
    assert result.exit_status == 0
    assert "got:hello" in running.text


def test_cat_ends_after_send_input_and_send_eof(shell: PersistentBash) -> None:
    running = Background(shell, "cat")
    time.sleep(0.2)
    shell.send_input("line one")
    shell.send_input("line two")
    shell.send_eof()
    result = running.join()
    assert result.exit_status == 0
    assert not result.timed_out
    assert "line one" in running.text
    assert "line two" in running.text


def test_wants_secret_is_true_while_a_password_is_read(shell: PersistentBash) -> None:
    assert not shell.wants_secret()
    script = "import getpass; print('secret:' + getpass.getpass('pw:'))"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    running = Background(shell, command)
    wait_until(shell.wants_secret)
    shell.send_input("hunter2")
    result = running.join()
    assert result.exit_status == 0
    assert "pw:" in running.text
    assert "secret:hunter2" in running.text
    assert not shell.wants_secret()


def test_wants_secret_is_false_while_an_ordinary_line_is_read(shell: PersistentBash) -> None:
    running = Background(shell, "head -n 1 | sed 's/^/got:/'")
    wait_until(lambda: foreground_is_not_bash(shell) or running.result is not None)
    time.sleep(0.2)
    assert not shell.wants_secret()
    shell.send_input("plain")
    assert running.join().exit_status == 0
    assert "got:plain" in running.text


# -- what bash is sent -------------------------------------------------------


def test_unterminated_quote_is_a_syntax_error_not_a_hang(shell: PersistentBash) -> None:
    result, text = run(shell, "echo 'abc", timeout=5)
    assert not result.timed_out
    assert result.exit_status == 2
    assert "unexpected EOF" in text or "syntax error" in text
    assert output_of(shell, "echo next") == "next\n"


def test_unfinished_if_is_a_syntax_error_not_a_hang(shell: PersistentBash) -> None:
    result, text = run(shell, "if true; then echo x", timeout=5)
    assert not result.timed_out
    assert result.exit_status == 2
    assert "unexpected end of file" in text or "syntax error" in text
    assert output_of(shell, "echo next") == "next\n"


def test_multi_line_for_loop_runs_as_one_command(shell: PersistentBash) -> None:
    command = "for i in 1 2 3\ndo\n  echo item-$i\ndone\necho done-$i"
    result, text = run(shell, command)
    assert result.exit_status == 0
    assert text == "item-1\nitem-2\nitem-3\ndone-3\n"


def test_pasted_crlf_lines_run_like_lf_lines(shell: PersistentBash) -> None:
    assert output_of(shell, "echo one\r\necho two\r\n") == "one\ntwo\n"


def test_brief_quoting_example_round_trips(shell: PersistentBash) -> None:
    assert output_of(shell, "printf '%s' 'a'\"'\"'b\\\\c'") == "a'b\\\\c"


@pytest.mark.parametrize(
    "text",
    [
        "a'b\\c",
        "\"double\" and 'single' quotes",
        "back\\slash \\\\ \\n \\t \\x41 \\'",
        "tab\there\tand\tthere",
        "line one\nline two\n\nline four",
        "ünïcödé ✓ 日本語 🐚",
        "$HOME $(echo nope) `echo nope` ${x:-y} *",
        "!bang !! !$ history",
        "ctrl \x01\x02\x03\x04\x07\x08\x15\x1a\x7f bytes",
        "\x1b[1mbold escape\x1b[0m",
        "semi; colon && and || or | pipe > redirect",
    ],
)
def test_special_characters_round_trip_exactly(shell: PersistentBash, text: str) -> None:
    sink = CollectingSink()
    result = shell.execute(f"printf '%s' {shlex.quote(text)}", sink, timeout=QUICK)
    assert result.exit_status == 0
    assert sink.text == text.replace("\n", "\r\n")


def test_command_longer_than_a_tty_line_runs_from_the_spool_file(shell: PersistentBash) -> None:
    payload = "x" * 6000
    command = f"conch_long={payload}\nprintf '%s' \"$conch_long\" | wc -c\necho end-of-long"
    assert encode_command(command) is None, "this test must exercise the spool file"
    text = output_of(shell, command)
    assert text.split() == ["6000", "end-of-long"]
    # It ran in the session shell itself, so its variable persists.
    assert output_of(shell, 'echo "${#conch_long}"') == "6000\n"


def test_close_leaves_no_temporary_files(
    make_shell: MakeShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    shell = make_shell()
    assert output_of(shell, "echo " + "z" * 5000).strip() == "z" * 5000
    shell.restart()
    assert output_of(shell, ": " + "z" * 5000 + "; echo again") == "again\n"
    shell.close()
    assert list(temp.iterdir()) == []


def test_huge_output_arrives_complete(shell: PersistentBash) -> None:
    result, text = run(shell, "seq 1 1000000", timeout=60)
    assert not result.timed_out
    assert result.exit_status == 0
    lines = text.split("\n")
    assert lines[-1] == ""
    lines.pop()
    assert len(lines) == 1_000_000
    assert lines[0] == "1"
    assert lines[-1] == "1000000"
    assert lines == [str(number) for number in range(1, 1_000_001)]


# -- start-up environment ----------------------------------------------------


def test_bash_history_file_is_left_untouched(make_shell: MakeShell, home: Path) -> None:
    history = home / ".bash_history"
    history.write_bytes(b"first old command\nsecond old command\nthird old command\n")
    before = history.read_bytes()
    (home / ".bashrc").write_text(
        "HISTFILE=~/.bash_history\nPROMPT_COMMAND='history -a'\nshopt -s histappend\n"
    )
    shell = make_shell()
    for command in ("echo one", "ls", "cd /", "history -a", "true"):
        run(shell, command)
    result, _ = run(shell, "exit")
    assert result.shell_exited
    shell.close()
    assert history.read_bytes() == before


def test_cd_in_bashrc_does_not_override_the_start_directory(
    make_shell: MakeShell, home: Path, workdir: Path
) -> None:
    (home / ".bashrc").write_text("cd /\n")
    shell = make_shell()
    assert shell.cwd == str(workdir)
    assert output_of(shell, "pwd") == f"{workdir}\n"


def test_bashrc_is_sourced_by_default(make_shell: MakeShell, home: Path) -> None:
    (home / ".bashrc").write_text("alias conchrc='echo from bashrc'\nCONCH_RC_VAR=set\n")
    shell = make_shell()
    assert output_of(shell, "conchrc") == "from bashrc\n"
    assert output_of(shell, "echo ${CONCH_RC_VAR:-unset}") == "set\n"


def test_source_bashrc_false_skips_the_bashrc(make_shell: MakeShell, home: Path) -> None:
    (home / ".bashrc").write_text("alias conchrc='echo from bashrc'\nCONCH_RC_VAR=set\n")
    shell = make_shell(source_bashrc=False)
    result, _ = run(shell, "conchrc")
    assert result.exit_status == 127
    assert output_of(shell, "echo ${CONCH_RC_VAR:-unset}") == "unset\n"


def test_noisy_bashrc_output_goes_to_startup_output(make_shell: MakeShell, home: Path) -> None:
    (home / ".bashrc").write_text("echo welcome from bashrc\n")
    shell = make_shell()
    assert "welcome from bashrc" in shell.startup_output
    assert output_of(shell, "echo first") == "first\n"


def test_extra_env_reaches_the_shell(make_shell: MakeShell) -> None:
    shell = make_shell(extra_env={"CONCH_EXTRA": "extra-value"})
    assert output_of(shell, "echo $CONCH_EXTRA") == "extra-value\n"


def test_pager_and_git_pager_are_cat(shell: PersistentBash) -> None:
    assert output_of(shell, 'echo "$PAGER|$GIT_PAGER"') == "cat|cat\n"


def test_git_log_does_not_hang(shell: PersistentBash, workdir: Path, home: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip(missing_reason("git", "git", "the test that git log does not hang"))
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_AUTHOR_NAME": "Conch Test",
        "GIT_AUTHOR_EMAIL": "conch@example.invalid",
        "GIT_COMMITTER_NAME": "Conch Test",
        "GIT_COMMITTER_EMAIL": "conch@example.invalid",
    }
    for args in (
        ["init", "-q"],
        ["commit", "-q", "--allow-empty", "-m", "conch test commit"],
    ):
        subprocess.run([git, *args], cwd=workdir, env=env, check=True)
    result, text = run(shell, "git log", timeout=20)
    assert not result.timed_out
    assert result.exit_status == 0
    assert "conch test commit" in text


def test_a_line_the_program_never_read_is_returned_not_run(make_shell: MakeShell) -> None:
    shell = make_shell()
    timer = threading.Timer(0.2, shell.send_input, args=("echo SHOULD-NOT-RUN",))
    timer.start()
    result = shell.execute("sleep 0.6", timeout=10)
    timer.join()
    assert result.unread_input == "echo SHOULD-NOT-RUN\n"
    nxt = shell.execute("echo next", timeout=10)
    assert nxt.exit_status == 0
    assert shell.query("echo in-step", timeout=10).strip() == "in-step"


def test_a_tool_installed_mid_session_on_the_rc_files_path_becomes_a_command(
    home: Path, workdir: Path
) -> None:
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
    from conch_plugins.shell_mode.command_result import CollectingSink

    bin_dir = home / "tools" / "bin"
    bin_dir.mkdir(parents=True)
    (home / ".bashrc").write_text('export PATH="$HOME/tools/bin:$PATH"\n')
    session = BashSupervisor(PersistentBash(workdir, ShellOptions(source_bashrc=True)))
    session.start()
    try:
        assert not session.index.is_command("freshtool")
        tool = bin_dir / "freshtool"
        tool.write_text("#!/bin/sh\necho fresh\n")
        tool.chmod(0o755)
        session.run("true", CollectingSink(), timeout=QUICK)
        assert session.index.is_command("freshtool")
    finally:
        session.close()


def test_make_state_of_the_launcher_does_not_leak_into_the_session(
    make_shell: MakeShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKELEVEL", "1")
    monkeypatch.setenv("MAKEFLAGS", "w")
    shell = make_shell()
    output = shell.query('echo "[${MAKELEVEL-unset}] [${MAKEFLAGS-unset}]"', timeout=QUICK)
    assert output.strip() == "[unset] [unset]"


def _tool_on_path(home: Path, name: str) -> Path:
    """A ~/bin on PATH for a BashSupervisor started after this call."""
    bin_dir = home / "bin"
    bin_dir.mkdir(exist_ok=True)
    (home / ".bashrc").write_text('export PATH="$HOME/bin:$PATH"\n')
    return bin_dir / name


def test_a_command_end_is_reported_before_the_names_are_looked_up_again(
    home: Path, workdir: Path
) -> None:
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor, RunOutcome
    from conch_plugins.shell_mode.command_result import CollectingSink

    tool = _tool_on_path(home, "latetool")
    session = BashSupervisor(PersistentBash(workdir, ShellOptions(source_bashrc=True)))
    session.start()
    try:
        tool.write_text("#!/bin/sh\necho late\n")
        tool.chmod(0o755)
        known_at_end: list[bool] = []
        outcomes: list[RunOutcome] = []

        def ended(outcome: RunOutcome) -> None:
            known_at_end.append(session.index.is_command("latetool"))
            outcomes.append(outcome)

        returned = session.run("true", CollectingSink(), timeout=QUICK, on_ended=ended)
        assert known_at_end == [False]  # reported before the lookup that finds the new tool
        assert outcomes == [returned]
        assert returned.result.exit_status == 0
        assert session.index.is_command("latetool")  # looked up all the same, before run returned
    finally:
        session.close()


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("alias gst='git status'", "gst"),
        ("greet() { echo hi; }", "greet"),
        ("function hello { echo hi; }", "hello"),
        ("eval 'alias later=ls'", "later"),
    ],
)
def test_a_name_the_line_defines_is_known_when_its_end_is_reported(
    home: Path, workdir: Path, line: str, name: str
) -> None:
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor, RunOutcome
    from conch_plugins.shell_mode.command_result import CollectingSink

    session = BashSupervisor(PersistentBash(workdir, ShellOptions(source_bashrc=False)))
    session.start()
    try:
        known_at_end: list[bool] = []

        def ended(outcome: RunOutcome) -> None:
            known_at_end.append(session.index.is_command(name))

        session.run(line, CollectingSink(), timeout=QUICK, on_ended=ended)
        assert known_at_end == [True]
    finally:
        session.close()


def test_a_tool_put_on_path_by_the_line_is_known_when_its_end_is_reported(
    home: Path, workdir: Path
) -> None:
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor, RunOutcome
    from conch_plugins.shell_mode.command_result import CollectingSink

    tools = workdir / "tools"
    tools.mkdir()
    (tools / "pathtool").write_text("#!/bin/sh\necho hi\n")
    (tools / "pathtool").chmod(0o755)
    session = BashSupervisor(PersistentBash(workdir, ShellOptions(source_bashrc=False)))
    session.start()
    try:
        known_at_end: list[bool] = []

        def ended(outcome: RunOutcome) -> None:
            known_at_end.append(session.index.is_command("pathtool"))

        session.run(f'PATH="{tools}:$PATH"', CollectingSink(), timeout=QUICK, on_ended=ended)
        assert known_at_end == [True]
    finally:
        session.close()
