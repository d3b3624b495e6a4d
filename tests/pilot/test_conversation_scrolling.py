"""Scrolling the conversation, the "more below" line, and selecting and copying from blocks,
in the real app under Pilot (real bash)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.selection import Selection

from conch.config import ConchConfig, LoadedConfig, ShellConfig
from conch.output_buffer import BoundedOutput
from conch.plugin_host import load_plugins
from conch.session_opening import open_session
from conch.tui import conversation_trim
from conch.tui.app import ConchApp
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.markdown_segment import MarkdownSegment
from conch.tui.widgets.more_below import MoreBelow
from tests.peers.fake_openai_server import FakeOpenAIServer, text
from tests.pilot.conftest import (
    AppFactory,
    ask,
    last_command_done,
    run_command,
    submit,
    wait_for,
    wait_for_shell,
)


def more_below(app: ConchApp) -> MoreBelow:
    return app.query_one(MoreBelow)


def footer_keys(app: ConchApp) -> dict[str, str]:
    """What the footer offers: key → description, for the bindings it shows."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


async def test_page_up_leaves_the_bottom_and_page_down_comes_back_to_follow(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        assert "pageup" not in footer_keys(app)  # nothing to scroll yet
        await run_command(pilot, "seq 1 200")
        conversation = app.conversation
        await wait_for(pilot, lambda: "pageup" in footer_keys(app))
        assert conversation.is_following and not more_below(app).display

        await pilot.press("pageup")
        await wait_for(pilot, lambda: more_below(app).display)
        assert not conversation.is_following
        below = conversation.rows_below
        assert below > 20
        assert f"↓ {below} more lines below · Ctrl+End" in str(more_below(app).render())

        await pilot.press("shift+pageup")
        await wait_for(pilot, lambda: conversation.rows_below > below)
        for _ in range(10):
            await pilot.press("pagedown")
            if conversation.is_following:
                break
        assert conversation.is_following
        await wait_for(pilot, lambda: not more_below(app).display)


async def test_a_notice_arriving_while_scrolled_up_does_not_move_the_view(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "seq 1 200")
        await pilot.press("pageup")
        conversation = app.conversation
        await wait_for(pilot, lambda: more_below(app).display)
        top, below = conversation.scroll_y, conversation.rows_below
        app.binding.tell("a notice from Conch")
        await wait_for(pilot, lambda: conversation.rows_below > below)
        assert conversation.scroll_y == top
        assert not conversation.is_following
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: not more_below(app).display)
        assert conversation.scroll_y == conversation.max_scroll_y


async def test_ctrl_home_goes_to_the_first_block(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo first")
        await run_command(pilot, "seq 1 200")
        await pilot.press("ctrl+home")
        await wait_for(pilot, lambda: app.conversation.scroll_y == 0)
        assert more_below(app).display
        # Typing still goes to the prompt, and Home stays its cursor key.
        await pilot.press("a", "b", "home", "c")
        assert app.prompt_bar.input.value == "cab"
        assert app.conversation.scroll_y == 0


async def test_ctrl_page_up_goes_to_where_a_long_output_begins(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo before")
        await run_command(pilot, "seq 1 500")
        await run_command(pilot, "echo after")
        blocks = list(app.query(CommandBlock))
        conversation = app.conversation
        # The view's top is in seq's output: one key goes back past it to where it began.
        await pilot.press("ctrl+pageup")
        assert conversation.scroll_y == blocks[1].virtual_region.y
        assert not conversation.is_following
        await pilot.press("ctrl+pageup")
        assert conversation.scroll_y == blocks[0].virtual_region.y
        await pilot.press("ctrl+pagedown")
        assert conversation.scroll_y == blocks[1].virtual_region.y
        await pilot.press("ctrl+pagedown")  # "echo after" is on the last page: follow again
        assert conversation.is_following


@pytest.mark.usefixtures("fixed_durations")
def test_the_more_below_line(snap_compare: Callable[..., bool], make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ConchApp)
        app.prompt_bar.input.cursor_blink = False  # the picture must not catch a blink
        await wait_for_shell(pilot)
        await run_command(pilot, "seq 1 60")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: pilot.app.query_one(MoreBelow).display)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 24), run_before=run_before)


# -- the long-session trim -------------------------------------------------------------


