"""`conch attach` for real: a real host process, clients in their own tmux servers, typed at.

Two clients on one session see the same conversation; a client that leaves (detach, kill -9)
leaves the session running; a host killed with -9 is said in one line and Ctrl+R brings it
back with the history; an observer cannot type; --new attaches to a new session, and /new
typed in the window leaves the session running for an empty new one. Commands
that must stay running wait for a file the test creates, so nothing is decided by sleeping.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.e2e.conch_terminal import (
    CONCH,
    EXITED_MARK,
    HEIGHT,
    TMUX,
    WIDTH,
    ConchTerminal,
    _is_python,
    block_lines,
    find_blocks,
    is_finished,
    needs_tmux,
)
from tests.host.conch_process import has_exited

pytestmark = [needs_tmux, pytest.mark.e2e]

ATTACHED = "● attached to"
HOST_LOST = "The Conch host went away"


class Place:
    """One user's machine for these tests: HOME, XDG dirs and a private runtime dir."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.workdir = self.home / "work"
        self.workdir.mkdir(parents=True)
        (self.home / ".bashrc").touch()
        self.runtime = root / "run"
        self.runtime.mkdir(mode=0o700)
        self.count = 0
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(root / "xdg" / "config"),
            "XDG_STATE_HOME": str(root / "xdg" / "state"),
            "XDG_DATA_HOME": str(root / "xdg" / "data"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TMPDIR": str(root),
        }

    def host_pid(self) -> int | None:
        try:
            text = (self.runtime / "conch" / "host.lock").read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def stop_host(self) -> None:
        pid = self.host_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            if not has_exited(pid, 15):
                os.kill(pid, signal.SIGKILL)


@contextmanager
def attach_client(
    place: Place, *args: str, wait: str = ATTACHED, subcommand: str = "attach"
) -> Iterator[ConchTerminal]:
    """`conch attach ARGS` (or `conch SUBCOMMAND ARGS`, `conch ARGS` with "") in a tmux server
    of its own, as a person starts it in a terminal."""
    place.count += 1
    assignments = " ".join(shlex.quote(f"{key}={value}") for key, value in place.env.items())
    more = "".join(f" {shlex.quote(arg)}" for arg in args)
    command = (
        f'env -i {assignments} TERM="$TERM" {shlex.quote(str(CONCH))} {subcommand}{more}; '
        f"echo {EXITED_MARK} rc=$?; sleep 60"
    )
    socket = f"conch-attach-e2e-{os.getpid()}-{place.count}-{place.root.name[-12:]}"
    terminal = ConchTerminal(socket, place.home, place.workdir)
    terminal.tmux(
        "-u", "-f", "/dev/null", "new-session", "-d", "-s", "conch",
        "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(place.workdir), command,
    )  # fmt: skip
    socket_path = terminal.tmux("display-message", "-p", "#{socket_path}").stdout.strip()
    try:
        terminal.wait_for(wait, timeout=20)
        yield terminal
    finally:
        subprocess.run([TMUX or "tmux", "-L", socket, "kill-server"], capture_output=True,
                       timeout=10)  # fmt: skip
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    where = Place(tmp_path / "m")
    yield where
    where.stop_host()


def client_pid(terminal: ConchTerminal) -> int:
    shell = int(terminal.tmux("display-message", "-p", "-t", "conch", "#{pane_pid}").stdout)
    found = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True,
                           timeout=10)  # fmt: skip
    pids = [int(pid) for pid in found.stdout.split() if _is_python(int(pid))]
    assert len(pids) == 1, f"no single conch client under the pane: {found.stdout!r}"
    return pids[0]


def wait_for_file_command(place: Place, name: str, before: str, after: str) -> str:
    """A short command line (its block's first line must fit the screen) that prints
    ``before``, waits until the test creates ``name`` in the work dir, then prints ``after``."""
    script = place.workdir / "wait-for.sh"
    script.write_text('echo "$2"; while [ ! -e "$1" ]; do sleep 0.05; done; echo "$3"\n')
    return f"sh wait-for.sh {name} {before} {after}"


def below_command(block: str) -> str:
    """A block without its command line: its output and status."""
    return "\n".join(block.splitlines()[1:])


def finished_block(terminal: ConchTerminal, command: str, text: str, timeout: float = 15) -> str:
    def done(screen: str) -> bool:
        blocks = find_blocks(screen, command)
        return bool(blocks) and is_finished(blocks[-1]) and text in below_command(blocks[-1])

    done.__name__ = f"{command!r} finished with {text!r}"
    return find_blocks(terminal.wait_for(done, timeout), command)[-1]


def running_block(terminal: ConchTerminal, command: str, text: str) -> str:
    def running(screen: str) -> bool:
        blocks = find_blocks(screen, command)
        return bool(blocks) and "running…" in blocks[-1] and text in below_command(blocks[-1])

    running.__name__ = f"{command!r} running with {text!r}"
    return find_blocks(terminal.wait_for(running), command)[-1]


