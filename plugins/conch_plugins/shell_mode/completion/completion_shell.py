"""A private bash that runs programmable completion: never the user's session bash, which
may be busy running a command (a completion queued behind ``sleep``, NOTES.md).

Started on first use and kept: git's completion caches its command lists, so a second
``git ch`` costs 9 ms instead of 26 ms (NOTES.md). It sources bash-completion directly,
never the user's ~/.bashrc (which may print or prompt), and keeps no history; ``sync``
gives it the session's exports, aliases and functions. One query at a time from any
thread; a query that does not answer within ``timeout`` kills the helper (it restarts on
the next query) and returns None, so Tab degrades to plain completion instead of hanging.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from importlib import resources

from conch_plugins.shell_mode.bash_process import LAUNCHER_STATE

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
QUERY_TIMEOUT = 1.5
START_TIMEOUT = 5.0
START_RETRY_AFTER = 30.0
"""After a helper failed to start, Tab does without one for this long."""
SYNC_TIMEOUT = 5.0
# Read by bash itself at start-up of a script: the user's file could print or prompt.
_STARTUP_FILES = frozenset({"BASH_ENV", "ENV"})


class CompletionShell:
    """The helper bash; ``query`` runs code in it and returns what it printed."""

    def __init__(
        self,
        bash: str = "bash",
        *,
        bash_completion: str | None = BASH_COMPLETION,
        timeout: float = QUERY_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.bash = bash
        self.bash_completion = (
            bash_completion if bash_completion and os.path.isfile(bash_completion) else None
        )
        """bash-completion's main script, or None when it is not installed."""
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.kills = 0
        """Helpers killed after a query timed out (each restarts on the next query)."""
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._marker = b""
        self._scratch_dir: str | None = None
        self._definitions = ""
        self._variables: dict[str, str] | None = None
        self._unavailable = False
        self._shut_down = False
        self.generation = 0
        """Counts changes of the user's definitions: what was learnt about specs is stale."""
        self._retry_at = 0.0

    @property
    def has_bash_completion(self) -> bool:
        return self.bash_completion is not None

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> bool:
        """Start the helper now rather than on the first Tab; False if bash cannot run."""
        with self._lock:
            return self._ensure()

    def sync(self, definitions: str) -> None:
        """Match the session: ``definitions`` is bash source for the user's exports, aliases
        and functions (``BashSupervisor.user_definitions()``, or with ``complete -p`` added for
        the user's own specs). Applied now if the helper runs, else when it starts; the same
        text twice costs nothing."""
        with self._lock:
            if definitions == self._definitions:
                return
            self._definitions = definitions
            self.generation += 1
            if self.is_running:
                self._apply_definitions()

    def query(self, code: str, cwd: str | None = None, timeout: float | None = None) -> str | None:
        """Run ``code`` (in ``cwd``) and return its output; None if the helper is not
        available or did not answer within ``timeout`` (it is then killed)."""
        timeout = self.timeout if timeout is None else timeout
        if not self._lock.acquire(timeout=timeout):
            return None
        try:
            if not self._ensure():
                return None
            if cwd is not None:
                code = f"builtin cd -- {shlex.quote(cwd)} 2>/dev/null && {{\n{code}\n}}"
            return self._send(code, timeout)
        finally:
            self._lock.release()

    def variables(self) -> dict[str, str]:
        """The user's shell variables, names to values, as the helper has them after
        ``sync`` (bash-completion's and Conch's own left out); {} if it is not running."""
        with self._lock:
            if self._variables is None and self._ensure():
                reply = self._send("__conch_variables", self.timeout)
                fields = reply.split("\0") if reply is not None else []
                self._variables = dict(zip(fields[0:-1:2], fields[1::2], strict=False))
            return dict(self._variables or {})

    def close(self) -> None:
        """Stop the helper now. A later query starts a fresh one (with the last
        definitions); a helper left running exits by itself when Conch's end of its
        stdin closes."""
        with self._lock:
            self._stop()
            if self._scratch_dir is not None:
                shutil.rmtree(self._scratch_dir, ignore_errors=True)
                self._scratch_dir = None

    def shutdown(self) -> None:
        """Stop for good (Conch is exiting): a query racing with this never starts a new
        helper, so no process or scratch directory outlives Conch."""
        with self._lock:
            self._shut_down = True
        self.close()

    # -- the process ---------------------------------------------------------

    def _ensure(self) -> bool:
        if self.is_running:
            return True
        if self._shut_down or self._unavailable or time.monotonic() < self._retry_at:
            return False
        self._stop()
        if self._scratch_dir is None or not os.path.isdir(self._scratch_dir):
            # A helper that exited by itself took its scratch directory with it.
            self._scratch_dir = tempfile.mkdtemp(prefix="conch-complete-")
        token = secrets.token_hex(8)
        self._marker = b"\0\x1e" + token.encode() + b"\x1f"
        script = resources.files("conch_plugins.shell_mode.completion").joinpath(
            "completion_helper.bash"
        )
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in LAUNCHER_STATE and key not in _STARTUP_FILES
        }
        try:
            self._process = subprocess.Popen(
                [
                    self.bash,
                    "--noprofile",
                    "--norc",
                    str(script),
                    token,
                    self.bash_completion or "",
                    os.path.join(self._scratch_dir, "out"),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd="/",
                env=env,
                bufsize=0,
                start_new_session=True,
            )
        except OSError:
            self._unavailable = True
            shutil.rmtree(self._scratch_dir, ignore_errors=True)
            self._scratch_dir = None
            return False
        if self._read_reply(time.monotonic() + self.start_timeout) is None:
            self._stop()
            # Each Tab would wait the whole start timeout again: give it a rest first.
            self._retry_at = time.monotonic() + START_RETRY_AFTER
            return False
        self._variables = None
        if self._definitions.strip():
            self._apply_definitions()
        return self.is_running

    def _apply_definitions(self) -> None:
        assert self._scratch_dir is not None
        path = os.path.join(self._scratch_dir, "definitions.bash")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write(self._definitions)
        # readonly and special variables refuse to be set again; that is fine.
        self._send(f"builtin source {shlex.quote(path)} >/dev/null 2>&1", SYNC_TIMEOUT)
        self._variables = None

    def _send(self, code: str, timeout: float) -> str | None:
        process = self._process
        if process is None or process.stdin is None:
            return None
        data = code.replace("\0", "").encode("utf-8", errors="surrogateescape") + b"\0"
        try:
            fd = process.stdin.fileno()
            while data:
                data = data[os.write(fd, data) :]
        except OSError:
            self._kill()
            return None
        reply = self._read_reply(time.monotonic() + timeout)
        if reply is None:
            self._kill()
            return None
        return reply.decode("utf-8", errors="surrogateescape")

    def _read_reply(self, deadline: float) -> bytes | None:
        """Output up to the next sentinel, or None at the deadline or if bash died."""
        process = self._process
        if process is None or process.stdout is None:
            return None
        fd = process.stdout.fileno()
        buffer = bytearray()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            buffer += chunk
            at = buffer.find(self._marker, max(0, len(buffer) - len(chunk) - len(self._marker)))
            if at >= 0:
                return bytes(buffer[:at])

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self.kills += 1
        self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            # The helper leads its own process group: take a stuck `git` down with it.
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
