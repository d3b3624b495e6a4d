"""The real Conch in a real terminal: tmux types, capture-pane reads.

Each test starts ``conch`` in its own tmux server (120x40) with an isolated
HOME and XDG directories, types with ``send-keys`` the way a person would and
reads the screen with ``capture-pane``.

The module is skipped only when tmux is not installed, because without a
terminal multiplexer there is no terminal to drive.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conch_terminal import (
    EXITED_MARK,
    ConchTerminal,
    block_lines,
    block_status,
    find_blocks,
    is_finished,
    mode_badge,
    named,
    needs_tmux,
    prompt_text,
    status_line,
)

pytestmark = needs_tmux


# -- the tests ---------------------------------------------------------------


@pytest.mark.e2e
def test_the_prompt_shows_auto_mode_and_the_cwd_at_start(conch: ConchTerminal) -> None:
    screen = conch.screen()
    assert mode_badge(screen) == "◆ Auto", screen
    assert status_line(screen) == "~/work", screen
    assert "Type a command or ask the agent" in prompt_text(screen), screen
    assert "^q Quit" in screen, screen


@pytest.mark.e2e
def test_a_commands_output_and_success_status_appear(conch: ConchTerminal) -> None:
    block = conch.run("echo hello-e2e")
    lines = block.splitlines()
    assert lines[0] == "$ echo hello-e2e  ~/work", block
    assert "hello-e2e" in lines[1:], block
    assert re.fullmatch(r"✓ 0 · \d+ ms", block_status(block)), block


@pytest.mark.e2e
def test_keys_typed_ahead_in_one_burst_act_in_the_order_typed(conch: ConchTerminal) -> None:
    """One write holding a line, a Backspace, Enter, then the next line with a left arrow,
    as keys typed ahead while Conch is busy arrive: Enter ends its own line, and each
    editing key acts where it was typed (Enter used to run after the next line's letters:
    ``echo burst-onxeecho burst-to``)."""
    conch.type("echo burst-onx\x7fe\recho burst-to\x1b[Dw")  # \x7f Backspace, ESC[D ←

    screen = conch.wait_for(lambda s: "$ echo burst-one" in s and "✓ 0" in s, timeout=15)
    assert "burst-onx" not in screen and "oneecho" not in screen, screen
    screen = conch.wait_for(lambda s: "echo burst-two" in prompt_text(s))
    conch.send("Enter")
    screen = conch.wait_for(lambda s: "$ echo burst-two" in s and s.count("✓ 0") == 2)
    assert "Type a command" in prompt_text(screen), f"nothing is left over: {screen}"


@pytest.mark.e2e
def test_cd_persists_and_the_status_line_shows_the_new_directory(conch: ConchTerminal) -> None:
    conch.run("mkdir -p sub/deeper && cd sub/deeper")
    conch.wait_for(named(lambda s: status_line(s) == "~/work/sub/deeper", "status ~/work/sub"))
    block = conch.run("pwd")
    assert block.splitlines()[0] == "$ pwd  ~/work/sub/deeper", block
    assert str(conch.workdir / "sub" / "deeper") in block.splitlines(), block
    assert block_status(block).startswith("✓ 0"), block


@pytest.mark.e2e
def test_a_failing_command_shows_its_exit_status(conch: ConchTerminal) -> None:
    block = conch.run("sh -c 'echo oops >&2; exit 3'")
    assert "oops" in block.splitlines(), block
    assert re.fullmatch(r"✗ exit 3 · \d+ ms", block_status(block)), block
    # Bare `false` is a command and a reply, but with no agent there is nowhere else to go.
    block = conch.run("false")
    assert block_status(block).startswith("✗ exit 1 ·"), block


@pytest.mark.e2e
def test_ctrl_space_cycles_the_mode_badge_auto_shell_agent_auto(conch: ConchTerminal) -> None:
    assert mode_badge(conch.screen()) == "◆ Auto"
    for badge, placeholder in [
        ("$ Shell", "Shell command"),
        ("✦ Agent", "Ask the agent"),
        ("◆ Auto", "Type a command or ask the agent"),
    ]:
        conch.send("C-Space")
        screen = conch.wait_for(named(lambda s, b=badge: mode_badge(s) == b, f"badge {badge}"))
        assert placeholder in prompt_text(screen), screen


@pytest.mark.e2e
def test_an_agent_line_with_no_agent_configured_shows_the_notice(conch: ConchTerminal) -> None:
    conch.type_line("?what does this repo do")
    screen = conch.wait_for("No agent is configured")
    lines = block_lines(screen)
    asked = lines.index("✦ what does this repo do")
    assert lines[asked + 1].startswith("No agent is configured"), screen
    assert "[agents.myserver]" in screen, screen
    # Nothing was run in the shell, and the prompt takes the next line.
    assert not find_blocks(screen, "what does this repo do"), screen
    assert conch.run("echo still-here").splitlines()[1] == "still-here"


@pytest.mark.e2e
def test_ctrl_c_interrupts_a_running_sleep_and_the_prompt_is_usable_again(
    conch: ConchTerminal,
) -> None:
    conch.type_line("sleep 100")
    conch.wait_for(named(lambda s: "▶ sleep 100" in status_line(s), "sleep to be running"))
    conch.send("C-c")
    screen = conch.wait_for(
        named(
            lambda s: any(is_finished(b) for b in find_blocks(s, "sleep 100")),
            "sleep to be interrupted",
        ),
        timeout=5,
    )
    block = find_blocks(screen, "sleep 100")[-1]
    assert re.fullmatch(r"✗ exit 130 interrupted · .*", block_status(block)), block
    conch.wait_for(named(lambda s: status_line(s) == "~/work", "idle status line"))
    after = conch.run("echo prompt-works")
    assert after.splitlines()[1] == "prompt-works", after
    assert block_status(after).startswith("✓ 0"), after


@pytest.mark.e2e
def test_text_typed_while_a_command_runs_reaches_its_stdin(conch: ConchTerminal) -> None:
    conch.type_line("read x; echo got:$x")
    screen = conch.wait_for(
        named(lambda s: "▶ read x; echo got:$x" in status_line(s), "read to be running")
    )
    assert "Input for `read x; echo got:$x`" in prompt_text(screen), screen
    conch.type_line("typed into stdin")
    screen = conch.wait_for(
        named(
            lambda s: any(is_finished(b) for b in find_blocks(s, "read x; echo got:$x")),
            "read block to finish",
        )
    )
    block = find_blocks(screen, "read x; echo got:$x")[-1]
    assert "got:typed into stdin" in block.splitlines(), block
    assert block_status(block).startswith("✓ 0"), block
    # The line went to the program, not into history or a new block.
    assert not find_blocks(screen, "typed into stdin"), screen


@pytest.mark.e2e
def test_a_vim_edit_round_trip_returns_to_the_conversation(conch: ConchTerminal) -> None:
    conch.run("echo before-vim")
    conch.type_line("vim -u NONE note.txt")

    def vim_screen(screen: str) -> bool:
        lines = screen.splitlines()
        return sum(line.strip() == "~" for line in lines) >= 5 and "▔▔▔▔" not in screen

    conch.wait_for(vim_screen)
    conch.type("ihello from vim")
    conch.wait_for(named(lambda s: s.splitlines()[0].startswith("hello from vim"), "typed text"))
    conch.send("Escape")
    conch.type(":wq")
    conch.wait_for(named(lambda s: s.splitlines()[-1].startswith(":wq"), "the :wq command"))
    conch.send("Enter")

    def back_in_conch(screen: str) -> bool:
        blocks = find_blocks(screen, "vim -u NONE note.txt")
        return bool(blocks) and is_finished(blocks[-1])

    screen = conch.wait_for(back_in_conch)
    assert (conch.workdir / "note.txt").read_text() == "hello from vim\n"
    before = find_blocks(screen, "echo before-vim")
    assert before, f"the block from before vim is gone:\n{screen}"
    assert "before-vim" in before[-1].splitlines()[1:], screen
    block = find_blocks(screen, "vim -u NONE note.txt")[-1]
    assert re.fullmatch(r"✓ 0 · .* · ran full-screen", block_status(block)), block
    assert mode_badge(screen) == "◆ Auto", screen
    assert conch.run("cat note.txt").splitlines()[1] == "hello from vim"


@pytest.mark.e2e
def test_exit_typed_in_shell_mode_starts_a_new_bash_with_the_same_exports(
    conch: ConchTerminal,
) -> None:
    conch.run("export MARK=old-bash")
    old = conch.run("echo old:$MARK:$$").splitlines()[1]
    assert old.startswith("old:old-bash:"), old
    conch.send("C-Space")
    conch.wait_for(named(lambda s: mode_badge(s) == "$ Shell", "Shell mode"))
    conch.type_line("exit")
    screen = conch.wait_for("bash exited; started a new bash in ~/work.")
    block = find_blocks(screen, "exit")[-1]
    assert block_status(block).startswith("✗ bash exited; started a new bash"), block
    assert EXITED_MARK not in screen
    assert mode_badge(screen) == "$ Shell", screen
    after = conch.run("echo new:${MARK:-unset}:$$")
    new, _, new_pid = after.splitlines()[1].rpartition(":")
    assert new == "new:old-bash" and old.rpartition(":")[2] != new_pid, after
    assert block_status(after).startswith("✓ 0"), after


@pytest.mark.e2e
def test_ctrl_q_quits_conch(conch: ConchTerminal) -> None:
    conch.run("echo about-to-quit")
    conch.send("C-q")
    screen = conch.wait_for(EXITED_MARK)
    assert "about-to-quit" not in screen, screen
    command = conch.tmux("display-message", "-p", "-t", "conch", "#{pane_current_command}")
    assert command.stdout.strip() == "sleep"


@pytest.mark.e2e
def test_the_up_arrow_recalls_the_previous_command(conch: ConchTerminal) -> None:
    conch.run("echo first-command")
    conch.run("echo recall-me")
    conch.send("Up")
    conch.wait_for(named(lambda s: prompt_text(s) == "echo recall-me", "recalled command"))
    conch.send("Up")
    conch.wait_for(named(lambda s: prompt_text(s) == "echo first-command", "older command"))
    conch.send("Down")
    conch.wait_for(named(lambda s: prompt_text(s) == "echo recall-me", "newer command"))
    conch.send("Enter")
    screen = conch.wait_for(
        named(
            lambda s: [is_finished(b) for b in find_blocks(s, "echo recall-me")] == [True, True],
            "the rerun",
        )
    )
    assert prompt_text(screen).startswith("Type a command"), screen


@pytest.mark.e2e
def test_a_typo_runs_fails_and_one_key_runs_the_correction(conch: ConchTerminal) -> None:
    conch.type_line("ecoh routed-right")
    conch.wait_for("Did you mean `echo routed-right`?")
    conch.send("Tab")  # the offer takes keys only once the user gives it the focus
    conch.send("Enter")
    screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                find_blocks(s, "echo routed-right")),
                                  "the corrected command to finish"))  # fmt: skip
    block = find_blocks(screen, "echo routed-right")[-1]
    assert block.splitlines()[1] == "routed-right", block
    assert block_status(block).startswith("✓ 0"), block


@pytest.mark.e2e
def test_tab_opens_the_menu_and_enter_takes_the_highlighted_file(conch: ConchTerminal) -> None:
    for name in ("notes-one.txt", "notes-two.txt"):
        (conch.workdir / name).write_text(name + "\n")
    conch.type("cat no")
    conch.send("Tab")
    screen = conch.wait_for("2 matches")
    assert "cat notes-" in prompt_text(screen), screen
    conch.send("Tab", "Tab")  # notes-one, then notes-two
    conch.wait_for(named(lambda s: "cat notes-two.txt" in prompt_text(s), "the preview"))
    conch.send("Enter")  # takes it (and closes the menu) …
    conch.wait_for(named(lambda s: "2 matches" not in s, "the menu to close"))
    conch.send("Enter")  # … and the second Enter runs it
    screen = conch.wait_for(named(lambda s: any(is_finished(b) for b in
                                                find_blocks(s, "cat notes-two.txt")),
                                  "cat to finish"))  # fmt: skip
    block = find_blocks(screen, "cat notes-two.txt")[-1]
    assert "notes-two.txt" in block.splitlines()[1], block
