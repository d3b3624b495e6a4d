"""``shell.bash = "/nonexistent/bash"``: every command says bash did not start, none crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.bash_process import ShellStartError
from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
from conch_plugins.shell_mode.command_result import CollectingSink
from conch_plugins.shell_mode.persistent_bash import PersistentBash
from conch_plugins.shell_mode.shell_options import ShellOptions


def test_a_missing_bash_is_an_outcome_of_each_command_not_an_exception(tmp_path: Path) -> None:
    session = BashSupervisor(PersistentBash(str(tmp_path), ShellOptions(bash="/nonexistent/bash")))
    with pytest.raises(ShellStartError):
        session.start()
    for _ in range(2):  # and again: the next command tries again, and says so again
        outcome = session.run("echo hello", CollectingSink())
        assert outcome.start_error is not None and "/nonexistent/bash" in outcome.start_error
        assert outcome.result.not_started and outcome.result.exit_status is None
    session.close()
