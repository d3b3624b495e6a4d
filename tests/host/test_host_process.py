"""The host as a real process: its socket, who may talk to it, start, stop, crash.

Each test gets its own XDG_RUNTIME_DIR (tests/conftest.py isolates HOME and
the XDG dirs), starts real `conch host` processes and talks to them over the
real Unix socket.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostNotRunning, ask_host
from conch.host.runtime import RuntimeDirError, ensure_private_dir, host_places
from conch.host.wire import PROTOCOL_VERSION, encode_json, read_frame
from tests.host.conch_process import conch, has_exited


@pytest.fixture
def host(runtime: Path) -> Iterator[int]:
    """A host started as `conch` starts it (detached); stopped afterwards."""
    started = conch("host")
    assert started.returncode == 0, started.stderr
    pid = _status()["pid"]
    yield pid
    with_pid_gone(pid, lambda: conch("host", "stop"))


def _status() -> dict[str, object]:
    status: dict[str, object] = asyncio.run(ask_host(host_places().socket, "status"))
    return status


def with_pid_gone(pid: int, stop: object) -> None:
    if callable(stop):
        stop()
    if not has_exited(pid, timeout=10):
        os.kill(pid, signal.SIGKILL)


def test_the_socket_is_private_to_the_user(host: int, runtime: Path) -> None:
    places = host_places()
    assert places.directory == runtime / "conch"
    assert stat.S_IMODE(places.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(places.socket.stat().st_mode) == 0o600
    assert stat.S_IMODE(places.log.stat().st_mode) == 0o600


def test_the_host_runs_detached_from_the_terminal(host: int) -> None:
    assert os.getsid(host) == host, "the host leads a session of its own"
    assert os.getsid(host) != os.getsid(0)


def test_status_and_ps_answer(host: int) -> None:
    status = conch("host", "status")
    assert status.returncode == 0
    assert f"pid {host}" in status.stdout and "0 live session(s)" in status.stdout
    listed = conch("ps", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def test_a_second_host_refuses_to_start(host: int) -> None:
    second = conch("host", "--foreground", timeout=15)
    assert second.returncode == 1
    assert f"already running (pid {host})" in second.stderr


def test_conch_host_twice_starts_one_host(host: int) -> None:
    again = conch("host")
    assert again.returncode == 0 and f"pid {host}" in again.stdout


def test_stop_ends_the_host_and_removes_its_socket(host: int) -> None:
    stopped = conch("host", "stop")
    assert stopped.returncode == 0 and f"pid {host}" in stopped.stdout
    with_pid_gone(host, None)
    assert not host_places().socket.exists()
    assert conch("host", "status").returncode == 1


def test_without_a_host_status_says_so_and_ps_lists_nothing(runtime: Path) -> None:
    status = conch("host", "status")
    assert status.returncode == 1 and "no Conch host is listening" in status.stderr
    assert json.loads(conch("ps", "--json").stdout) == []


def test_a_host_killed_with_sigkill_is_replaced_by_the_next_start(host: int) -> None:
    os.kill(host, signal.SIGKILL)
    with_pid_gone(host, None)
    assert host_places().socket.exists(), "a killed host leaves its socket file"
    restarted = conch("host")
    assert restarted.returncode == 0, restarted.stderr
    new_pid = _status()["pid"]
    assert new_pid != host
    with_pid_gone(int(str(new_pid)), lambda: conch("host", "stop"))


def test_closing_the_terminal_does_not_stop_the_host(host: int) -> None:
    os.kill(host, signal.SIGHUP)
    time.sleep(0.2)  # give a wrongly handled SIGHUP the time to kill it
    assert _status()["pid"] == host


# -- the handshake -------------------------------------------------------------------


async def _raw_hello(socket_path: Path, **fields: object) -> dict[str, object]:
    reader, writer = await asyncio.open_unix_connection(str(socket_path))
    message = {"type": "hello", "protocol": PROTOCOL_VERSION, "role": "controller", **fields}
    writer.write(encode_json(message))
    frame = await read_frame(reader)
    writer.close()
    assert frame is not None and frame.message is not None
    return frame.message


def test_a_client_of_another_version_is_refused_with_what_to_do(host: int) -> None:
    import conch as package

    answer = asyncio.run(_raw_hello(host_places().socket, conch="0.0.1-old"))
    assert answer["type"] == "refused"
    reason = str(answer["reason"])
    assert package.__version__ in reason and "0.0.1-old" in reason
    assert "conch host stop" in reason
    other_protocol = asyncio.run(
        _raw_hello(host_places().socket, conch=package.__version__, protocol=PROTOCOL_VERSION + 1)
    )
    assert other_protocol["type"] == "refused"


def test_a_client_that_sends_garbage_is_dropped_and_the_host_goes_on(host: int) -> None:
    with socket.socket(socket.AF_UNIX) as raw:
        raw.connect(str(host_places().socket))
        raw.sendall(b"\xff\xff\xff\xff garbage that claims to be 4 GB")
        raw.settimeout(5)
        assert raw.recv(100) == b"", "the host hangs up"
    assert _status()["pid"] == host


def test_connecting_with_no_host_is_a_clear_error(runtime: Path) -> None:
    with pytest.raises(HostNotRunning, match="no Conch host is listening"):
        asyncio.run(HostConnection.open(host_places().socket))


# -- who may attach --------------------------------------------------------------------


def test_a_runtime_dir_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to give a directory to another user")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, pwd.getpwnam("nobody").pw_uid, -1)
    with pytest.raises(RuntimeDirError, match="belongs to uid"):
        ensure_private_dir(theirs)


def test_an_open_runtime_dir_of_ours_is_closed(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.mkdir(mode=0o755)
    ensure_private_dir(ours)
    assert stat.S_IMODE(ours.stat().st_mode) == 0o700


# Runs as another user with the system python and the standard library only: the
# venv's python may sit in a directory only root can enter.
_FOREIGN_HELLO = """
import json, socket, struct, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
payload = json.dumps({"type": "hello", "protocol": int(sys.argv[2]), "conch": sys.argv[3],
                      "role": "controller", "client": "test"}).encode()
