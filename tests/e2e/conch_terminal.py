"""Driving the real Conch in tmux: start it isolated, type, read the screen.

Shared by the end-to-end tests. Nothing is decided by a fixed sleep:
``wait_for`` polls the screen every 50 ms and fails with the last screen.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.peers.programs import needs_program

TMUX = shutil.which("tmux")

needs_tmux = needs_program("tmux", "tmux", "the tests that drive Conch in a terminal")
"""For a module of tests that drive Conch in tmux: ``pytestmark = needs_tmux``."""

WIDTH, HEIGHT = 120, 40
POLL = 0.05
CONCH = Path(sys.executable).with_name("conch")
EXITED_MARK = "CONCH-EXITED"

Check = Callable[[str], object]


class ConchTerminal:
    """One Conch running in its own tmux server, driven like a person would."""

    def __init__(self, socket: str, home: Path, workdir: Path) -> None:
        self.socket = socket
        self.home = home
        self.workdir = workdir

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, *args],
            check=True,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=10,
        )

    # -- typing ------------------------------------------------------------

    def send(self, *keys: str) -> None:
        """Press keys, named as tmux names them: "Enter", "C-c", "Up", "Escape"."""
        self.tmux("send-keys", "-t", "conch", *keys)

    def type(self, text: str) -> None:
        """Type text literally (no key-name lookup)."""
        self.tmux("send-keys", "-t", "conch", "-l", text)

    def type_line(self, text: str) -> None:
        self.type(text)
        self.send("Enter")

    def type_slowly(self, text: str, pause: float = 0.12) -> None:
        """Type at human speed: one key at a time, ``pause`` seconds apart."""
        for character in text:
            # tmux reads an argument ending in ";" as its own command separator; "\\;" is
            # the key itself.
            self.type("\\;" if character == ";" else character)
            time.sleep(pause)

    def type_line_slowly(self, text: str, pause: float = 0.12) -> None:
        """A person typing a line: one key at a time, then Enter."""
        self.type_slowly(text, pause)
        self.send("Enter")

    def send_slowly(self, *keys: str, pause: float = 0.12) -> None:
        """Press keys (as ``send`` names them) at human speed, ``pause`` seconds apart."""
        for key in keys:
            self.send(key)
            time.sleep(pause)

    def paste(self, text: str) -> None:
        """A real bracketed paste, as a terminal delivers one (tmux wraps it in the paste
        markers because Conch asked for them); newlines arrive as carriage returns. Loaded
        from a file, so the text may hold any byte (an argument cannot hold a NUL)."""
        source = self.home.parent / "paste-buffer.txt"
        source.write_bytes(text.encode())
        self.tmux("load-buffer", "-b", "e2e-paste", str(source))
        self.tmux("paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", "conch")

    # -- reading -----------------------------------------------------------

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "conch").stdout

    def wait_for(self, predicate_or_text: str | Check, timeout: float = 10) -> str:
        """Poll the screen until the text appears or the predicate is truthy."""
        if isinstance(predicate_or_text, str):
            text = predicate_or_text

            def check(screen: str) -> object:
                return text in screen

            what = repr(text)
        else:
            check = predicate_or_text
            what = getattr(check, "__name__", repr(check))
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}; screen:\n{screen}")
            time.sleep(POLL)

    def run(self, command: str, timeout: float = 10) -> str:
        """Type a shell command, wait until its block is finished, return that block."""
        before = count_blocks(self.screen(), command)
        self.type_line(command)

        def finished(screen: str) -> bool:
            blocks = find_blocks(screen, command)
            return len(blocks) > before and is_finished(blocks[-1])

        finished.__name__ = f"block for {command!r} to finish"
        return find_blocks(self.wait_for(finished, timeout), command)[-1]


# -- reading the screen ----------------------------------------------------

BLOCK_BAR = "▌"
STATUS_RE = re.compile(r"^(✓ 0|✗ |⏱ )")


def block_lines(screen: str) -> list[str]:
    """Conversation lines with their left bar removed ('' between blocks)."""
    lines = []
    for line in screen.splitlines():
        stripped = line.strip()
        if stripped.startswith(BLOCK_BAR):
            lines.append(stripped[1:].strip())
        else:
            lines.append("")
    return lines


def find_blocks(screen: str, command: str) -> list[str]:
    """Every command block for ``command`` on screen, as text, oldest first."""
    lines = block_lines(screen)
    blocks = []
    for index, line in enumerate(lines):
        if line.startswith(f"$ {command}  ") or line == f"$ {command}":
            end = index
            while end < len(lines) and lines[end]:
                end += 1
            blocks.append("\n".join(lines[index:end]))
    return blocks


def count_blocks(screen: str, command: str) -> int:
    return len(find_blocks(screen, command))


def is_finished(block: str) -> bool:
    return any(STATUS_RE.match(line) for line in block.splitlines()[1:])


def block_status(block: str) -> str:
    statuses = [line for line in block.splitlines()[1:] if STATUS_RE.match(line)]
    assert statuses, f"block has no status line:\n{block}"
    return statuses[-1]


def prompt_area(screen: str) -> list[str]:
    """The prompt bar and footer: from the input box's top border down."""
    lines = screen.splitlines()
    tops = [i for i, line in enumerate(lines) if "▔▔▔▔" in line]
    return lines[tops[-1] :] if tops else []


BADGE_RE = re.compile(r"[◆$✦] (Auto|Shell|Agent)\b")


def mode_badge(screen: str) -> str | None:
    for line in prompt_area(screen):
        match = BADGE_RE.search(line)
        if match:
            return match.group(0)
    return None


