"""Tab in the real app: real bash, real files, the menu, ghost suggestions, `@` and `/`."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from conch.tui.app import ConchApp
from conch.tui.widgets.completion_menu import CompletionMenu
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.pilot.conftest import AppFactory, run_command, submit, wait_for, wait_for_shell


async def type_and_tab(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, ConchApp)
    app.prompt_bar.input.value = text
    app.prompt_bar.input.cursor_position = len(text)
    await pilot.press("tab")


def menu(app: ConchApp) -> CompletionMenu:
    return app.query_one(CompletionMenu)


def value(app: ConchApp) -> str:
    return app.prompt_bar.input.value


async def test_one_candidate_is_inserted_with_a_space(
    make_app: AppFactory, project_dir: Path
) -> None:
    (project_dir / "requirements.txt").write_text("")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await type_and_tab(pilot, "cat req")
        await wait_for(pilot, lambda: value(app) == "cat requirements.txt ")
        assert not menu(app).is_open


async def test_several_candidates_insert_the_common_part_and_open_the_menu(
    make_app: AppFactory, project_dir: Path
) -> None:
    for name in ("alpha.txt", "alpine.txt"):
        (project_dir / name).write_text("")
    (project_dir / "alps").mkdir()
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await type_and_tab(pilot, "cat a")
        await wait_for(pilot, lambda: menu(app).is_open)
        assert value(app) == "cat alp"
        assert menu(app).option_count == 3
        await pilot.press("tab")  # the first candidate, previewed in the line
        assert value(app) == "cat alpha.txt"
        await pilot.press("tab", "tab")  # alpine.txt, then alps/
        assert value(app) == "cat alps/"
        await pilot.press("shift+tab")
        assert value(app) == "cat alpine.txt"
        await pilot.press("enter")  # takes it: a file gets its space; nothing is run
        assert value(app) == "cat alpine.txt "
        assert not menu(app).is_open


async def test_escape_closes_the_menu_and_puts_the_line_back(
    make_app: AppFactory, project_dir: Path
) -> None:
    for name in ("beta1", "beta2"):
        (project_dir / name).write_text("")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await type_and_tab(pilot, "ls b")
        await wait_for(pilot, lambda: menu(app).is_open)
        await pilot.press("tab")
        assert value(app) == "ls beta1"
        await pilot.press("escape")
        assert value(app) == "ls beta"
        assert not menu(app).is_open


async def test_typing_closes_the_menu_and_the_key_is_typed(
    make_app: AppFactory, project_dir: Path
) -> None:
    for name in ("gamma1", "gamma2"):
        (project_dir / name).write_text("")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await type_and_tab(pilot, "ls g")
        await wait_for(pilot, lambda: menu(app).is_open)
        await pilot.press("2")
        assert value(app) == "ls gamma2"
        assert not menu(app).is_open


async def test_a_directory_made_in_the_persistent_bash_completes_with_a_slash(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "mkdir -p made_here/inner && cd made_here")
        await type_and_tab(pilot, "cd in")
        await wait_for(pilot, lambda: value(app) == "cd inner/")


async def test_an_alias_defined_in_the_session_completes_in_command_position(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "alias zzqgreet='echo hi'")
        await type_and_tab(pilot, "zzqgr")
        await wait_for(pilot, lambda: value(app) == "zzqgreet ")


async def test_a_history_line_is_suggested_and_right_arrow_takes_it(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo remembered-line")
        app.prompt_bar.input.value = "echo rem"
        app.prompt_bar.input.cursor_position = len("echo rem")
        await pilot.pause()
        await wait_for(pilot, lambda: app.prompt_bar.input._suggestion == "echo remembered-line")
        await pilot.press("right")
        assert value(app) == "echo remembered-line"


async def test_at_completes_project_files_fuzzily_in_agent_mode(
    make_app: AppFactory, project_dir: Path
) -> None:
    (project_dir / "src").mkdir()
    (project_dir / "src" / "route_decision.py").write_text("")
    (project_dir / "notes.md").write_text("")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        app.mode_provider.mode = ExecutionMode.AGENT
        await type_and_tab(pilot, "explain @rtdec")
        await wait_for(pilot, lambda: value(app) == "explain @src/route_decision.py ")


async def test_slash_completes_conchs_own_commands_and_runs_them(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await type_and_tab(pilot, "/he")
        await wait_for(pilot, lambda: value(app) == "/help ")
        await submit(pilot, "/help")
        await wait_for(pilot, lambda: any("/mode" in str(n.render()) for n in app.query(Notice)))
        await submit(pilot, "/mode shell")
        assert app.mode_provider.mode is ExecutionMode.SHELL


async def test_tab_does_nothing_to_a_line_that_is_input_for_a_running_program(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "read -r answer")
        await wait_for(pilot, lambda: app.shell.running_block is not None)
        await type_and_tab(pilot, "abc")
        await pilot.pause(0.1)
        assert value(app) == "abc" and not menu(app).is_open
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.shell.running_block is None)
