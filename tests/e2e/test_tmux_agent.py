"""Conch's own agent in a real terminal, talking HTTP to a scripted server.

The server runs in the test process; Conch (in tmux) reaches it on
127.0.0.1 through the config file, exactly as a user's config would.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import ConchTerminal, launch_conch, named, needs_tmux
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call

pytestmark = needs_tmux


@pytest.fixture
def conch(conch_with_agent: ConchTerminal) -> ConchTerminal:
    """Every test here talks to the scripted agent."""
    return conch_with_agent


@pytest.mark.e2e
def test_a_streamed_answer_appears_as_markdown(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        text("Hello ", "from the **agent**.\n\n", "- first point\n", "- second point\n")
    )
    conch.type_line("?say hello")
    screen = conch.wait_for(named(lambda s: "✓ done" in s, "the finished turn"))
    assert "✦ say hello" in screen
    assert "local · fake-model · in ~/work" in screen
    assert "Hello from the agent." in screen
    assert "• second point" in screen


@pytest.mark.e2e
def test_a_write_waits_for_permission_and_one_key_allows_it(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        tool_call("write_file", path="hello.txt", content="hi there\n"), text("Wrote it.")
    )
    conch.type_line("?create hello.txt")
    screen = conch.wait_for("[1/y] Allow once")
    assert "+hi there" in screen, "the request shows the diff"
    assert not (conch.workdir / "hello.txt").exists()
    conch.send("Tab")  # the request takes keys only once the user gives it the focus
    conch.wait_for(named(lambda s: "y Allow once" in s, "the footer offering the keys"))
    conch.send("y")
    screen = conch.wait_for(named(lambda s: "✓ done" in s, "the finished turn"))
    assert "Allow once: Write hello.txt" in screen
    assert (conch.workdir / "hello.txt").read_text() == "hi there\n"


@pytest.mark.e2e
def test_escape_cancels_a_long_answer(conch: ConchTerminal, fake_llm: FakeOpenAIServer) -> None:
    fake_llm.script(text(*[f"word{i} " for i in range(300)], delay=0.05))
    conch.type_line("?talk for a while")
    conch.wait_for("word3")
    conch.send("Escape")
    screen = conch.wait_for(named(lambda s: "⊘ cancelled" in s, "the cancelled turn"))
    assert "word299" not in screen
    block = conch.run("echo shell-still-works")
    assert "shell-still-works" in block


@pytest.mark.e2e
def test_an_unsandboxed_command_request_says_so(tmp_path: Path, fake_llm: FakeOpenAIServer) -> None:
    fake_llm.script(tool_call("run_command", command="touch made-here"), text("Done."))
    with launch_conch(tmp_path, openai_agent_config(fake_llm, sandbox=False)) as conch:
        conch.type_line("?make a file")
        screen = conch.wait_for("[1/y] Allow once")
        assert "Agent commands are NOT sandboxed" in screen
        assert "⚠ not sandboxed (turned off in the config" in screen
        assert not (conch.workdir / "made-here").exists()


@pytest.mark.e2e
def test_an_allowed_command_cannot_write_outside_the_project(
    tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    from conch.agents.sandbox import SandboxPolicy, make_sandbox

    probe = make_sandbox(SandboxPolicy(str(tmp_path)))
    if not probe.is_active:
        pytest.skip(f"no sandbox here: {probe.problem}")
    # Outside the project and outside the temp dir (the harness's HOME is inside it).
    outside = Path(tempfile.mkdtemp(prefix="conch-sandbox-", dir="/var/tmp"))
    target = outside / "x"
    fake_llm.script(tool_call("run_command", command=f"echo pwned > {target}"), text("Tried."))
    try:
        with launch_conch(tmp_path, openai_agent_config(fake_llm, sandbox=True)) as conch:
            conch.type_line("?write outside")
            conch.wait_for("[1/y] Allow once")
            time.sleep(0.5)  # a person reads the request before answering
            conch.send("Tab")
            conch.send("y")
            screen = conch.wait_for(named(lambda s: "✓ done" in s, "the finished turn"))
            assert "✗ $ Run `echo pwned" in screen, "the command is shown as failed"
            assert not target.exists()
            told = [m["content"] for m in fake_llm.requests[-1]["messages"] if m["role"] == "tool"]
            assert "Read-only file system" in told[-1]
    finally:
        shutil.rmtree(outside, ignore_errors=True)
