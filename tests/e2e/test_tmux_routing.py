"""Auto mode in a real terminal: a line with shell syntax is never sent to the agent on a
guess, and a failed line that reads as a request gets the offer.

The tests assert what is shown (the question, the offer, no agent turn), not which key
answers them.
"""

from __future__ import annotations

import pytest

from tests.e2e.conch_terminal import (
    ConchTerminal,
    block_lines,
    find_blocks,
    is_finished,
    named,
    needs_tmux,
)
from tests.peers.fake_openai_server import FakeOpenAIServer

pytestmark = needs_tmux

ASK_TEXT = "Run this in the shell, or send it to the agent?"
OFFER_TEXT = "This reads as a request: send it to the agent?"
NO_AGENT_NOTE = "This reads as a request, but no agent is configured (see `conch agents`)."
NO_AGENT = "No agent is configured"
KEY_PAUSE = 0.02


def assert_no_agent_turn(screen: str, line: str) -> None:
    assert f"✦ {line}" not in block_lines(screen), screen
    assert NO_AGENT not in screen, screen


@pytest.mark.e2e
def test_an_unknown_command_with_a_loop_is_asked_about_not_sent_to_the_agent(
    conch_with_agent: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    conch = conch_with_agent
    line = "mycli build && for f in a b; do echo $f; done"
    conch.type_line_slowly(line, KEY_PAUSE)
    screen = conch.wait_for(ASK_TEXT, timeout=20)
    assert line in screen, screen
    assert_no_agent_turn(screen, line)
    assert fake_llm.requests == []


@pytest.mark.e2e
def test_a_pasted_uninstalled_command_with_a_subshell_loop_is_asked_about(
    conch_with_agent: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    """The issue's `ping … || (for …)` with ping not installed; a name no machine has keeps
    the case the same everywhere (with ping installed the line rightly runs)."""
    conch = conch_with_agent
    line = "netprobe -c 5 127.0.0.1 || (for i in 1 2 3; do date; sleep 1; done)"
    conch.paste(line)
    conch.send("Enter")
    screen = conch.wait_for(ASK_TEXT, timeout=20)
    assert line in screen, screen
    assert_no_agent_turn(screen, line)
    assert fake_llm.requests == []


@pytest.mark.e2e
def test_prose_with_a_semicolon_still_reaches_the_agent(conch: ConchTerminal) -> None:
    line = "fix the build; then run tests"
    conch.type_line_slowly(line, KEY_PAUSE)
    screen = conch.wait_for(NO_AGENT, timeout=20)
    assert ASK_TEXT not in screen, screen
    assert not find_blocks(screen, line), screen  # nothing ran in the shell


@pytest.mark.e2e
def test_find_all_python_files_fails_and_offers_to_send_it_to_the_agent(
    conch_with_agent: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    conch = conch_with_agent
    line = "find all python files"
    conch.type_line_slowly(line, KEY_PAUSE)

    def failed_with_offer(screen: str) -> bool:
        blocks = find_blocks(screen, line)
        return bool(blocks) and is_finished(blocks[-1]) and OFFER_TEXT in screen

    screen = conch.wait_for(named(failed_with_offer, "find to fail and the offer"), timeout=20)
    block = find_blocks(screen, line)[-1]
    assert "No such file or directory" in block, block
    assert_no_agent_turn(screen, line)
    assert fake_llm.requests == [], "offered, never sent without the user's key"


@pytest.mark.e2e
def test_with_no_agent_find_all_python_files_fails_and_says_there_is_no_agent(
    conch: ConchTerminal,
) -> None:
    """No offer to send it to an agent there is not: the line under the block says so."""
    line = "find all python files"
    conch.type_line_slowly(line, KEY_PAUSE)

    def failed_with_note(screen: str) -> bool:
        blocks = find_blocks(screen, line)
        return bool(blocks) and is_finished(blocks[-1]) and NO_AGENT_NOTE in screen

    screen = conch.wait_for(named(failed_with_note, "find to fail and the note"), timeout=20)
    assert OFFER_TEXT not in screen, screen
    assert_no_agent_turn(screen, line)