def test_a_command_typed_in_one_client_streams_its_output_in_the_other(place: Place) -> None:
    command = wait_for_file_command(place, "go", "chunk-one", "chunk-two")
    with attach_client(place) as first, attach_client(place) as second:
        first.type_line(command)
        block = running_block(second, command, "chunk-one")
        assert "chunk-two" not in below_command(block)
        (place.workdir / "go").touch()
        block = finished_block(second, command, "chunk-two")
        assert "✓ 0" in block
        finished_block(first, command, "chunk-two")


def test_detaching_leaves_a_running_command_and_a_reattach_sees_it_finish(place: Place) -> None:
    command = wait_for_file_command(place, "go", "started", "slept-and-done")
    with attach_client(place) as first:
        first.type_line(command)
        running_block(first, command, "started")
        first.send("C-q")
        screen = first.wait_for(f"{EXITED_MARK} rc=0")
        assert "Detached from session" in screen
    (place.workdir / "go").touch()
    with attach_client(place) as again:
        block = finished_block(again, command, "slept-and-done")
        assert "started" in block and "✓ 0" in block


def test_slash_detach_and_ctrl_d_on_an_empty_prompt_detach_too(place: Place) -> None:
    with attach_client(place) as first:
        first.type_line("/detach")
        assert "Detached from session" in first.wait_for(f"{EXITED_MARK} rc=0")
    with attach_client(place) as second:
        second.send("C-d")
        assert "Detached from session" in second.wait_for(f"{EXITED_MARK} rc=0")


def test_lines_typed_while_a_command_runs_go_to_it_and_ctrl_c_interrupts(place: Place) -> None:
    with attach_client(place) as client:
        client.type_line("read answer; echo got-$answer")
        running_block(client, "read answer; echo got-$answer", "")
        client.type_line("hello there")
        finished_block(client, "read answer; echo got-$answer", "got-hello there")
        client.type_line("sleep 100")
        running_block(client, "sleep 100", "")
        client.send("C-c")
        assert "interrupted" in finished_block(client, "sleep 100", "")


def test_a_client_killed_with_9_leaves_the_session_running(place: Place) -> None:
    command = wait_for_file_command(place, "go", "before-kill", "after-kill")
    with attach_client(place) as first:
        first.type_line(command)
        running_block(first, command, "before-kill")
        os.kill(client_pid(first), signal.SIGKILL)
        first.wait_for(EXITED_MARK)
        (place.workdir / "go").touch()
        with attach_client(place) as again:
            block = finished_block(again, command, "after-kill")
            assert "before-kill" in block


def test_a_host_killed_with_9_is_said_in_one_line_and_ctrl_r_brings_the_history_back(
    place: Place,
) -> None:
    with ExitStack() as stack:
        first = stack.enter_context(attach_client(place))
        second = stack.enter_context(attach_client(place))
        first.type_line("echo from-before-the-crash")
        finished_block(second, "echo from-before-the-crash", "from-before-the-crash")
        host = place.host_pid()
        assert host is not None
        os.kill(host, signal.SIGKILL)
        for client in (first, second):
            screen = client.wait_for(HOST_LOST)
            assert len([line for line in screen.splitlines() if HOST_LOST in line]) == 1
            assert "Ctrl+R" in screen
        first.send("C-r")
        first.wait_for(lambda screen: ATTACHED in screen and HOST_LOST not in screen)
        assert place.host_pid() not in (None, host)
        assert "from-before-the-crash" in first.screen()
        second.send("C-r")
        second.wait_for(lambda screen: ATTACHED in screen and HOST_LOST not in screen)
        first.type_line("echo after-the-restart")
        finished_block(second, "echo after-the-restart", "after-the-restart")
        assert "from-before-the-crash" in second.screen()


HOST_THAT_FAILS = """
import asyncio, os
from pathlib import Path

_trigger = os.environ.get("CONCH_TEST_HOST_FAILS_ON")
if _trigger:
    from conch.host import server

    _serve = server.HostServer.serve

    async def serve(self):
        serving = asyncio.ensure_future(_serve(self))
        while not Path(_trigger).exists():
            if serving.done():
                return await serving
            await asyncio.sleep(0.05)
        raise RuntimeError("the host's main loop failed")

    server.HostServer.serve = serve
"""
"""A fault for a real host (sitecustomize on its PYTHONPATH): its main loop raises once the
trigger file exists, as a bug in the host's loop would."""


def test_a_host_that_crashes_says_where_its_report_is_and_ctrl_r_brings_the_session_back(
    place: Place,
) -> None:
    site = place.root / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(HOST_THAT_FAILS)
    trigger = place.root / "host-fails-now"
    place.env.update(PYTHONPATH=str(site), CONCH_TEST_HOST_FAILS_ON=str(trigger))
    with attach_client(place) as client:
        client.type_line("echo from-before-the-crash")
        finished_block(client, "echo from-before-the-crash", "from-before-the-crash")
        host = place.host_pid()
        trigger.touch()
        screen = client.wait_for(lambda screen: "(it crashed; the report is" in screen)
        reports = list((place.root / "xdg" / "state" / "conch" / "crashes").glob("crash-*.txt"))
        assert [report.name for report in reports] == [f"crash-{reports[0].name[6:21]}-{host}.txt"]
        assert str(reports[0]) in "".join(screen.split()), screen  # the path may wrap
        assert "RuntimeError: the host's main loop failed" in reports[0].read_text()
        trigger.unlink()
        client.send("C-r")
        client.wait_for(lambda screen: ATTACHED in screen and HOST_LOST not in screen)
        assert "from-before-the-crash" in client.screen()
        client.type_line("echo after-the-restart")
        finished_block(client, "echo after-the-restart", "after-the-restart")


