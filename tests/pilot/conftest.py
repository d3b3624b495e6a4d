"""Helpers to run the real ConchApp (real bash, real plugins) under Pilot."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from conch.config import AgentConfig, ConchConfig, LoadedConfig, ShellConfig, UiConfig
from conch.plugin_host import load_plugins
from conch.tui.app import ConchApp
from conch.tui.widgets import durations
from conch.tui.widgets.agent_turn import AgentTurn
from tests.peers.fake_agents import fake_acp_config
from tests.peers.fake_openai_server import FakeOpenAIServer

AppFactory = Callable[..., ConchApp]


@pytest.fixture
def fixed_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command durations vary run to run; pin them so pictures compare."""
    monkeypatch.setattr(durations, "format_duration", lambda seconds: "12 ms")


@pytest.fixture
def project_dir(isolated_home: Path) -> Path:
    """The session's start directory, under HOME so it shows as ~/project."""
    project = isolated_home / "project"
    project.mkdir()
    return project


@pytest.fixture
def make_app(project_dir: Path, tmp_path: Path) -> AppFactory:
    def factory(*, scrollback_lines: int = 5000, problems: tuple[str, ...] = ()) -> ConchApp:
        config = ConchConfig(
            shell=ShellConfig(source_bashrc=False),
            ui=UiConfig(scrollback_lines=scrollback_lines),
        )
        loaded = LoadedConfig(config, tmp_path / "config.toml", problems)
        return ConchApp(project_dir, loaded, load_plugins())

    return factory


def shown_text(widget: Widget) -> str:
    """What ``widget`` and its visible descendants draw, line by line (folded parts draw
    nothing)."""
    lines: list[str] = []
    for node in widget.walk_children(with_self=True):
        if not isinstance(node, Widget) or node.children or not node.display:
            continue
        width, height = node.outer_size
        if width and height:
            lines.extend(strip.text for strip in node.render_lines(Region(0, 0, width, height)))
    return "\n".join(line.rstrip() for line in lines)


def turn_parts(turn: AgentTurn) -> list[tuple[str, str, str]]:
    """An agent turn's widgets in order: (type, CSS classes, what it draws). The status line
    is left out: live, it says how long the turn took."""
    return [
        (type(child).__name__, " ".join(sorted(child.classes)), shown_text(child))
        for child in turn.children
        if not child.has_class("agent-status")
    ]


async def wait_for(
    pilot: Pilot[None], predicate: Callable[[], object], timeout: float = 15
) -> None:
    """Let the app run until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        await pilot.pause(0.02)


async def wait_for_shell(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, ConchApp)
    await wait_for(
        pilot, lambda: app.shell.bash.shell.is_alive and not app.shell.bash.shell.is_busy
    )


async def submit(pilot: Pilot[None], text: str) -> None:
    """Type a line the fast way (set the value) and press Enter."""
    app = pilot.app
    assert isinstance(app, ConchApp)
    app.prompt_bar.input.value = text
    await pilot.press("enter")


async def run_command(pilot: Pilot[None], text: str) -> None:
    """Submit a shell line and wait until its block has a result."""
    from conch.tui.widgets.command_block import CommandBlock

    app = pilot.app
    assert isinstance(app, ConchApp)
    before = len(app.query(CommandBlock))
    await submit(pilot, text)
    await wait_for(
        pilot,
        lambda: (
            len(app.query(CommandBlock)) > before
            and app.query(CommandBlock).last().result is not None
            and app.shell.running_block is None
        ),
    )
    await pilot.pause()


def last_command_done(app: ConchApp, command: str) -> bool:
    """Whether the newest block is ``command``'s, finished, and nothing runs (for waiting
    on a command when folding makes block counts unreliable)."""
    from conch.tui.widgets.command_block import CommandBlock

    blocks = app.query(CommandBlock)
    if not blocks or app.shell.running_block is not None:
        return False
    last = blocks.last()
    return last.command == command and last.result is not None


@pytest.fixture
def make_agent_app(project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer) -> AppFactory:
    """The real app with Conch's own agent talking to the fake server."""

    def factory() -> ConchApp:
        local = {"kind": "openai", "base_url": fake_llm.base_url, "model": "fake-model"}
        config = ConchConfig(
            shell=ShellConfig(source_bashrc=False),
            agent=AgentConfig(default="local"),
            agents={"local": local},
        )
        return ConchApp(project_dir, LoadedConfig(config, tmp_path / "config.toml"), load_plugins())

    return factory


async def ask(pilot: Pilot[None], text: str) -> AgentTurn:
    """Send a line to the agent (the ? prefix) and wait for its turn to end."""
    app = pilot.app
    assert isinstance(app, ConchApp)
    before = len(app.query(AgentTurn))
    await submit(pilot, "?" + text)
    await wait_for(pilot, lambda: len(app.query(AgentTurn)) > before)
    turn = app.query(AgentTurn).last()
    await wait_for(pilot, lambda: turn.ended)
    await pilot.pause()
    return turn


async def answer_permission(pilot: Pilot[None], key: str) -> None:
    """Tab to the waiting request, as a person would, then answer it with ``key``."""
    from conch.tui.widgets.permission_prompt import PermissionPrompt

    app = pilot.app
    # Mounted, not only in the DOM: a person sees it only once it is (and a Tab typed before
    # a question was there is not for it: Question.was_there_when).
    await wait_for(
        pilot,
        lambda: any(
            not p.has_class("-decided") and p.shown_at is not None
            for p in app.query(PermissionPrompt)
        ),
    )
    await pilot.press("tab")
    await pilot.press(key)


@pytest.fixture
def make_acp_app(project_dir: Path, tmp_path: Path) -> Callable[[str], ConchApp]:
    """The real app driving the scripted fake ACP agent (a real subprocess over stdio)."""

    def factory(script: str) -> ConchApp:
        loaded = fake_acp_config(script, tmp_path / "config.toml")
        return ConchApp(project_dir, loaded, load_plugins())

    return factory
