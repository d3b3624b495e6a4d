"""The hostile probes, as a person meets them: Conch started in a real terminal (tmux) on a
damaged journal, a read-only or full disk, a wrong bash; a crash; the modes of its files.

Each starts the real ``conch`` with its own HOME and XDG dirs (tests/e2e/conch_terminal.py).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import (
    EXITED_MARK,
    block_status,
    launch_conch,
    named,
    needs_tmux,
)
from tests.hostile.conftest import SHAPES, damage, remount_read_only, write_journal
from tests.peers.fake_openai_server import FakeOpenAIServer, text

pytestmark = [
    pytest.mark.e2e,
    needs_tmux,
]

Mount = Callable[[str], Path]


def xdg(tmp_path: Path, kind: str) -> Path:
    """The XDG dir ``kind`` (config, state, data) that launch_conch gives Conch."""
    return tmp_path / "e2e" / "xdg" / kind


def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "e2e" / "home" / "work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def flat(screen: str) -> str:
    """The screen without line breaks, borders or spaces: long paths wrap in notices."""
    return re.sub(r"[\s▌▐▎▊│┃]", "", screen)


def on_screen(words: str) -> Callable[[str], object]:
    return named(lambda screen: flat(words) in flat(screen), repr(words))


# -- a damaged journal -----------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_a_damaged_journal_is_set_aside_and_conch_starts_saying_where(
    tmp_path: Path, shape: str
) -> None:
    journal = xdg(tmp_path, "data") / "conch" / "journal.db"
    write_journal(journal, str(workdir(tmp_path)), sessions=2, lines=20)
    damage(journal, shape)
    damaged = journal.read_bytes()
    with launch_conch(tmp_path) as conch:
        screen = conch.wait_for(on_screen("set aside untouched"), timeout=20)
        asides = [path for path in journal.parent.glob("journal.db.damaged-*")
                  if not path.name.endswith(("-wal", "-shm"))]  # fmt: skip
        assert len(asides) == 1, sorted(journal.parent.iterdir())
        aside = asides[0]
        assert flat(str(aside)) in flat(screen), screen
        assert aside.read_bytes() == damaged
        # Conch is usable and saves again.
        assert block_status(conch.run("echo still-works")).startswith("✓ 0")
    with launch_conch(tmp_path) as again:
        again.wait_for(on_screen("echo still-works"), timeout=20)
        # Said once: not again (the test's own paths, in other notices, hold "damaged").
        shown = flat(again.screen())
        assert flat("journal was damaged") not in shown and aside.name not in shown, shown


def test_a_salvaged_session_comes_back_on_screen(tmp_path: Path) -> None:
    journal = xdg(tmp_path, "data") / "conch" / "journal.db"
    write_journal(journal, str(workdir(tmp_path)), sessions=1, lines=20)
    damage(journal, "random_header")
    with launch_conch(tmp_path) as conch:
        conch.wait_for(on_screen("1 session(s) with 83 event(s) salvaged"), timeout=20)
        conch.wait_for(on_screen("40,000 lines"))  # its last command, restored


def test_conch_new_on_a_journal_with_garbage_in_the_middle_sets_it_aside(tmp_path: Path) -> None:
    journal = xdg(tmp_path, "data") / "conch" / "journal.db"
    write_journal(journal, str(workdir(tmp_path)), sessions=2, lines=20)
    damage(journal, "middle_garbage")
    with launch_conch(tmp_path, args=("--new",)) as conch:
        conch.wait_for(on_screen("set aside untouched"), timeout=20)
    assert list(journal.parent.glob("journal.db.damaged-*"))


# -- read-only and full storage ----------------------------------------------------


def test_a_read_only_data_dir_with_a_journal_runs_unsaved_with_a_notice(
    tmp_path: Path, tmpfs: Mount
) -> None:
    data = tmpfs("4m")
    journal = data / "conch" / "journal.db"
    write_journal(journal, str(workdir(tmp_path)), sessions=1, lines=3)
    remount_read_only(data)
    with launch_conch(tmp_path, extra_env={"XDG_DATA_HOME": str(data)}) as conch:
        conch.wait_for(on_screen("Sessions are not being saved"), timeout=20)
        assert flat(str(journal)) in flat(conch.screen())
        assert block_status(conch.run("echo unsaved-but-working")).startswith("✓ 0")


def test_a_full_state_dir_keeps_the_command_running_and_says_what_was_not_saved(
    tmp_path: Path, tmpfs: Mount
) -> None:
    state = tmpfs("1m")
    with launch_conch(tmp_path, extra_env={"XDG_STATE_HOME": str(state)}) as conch:
        conch.type_line("yes | head -c 5000000; echo done-after-flood")
        # The block's command line has scrolled away under 2.5 million lines: read its end.
        screen = conch.wait_for(on_screen("was not saved: No space left on device"), timeout=60)
        assert "done-after-flood\n" in screen and "✓ 0 · " in screen, screen
        assert block_status(conch.run("echo next-command")).startswith("✓ 0")


def test_a_full_journal_disk_stops_saving_with_a_notice_and_conch_keeps_working(
    tmp_path: Path, tmpfs: Mount
) -> None:
    data = tmpfs("2m")
    with launch_conch(tmp_path, extra_env={"XDG_DATA_HOME": str(data)}) as conch:
        conch.type_line("seq 1 700000; echo flood-done")  # 4.9 MB into a 2 MB file system
        conch.wait_for(on_screen("Conch stopped saving this session"), timeout=60)
        conch.wait_for(on_screen("700,001 lines"), timeout=60)  # the block has finished
        assert block_status(conch.run("echo after-full-disk")).startswith("✓ 0")


def test_a_big_output_is_stored_once_in_the_journal_not_twice(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        conch.type_line("yes | head -c 8000000; echo flood-done")
        conch.wait_for(on_screen("4,000,002 lines"), timeout=90)
        # Once the end is journaled the spooled copy goes and the note says where the rest is.
        conch.wait_for(lambda screen: flat("conch sessions export") in flat(screen), timeout=20)
        conch.send("C-q")
        conch.wait_for(EXITED_MARK, timeout=20)
    spool = xdg(tmp_path, "state") / "conch" / "output"
    assert not spool.exists() or list(spool.iterdir()) == []
    journal = xdg(tmp_path, "data") / "conch" / "journal.db"
    stored = sum(path.stat().st_size for path in journal.parent.glob("journal.db*"))
    # The pty turns each "y\n" into "y\r\n": 12 MB as read. Once, plus SQLite's pages.
    assert 12_000_000 < stored < 14_000_000


# -- a wrong bash ---------------------------------------------------------------------


def test_a_missing_bash_gives_a_notice_per_command_and_the_agent_still_works(
    tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("the agent answers"))
    config = '[shell]\nbash = "/nonexistent/bash"\n\n' + openai_agent_config(fake_llm)
    with launch_conch(tmp_path, config) as conch:
        conch.wait_for(on_screen("The session shell did not start"), timeout=20)
        for attempt in (1, 2):
            conch.type_line(f"!echo attempt-{attempt}")
            conch.wait_for(
                named(lambda s, n=attempt: flat(s).count("Thesessionshelldidnotstart") > n,
                      f"notice {attempt + 1}"),
                timeout=20,
            )  # fmt: skip
        assert "✗ not run: bash did not start" in conch.screen()
        conch.type_line("?say something")
        conch.wait_for("the agent answers", timeout=20)
        assert EXITED_MARK not in conch.screen()


# -- a crash ---------------------------------------------------------------------------

CRASHING_PLUGIN = """
import pluggy
from textual.containers import Vertical