try:
    sock.sendall(struct.pack(">IB", len(payload), ord("J")) + payload)
except OSError:
    pass  # the host may hang up before reading a foreign peer's hello
data = b""
while chunk := sock.recv(65536):
    data += chunk
length, kind = struct.unpack(">IB", data[:5])
print(data[5 : 5 + length].decode())
"""


async def test_a_process_of_another_uid_is_refused_by_the_host(tmp_path: Path) -> None:
    """File modes keep other users out, but root ignores them and a mode is one mistake
    away from open: here the socket is opened wide on purpose, and the uid check holds."""
    import conch as package
    from conch.host.runtime import HostPlaces
    from conch.host.server import HostServer

    setpriv = shutil.which("setpriv")
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    if os.getuid() != 0 or setpriv is None or system_python is None:
        pytest.skip("needs root, setpriv and a system python3 to connect as another user")
    base = Path(tempfile.mkdtemp(prefix="conch-foreign-"))
    os.chmod(base, 0o755)
    places = HostPlaces(base / "run", base / "run" / "host.sock", base / "run" / "host.lock",
                        tmp_path / "host.log")  # fmt: skip
    server = HostServer(places)
    serving = asyncio.create_task(server.serve())
    try:
        while not places.socket.exists():
            await asyncio.sleep(0.01)
        os.chmod(places.directory, 0o755)
        os.chmod(places.socket, 0o666)
        nobody = pwd.getpwnam("nobody")
        as_nobody = [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                     "--clear-groups"]  # fmt: skip
        done = await asyncio.create_subprocess_exec(
            *as_nobody, system_python, "-c", _FOREIGN_HELLO, str(places.socket),
            str(PROTOCOL_VERSION), package.__version__,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(done.communicate(), 30)
        assert out.strip(), f"the foreign client got no answer: {err.decode()}"
        answer = json.loads(out)
        assert answer["type"] == "refused", err
        assert f"uid {nobody.pw_uid} may not attach" in answer["reason"]
        assert server.clients == 0
    finally:
        server.request_stop()
        await serving
        shutil.rmtree(base, ignore_errors=True)
