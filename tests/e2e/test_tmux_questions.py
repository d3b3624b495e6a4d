"""Questions Conch asks, driven in a real terminal: keys meant for the prompt stay there.

A permission request, "shell or agent?" and the after-error offer are answered only after
the user gives them the focus (Tab); whatever is typed or pasted at the prompt, at any
speed and at any moment, lands in the prompt intact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.agent_config import openai_agent_config
from tests.e2e.conch_terminal import (
    Check,
    ConchTerminal,
    block_lines,
    find_blocks,
    is_finished,
    launch_conch,
    mode_badge,
    named,
    needs_tmux,
    prompt_text,
)
from tests.peers.fake_openai_server import FakeOpenAIServer, text, tool_call

pytestmark = needs_tmux

WAITING = "Allow the agent to run: "


@pytest.fixture
def conch(conch_with_agent: ConchTerminal) -> ConchTerminal:
    """Every test here talks to the scripted agent."""
    return conch_with_agent


def ask_to_run(conch: ConchTerminal, fake_llm: FakeOpenAIServer, command: str) -> None:
    """The agent asks permission to run ``command``; wait for the box."""
    fake_llm.script(tool_call("run_command", command=command), text("Ran it."))
    conch.type_line("?make the proof")
    conch.wait_for(named(lambda s: "[2/a] Always allow" in s, "the permission request"))


def prompt_is(expected: str) -> Check:
    return named(lambda s: prompt_text(s) == expected, f"the prompt to read {expected!r}")


@pytest.mark.e2e
def test_typing_at_the_prompt_never_answers_a_permission(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    ask_to_run(conch, fake_llm, "echo proof > proof.txt")
    conch.type_slowly("cat notes.txt")  # `a` and `n` among them: neither answers
    screen = conch.wait_for(prompt_is("cat notes.txt"))
    conch.paste(" yan12")  # a paste right after: lands in the prompt too
    screen = conch.wait_for(prompt_is("cat notes.txt yan12"))
    assert "Always allow: " not in screen and "Reject: " not in screen, screen
    assert "Tab, then:" in screen, "the box says how to answer it"
    assert not (conch.workdir / "proof.txt").exists()
    conch.send("Tab")
    conch.send("y")
    screen = conch.wait_for(named(lambda s: "✓ done" in s, "the finished turn"))
    assert "Allow once: " in screen, screen
    assert (conch.workdir / "proof.txt").read_text() == "proof\n"
    assert prompt_text(screen) == "cat notes.txt yan12", "the typed text is intact"


@pytest.mark.e2e
def test_a_fast_paste_right_after_the_request_never_answers_it(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(tool_call("run_command", command="echo proof > proof.txt"), text("Ran."))
    conch.type_line("?make the proof")
    conch.wait_for(WAITING)
    conch.type("ayn")  # in one burst, the instant the box shows
    screen = conch.wait_for(prompt_is("ayn"))
    assert WAITING in screen and "Always allow: " not in screen, screen
    assert not (conch.workdir / "proof.txt").exists()


@pytest.mark.e2e
def test_an_answered_permission_is_final_and_gives_the_keys_back(
    tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    config = openai_agent_config(fake_llm)
    with launch_conch(tmp_path, config) as conch:
        ask_to_run(conch, fake_llm, "echo proof > proof.txt")
        conch.send("Tab")
        conch.type("y2n")  # in one burst: `y` answers; once answered, keys are the prompt's
        conch.wait_for(named(lambda s: "✓ done" in s, "the finished turn"))
        screen = conch.wait_for(prompt_is("2n"))
        decided = [line for line in block_lines(screen) if "echo proof" in line]
        assert any(line.startswith("Allow once: ") for line in decided), screen
        assert not any(line.startswith(("Always allow", "Reject")) for line in decided), screen
        conch.send("C-q")
    with launch_conch(tmp_path, config) as again:
        screen = again.wait_for("Allow once: ")
        assert not any(
            line.startswith(("Always allow", "Reject")) for line in block_lines(screen)
        ), screen


@pytest.mark.e2e
def test_typing_after_shell_or_agent_replaces_the_line_and_loses_nothing(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("should not be asked"))
    (conch.workdir / "README.md").write_text("readme-body\n")
    conch.type_line("true")  # a command and an English word: Auto mode asks
    asked = conch.wait_for("Run this in the shell, or send it to the agent?")
    conch.type_line("cat README.md")  # at once, as a fast typist would
    screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                find_blocks(s, "cat README.md")),
                                  "cat README.md to run"))  # fmt: skip
    assert "readme-body" in find_blocks(screen, "cat README.md")[-1]
    assert "✦ true" not in block_lines(screen), "nothing went to the agent"
    assert "dismissed" in screen, screen
    assert not find_blocks(screen, "true"), "nor to the shell"
    assert "`true` alone is a command and a reply" in asked, "the box says why it asks"


@pytest.mark.e2e
def test_enter_again_on_the_ambiguous_line_takes_the_recommended_route(
    conch: ConchTerminal,
) -> None:
    conch.type_line("false")
    conch.wait_for("Enter again: shell (recommended)")
    assert prompt_text(conch.screen()) == "false", "the line waits in the prompt"
    conch.send("Enter")
    screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                find_blocks(s, "false")),
                                  "the false block to finish"))  # fmt: skip
    assert "false  → ran in the shell" in screen, screen


@pytest.mark.e2e
def test_tab_then_a_sends_the_ambiguous_line_to_the_agent(
    conch: ConchTerminal, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("Agent here."))
    conch.type_line("test")
    conch.wait_for("Tab, then s: shell")
    conch.send("Tab")
    conch.send("a")
    screen = conch.wait_for("Agent here.")
    assert "✦ test" in block_lines(screen), screen
    assert not find_blocks(screen, "test"), "nothing ran in the shell"
    conch.type("ls")
    conch.wait_for(prompt_is("ls"))


@pytest.mark.e2e
def test_with_no_agent_configured_auto_mode_runs_ambiguous_words_in_the_shell(
    tmp_path: Path,
) -> None:
    with launch_conch(tmp_path) as conch:
        block = conch.run("false")
        assert "✗ exit 1" in block, block
        screen = conch.screen()
        assert "Run this in the shell, or send it to the agent?" not in screen, screen


@pytest.mark.e2e
def test_did_you_mean_keeps_the_view_at_the_bottom_and_loses_no_key(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        for n in range(12):
            conch.run(f"echo line-{n:02}")
        conch.type_line("gti status")
        screen = conch.wait_for("Did you mean `git status`?")
        assert "line-11" in screen and "^r History" in screen, screen
        conch.type("echo after-burst")  # in one burst, right after the offer
        conch.wait_for(prompt_is("echo after-burst"))
        screen = conch.wait_for("Did you mean `git status`?  (dismissed)")
        assert "line-11" in screen, "the view stayed at the bottom"
        conch.send("Enter")
        conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                           find_blocks(s, "echo after-burst")),
                             "the next command to run"))  # fmt: skip


@pytest.mark.e2e
def test_pasted_control_bytes_are_shown_never_pressed(tmp_path: Path) -> None:
    with launch_conch(tmp_path) as conch:
        conch.paste("echo a\x1bb")
        conch.wait_for(prompt_is("echo a^[b"))
        conch.paste(" c\x00d")  # NUL is Ctrl+Space, the mode key, when typed
        screen = conch.wait_for(prompt_is("echo a^[b c^@d"))
        assert mode_badge(screen) == "◆ Auto", screen
        conch.send("Enter")
        screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                    find_blocks(s, "echo a^[b c^@d")),
                                      "the pasted line to run as shown"))  # fmt: skip
        assert "a^[b c^@d" in find_blocks(screen, "echo a^[b c^@d")[-1].splitlines()


@pytest.mark.e2e
def test_a_multi_line_paste_is_held_for_review_then_runs_as_one_script(
    tmp_path: Path,
) -> None:
    with launch_conch(tmp_path) as conch:
        conch.type("ignored ")
        conch.paste("echo first-line\necho second-line\n")
        screen = conch.wait_for("Pasted 2 lines — held here for review, nothing has run.")
        assert "Ctrl+S: submit all 2 lines as one to the shell, as one script" in screen
        conch.send("Escape")  # dropped: nothing ran, the prompt is as it was
        screen = conch.wait_for(prompt_is("ignored"))
        assert not find_blocks(screen, "echo first-line"), screen
        conch.send("C-c")  # clears the prompt
        conch.wait_for(named(lambda s: "ignored" not in prompt_text(s), "an empty prompt"))
        conch.paste("echo first-line\necho second-line")
        conch.wait_for("Pasted 2 lines")
        conch.send("C-s")
        screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                    find_blocks(s, "echo first-line")),
                                      "the script to run"))  # fmt: skip
        block = find_blocks(screen, "echo first-line")[-1]
        assert "first-line" in block.splitlines() and "second-line" in block.splitlines(), block
