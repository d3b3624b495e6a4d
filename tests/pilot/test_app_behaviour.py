"""The real app under Pilot: real bash, real plugins, what a user sees and does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.widgets import Static

from conch.tui.app import ConchApp
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.prompt_input import PromptInput
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.pilot.conftest import AppFactory, run_command, submit, wait_for, wait_for_shell


def block_text(block: CommandBlock) -> str:
    return block.output.text()


def rendered_rows(block: CommandBlock) -> list[str]:
    """The block's rows as drawn on screen (header, output, status)."""
    return [
        "".join(segment.text for segment in block.render_line(y)).rstrip()
        for y in range(block.row_count)
    ]


def status_text(block: CommandBlock) -> str:
    """The status line as drawn (it may wrap over several rows)."""
    rows = rendered_rows(block)
    start = max(i for i, row in enumerate(rows) if row.lstrip().startswith(("✓", "✗", "⏱")))
    return " ".join(row.strip() for row in rows[start:])


async def test_command_output_and_status_appear_in_a_block(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo hello from bash")
        block = app.query(CommandBlock).last()
        assert "hello from bash" in block_text(block)
        assert status_text(block).startswith("✓ 0")


async def test_cd_updates_the_working_dir_provider_and_status_line(
    make_app: AppFactory, project_dir: Path
) -> None:
    (project_dir / "sub").mkdir()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "cd sub")
        assert app.cwd_provider.cwd == str(project_dir / "sub")
        status = str(app.prompt_bar.query_one(".prompt-status", Static).render())
        assert status == "~/project/sub"
        await run_command(pilot, "pwd")
        assert block_text(app.query(CommandBlock).last()).strip() == str(project_dir / "sub")


async def test_failed_command_shows_its_exit_status(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "ls /no/such/dir")
        block = app.query(CommandBlock).last()
        assert status_text(block).startswith("✗ exit 2")
        assert block.has_class("-failed")


async def test_ctrl_space_and_nul_cycle_auto_shell_agent(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert app.mode_provider.mode is ExecutionMode.AUTO
        await pilot.press("ctrl+space")
        assert app.mode_provider.mode is ExecutionMode.SHELL
        await pilot.press("ctrl+@")
        assert app.mode_provider.mode is ExecutionMode.AGENT
        badge = str(app.prompt_bar.query_one(".mode-badge", Static).render())
        assert badge == "✦ Agent"
        assert app.prompt_bar.has_class("-mode-agent")
        await pilot.press("ctrl+space")
        assert app.mode_provider.mode is ExecutionMode.AUTO


async def test_agent_line_without_agent_says_none_is_configured(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "please explain this repository")
        await wait_for(
            pilot, lambda: bool(app.query(AgentTurn)) and app.query(AgentTurn).last().ended
        )
        answer = app.query(AgentTurn).last().query_one(".-unavailable", Static)
        assert "No agent is configured" in str(answer.render())
        assert not app.query(CommandBlock)


async def test_bang_prefix_runs_in_shell_even_in_agent_mode(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.AGENT
        await run_command(pilot, "!echo forced")
        block = app.query(CommandBlock).last()
        assert block.command == "echo forced"
        assert "forced" in block_text(block)


async def test_question_prefix_goes_to_agent_even_in_shell_mode(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.SHELL
        await submit(pilot, "?ls")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)))
        assert app.query(AgentTurn).last().prompt == "ls"
        assert not app.query(CommandBlock)


async def test_exit_in_agent_mode_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        app.mode_provider.mode = ExecutionMode.AGENT
        await submit(pilot, "exit")
        await pilot.pause()
        assert app._exit is True or not app.is_running


async def test_exit_in_shell_mode_starts_a_fresh_bash(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        old_pid = app.shell.bash.shell.pid
        app.mode_provider.mode = ExecutionMode.SHELL
        await run_command(pilot, "exit")
        assert app.is_running
        notices = [str(n.render()) for n in app.query(Notice)]
        assert any("started a new bash" in text for text in notices)
        await run_command(pilot, "echo alive")
        assert "alive" in block_text(app.query(CommandBlock).last())
        assert app.shell.bash.shell.pid != old_pid


async def test_ctrl_c_interrupts_a_running_command(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "sleep 100")
        await wait_for(
            pilot, lambda: app.shell.running_block is not None and app.shell.bash.shell.is_busy
        )
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: app.shell.running_block is None, timeout=5)
        block = app.query(CommandBlock).last()
        assert block.result is not None and block.result.exit_status == 130
        assert "interrupted" in status_text(block)


