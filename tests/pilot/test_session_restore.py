"""Sessions through the real app: a restart restores the conversation, the shell's directory
and, once, the agent's memory; what the journal rebuilds equals what was on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch import paths
from conch.config import AgentConfig, ConchConfig, LoadedConfig, ShellConfig
from conch.plugin_host import load_plugins
from conch.session_link import SessionLink
from conch.session_opening import open_session
from conch.tui.app import ConchApp
from conch.tui.widgets.agent_turn import AgentTurn
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.notice import Notice
from tests.peers.fake_agents import fake_acp_config
from tests.peers.fake_openai_server import FakeOpenAIServer, text, text_then_tool_call
from tests.pilot.conftest import (
    answer_permission,
    ask,
    last_command_done,
    run_command,
    shown_text,
    submit,
    turn_parts,
    wait_for,
    wait_for_shell,
)

REPLAY_HEADER = "[Conch: the agent session was restarted"


def loaded_config(fake_llm: FakeOpenAIServer, tmp_path: Path) -> LoadedConfig:
    local = {"kind": "openai", "base_url": fake_llm.base_url, "model": "fake-model"}
    config = ConchConfig(
        shell=ShellConfig(source_bashrc=False),
        agent=AgentConfig(default="local"),
        agents={"local": local},
    )
    return LoadedConfig(config, tmp_path / "config.toml")


def start(project: Path, loaded: LoadedConfig, *, new: bool = False) -> ConchApp:
    link = open_session(str(project), loaded, None, new=new, resume=None)
    assert link.journal is not None, link.problem
    return ConchApp(project, loaded, load_plugins(), session=link)


def screen_items(app: ConchApp) -> list[tuple[str, ...]]:
    """What the conversation shows, block by block, as plain text."""
    items: list[tuple[str, ...]] = []
    for widget in app.conversation.children:
        if isinstance(widget, CommandBlock):
            status = widget.result.exit_status if widget.result else None
            items.append(("shell", widget.command, widget.output.text(), str(status)))
        elif isinstance(widget, AgentTurn):
            items.append(("agent", widget.prompt, widget.answer_text))
    return items


def last_user_message(fake_llm: FakeOpenAIServer) -> str:
    messages = fake_llm.requests[-1]["messages"]
    user = [m for m in messages if m["role"] == "user"]
    return str(user[-1]["content"])


async def test_a_restart_restores_the_conversation_and_the_shells_directory(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    fake_llm.script(text("The build uses make."))
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo before-restart; mkdir -p sub && cd sub")
        await run_command(pilot, "sh -c 'exit 3'")
        await ask(pilot, "how is this built?")
        live = screen_items(first)
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await pilot.pause()
        assert screen_items(second) == live
        assert second.shell.bash.shell.cwd == str(project_dir / "sub")
        notes = [str(notice.render()) for notice in second.query(Notice)]
        assert any("Conch restarted" in note for note in notes), notes


async def test_a_restored_turn_shows_text_tool_calls_and_permissions_as_they_came(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    (project_dir / "notes.txt").write_text("milk\n")
    loaded = loaded_config(fake_llm, tmp_path)
    fake_llm.script(
        text_then_tool_call("I'll read notes.txt first.", "read_file", path="notes.txt"),
        text_then_tool_call("It lists milk.", "write_file", path="notes.txt", content="- milk\n"),
        text("Now it is a list."),
    )
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?make notes.txt a list")
        await answer_permission(pilot, "y")
        turn = first.query(AgentTurn).last()
        await wait_for(pilot, lambda: turn.ended)
        await pilot.pause()
        live = turn_parts(turn)
        live_status = shown_text(turn.query_one(".agent-status"))
    assert [kind for kind, _, _ in live] == [
        "Static", "Static", "MarkdownSegment", "ToolCallBlock", "MarkdownSegment",
        "ToolCallBlock", "PermissionPrompt", "MarkdownSegment",
    ]  # fmt: skip
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await pilot.pause()
        restored = second.query_one(AgentTurn)
        assert turn_parts(restored) == live
        status = shown_text(restored.query_one(".agent-status")).strip()
        assert status == "✓ done" and live_status.strip().startswith(status + " · ")


async def test_the_agent_gets_the_earlier_conversation_once_after_a_restart(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    fake_llm.script(text("Noted: the port is 8080."))
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await ask(pilot, "remember that the port is 8080")
        assert REPLAY_HEADER not in last_user_message(fake_llm)
    fake_llm.script(text("It is 8080."), text("You are welcome."))
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await ask(pilot, "which port?")
        replayed = last_user_message(fake_llm)
        assert replayed.startswith(REPLAY_HEADER), replayed
        assert "remember that the port is 8080" in replayed
        assert "Noted: the port is 8080." in replayed
        assert replayed.rstrip().endswith("which port?")
        await ask(pilot, "thanks")
        assert REPLAY_HEADER not in last_user_message(fake_llm)


async def test_new_starts_an_empty_session_and_the_old_one_stays(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo in-the-first")
    fresh = start(project_dir, loaded, new=True)
    async with fresh.run_test() as pilot:
        await wait_for_shell(pilot)
        assert screen_items(fresh) == []
        journal = fresh.binding.link.journal
        assert journal is not None
        assert len(journal.list_sessions()) == 2


async def test_a_second_conch_on_the_same_session_gets_a_fork(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo shared-past")
        # Still open here; a second Conch in the same directory must not write to it.
        link: SessionLink = open_session(str(project_dir), loaded, None, new=False, resume=None)
        assert link.opened is not None and link.journal is not None
        assert link.opened.how == "forked"
        assert link.opened.record.parent_id == first.binding.link.opened.record.id  # type: ignore[union-attr]
        assert "fork" in link.opened.note
        link.journal.release(link.opened.record.id)
        link.journal.close()


def acp_config(script: str, tmp_path: Path) -> LoadedConfig:
    return fake_acp_config(script, tmp_path / "config.toml")


async def test_an_acp_agent_that_can_load_resumes_its_own_session_after_a_restart(
    project_dir: Path, tmp_path: Path
) -> None:
    loaded = acp_config("load", tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        before = (await ask(pilot, "hello")).answer_text
    assert before.startswith("session=fake-"), before
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        after = (await ask(pilot, "still there?")).answer_text
        notes = [str(notice.render()) for notice in second.query(Notice)]
    assert after == before  # the same agent session, loaded: no replay needed
    assert not any("could not resume" in note for note in notes), notes


async def test_an_agent_that_cannot_load_gets_the_replay_and_a_note(
    project_dir: Path, tmp_path: Path
) -> None:
    loaded = acp_config("chat", tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await ask(pilot, "hello")
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await ask(pilot, "again")
        await wait_for(
            pilot,
            lambda: any("could not resume" in str(n.render()) for n in second.query(Notice)),
        )


async def test_fork_from_a_turn_makes_a_child_session_and_opens_it_in_place(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    from conch.tui.widgets.fork_picker import ForkPicker

    loaded = loaded_config(fake_llm, tmp_path)
    app = start(project_dir, loaded)
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        assert app.binding.recorder is not None
        original = app.binding.recorder.session_id
        await run_command(pilot, "echo kept")
        await run_command(pilot, "echo dropped")
        await submit(pilot, "/fork")
        await wait_for(pilot, lambda: isinstance(app.screen, ForkPicker))
        await pilot.press("down", "enter")  # the older turn: `echo kept`
        await wait_for(pilot, lambda: app.sessions.switches == 1)
        await wait_for_shell(pilot)
        assert app.binding.recorder is not None and app.binding.link.journal is not None
        record = app.binding.link.journal.get_session(app.binding.recorder.session_id)
        assert record.parent_id == original
        commands = [block.command for block in app.query(CommandBlock)]
        assert commands == ["echo kept"]
        await run_command(pilot, "echo in-the-fork")  # the new bash runs, and is journaled
        events = list(app.binding.link.journal.events(record.id))
        assert any(e.payload.get("command") == "echo in-the-fork" for e in events)
        assert not any(
            e.payload.get("command") == "echo in-the-fork"
            for e in app.binding.link.journal.events(original)
        )


async def test_slash_new_opens_an_empty_session_and_keys_typed_meanwhile_are_kept(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    app = start(project_dir, loaded_config(fake_llm, tmp_path))
    async with app.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo in-the-first")
        await submit(pilot, "/new")
        app.prompt_bar.input.insert_text_at_cursor("typed during the switch")
        await wait_for(pilot, lambda: app.sessions.switches == 1)
        await wait_for_shell(pilot)
        assert list(app.query(CommandBlock)) == []
        assert app.prompt_bar.input.value == "typed during the switch"
        assert app.binding.link.journal is not None
        assert len(app.binding.link.journal.list_sessions()) == 2


async def test_the_history_after_a_restart_is_read_from_the_journal(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "echo typed-before")
    fresh = start(project_dir, loaded, new=True)  # another session: history spans them all
    async with fresh.run_test() as pilot:
        await wait_for_shell(pilot)
        assert [entry.text for entry in fresh.history.entries] == ["echo typed-before"]
        await pilot.press("up")
        assert fresh.prompt_bar.input.value == "echo typed-before"
    assert not paths.history_file().exists()  # the journal is the one record of it


async def test_exported_variables_come_back_after_a_restart_but_secrets_never_do(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    loaded = loaded_config(fake_llm, tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, "export APP_STAGE='blue green' GITHUB_TOKEN=hunter2")
        await run_command(pilot, "export APP_GONE=1; unset APP_GONE")
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await run_command(pilot, 'echo "[$APP_STAGE][$GITHUB_TOKEN][${APP_GONE-unset}]"')
        block = second.query(CommandBlock).last()
        assert block.output.text().strip() == "[blue green][][unset]"
    link = open_session(str(project_dir), loaded, None, new=False, resume=None)
    assert link.journal is not None
    dump = "\n".join(str(event.payload) for event in link.journal.events(link.opened.record.id))  # type: ignore[union-attr]
    assert "hunter2" not in dump.replace("GITHUB_TOKEN=hunter2", "")  # only in the typed line
    link.journal.close()


async def test_a_long_session_folds_its_oldest_blocks_and_brings_them_back_on_scroll(
    project_dir: Path, tmp_path: Path, fake_llm: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conch.tui import conversation_trim
    from conch.tui.widgets.earlier_items import EarlierItems

    monkeypatch.setattr(conversation_trim, "LIVE_LIMIT", 6)
    monkeypatch.setattr(conversation_trim, "TRIM_COUNT", 3)
    monkeypatch.setattr(conversation_trim, "CHECK_EVERY", 0.05)
    app = start(project_dir, loaded_config(fake_llm, tmp_path))
    async with app.run_test(size=(80, 14)) as pilot:  # the oldest blocks scroll out of view
        await wait_for_shell(pilot)
        for number in range(8):  # run_command counts blocks, which folding lowers
            await submit(pilot, f"echo line-{number}")
            await wait_for(pilot, lambda n=number: last_command_done(app, f"echo line-{n}"))
        await wait_for(pilot, lambda: bool(app.conversation.query(EarlierItems)))
        earlier = app.conversation.query_one(EarlierItems)
        mounted = [block.command for block in app.conversation.query(CommandBlock)]
        folded = 8 - len(mounted)
        assert 3 <= folded <= 5  # back to TRIM_COUNT under LIVE_LIMIT (when the check ran)
        assert mounted == [f"echo line-{n}" for n in range(folded, 8)]
        assert not earlier.is_line_in_view
        assert earlier.hidden_count == folded
        earlier.show_more()  # what scrolling up to the line does
        await pilot.pause()
        shown = [block.command for block in app.conversation.query(CommandBlock)]
        assert shown == [f"echo line-{n}" for n in range(8)]
        first = app.conversation.query(CommandBlock).first()
        assert first.output.text().strip() == "line-0"


async def test_a_permission_restores_where_it_was_asked_before_what_the_agent_sent_meanwhile(
    project_dir: Path, tmp_path: Path
) -> None:
    loaded = acp_config("permission_streaming", tmp_path)
    first = start(project_dir, loaded)
    async with first.run_test() as pilot:
        await wait_for_shell(pilot)
        await submit(pilot, "?edit notes.txt")
        turn = first.query(AgentTurn).last()
        await wait_for(
            pilot, lambda: "Meanwhile" in turn.answer_text and "read-1" in turn.tool_blocks
        )
        await answer_permission(pilot, "y")
        await wait_for(pilot, lambda: turn.ended)
        await pilot.pause()
        live = turn_parts(turn)
    kinds = [kind for kind, _, _ in live]
    asked = kinds.index("PermissionPrompt")
    meanwhile = next(i for i, (_, _, shown) in enumerate(live) if "Meanwhile" in shown)
    assert kinds[asked - 1] == "ToolCallBlock", live  # the edit it asks about comes first
    assert asked < meanwhile < len(live) - 2, live  # then the read, then the outcome
    second = start(project_dir, loaded)
    async with second.run_test() as pilot:
        await wait_for_shell(pilot)
        await pilot.pause()
        assert turn_parts(second.query_one(AgentTurn)) == live
