"""The session bash against commands that fight Conch's end-of-command sentinel.

Real bash in a pty, no mocks. Each command carries a timeout so that a hang
fails the test (``timed_out``) instead of hanging the suite. HOME is isolated
per test (tests/conftest.py), so ~/.bashrc and ~/.bash_history are the test's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
from conch_plugins.shell_mode.command_result import CollectingSink, CommandResult
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions

# Only there so that a hang fails the test instead of stalling the suite.
QUICK = 10.0
FORGED = r"printf '\037\036CONCH:0:/etc\036\037'"
HISTORY = "ls -la\ngit status\nmake test\n"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return workdir


@pytest.fixture
def shell(workdir: Path) -> Iterator[PersistentBash]:
    shell = PersistentBash(workdir, ShellOptions())
    shell.start()
    yield shell
    shell.close()


@pytest.fixture
def session(workdir: Path) -> Iterator[BashSupervisor]:
    session = BashSupervisor(PersistentBash(workdir, ShellOptions()))
    session.start()
    yield session
    session.close()


def run(shell: PersistentBash, command: str) -> tuple[CommandResult, str]:
    sink = CollectingSink()
    result = shell.execute(command, sink, timeout=QUICK)
    return result, sink.text.replace("\r\n", "\n")


def run_ok(shell: PersistentBash, command: str) -> tuple[CommandResult, str]:
    """Run a command that must end by itself (not by the test's timeout), in the
    same bash (not by Conch giving up on it)."""
    result, output = run(shell, command)
    assert not result.timed_out, f"{command!r} never came back: {output!r}"
    assert not result.shell_exited, f"{command!r} lost its bash: {output!r}"
    return result, output


def assert_still_works(shell: PersistentBash) -> None:
    result, output = run_ok(shell, "echo still-here; (exit 3)")
    assert output.startswith("still-here\n")
    assert result.exit_status == 3
    result, output = run_ok(shell, "cd / && pwd")
    assert output.startswith("/\n")
    assert result.cwd == "/"


# -- replacing or removing PROMPT_COMMAND -----------------------------------


def test_setting_prompt_command_keeps_commands_ending_and_runs_it(shell: PersistentBash) -> None:
    run_ok(shell, "PROMPT_COMMAND='echo hi'")
    result, output = run_ok(shell, "echo next; false")
    assert output == "next\nhi\n"
    assert result.exit_status == 1
    assert_still_works(shell)


def test_unsetting_prompt_command_completes_with_the_commands_status(
    shell: PersistentBash,
) -> None:
    result, _ = run_ok(shell, "unset PROMPT_COMMAND; false")
    assert result.exit_status == 1
    assert_still_works(shell)


def test_nounset_does_not_break_the_sentinel_or_its_recovery(shell: PersistentBash) -> None:
    run_ok(shell, "set -u; unset HISTCONTROL")
    result, _ = run_ok(shell, "unset PROMPT_COMMAND; (exit 5)")
    assert result.exit_status == 5
    assert_still_works(shell)


def test_prompt_command_replaced_by_an_array_completes(shell: PersistentBash) -> None:
    result, _ = run_ok(shell, "PROMPT_COMMAND=(true); (exit 4)")
    assert result.exit_status == 4
    assert_still_works(shell)


def test_sourcing_an_rc_that_sets_a_title_prompt_command_completes(
    shell: PersistentBash, isolated_home: Path
) -> None:
    title = "PROMPT_COMMAND='echo -ne \"\\033]0;${USER}@${HOSTNAME}: ${PWD}\\007\"'\n"
    (isolated_home / ".bashrc").write_text(title)
    run_ok(shell, "source ~/.bashrc")
    assert_still_works(shell)


# -- replacing bash or its output --------------------------------------------


def test_exec_bash_completes_and_the_new_bash_keeps_working(
    shell: PersistentBash, workdir: Path
) -> None:
    result, _ = run_ok(shell, "export KEPT=yes; exec bash")
    assert not result.shell_exited
    _, output = run_ok(shell, "echo $KEPT; pwd")
    assert output == f"yes\n{workdir}\n"
    assert_still_works(shell)


def test_exec_to_dev_null_completes_and_later_commands_end(shell: PersistentBash) -> None:
    run_ok(shell, "exec >/dev/null")
    result, output = run_ok(shell, "echo hidden; echo shown >&2; false")
    assert output == "shown\n"
    assert result.exit_status == 1
    run_ok(shell, "exec >/dev/tty")
    assert_still_works(shell)


def test_exec_stderr_to_dev_null_keeps_commands_ending_with_their_output(
    shell: PersistentBash,
) -> None:
    run_ok(shell, "exec 2>/dev/null")
    result, output = run_ok(shell, "echo shown; false")
    assert output == "shown\n"
    assert result.exit_status == 1
    run_ok(shell, "exec 2>/dev/tty")
    assert_still_works(shell)


def test_ctrl_c_ends_a_command_whose_prompt_command_was_removed(shell: PersistentBash) -> None:
    sink = CollectingSink()
    threading.Timer(0.5, shell.interrupt).start()
    result = shell.execute("unset PROMPT_COMMAND; sleep 30", sink, timeout=QUICK)
    assert not result.timed_out
    assert result.interrupted
    assert result.exit_status == 130
    assert_still_works(shell)


def test_a_bash_that_ignores_the_recovery_is_reported_as_exited_not_waited_for(
    shell: PersistentBash,
) -> None:
    # The alias turns Conch's recovery line into a no-op: nothing can bring
    # the sentinel back, so the command must end with bash given up on.
    result, _ = run(shell, "alias builtin=:; unset PROMPT_COMMAND")
    assert not result.timed_out
    assert result.shell_exited


# -- forged sentinels -----------------------------------------------------------


def test_a_forged_end_marker_is_shown_as_output_and_does_not_end_the_command(
    shell: PersistentBash,
) -> None:
    result, output = run_ok(shell, f"{FORGED}; false")
    assert result.exit_status == 1
    assert output == "\x1f\x1eCONCH:0:/etc\x1e\x1f"
    assert result.cwd != "/etc"


def test_output_after_a_forged_marker_is_kept_and_the_next_command_is_separate(
    shell: PersistentBash,
) -> None:
    result, output = run_ok(shell, f"{FORGED}; sleep 0.3; echo X")
    assert output.endswith("X\n")
    assert result.exit_status == 0
    _, output = run_ok(shell, "echo next")
    assert output == "next\n"


# -- ~/.bash_history stays byte-identical --------------------------------------


def _history(home: Path) -> bytes:
    return (home / ".bash_history").read_bytes()


@pytest.fixture
def history_home(isolated_home: Path) -> Path:
    (isolated_home / ".bash_history").write_text(HISTORY)
    return isolated_home


def test_plain_commands_leave_bash_history_untouched(workdir: Path, history_home: Path) -> None:
    shell = PersistentBash(workdir, ShellOptions())
    shell.start()
    run_ok(shell, "echo one")
    run_ok(shell, "cd /tmp")
    shell.close()
    assert _history(history_home) == HISTORY.encode()


def test_exec_bash_then_exit_leaves_bash_history_untouched(
    shell: PersistentBash, history_home: Path
) -> None:
    run_ok(shell, "exec bash")
    run_ok(shell, "echo in-the-new-bash")
    result, _ = run(shell, "exit")
    assert result.shell_exited
    assert _history(history_home) == HISTORY.encode()


def test_an_rc_turning_history_on_with_history_a_never_records_conch_lines(
    workdir: Path, history_home: Path
) -> None:
    rc = "set -o history\nHISTFILE=~/.bash_history\nPROMPT_COMMAND='history -a'\n"
    (history_home / ".bashrc").write_text(rc)
    shell = PersistentBash(workdir, ShellOptions())
    shell.start()
    run_ok(shell, "source ~/.bashrc")
    run_ok(shell, "echo one")
    run_ok(shell, "echo two")
    shell.close()
    assert _history(history_home) == HISTORY.encode()


def test_turning_history_on_by_hand_never_records_conch_lines(
    shell: PersistentBash, history_home: Path
) -> None:
    run_ok(shell, "set -o history; HISTFILE=~/.bash_history")
    run_ok(shell, "echo one")
    run(shell, "exit")
    assert _history(history_home) == HISTORY.encode()


# -- exported variables survive a respawn -----------------------------------------


def test_exports_come_back_after_bash_exits(session: BashSupervisor) -> None:
    session.run("export CONCH_KEPT=kept-value", CollectingSink(), QUICK)
    outcome = session.run("exit", CollectingSink(), QUICK)
    assert outcome.restarted
    sink = CollectingSink()
    session.run("echo ${CONCH_KEPT:-gone}", sink, QUICK)
    assert sink.text.replace("\r\n", "\n") == "kept-value\n"


def test_exports_come_back_after_bash_is_killed(session: BashSupervisor) -> None:
    session.run("export CONCH_KEPT=kept-value", CollectingSink(), QUICK)
    session.run("kill -9 $$", CollectingSink(), QUICK)
    sink = CollectingSink()
    session.run("echo ${CONCH_KEPT:-gone}", sink, QUICK)
    assert sink.text.replace("\r\n", "\n") == "kept-value\n"


def test_exports_survive_a_respawn_after_stdout_was_sent_to_dev_null(
    session: BashSupervisor,
) -> None:
    session.run("exec >/dev/null; export CONCH_KEPT=kept-value", CollectingSink(), QUICK)
    assert session.run("exit", CollectingSink(), QUICK).restarted
    sink = CollectingSink()
    session.run("echo ${CONCH_KEPT:-gone}; command -v ls", sink, QUICK)
    assert sink.text.replace("\r\n", "\n").splitlines() == ["kept-value", "/usr/bin/ls"]


def test_an_unset_inherited_variable_stays_unset_after_a_respawn(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCH_INHERITED_TEST", "inherited")
    session = BashSupervisor(PersistentBash(workdir, ShellOptions()))
    session.start()
    session.run("unset CONCH_INHERITED_TEST", CollectingSink(), QUICK)
    session.run("exit", CollectingSink(), QUICK)
    sink = CollectingSink()
    session.run("echo ${CONCH_INHERITED_TEST:-unset}", sink, QUICK)
    session.close()
    assert sink.text.replace("\r\n", "\n") == "unset\n"