async def test_ctrl_c_when_idle_clears_the_prompt(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        app.prompt_bar.input.value = "half typed"
        await pilot.press("ctrl+c")
        assert app.prompt_bar.input.value == ""
        assert app.is_running


async def test_text_submitted_while_running_goes_to_stdin(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "read answer; echo got:$answer")
        await wait_for(pilot, lambda: app.shell.running_block is not None)
        assert "Input for" in app.prompt_bar.input.placeholder
        await submit(pilot, "forty-two")
        await wait_for(pilot, lambda: app.shell.running_block is None)
        assert "got:forty-two" in block_text(app.query(CommandBlock).last())


async def test_password_prompt_masks_the_input(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "read -s -p 'Password: ' pw; echo; echo len:${#pw}")
        await wait_for(pilot, lambda: app.prompt_bar.secret, timeout=5)
        assert app.prompt_bar.input.password is True
        await submit(pilot, "hunter2")
        await wait_for(pilot, lambda: app.shell.running_block is None)
        text = block_text(app.query(CommandBlock).last())
        assert "len:7" in text
        assert "hunter2" not in text
        assert app.prompt_bar.input.password is False


async def test_ctrl_d_ends_input_of_a_running_command(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "cat")
        await wait_for(pilot, lambda: app.shell.running_block is not None)
        await submit(pilot, "line one")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: app.shell.running_block is None, timeout=5)
        assert "line one" in block_text(app.query(CommandBlock).last())


async def test_huge_output_is_bounded_in_the_view_and_complete_on_disk(
    make_app: AppFactory,
) -> None:
    app = make_app(scrollback_lines=1000)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "seq 1 200000")
        block = app.query(CommandBlock).last()
        assert block.line_count == 1000
        assert block_text(block).splitlines()[-1] == "200000"
        spool = block.output.spool_path
        assert spool is not None
        lines = spool.read_text().splitlines()
        assert len(lines) == 200000 and lines[0] == "1" and lines[-1] == "200000"
        assert "full output" in status_text(block)


