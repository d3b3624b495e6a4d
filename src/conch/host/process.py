"""Starting and stopping the host process.

``conch`` starts the host when none runs: a new session (``setsid``), away
from the terminal (stdin /dev/null, output to the log in the XDG state dir),
so closing the window does not reach it. ``--foreground`` runs the same loop
attached to the terminal, for debugging. SIGTERM and SIGINT stop it cleanly;
SIGHUP is ignored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conch.crash_report import EXIT_CRASHED, host_died_message, write_report
from conch.host.client import HostGone, HostNotRunning, ask_host
from conch.host.handshake import HandshakeRefused
from conch.host.lock import HostAlreadyRunning
from conch.host.runtime import HostPlaces, host_places
from conch.host.server import HostServer
from conch.plugin_host import PluginLoadError, shell_feature

START_TIMEOUT = 10.0
"""Seconds a new host has to listen before the client gives up on it."""


def run_host(places: HostPlaces | None = None, *, to_terminal: bool = False) -> int:
    """The host's main loop; returns the process's exit status."""
    where = places or host_places()
    _set_up_logging(where.log, to_terminal)
    try:
        shell_feature()  # every session needs the plugins' bash: fail now, not per attach
    except PluginLoadError as error:
        print(f"conch host: {error}", file=sys.stderr)
        return 1
    server = HostServer(where)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, server.request_stop)
        loop.add_signal_handler(signal.SIGHUP, lambda: None)
        await server.serve()

    try:
        asyncio.run(main())
    except HostAlreadyRunning as error:
        print(f"conch host: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # the main loop itself failed: every session stops
        message = host_died_message(error, write_report(error))
        logging.getLogger("conch.host").error(message)
        print(f"conch host: {message}", file=sys.stderr)
        return EXIT_CRASHED
    return 0


def _set_up_logging(log_path: Path, to_terminal: bool) -> None:
    handlers: list[logging.Handler] = []
    if to_terminal:
        handlers.append(logging.StreamHandler(sys.stderr))
    else:
        log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handlers.append(logging.FileHandler(log_path))
    logging.basicConfig(
        level=logging.INFO, handlers=handlers, format="%(asctime)s %(name)s %(message)s"
    )


def start_detached(places: HostPlaces | None = None) -> int:
    """Start a host in the background and wait until it answers; its pid."""
    where = places or host_places()
    where.log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(where.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "conch", "host", "--foreground", "--log-to-file"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HostNotRunning(
                f"the host exited at once (status {process.returncode}); see {where.log}"
            )
        if is_running(where):
            return process.pid
        time.sleep(0.02)
    raise HostNotRunning(f"the host did not answer within {START_TIMEOUT:.0f} s; see {where.log}")


def is_running(places: HostPlaces | None = None) -> bool:
    """Whether a host answers on the socket (with the same version: it shook hands)."""
    where = places or host_places()
    try:
        asyncio.run(ask_host(where.socket, "status"))
    except (HostNotRunning, HostGone, HandshakeRefused, OSError):
        return False
    return True
