"""``make install`` puts a working ``conch`` on PATH; ``make uninstall`` takes it away, and
neither touches a ``conch`` it did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conch import __version__
from tests.peers.programs import needs_program

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_program("make", "make", "the tests of `make install`")


def make(target: str, prefix: Path) -> subprocess.CompletedProcess[str]:
    # VENV: the venv running these tests, already installed; -o: never reinstall it here.
    venv = Path(sys.executable).parent.parent
    stamp = f"{venv}/.installed"
    return subprocess.run(
        ["make", "-C", str(ROOT), "-o", stamp, target, f"PREFIX={prefix}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=os.defpath),
        timeout=60,
    )


def test_make_install_puts_a_working_conch_in_prefix_bin(tmp_path: Path) -> None:
    installed = make("install", tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert f"{tmp_path}/bin is not on PATH" in installed.stdout
    conch = tmp_path / "bin" / "conch"
    version = subprocess.run([str(conch), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"conch {__version__}"
    removed = make("uninstall", tmp_path)
    assert removed.returncode == 0 and not conch.exists() and not conch.is_symlink()


def test_make_install_never_overwrites_a_conch_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    other = tmp_path / "bin" / "conch"
    other.write_text("#!/bin/sh\necho mine\n")
    assert make("install", tmp_path).returncode != 0
    assert make("uninstall", tmp_path).returncode == 0
    assert other.read_text() == "#!/bin/sh\necho mine\n"
