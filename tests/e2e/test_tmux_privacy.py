"""Secrets and private lines, as a person meets them: typed in a real terminal, then looked
for in the journal file on disk, in Up/Down after a restart, and in what the agent was sent
(the scripted OpenAI-compatible server keeps every request), before and after a restart.

Conch runs its session in the Conch host, so "a restart" is either of two things, and each
test runs with both: the window is killed and `conch` attaches again to the session the host
kept running (``reattach``), or the whole of Conch dies (host and window, kill -9) and
`conch` restores the session from its journal (``crash``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import (
    STATUS_RE,
    ConchTerminal,
    block_lines,
    crash_conch,
    kill_conch,
    launch_conch,
    named,
    needs_tmux,
    prompt_text,
)
from tests.peers.fake_openai_server import FakeOpenAIServer, text

pytestmark = needs_tmux

GITHUB_TOKEN = "ghp_" + "Zq8Xw2Ly5Nv3Kt7Rb4Hm9Jc6Pd1Sf0Ga2Uek"
BEARER = "sk-bearer-Qm7Tn3Wv9Xy2Lp5"
PRIVATE = "private-marker-4711"

Restart = Callable[[ConchTerminal], None]


@pytest.fixture(params=["reattach", "crash"])
def end_conch(request: pytest.FixtureRequest) -> Restart:
    """How Conch goes before it is started again (see the module's docstring)."""
    return kill_conch if request.param == "reattach" else crash_conch


def wait_finished(terminal: ConchTerminal, title: str) -> None:
    """Wait until the newest block whose title holds ``title`` has finished."""

    def finished(screen: str) -> bool:
        lines = block_lines(screen)
        starts = [i for i, line in enumerate(lines) if line.startswith("$") and title in line]
        if not starts:
            return False
        end = starts[-1] + 1
        while end < len(lines) and lines[end]:
            if STATUS_RE.match(lines[end]):
                return True
            end += 1
        return False

    terminal.wait_for(named(finished, f"{title!r} to finish"), timeout=20)


def run_by_hand(terminal: ConchTerminal, command: str) -> None:
    terminal.type_line_slowly(command, pause=0.01)
    wait_finished(terminal, command.strip())


def ask(terminal: ConchTerminal, server: FakeOpenAIServer, question: str) -> str:
    """Ask the agent; the request it was sent, as text."""
    before = len(server.requests)
    server.script(text("Noted."))
    terminal.type_line(f"?{question}")
    terminal.wait_for(named(lambda s: len(server.requests) > before, "the agent's request"), 20)
    terminal.wait_for(named(lambda s: "✓ done" in s, "the finished turn"), 20)
    return str(server.requests[-1]["messages"])


def stored_bytes(terminal: ConchTerminal) -> bytes:
    """Everything Conch keeps on disk under its XDG folders (the journal with its WAL)."""
    root = terminal.home.parent / "xdg"
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


@pytest.mark.e2e
def test_secrets_typed_in_the_shell_reach_neither_the_journal_nor_the_agent(
    tmp_path: Path, fake_llm: FakeOpenAIServer, end_conch: Restart
) -> None:
    export = f"export GITHUB_TOKEN={GITHUB_TOKEN}"
    curl = f"curl -sS -H 'Authorization: Bearer {BEARER}' http://127.0.0.1:9/; echo $GITHUB_TOKEN"
    with launch_conch(tmp_path, openai_agent_config(fake_llm)) as conch:
        run_by_hand(conch, export)
        conch.type_line(curl)  # pasted whole
        wait_finished(conch, "curl -sS")
        assert GITHUB_TOKEN in conch.screen(), "the user's own screen shows it all"
        sent = ask(conch, fake_llm, "what did I just run?")
        assert "export GITHUB_TOKEN=••••••" in sent, "the command is told, the token masked"
        assert "Authorization: Bearer ••••••" in sent
        assert GITHUB_TOKEN not in sent and BEARER not in sent
        on_disk = stored_bytes(conch)
        assert b"export GITHUB_TOKEN=" in on_disk, "the command itself is journaled"
        assert GITHUB_TOKEN.encode() not in on_disk and BEARER.encode() not in on_disk
        end_conch(conch)
    with launch_conch(tmp_path, openai_agent_config(fake_llm)) as again:
        sent = ask(again, fake_llm, "and what now?")
        assert "export GITHUB_TOKEN=••••••" in sent, "the replay after the restart has it"
        assert GITHUB_TOKEN not in sent and BEARER not in sent


@pytest.mark.e2e
def test_a_private_line_stays_out_of_history_the_journal_and_the_agent_across_a_restart(
    tmp_path: Path, fake_llm: FakeOpenAIServer, end_conch: Restart
) -> None:
    with launch_conch(tmp_path, openai_agent_config(fake_llm)) as conch:
        run_by_hand(conch, "echo public-line")
        run_by_hand(conch, f" echo {PRIVATE}")
        conch.type_line(f" echo {PRIVATE}-pasted")  # pasted whole
        wait_finished(conch, f"{PRIVATE}-pasted")
        conch.send("Up")
        conch.wait_for(named(lambda s: "echo public-line" in prompt_text(s), "Up recalls"))
        conch.send("Down")  # back to the empty draft
        conch.wait_for(named(lambda s: "Type a command" in prompt_text(s), "the empty prompt"))
        sent = ask(conch, fake_llm, "what happened?")
        assert "public-line" in sent and PRIVATE not in sent
        assert PRIVATE.encode() not in stored_bytes(conch)
        end_conch(conch)
    with launch_conch(tmp_path, openai_agent_config(fake_llm)) as again:
        sent = ask(again, fake_llm, "remind me")
        assert "public-line" in sent, f"no replay after the restart:\n{again.screen()}"
        assert PRIVATE not in sent
        for expected in ("remind me", "what happened?", "echo public-line"):
            again.send("Up")  # newest first; the private lines in between are not there
            shown = named(lambda s, expected=expected: expected in prompt_text(s), expected)
            screen = again.wait_for(shown)
            assert PRIVATE not in prompt_text(screen)


@pytest.mark.e2e
def test_after_a_restart_up_recalls_a_secret_masked_and_enter_does_not_run_it(
    tmp_path: Path, end_conch: Restart
) -> None:
    export = f"export GITHUB_TOKEN={GITHUB_TOKEN}"
    with launch_conch(tmp_path) as conch:
        run_by_hand(conch, export)
        conch.send("Up")  # this session's own memory keeps the real line
        conch.wait_for(named(lambda s: GITHUB_TOKEN in prompt_text(s), "the real line"))
        end_conch(conch)
    masked = "export GITHUB_TOKEN=••••••"
    with launch_conch(tmp_path) as again:
        restored = again.wait_for(masked)
        assert GITHUB_TOKEN not in restored, "the restored block shows the token masked"
        again.send("Up")
        again.wait_for(named(lambda s: masked in prompt_text(s), "the masked line recalled"))
        again.send("Enter")
        screen = again.wait_for("where history masked a secret")
        assert masked in prompt_text(screen), "the line stays in the prompt to be fixed"
        assert sum(line.startswith(f"$ {masked}") for line in block_lines(screen)) == 1