def test_an_observer_sees_the_session_and_cannot_type(place: Place) -> None:
    with attach_client(place) as controller, attach_client(place, "--observe") as observer:
        assert "observing" in observer.screen()
        observer.type_line(f"touch {place.root}/typed-by-observer")
        controller.type_line("echo from-the-controller")
        finished_block(observer, "echo from-the-controller", "from-the-controller")
        assert not (place.root / "typed-by-observer").exists()
        assert not find_blocks(controller.screen(), f"touch {place.root}/typed-by-observer")


def test_new_attaches_to_a_new_session(place: Place) -> None:
    with attach_client(place) as first:
        first.type_line("echo in-the-first-session")
        finished_block(first, "echo in-the-first-session", "in-the-first-session")
        first_id = first.screen().split(ATTACHED, 1)[1].split()[0]
    with attach_client(place, "--new") as fresh:
        screen = fresh.screen()
        assert "in-the-first-session" not in screen
        assert screen.split(ATTACHED, 1)[1].split()[0] != first_id


def test_slash_new_typed_by_hand_leaves_the_session_for_an_empty_new_one(place: Place) -> None:
    with attach_client(place) as client:
        client.type_line("echo in-the-old-session")
        finished_block(client, "echo in-the-old-session", "in-the-old-session")
        old_id = client.screen().split(ATTACHED, 1)[1].split()[0]
        client.type_line_slowly("/new")

        def on_a_new_session(screen: str) -> bool:
            return ATTACHED in screen and screen.split(ATTACHED, 1)[1].split()[0] != old_id

        client.wait_for(on_a_new_session)
        client.wait_for(f"Left session {old_id}: it goes on in the host")
        client.type_line("echo fresh")
        finished_block(client, "echo fresh", "fresh")
        screen = client.screen()
        lines = block_lines(screen)
        notice = next(i for i, line in enumerate(lines) if line.startswith("Left session"))
        assert lines.index("$ echo fresh  ~/work") > notice, "a line of the conversation"
        assert "in-the-old-session" not in screen and len(find_blocks(screen, "echo fresh")) == 1
    with attach_client(place, old_id) as back:
        finished_block(back, "echo in-the-old-session", "in-the-old-session")


def test_what_a_background_job_prints_shows_in_every_client_and_after_a_reattach(
    place: Place,
) -> None:
    """The host reads bash between commands as the app does: a job's late line is journaled
    and shown under "output from a background job" in each client, live and from history."""
    with attach_client(place) as first, attach_client(place) as second:
        job = "(while [ ! -e go ]; do sleep 0.05; done; echo LATE-LINE) &"
        first.type_line(f"!{job}")
        finished_block(second, job, "[1]")
        (place.workdir / "go").touch()
        for client in (first, second):
            rows = screen_rows(client.wait_for(late_line_shown))
            assert rows[rows.index("LATE-LINE") - 1] == "output from a background job", rows
        first.send("C-d")  # detach: the session goes on in the host
        first.wait_for(EXITED_MARK)
    with attach_client(place) as again:
        rows = screen_rows(again.wait_for(late_line_shown))
        assert rows[rows.index("LATE-LINE") - 1] == "output from a background job", rows


def late_line_shown(screen: str) -> bool:
    return "LATE-LINE" in screen_rows(screen)  # a row of its own, not the command's line


def test_a_password_typed_for_a_running_command_shows_as_dots_and_reaches_it(
    place: Place,
) -> None:
    """The host sees the program turn echo off (sudo, ssh, getpass all do): the prompt
    masks what is typed, at human speed, and the command gets it."""
    # getpass turns echo off before it prints its prompt, as sudo does.
    asks = 'import getpass; print("got-%d" % len(getpass.getpass("Password: ")))'
    command = f"python3 -c '{asks}'"
    with attach_client(place) as client:
        client.type_line(f"!{command}")
        running_block(client, command, "Password:")
        client.wait_for("Password for the running command (hidden)")
        client.type_slowly("hunter2")
        masked = client.wait_for("•" * 7)
        assert "hunter2" not in masked, masked
        client.send("Enter")
        block = finished_block(client, command, "got-7")
        assert "hunter2" not in client.screen(), block
        client.wait_for("Type a command or ask the agent")  # unmasked again once it ended


def screen_rows(screen: str) -> list[str]:
    """Every row of the screen without the blocks' left bar."""
    return [line.strip().removeprefix("▌").strip() for line in screen.splitlines()]