@pytest.fixture
def quickly_trimmed_app(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ConchApp:
    """The app on a saved session that folds its blocks past 6 (3 at a time), checking every
    50 ms: a long session in a few commands."""
    monkeypatch.setattr(conversation_trim, "LIVE_LIMIT", 6)
    monkeypatch.setattr(conversation_trim, "TRIM_COUNT", 3)
    monkeypatch.setattr(conversation_trim, "CHECK_EVERY", 0.05)
    loaded = LoadedConfig(ConchConfig(shell=ShellConfig(source_bashrc=False)), tmp_path / "c.toml")
    link = open_session(str(project_dir), loaded, None, new=True, resume=None)
    return ConchApp(project_dir, loaded, load_plugins(), session=link)


async def test_the_long_session_trim_waits_until_the_view_is_back_at_the_bottom(
    quickly_trimmed_app: ConchApp,
) -> None:
    app = quickly_trimmed_app
    async with app.run_test(size=(80, 20)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "seq 1 30")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: not app.conversation.is_following)
        top = app.conversation.scroll_y
        for number in range(8):  # more than LIVE_LIMIT blocks, none of them typed
            app.binding.tell(f"notice {number}")
        await pilot.pause(0.5)  # ten trim checks
        assert not app.conversation.query(EarlierItems)
        assert app.conversation.scroll_y == top
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: bool(app.conversation.query(EarlierItems)))
        assert app.conversation.is_following


async def test_ctrl_home_in_a_folded_session_reaches_the_earlier_entries(
    quickly_trimmed_app: ConchApp,
) -> None:
    app = quickly_trimmed_app
    async with app.run_test(size=(80, 20)) as pilot:
        await wait_for_shell(pilot)
        for number in range(8):  # blocks taller than the view, so the folded ones are above it
            command = f"echo line-{number}; seq 1 12"
            await submit(pilot, command)  # (run_command counts blocks, which folding lowers)
            await wait_for(pilot, lambda command=command: last_command_done(app, command))
        await wait_for(pilot, lambda: bool(app.conversation.query(EarlierItems)))
        earlier = app.conversation.query_one(EarlierItems)
        folded = earlier.hidden_count
        assert folded and not earlier.is_line_in_view
        await pilot.press("ctrl+home")
        # The line comes into view, and the blocks it stood for are built above the view.
        await wait_for(pilot, lambda: earlier.hidden_count == 0)
        commands = [block.command for block in app.conversation.query(CommandBlock)]
        assert commands == [f"echo line-{n}; seq 1 12" for n in range(8)]
        assert not app.conversation.is_following


# -- selecting and copying -----------------------------------------------------------


async def test_a_selection_over_output_lines_is_highlighted_and_ctrl_c_copies_it(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "printf 'alpha one\\nbeta two\\ngamma three\\n'")
        block = app.query(CommandBlock).last()
        # Where the mouse lands: document line 1 is the first output line ("alpha one").
        region = block.content_region
        widget, offset = app.screen.get_widget_and_offset_at(region.x + 6, region.y + 1)
        assert widget is block and offset == Offset(6, 1)
        app.screen.selections = {block: Selection(Offset(6, 1), Offset(5, 3))}
        await pilot.pause()
        assert app.screen.get_selected_text() == "one\nbeta two\ngamma"
        row = block.render_line(2)  # "beta two", wholly selected
        highlight = app.screen.get_component_rich_style("screen--selection").bgcolor
        assert [s.style.bgcolor for s in row if s.text.strip()] == [highlight]
        assert footer_keys(app)["ctrl+c"] == "Copy"
        await pilot.press("ctrl+c")
        assert app.clipboard == "one\nbeta two\ngamma"
        assert not app.screen.selections
        assert app.shell.running_block is None  # nothing was interrupted
        await pilot.pause()
        assert footer_keys(app)["ctrl+c"] == "Interrupt/Clear"


