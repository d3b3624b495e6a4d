"""Helpers shared by the bench scripts: isolated XDG dirs, figures, tmux.

Not a script itself (``make bench`` runs only ``bench/*.py``). Stdlib only.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
VENV_BIN = ROOT / ".venv" / "bin"
CONCH = VENV_BIN / "conch"
PYTHON = VENV_BIN / "python"

# An empty rc environment: no ~/.bashrc, so the user's dotfiles never skew figures.
CONFIG_TOML = "[shell]\nsource_bashrc = false\n"


def isolate() -> Path:
    """Point XDG_CONFIG/STATE/DATA/RUNTIME and TMPDIR at a fresh temp tree (removed at exit).

    Call before importing conch. Returns the tree; ``<tree>/work`` is an empty
    directory to start the session in. ``conch`` runs its sessions in a host, which it starts
    and which outlives it: the runtime dir keeps that host (its socket) private to the
    bench, never the user's own, and it is stopped at exit.
    """
    root = Path(tempfile.mkdtemp(prefix="conch-bench-"))
    atexit.register(shutil.rmtree, root, True)
    for name in ("config", "state", "data", "work", "tmp"):
        (root / name).mkdir()
    (root / "run").mkdir(mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(root / "run")
    atexit.register(_stop_host, root)
    # PersistentBash makes a temp dir per shell and never removes it: keep those in the tree.
    os.environ["TMPDIR"] = str(root / "tmp")
    tempfile.tempdir = str(root / "tmp")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_STATE_HOME"] = str(root / "state")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    (root / "config" / "conch").mkdir()
    (root / "config" / "conch" / "config.toml").write_text(CONFIG_TOML)
    # Benches that run the app in-process draw at the frame rate `conch` itself sets (Textual's
    # default 60 frames a second would add up to two 16.7 ms waits to every Enter → frame).
    from conch.tui.frame_rate import raise_frame_rate

    raise_frame_rate()
    return root


def export_revision(revision: str) -> Path:
    """The ``src`` and ``plugins`` trees of git ``revision`` in a temp dir (removed at exit),
    to run another revision with this venv: ``PYTHONPATH=<dir>/src:<dir>/plugins``."""
    target = Path(tempfile.mkdtemp(prefix="conch-rev-"))
    atexit.register(shutil.rmtree, target, True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src", "plugins"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def revision_path(tree: Path) -> str:
    """The PYTHONPATH that runs the tree ``export_revision`` made."""
    return f"{tree / 'src'}:{tree / 'plugins'}"


def isolated_env(root: Path) -> dict[str, str]:
    """The XDG variables ``isolate`` set, for child processes."""
    return {
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_RUNTIME_DIR": str(root / "run"),
        "TMPDIR": str(root / "tmp"),
    }


def _stop_host(root: Path) -> None:
    """At exit: stop the host a `conch` of this bench started, if one did."""
    if (root / "run" / "conch").exists():
        env = {**os.environ, **isolated_env(root)}
        subprocess.run([str(PYTHON), "-m", "conch", "host", "stop"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@contextlib.contextmanager
def running_host(root: Path) -> Iterator[dict[str, str]]:
    """A detached `conch host` in ``root``'s dirs (see isolate) for the block;
    yields the environment that reaches it; stopped after."""
    env = {**os.environ, **isolated_env(root)}
    subprocess.run([str(PYTHON), "-m", "conch", "host"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        yield env
    finally:
        subprocess.run([str(PYTHON), "-m", "conch", "host", "stop"], env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p90 of 100 values is the 90th smallest)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def figures(label: str, values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """One line: median, p90 and max of ``values`` (seconds), scaled to ``unit``."""
    if not values:
        return f"{label:<44} no samples"
    scaled = [value * scale for value in values]
    return (
        f"{label:<44} median {statistics.median(scaled):8.2f} {unit}   "
        f"p90 {percentile(scaled, 0.9):8.2f} {unit}   "
        f"max {max(scaled):8.2f} {unit}   N={len(scaled)}"
    )


def header(title: str) -> None:
    print(f"== {title}")
    print(f"   {time.strftime('%Y-%m-%d %H:%M:%S')}  python {sys.version.split()[0]}  "
          f"cpus {os.cpu_count()}  load {os.getloadavg()[0]:.2f}")  # fmt: skip
    sys.stdout.flush()


# -- tmux --------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own -L socket), killed by ``close``."""

    def __init__(self, env: dict[str, str]) -> None:
        if shutil.which("tmux") is None:
            raise SystemExit("tmux is not installed")
        # One socket per bench process, so parallel runs never share a server.
        self.socket = f"bench-{os.getpid()}"
        self.env = env
        # Start the server with an idle session, so launching conch later does
        # not include the server's own start-up.
        self._tmux("new-session", "-d", "-s", "idle", "-x", "80", "-y", "24", "sleep 600")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def launch(self, name: str, command: Sequence[str], cols: int = 120, rows: int = 40) -> float:
        """Start ``command`` in a new session; returns perf_counter() just before."""
        env_args: list[str] = []
        for key, value in self.env.items():
            env_args += ["-e", f"{key}={value}"]
        line = " ".join(_quote(part) for part in command)
        started = time.perf_counter()
        self._tmux(
            "new-session", "-d", "-s", name, "-x", str(cols), "-y", str(rows), *env_args, line
        )
        return started

    def capture(self, name: str) -> str:
        try:
            return self._tmux("capture-pane", "-p", "-t", name)
        except subprocess.CalledProcessError:
            return ""

    def wait_for(self, name: str, text: str, timeout: float, every: float = 0.01) -> float | None:
        """Poll the pane until ``text`` shows; perf_counter() when it did, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.capture(name):
                return time.perf_counter()
            time.sleep(every)
        return None

    def send_keys(self, name: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", name, *keys)

    def pane_pid(self, name: str) -> int:
        return int(self._tmux("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])

    def kill_session(self, name: str) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._tmux("kill-session", "-t", name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._tmux("kill-server")


def _quote(part: str) -> str:
    return shlex.quote(part)


# -- /proc -------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc/*/stat."""
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def status_kb(pid: int, *keys: str) -> dict[str, int]:
    """Fields such as VmRSS from /proc/PID/status, in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in keys:
            values[key] = int(rest.split()[0])
    return values


def find_conch_process(pane_pid: int) -> int | None:
    """The python process running conch: the pane's process or one below it."""
    todo = [pane_pid]
    while todo:
        pid = todo.pop(0)
        args = cmdline(pid)
        if any("python" in Path(arg).name for arg in args[:1]) and any(
            arg.endswith("conch") for arg in args[1:2]
        ):
            return pid
        todo.extend(children(pid))
    return None