def prompt_text(screen: str) -> str:
    """What the input line shows (typed text or placeholder)."""
    for line in prompt_area(screen):
        if BADGE_RE.search(line):
            return line.split("▊", 1)[-1].rstrip("▎ ").strip()
    return ""


def status_line(screen: str) -> str:
    """The line under the prompt: cwd (shortened with ~) and what runs."""
    area = prompt_area(screen)
    bottoms = [i for i, line in enumerate(area) if "▁▁▁▁" in line]
    if not bottoms or bottoms[0] + 1 >= len(area):
        return ""
    return area[bottoms[0] + 1].strip().lstrip("█").strip()


def kill_conch(terminal: ConchTerminal) -> None:
    """kill -9 the Conch process in this terminal: no clean-up runs, as in a crash."""
    found = subprocess.run(
        ["pgrep", "-f", f"conch --cwd {terminal.workdir}"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    # Not the shell that launched it (its command line names conch too): the python process.
    pids = [int(pid) for pid in found.stdout.split() if _is_python(int(pid))]
    assert pids, "no Conch process found"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    terminal.wait_for(EXITED_MARK)


def crash_conch(terminal: ConchTerminal) -> None:
    """kill -9 all of Conch: this terminal's window and the host that runs its session (its
    bash goes with it), as when the machine's Conch dies at once. kill -9 of the window alone
    (``kill_conch``) leaves the session running in the host; this is the crash after which
    a new ``conch`` must restore the session from its journal."""
    lock = terminal.home.parent / "run" / "conch" / "host.lock"
    text = lock.read_text().strip() if lock.exists() else ""
    assert text.isdigit(), f"no Conch host runs for this terminal ({lock}: {text!r})"
    kill_conch(terminal)
    host = int(text)
    os.kill(host, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _is_alive(host):
        assert time.monotonic() < deadline, f"the Conch host {host} outlived kill -9"
        time.sleep(POLL)


def _is_alive(pid: int) -> bool:
    """Running, not a zombie its parent has yet to reap (a dead host holds nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _is_python(pid: int) -> bool:
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except OSError:
        return False
    return b"python" in Path(argv0.decode()).name.encode()


def named(check: Check, name: str) -> Check:
    check.__name__ = name  # type: ignore[attr-defined]
    return check


# -- the fixture -------------------------------------------------------------


@contextmanager
def launch_conch(
    tmp_path: Path,
    config_toml: str = "",
    *,
    args: tuple[str, ...] = (),
    extra_env: dict[str, str] | None = None,
    umask: str = "",
    wait_ready: bool = True,
) -> Iterator[ConchTerminal]:
    """Conch in its own tmux server with an isolated HOME/XDG and, optionally, a config,
    more arguments, environment variables and a umask. When it exits, the terminal shows
    ``CONCH-EXITED rc=N``. ``wait_ready`` False: do not wait for the first screen (it may
    never come).

    Launching again with the same ``tmp_path`` reuses HOME and XDG: a restart."""
    # Own sub-folder: tests/conftest.py's autouse fixture already uses tmp_path/home.
    root = tmp_path / "e2e"
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".bashrc").touch()
    workdir = home / "work"
    workdir.mkdir(exist_ok=True)
    xdg = root / "xdg"
    # The Conch host's socket and lock live here: one private host per test's "machine".
    runtime = root / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    if config_toml:
        (xdg / "config" / "conch").mkdir(parents=True, exist_ok=True)
        (xdg / "config" / "conch" / "config.toml").write_text(config_toml)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_STATE_HOME": str(xdg / "state"),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_RUNTIME_DIR": str(runtime),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": str(tmp_path),
        **(extra_env or {}),
    }
    assignments = " ".join(shlex.quote(f"{key}={value}") for key, value in env.items())
    more = "".join(f" {shlex.quote(arg)}" for arg in args)
    command = (
        (f"umask {umask}; " if umask else "")
        + f'env -i {assignments} TERM="$TERM" {shlex.quote(str(CONCH))} '
        f"--cwd {shlex.quote(str(workdir))}{more}; echo {EXITED_MARK} rc=$?; sleep 30"
    )
    socket = f"conch-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    terminal = ConchTerminal(socket, home, workdir)
    terminal.tmux(
        "-u", "-f", "/dev/null", "new-session", "-d", "-s", "conch",
        "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(workdir), command,
    )  # fmt: skip
    socket_path = terminal.tmux("display-message", "-p", "#{socket_path}").stdout.strip()
    try:
        if wait_ready:
            # Fully painted and attached: the prompt with its badge, the footer's key
            # bindings, and the status line's cwd (shown once the session is there).
            terminal.wait_for(named(is_ready, "the first screen"), timeout=15)
        yield terminal
    finally:
        subprocess.run(
            [TMUX or "tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10
        )
        # kill-server leaves the socket file behind; don't litter /tmp/tmux-UID.
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


def is_ready(screen: str) -> bool:
    """The first screen is there: badge, footer, and the session's cwd under the prompt."""
    return mode_badge(screen) is not None and "^q Quit" in screen and bool(status_line(screen))


def stop_host(runtime: Path) -> None:
    """Stop the Conch host whose runtime dir is ``runtime`` (``launch_conch(tmp_path)``'s is
    tmp_path/e2e/run), as `conch host stop` does (SIGTERM: sessions stop cleanly), and wait
    until it is gone."""
    lock = runtime / "conch" / "host.lock"
    try:
        text = lock.read_text().strip()
    except OSError:
        return
    if not text.isdigit():
        return
    pid = int(text)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