async def test_a_selection_follows_wrapped_and_wide_lines(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(50, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "w=$(printf '日本%.0s' {1..20})")
        await run_command(pilot, "printf '%s\\n' \"$w\" end")
        block = app.query(CommandBlock).last()
        region = block.content_region
        _, offset = app.screen.get_widget_and_offset_at(region.x, region.y + 1)
        assert offset == Offset(0, 1)  # the header is one row; the wide line starts
        # The 40-character line wraps; its second row starts at the first character not on
        # the first row (each takes two cells).
        second_row = -(-region.width // 2)
        _, offset = app.screen.get_widget_and_offset_at(region.x, region.y + 2)
        assert offset == Offset(second_row, 1)
        app.screen.selections = {block: Selection(Offset(second_row, 1), Offset(3, 2))}
        await pilot.pause()
        assert app.screen.get_selected_text() == ("日本" * 20)[second_row:] + "\nend"
        # The highlight covers the second row's characters, none of the first row's.
        highlight = app.screen.get_component_rich_style("screen--selection").bgcolor
        first = [s for s in block.render_line(1) if s.text.strip()]
        second = [s for s in block.render_line(2) if s.text.strip()]
        assert all(s.style.bgcolor != highlight for s in first)
        assert all(s.style.bgcolor == highlight for s in second)


async def test_double_click_selects_a_whole_block(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "printf 'alpha\\nbeta\\n'")
        block = app.query(CommandBlock).last()
        await pilot.click(block, offset=(4, 1), times=2)
        await pilot.pause()
        text = app.screen.get_selected_text() or ""
        assert text.splitlines()[:3] == ["$ printf 'alpha\\nbeta\\n'  ~/project", "alpha", "beta"]
        assert text.splitlines()[3].startswith("✓ 0")


async def test_ctrl_y_copies_the_lowest_block_that_begins_on_screen(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "seq 1 100")
        await run_command(pilot, "echo last")
        await pilot.press("ctrl+y")
        assert app.clipboard == "$ echo last\nlast"
        await pilot.press("pageup", "pageup")
        await wait_for(pilot, lambda: not app.conversation.is_following)
        await pilot.press("ctrl+y")
        assert app.clipboard == "$ seq 1 100\n" + "\n".join(str(n) for n in range(1, 101))


async def test_an_agent_answer_can_be_selected_and_its_turn_copied_whole(
    make_agent_app: AppFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(text("Hello ", "from ", "**the agent**.\n\nSecond paragraph."))
    app = make_agent_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        turn = await ask(pilot, "say hello")
        segment = turn.query(MarkdownSegment).first()
        region = segment.content_region
        widget, offset = app.screen.get_widget_and_offset_at(region.x + 6, region.y)
        assert widget is segment and offset == Offset(6, 0)
        app.screen.selections = {segment: Selection(Offset(6, 0), Offset(6, 2))}
        await pilot.pause()
        assert app.screen.get_selected_text() == "from the agent.\n\nSecond"
        await pilot.press("ctrl+c")
        assert app.clipboard == "from the agent.\n\nSecond"
        await pilot.press("ctrl+y")
        assert app.clipboard == "✦ say hello\n\nHello from **the agent**.\n\nSecond paragraph."


async def test_the_palette_offers_scrolling_and_copying(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_shell(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ["Scroll up a page", "Scroll down a page", "Scroll to the previous block",
                      "Scroll to the next block", "Scroll to the top",
                      "Scroll to the bottom", "Copy block", "Copy selected text"]:  # fmt: skip
            assert title in titles
        await submit(pilot, "echo palette")
        await wait_for(
            pilot, lambda: app.shell.running_block is None and bool(app.query(CommandBlock))
        )
        await wait_for(pilot, lambda: app.query(CommandBlock).last().result is not None)
        copy = next(c for c in app.get_system_commands(app.screen) if c.title == "Copy block")
        copy.callback()
        assert app.clipboard == "$ echo palette\npalette"


# -- a block's height follows its output -------------------------------------------------


class OneBlock(App[None]):
    """Just a block: nothing else on screen asks for a layout."""

    def __init__(self, block: CommandBlock) -> None:
        super().__init__()
        self.block = block

    def compose(self) -> ComposeResult:
        yield self.block


async def test_a_block_grows_when_output_arrives_after_it_was_drawn(tmp_path: Path) -> None:
    output = BoundedOutput(100, tmp_path)
    block = CommandBlock("slow", "/", output)
    async with OneBlock(block).run_test(size=(60, 20)) as pilot:
        output.append("1\n")
        block.output_arrived()  # as the shell's reader thread does after each read
        await wait_for(pilot, lambda: block.region.height == 3)  # header, "1", status
        output.append("2\n3\n4\n")
        block.output_arrived()
        await wait_for(pilot, lambda: block.region.height == 6, timeout=3)


async def test_a_capped_block_keeps_its_height_whether_a_read_ends_mid_line_or_not(
    tmp_path: Path,
) -> None:
    """Past its cap, a block shows one complete line fewer while a line is unfinished."""
    output = BoundedOutput(5, tmp_path)
    block = CommandBlock("flood", "/", output)
    async with OneBlock(block).run_test(size=(60, 20)) as pilot:
        output.append("".join(f"{number}\n" for number in range(1, 21)))
        block.output_arrived()
        await wait_for(pilot, lambda: block.region.height == 7)  # header, 16–20, status
        output.append("21\n2")
        block.output_arrived()
        await wait_for(pilot, lambda: "2" in block.plain_output().splitlines()[-1:])
        assert block.plain_output().splitlines() == ["18", "19", "20", "21", "2"]
        assert block.region.height == 7
        output.append("2\n")
        block.output_arrived()
        await wait_for(pilot, lambda: block.plain_output().endswith("22"))
        assert block.plain_output().splitlines() == ["18", "19", "20", "21", "22"]
        assert block.region.height == 7
