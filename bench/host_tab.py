"""Tab through the host: a client's `complete` request → the reply, against the same Tab
answered in-process (conch.session_completion, as the app does).

    .venv/bin/python bench/host_tab.py

A real detached `conch host`; one client attached to a session in a directory of 10,000
files. Lines: `cat f` (100 of 10,000 files), `cat ` (all 10,000), `gi` (commands), `git ch`
and `git checkout ma` (programmable, when bash-completion is installed). The first request
of each line, then 20 repeats. The in-process figures use a session bash and helper of this
process. The menu's frame comes after the reply (bench/tab_menu.py times that part).
Then as a person sees it: `conch attach` in tmux (120x40) on a session in that directory,
the line typed, Tab pressed (tmux send-keys), the pane polled every 2 ms until the menu's
"N matches" title shows; Esc closes it and the next run waits until it is gone. Polling
capture-pane costs a few ms, which bounds the resolution. Target: Tab menu ≤ 30 ms.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    CONCH,
    Tmux,
    figures,
    header,
    isolate,
    isolated_env,
    running_host,
)

ROOT = isolate()

from conch.host.client import HostConnection  # noqa: E402
from conch.host.completion_wire import request_completion  # noqa: E402
from conch.host.runtime import host_places  # noqa: E402

REPEATS = 20
LINES = ["cat f", "cat ", "gi", "git ch", "git checkout ma"]
MENU_LINES = {"cat f": "100 matches", "cat ": "10000 matches"}
"""Lines whose Tab opens the menu in tmux, and its title then."""
TMUX_TIMEOUT = 20.0


def make_project() -> Path:
    work = ROOT / "tab"
    work.mkdir()
    for number in range(10_000):
        (work / f"{'f' if number < 100 else 'x'}{number:05d}.txt").write_text("")
    git = ["git", "-C", str(work), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "start"], check=True)
    subprocess.run([*git, "branch", "maintenance"], check=True)
    return work


async def through_host(work: Path) -> None:
    client = await HostConnection.open(host_places().socket)
    await client.request("attach", cwd=str(work), new=True)
    for line in LINES:
        times: list[float] = []
        for _ in range(REPEATS + 1):
            started = time.perf_counter()
            completion = await request_completion(client, line, len(line), "shell")
            times.append(time.perf_counter() - started)
        count = len(completion.candidates)
        print(figures(f"host `{line}` first ({count})", times[:1]))
        print(figures(f"host `{line}` repeat", times[1:]))
    await client.close()


def in_process(work: Path) -> None:
    from conch.plugin_host import shell_feature
    from conch.session_completion import SessionCompletion
    from conch_plugins.shell_mode.bash_supervisor import BashSupervisor
    from conch_plugins.shell_mode.modes import ExecutionMode
    from conch_plugins.shell_mode.shell_options import ShellOptions

    bash = BashSupervisor(shell_feature().new_bash(str(work), ShellOptions()))
    bash.start()
    completion = SessionCompletion(lambda: bash)
    try:
        for line in LINES:
            times: list[float] = []
            for _ in range(REPEATS + 1):
                started = time.perf_counter()
                completion.complete(line, len(line), ExecutionMode.SHELL, str(work))
                times.append(time.perf_counter() - started)
            print(figures(f"in-process `{line}` first", times[:1]))
            print(figures(f"in-process `{line}` repeat", times[1:]))
    finally:
        completion.close()
        bash.close()


def gone(tmux: Tmux, name: str, text: str) -> None:
    deadline = time.perf_counter() + TMUX_TIMEOUT
    while text in tmux.capture(name) and time.perf_counter() < deadline:
        time.sleep(0.01)


def in_tmux(work: Path) -> None:
    """Tab → the menu on screen in a real `conch attach`, through the host."""
    env = {**isolated_env(ROOT), "XDG_RUNTIME_DIR": str(ROOT / "run")}
    tmux = Tmux(env)
    try:
        tmux.launch("tab", [str(CONCH), "--cwd", str(work), "attach", "--new"])
        if tmux.wait_for("tab", "● attached to", TMUX_TIMEOUT) is None:
            raise SystemExit(f"conch attach did not attach: {tmux.capture('tab')}")
        for line, title in MENU_LINES.items():
            tmux.send_keys("tab", "-l", line)
            times: list[float] = []
            for _ in range(REPEATS + 1):
                started = time.perf_counter()
                tmux.send_keys("tab", "Tab")
                shown = tmux.wait_for("tab", title, TMUX_TIMEOUT, every=0.002)
                if shown is None:
                    raise SystemExit(f"no menu for {line!r}: {tmux.capture('tab')}")
                times.append(shown - started)
                tmux.send_keys("tab", "Escape")
                gone(tmux, "tab", title)
            print(figures(f"tmux attach `{line}` Tab → menu, first", times[:1]))
            print(figures(f"tmux attach `{line}` Tab → menu, repeat", times[1:]))
            tmux.send_keys("tab", "C-u")  # the next line starts on an empty prompt
        tmux.send_keys("tab", "C-q")
    finally:
        tmux.close()


def main() -> None:
    header("host_tab: Tab through the host vs in-process, and in tmux through conch attach")
    work = make_project()
    with running_host(ROOT):
        asyncio.run(through_host(work))
        in_tmux(work)
    in_process(work)
    print("   target: Tab menu ≤ 30 ms (this is the reply; the frame follows it)")


if __name__ == "__main__":
    main()
