"""The programs some tests drive for real, and one reason, said the same way, when one is
missing: what it is, which tests cannot run, and how to get it (`make test` installs the
Debian packages when apt can, .ci/ensure-test-peers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conch_plugins.shell_mode.completion.completion_shell import BASH_COMPLETION


def missing_reason(program: str, package: str, tests: str) -> str:
    return (
        f"{program} is not installed, so {tests} cannot run: install the Debian package "
        f"{package} (`make test` does when apt can)"
    )


def needs_program(program: str, package: str, tests: str) -> pytest.MarkDecorator:
    """Skip, with the reason, when ``program`` is not on PATH."""
    return pytest.mark.skipif(
        shutil.which(program) is None, reason=missing_reason(program, package, tests)
    )


def needs_bash_completion(tests: str = "programmable completion") -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not Path(BASH_COMPLETION).is_file(),
        reason=missing_reason(BASH_COMPLETION, "bash-completion", tests),
    )