async def test_up_recalls_history_with_its_mode_and_down_restores_draft(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.SHELL
        await run_command(pilot, "echo one")
        app.mode_provider.mode = ExecutionMode.AGENT
        await submit(pilot, "what does this do")
        app.mode_provider.mode = ExecutionMode.AUTO
        app.prompt_bar.input.value = "draft"
        await pilot.press("up")
        assert app.prompt_bar.input.value == "what does this do"
        assert app.mode_provider.mode is ExecutionMode.AGENT
        await pilot.press("up")
        assert app.prompt_bar.input.value == "echo one"
        assert app.mode_provider.mode is ExecutionMode.SHELL
        await pilot.press("down", "down")
        assert app.prompt_bar.input.value == "draft"
        assert app.mode_provider.mode is ExecutionMode.AUTO


async def test_history_persists_under_the_xdg_state_dir(
    make_app: AppFactory, isolated_home: Path
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo remembered")
    history_file = isolated_home / ".local/state/conch/history.jsonl"
    assert '"text": "echo remembered"' in history_file.read_text()
    again = make_app()
    async with again.run_test() as pilot:
        await pilot.press("up")
        assert again.prompt_bar.input.value == "echo remembered"


async def test_ctrl_r_finds_an_old_entry_and_restores_its_mode(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.SHELL
        await run_command(pilot, "echo needle-in-history")
        await run_command(pilot, "echo other")
        app.mode_provider.mode = ExecutionMode.AUTO
        await pilot.press("ctrl+r")
        await pilot.press(*"needle")
        await pilot.press("enter")
        await pilot.pause()
        assert app.prompt_bar.input.value == "echo needle-in-history"
        assert app.mode_provider.mode is ExecutionMode.SHELL


async def test_config_problems_are_shown_not_fatal(make_app: AppFactory) -> None:
    app = make_app(problems=("config.toml: shell.command_timeout must be float",))
    async with app.run_test() as pilot:
        await pilot.pause()
        notices = [str(n.render()) for n in app.query(Notice)]
        assert any("command_timeout" in text for text in notices)


async def test_command_palette_offers_the_modes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Cycle mode", "Mode: Auto", "Mode: Shell", "Mode: Agent"} <= set(titles)
        await pilot.pause()


async def test_prompt_widgets_sit_inside_the_plugin_providers(make_app: AppFactory) -> None:
    from conch_plugins.tui_integration.providers import (
        ExecutionModeProvider,
        WorkingDirProvider,
    )

    app = make_app()
    async with app.run_test():
        prompt = app.prompt_bar
        assert prompt.query_ancestor(WorkingDirProvider).parent is app.query_one(
            ExecutionModeProvider
        )


async def test_unfinished_input_is_reported_and_nothing_hangs(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo 'never closed")
        assert "unfinished input: an open quote" in status_text(app.query(CommandBlock).last())
        await run_command(pilot, "if true; then echo x")
        assert "unfinished block" in status_text(app.query(CommandBlock).last())
        await run_command(pilot, "echo still fine")
        assert "still fine" in block_text(app.query(CommandBlock).last())


async def test_input_typed_before_bash_reads_the_command_goes_to_the_command(
    make_app: AppFactory, isolated_home: Path
) -> None:
    """A slow ~/.bashrc delays the first command; a line typed meanwhile is its stdin."""
    (isolated_home / ".bashrc").write_text("sleep 1\n")
    app = make_app()
    app.shell.bash.shell.options.source_bashrc = True
    async with app.run_test() as pilot:
        await submit(pilot, "read x; echo got:$x")
        assert app.shell.running_block is not None
        # bash is still in its rc file: the command line has not been read yet.
        assert not app.shell.bash.index.aliases and not app.shell.bash.shell.is_busy
        await submit(pilot, "touch injected")
        await wait_for(pilot, lambda: app.shell.running_block is None)
        assert "got:touch injected" in block_text(app.query(CommandBlock).last())
        assert len(app.query(CommandBlock)) == 1
        await run_command(pilot, "ls")
        assert "injected" not in block_text(app.query(CommandBlock).last())


async def test_input_the_command_never_read_is_given_back_not_run(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "sleep 0.6")
        await wait_for(pilot, lambda: app.shell.bash.shell.is_busy)
        await submit(pilot, "touch should-not-exist")
        await wait_for(pilot, lambda: app.shell.running_block is None)
        await pilot.pause()
        notices = [str(n.render()) for n in app.query(Notice)]
        assert any("did not read what you typed" in text and "touch should-not-exist" in text
                   for text in notices)  # fmt: skip
        assert app.prompt_bar.input.value == ""
        await run_command(pilot, "ls; echo status-check")
        block = app.query(CommandBlock).last()
        assert "should-not-exist" not in block_text(block)
        assert "status-check" in block_text(block)


async def test_an_ambiguous_line_asks_and_enter_again_takes_the_recommended_choice(
    make_acp_app: Callable[[str], ConchApp],
) -> None:
    from conch.tui.widgets.ask_choice import AskChoice

    app = make_acp_app("chat")
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "true")
        ask = app.query_one(AskChoice)
        assert ask.recommended == "shell"
        assert not app.query(CommandBlock), "nothing runs before the answer"
        assert app.focused is app.prompt_bar.input, "the question never takes the focus"
        assert app.prompt_bar.input.value == "true", "the line waits in the prompt"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: bool(app.query(CommandBlock)) and app.shell.running_block is None
        )
        assert app.query(CommandBlock).last().command == "true"
        assert app.focused is app.prompt_bar.input
        assert app.prompt_bar.input.value == ""


async def test_typing_over_the_ambiguous_line_dismisses_the_question(
    make_acp_app: Callable[[str], ConchApp],
) -> None:
    from conch.tui.widgets.ask_choice import AskChoice

    app = make_acp_app("chat")
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "gti status please")
        await wait_for(pilot, lambda: bool(app.query(AskChoice)))
        ask = app.query_one(AskChoice)
        await pilot.press("l", "s")
        await wait_for(pilot, lambda: ask.answered)
        assert app.prompt_bar.input.value == "ls"
        assert not app.query(CommandBlock) and not app.query(AgentTurn)


async def test_a_mistyped_command_fails_then_did_you_mean_runs_the_fix(
    make_app: AppFactory,
) -> None:
    from conch.tui.widgets.error_offer import ErrorOffer

    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "gti --version")
        offer = app.query_one(ErrorOffer)
        assert offer.offer.kind == "correction" and offer.offer.text == "git --version"
        assert app.focused is app.prompt_bar.input, "the offer never takes the focus"
        await wait_for(pilot, lambda: offer.shown_at is not None)  # on screen: Tab is for it
        await pilot.press("tab")
        assert app.focused is offer
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(CommandBlock).last().command == "git --version"
                       and app.shell.running_block is None)  # fmt: skip
        assert "git version" in block_text(app.query(CommandBlock).last())
        assert app.focused is app.prompt_bar.input