hookimpl = pluggy.HookimplMarker("conch")


class CrashingBox(Vertical):
    DEFAULT_CSS = "CrashingBox { height: auto; }"

    def on_input_submitted(self, event):
        secret_in_a_local = "LOCAL-" + event.value.upper()
        if "crash-now" in event.value:
            raise RuntimeError("a plugin failed")


@hookimpl
def conch_prompt_providers():
    return [CrashingBox]


@hookimpl(tryfirst=True)
def conch_route_line(line, mode, index):
    secret_in_a_local = "LOCAL-" + line.upper()
    if "route-fails" in line:
        raise RuntimeError("a plugin failed in the host")
    return None
"""


def crashing_plugin(site: Path) -> None:
    """A real plugin, installed where Python finds entry points, that fails on one line: in
    the window (its prompt box, on ``crash-now``) or in the host (its route, on
    ``route-fails``: the host routes what the window sends in Auto mode)."""
    site.mkdir(parents=True)
    (site / "crashing_plugin.py").write_text(CRASHING_PLUGIN)
    info = site / "crashing_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: crashing-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[conch.plugins]\ncrashing = crashing_plugin\n")


def crash_reports(tmp_path: Path) -> list[Path]:
    return list((xdg(tmp_path, "state") / "conch" / "crashes").glob("crash-*.txt"))


def test_a_crash_exits_non_zero_prints_the_report_path_and_no_session_contents(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    crashing_plugin(site)
    with launch_conch(tmp_path, extra_env={"PYTHONPATH": str(site)}) as conch:
        conch.type_line("echo crash-now private-words")
        screen = conch.wait_for(EXITED_MARK, timeout=20)
    assert "Conch crashed (RuntimeError)" in screen
    rc = re.search(rf"{EXITED_MARK} rc=(\d+)", screen)
    assert rc is not None and rc.group(1) != "0", screen
    reports = crash_reports(tmp_path)
    assert len(reports) == 1 and flat(str(reports[0])) in flat(screen), screen
    assert "private-words" not in screen.lower() and "LOCAL-" not in screen, screen
    report = reports[0].read_text()
    assert "RuntimeError: a plugin failed" in report and "LOCAL-" not in report
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600


def test_a_crash_in_the_host_is_reported_in_the_window_and_conch_goes_on(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    crashing_plugin(site)
    with launch_conch(tmp_path, extra_env={"PYTHONPATH": str(site)}) as conch:
        conch.type_line("echo route-fails private-words")
        screen = conch.wait_for(on_screen("Conch crashed (RuntimeError) in the host"), timeout=20)
        reports = crash_reports(tmp_path)
        assert len(reports) == 1 and flat(str(reports[0])) in flat(screen), screen
        # Nothing typed is lost: the line is back in the prompt, and the rest goes on.
        assert "echo route-fails private-words" in conch.screen()
        conch.send("C-u")
        assert block_status(conch.run("echo still-here")).startswith("✓ 0")
        assert EXITED_MARK not in conch.screen()
    report = reports[0].read_text()
    assert "RuntimeError: a plugin failed in the host" in report and "LOCAL-" not in report
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600


# -- file modes ------------------------------------------------------------------------


def wait_for_file(directory: Path, pattern: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(directory.glob(pattern)) if directory.exists() else []
        if found:
            return found[0]
        time.sleep(0.05)
    pytest.fail(f"no {pattern} in {directory} after {timeout} s")


@pytest.mark.parametrize("umask", ["022", "000"])
def test_everything_conch_writes_is_private_whatever_the_umask(tmp_path: Path, umask: str) -> None:
    with launch_conch(tmp_path, umask=umask) as conch:
        # The spool file exists while the command runs (the journal keeps it afterwards).
        conch.type_line("seq 1 30000; sleep 60")
        spool = wait_for_file(xdg(tmp_path, "state") / "conch" / "output", "output-*.log")
        modes = (stat.S_IMODE(spool.stat().st_mode), stat.S_IMODE(spool.parent.stat().st_mode))
        conch.send("C-c")
        conch.wait_for(on_screen("interrupted ·"))
        conch.run("echo second")
        conch.send("C-q")
        conch.wait_for(EXITED_MARK, timeout=20)
    assert modes == (0o600, 0o700)
    written = [path for kind in ("config", "state", "data")
               for path in (xdg(tmp_path, kind) / "conch").rglob("*")]  # fmt: skip
    assert any(path.name == "journal.db" for path in written), written
    # The host's socket, lock and their folder (in the runtime dir) are Conch's too.
    runtime = tmp_path / "e2e" / "run" / "conch"
    written += [runtime, *runtime.rglob("*")]
    loose = [
        f"{path} {oct(stat.S_IMODE(path.stat().st_mode))}"
        for path in written + [xdg(tmp_path, kind) / "conch" for kind in ("state", "data")]
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    ]
    assert loose == []


def test_the_schema_upgrade_backup_is_private(tmp_path: Path) -> None:
    from conch.sessions import schema

    journal = xdg(tmp_path, "data") / "conch" / "journal.db"
    journal.parent.mkdir(parents=True)
    conn = schema.connect(journal)
    schema.migrate(conn, journal, target=1)
    conn.close()
    os.chmod(journal, 0o644)  # as an older Conch left it
    old_umask = os.umask(0)
    try:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("conch")), "sessions"],
            env={**os.environ, "XDG_DATA_HOME": str(xdg(tmp_path, "data"))},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        os.umask(old_umask)
    assert done.returncode == 0, done.stderr
    (backup,) = journal.parent.glob("journal.db.v1*.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