async def test_a_request_that_failed_in_the_shell_is_offered_to_the_agent(
    make_agent_app: AppFactory,
) -> None:
    from conch.tui.widgets.error_offer import ErrorOffer

    app = make_agent_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "!make the failing tests pass")
        offer = app.query_one(ErrorOffer)
        assert offer.offer.kind == "agent"
        assert not app.query(AgentTurn), "never sent without the user's key"
        await wait_for(pilot, lambda: offer.shown_at is not None)  # on screen: Tab is for it
        await pilot.press("tab", "y")
        await wait_for(pilot, lambda: bool(app.query(AgentTurn)))
        assert app.query(AgentTurn).last().prompt == "make the failing tests pass"


async def test_with_no_agent_a_failed_request_is_told_so_and_not_offered(
    make_app: AppFactory,
) -> None:
    """As through the host: an offer to send it to an agent there is not would be a
    question for nothing."""
    from conch.tui.widgets.error_offer import ErrorOffer
    from conch_plugins.shell_mode.failure_offer import NO_AGENT_MESSAGE

    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "!make the failing tests pass")
        await wait_for(pilot, lambda: any(NO_AGENT_MESSAGE in str(notice.render())
                                          for notice in app.query(Notice)))  # fmt: skip
        assert not app.query(ErrorOffer) and not app.query(AgentTurn)
        await pilot.press("tab")
        assert app.focused is app.prompt_bar.input, "nothing to answer"


async def test_typing_dismisses_the_offer_and_every_key_reaches_the_prompt(
    make_app: AppFactory,
) -> None:
    from conch.tui.widgets.error_offer import ErrorOffer

    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "gti --version")
        await pilot.press("y", "l", "s")
        await wait_for(pilot, lambda: app.query_one(ErrorOffer).done)
        assert app.prompt_bar.input.value == "yls"
        assert app.query(CommandBlock).last().command == "gti --version"


async def test_a_clicked_offer_takes_keys_and_once_answered_hands_them_back(
    make_app: AppFactory,
) -> None:
    from conch.tui.widgets.error_offer import ErrorOffer

    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "gti --version")
        offer = app.query_one(ErrorOffer)
        await pilot.click(ErrorOffer)
        assert app.focused is offer, "a click is the user's own act"
        await pilot.press("n", "l", "s")
        assert offer.done and app.focused is app.prompt_bar.input
        assert app.prompt_bar.input.value == "ls"


async def test_keys_typed_ahead_in_a_burst_act_in_the_order_typed(make_app: AppFactory) -> None:
    """All keys queued at once, as keys typed ahead while the app is busy arrive: Enter and
    the editing keys (bindings) act in their turn among the letters, and the keys after
    Enter edit the prompt the sent line left."""
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        burst = [*"echo onx", "backspace", "e", "enter", *"echo to", "left", "w"]
        for key in burst:
            name = {" ": "space"}.get(key, key)
            app.post_message(events.Key(name, key if len(key) == 1 else None))

        prompt = app.query_one(PromptInput)
        await wait_for(pilot, lambda: prompt.value == "echo two" and bool(app.query(CommandBlock)))
        await wait_for(pilot, lambda: block_text(app.query_one(CommandBlock)) == "one")
        assert rendered_rows(app.query_one(CommandBlock))[0].startswith("$ echo one ")
        assert len(app.query(CommandBlock)) == 1
