"""`conch attach`'s prompt is the app's, on a real host: Tab completes from the session's bash
in the host (its cwd after a `cd`, its aliases) with the app's menu and keys, and never
applies an answer to a line that changed since; Up/Down recall every session's lines, a
line typed in another client among them; Ctrl+R searches them (and restarts the host only
when it went away); a paste of several lines opens the app's review and goes to the host
whole; /new starts the recall afresh and drops a Tab still in flight.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.host.client import HostConnection
from conch.host.runtime import host_places
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.completion_menu import CompletionMenu
from conch.tui.widgets.history_search import HistorySearch
from conch.tui.widgets.paste_review import PasteReview
from conch_plugins.shell_mode.completion import Completion
from conch_plugins.shell_mode.modes import ExecutionMode
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached, project  # noqa: F401


async def run_line(pilot: Pilot[None], app: AttachApp, line: str) -> None:
    """Submit ``line`` (set, then Enter, the fast way) and wait for its command to end."""
    blocks = len(app.query(CommandBlock))
    app.prompt.value = line
    await app.prompt.action_submit()
    await wait_for(pilot, lambda: len(app.query(CommandBlock)) > blocks)
    await wait_for(pilot, lambda: not app.view.is_running)


def menu(app: AttachApp) -> CompletionMenu:
    return app.query_one(CompletionMenu)


async def type_at_prompt(pilot: Pilot[None], app: AttachApp, text: str) -> None:
    """Put ``text`` in the prompt, the cursor at its end (typing it key by key is slow)."""
    app.prompt.value = text
    app.prompt.cursor_position = len(text)
    await pilot.pause()


def completing(app: AttachApp) -> bool:
    return any(w.group == "completion" and not w.is_finished for w in app.workers)


def footer_keys(app: AttachApp) -> list[str]:
    return [str(key.description) for key in app.query("FooterKey").results(FooterKey)]


class HeldAnswers:
    """The host's real answers to Tab, each held until ``release`` (``asked`` once one has
    come), so a test can type on, or leave the session, while it is on its way."""

    def __init__(self, app: AttachApp) -> None:
        self.real = app.link.complete
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    async def complete(self, line: str, cursor: int, mode: str = "auto") -> Completion:
        completion = await self.real(line, cursor, mode)
        self.asked.set()
        await self.release.wait()
        return completion


@pytest.fixture
def files(project: Path) -> Path:  # noqa: F811
    sub = project / "sub"
    sub.mkdir()
    (sub / "file_one.txt").write_text("one\n")
    (sub / "file_two.txt").write_text("two\n")
    (sub / "single_notes.md").write_text("notes\n")
    return project


async def test_tab_completes_from_the_session_cwd_after_a_cd_with_the_apps_menu(
    files: Path,
) -> None:
    app = AttachApp(HostLink(str(files), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await run_line(pilot, app, "!cd sub")
        await wait_for(pilot, lambda: app.view.feed.cwd.endswith("/sub"))
        await type_at_prompt(pilot, app, "!cat sin")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.prompt.value == "!cat single_notes.md ")
        await type_at_prompt(pilot, app, "!cat fi")
        await pilot.press("tab")
        await wait_for(pilot, lambda: menu(app).is_open)
        assert app.prompt.value == "!cat file_", "the common part is inserted"
        assert menu(app).border_title == "2 matches"
        await pilot.press("tab")  # the first candidate, previewed
        assert app.prompt.value == "!cat file_one.txt"
        await pilot.press("down", "enter")  # the second, taken: Enter runs nothing yet
        assert not menu(app).is_open and app.prompt.value == "!cat file_two.txt "
        assert app.focused is app.prompt
        await type_at_prompt(pilot, app, "!cat fi")
        await pilot.press("tab")
        await wait_for(pilot, lambda: menu(app).is_open)
        await pilot.press("up")  # the menu's Up (the last candidate), not the history's
        assert app.prompt.value == "!cat file_two.txt"
        await pilot.press("escape")  # closes the menu, drops the preview, stops no agent
        assert not menu(app).is_open and app.prompt.value == "!cat file_"


async def test_tab_completes_the_sessions_aliases(project: Path) -> None:  # noqa: F811
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await run_line(pilot, app, "!alias zzgreetme='echo hi'")
        await type_at_prompt(pilot, app, "!zzgree")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.prompt.value.startswith("!zzgreetme"))


async def test_a_tab_answer_for_a_line_that_changed_since_is_never_applied(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = AttachApp(HostLink(str(files / "sub"), name="one"))
    held = HeldAnswers(app)
    monkeypatch.setattr(app.link, "complete", held.complete)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await type_at_prompt(pilot, app, "!cat fi")
        await pilot.press("tab")
        await wait_for(pilot, held.asked.is_set)
        await pilot.press("x")  # typed while the answer was on its way
        held.release.set()
        await wait_for(pilot, lambda: not completing(app))
        await pilot.pause()
        assert app.prompt.value == "!cat fix", "the stale answer changed nothing"
        assert not menu(app).is_open


async def test_up_recalls_a_line_typed_in_another_client_and_earlier_sessions(
    project: Path,  # noqa: F811
) -> None:
    laptop = await HostConnection.open(host_places().socket, "controller", "laptop")
    try:
        earlier = (await laptop.request("attach", cwd=str(project), new=True))["session"]
        await laptop.request("submit", line="echo from-an-earlier-session", mode="shell")
        await laptop.request("detach")
        session = (await laptop.request("attach", cwd=str(project), new=True))["session"]
        assert session != earlier
        app = AttachApp(HostLink(str(project), session=session, name="one"))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: attached(app), timeout=30)
            await run_line(pilot, app, "!echo typed-here")
            await laptop.request("submit", line="echo typed-on-the-laptop", mode="shell")
            await wait_for(pilot, lambda: len(app.query(CommandBlock)) == 2)
            await wait_for(pilot, lambda: not app.view.is_running)
            await wait_for(pilot, lambda: len(app.history.entries) == 3)  # the host's too
            await type_at_prompt(pilot, app, "a draft")
            await pilot.press("up")
            assert app.prompt.value == "echo typed-on-the-laptop"
            assert app.mode_provider.mode is ExecutionMode.SHELL, "the mode it was typed in"
            await pilot.press("up")
            assert app.prompt.value == "echo typed-here"
            await pilot.press("up")
            assert app.prompt.value == "echo from-an-earlier-session"
            await pilot.press("down", "down", "down")
            assert app.prompt.value == "a draft", "Down past the newest gives the draft back"
            assert app.mode_provider.mode is ExecutionMode.AUTO
    finally:
        await laptop.close()


async def test_ctrl_r_searches_the_history_and_puts_the_chosen_line_back(
    project: Path,  # noqa: F811
) -> None:
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await run_line(pilot, app, "!echo needle-in-history")
        await run_line(pilot, app, "!echo something-else")
        assert "History" in footer_keys(app) and "Restart host" not in footer_keys(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistorySearch))
        await pilot.press(*"needle")
        search = app.screen
        assert isinstance(search, HistorySearch)
        await wait_for(
            pilot, lambda: [e.text for e in search.matches] == ["echo needle-in-history"]
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, HistorySearch))
        assert app.prompt.value == "echo needle-in-history" and app.focused is app.prompt
        assert not app.host_lost, "Ctrl+R restarts nothing while the host is there"


async def test_a_multi_line_paste_is_reviewed_then_runs_in_the_host_as_one_script(
    project: Path,  # noqa: F811
) -> None:
    app = AttachApp(HostLink(str(project), name="one"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        app.mode_provider.mode = ExecutionMode.SHELL
        await type_at_prompt(pilot, app, "kept")
        app.prompt.post_message(events.Paste("echo pasted-one\necho pasted-two\n"))
        await wait_for(pilot, lambda: isinstance(app.screen, PasteReview))
        review = app.screen
        assert isinstance(review, PasteReview)
        assert review.destination == "the shell (Shell mode), as one script"
        await pilot.press("escape")  # dropped: nothing ran, the prompt is as it was
        await wait_for(pilot, lambda: not isinstance(app.screen, PasteReview))
        assert app.prompt.value == "kept" and not app.query(CommandBlock)
        await type_at_prompt(pilot, app, "")
        app.prompt.post_message(events.Paste("echo pasted-one\necho pasted-two\n"))
        await wait_for(pilot, lambda: isinstance(app.screen, PasteReview))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.query(CommandBlock)) == 1)
        await wait_for(pilot, lambda: not app.view.is_running)
        output = shown_text(app.query_one(CommandBlock))
        assert "pasted-one" in output and "pasted-two" in output, output


async def test_new_starts_the_recall_afresh_and_drops_a_tab_in_flight(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = AttachApp(HostLink(str(files), name="one"))
    held = HeldAnswers(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await run_line(pilot, app, "!echo in-the-first-session")
        first = app.link.session
        monkeypatch.setattr(app.link, "complete", held.complete)
        await type_at_prompt(pilot, app, "!cat su")
        await pilot.press("tab")
        await wait_for(pilot, held.asked.is_set)
        app.prompt.value = "/new"
        await app.prompt.action_submit()
        await wait_for(pilot, lambda: attached(app) and app.link.session != first)
        await type_at_prompt(pilot, app, "!cat su")  # the same line, in the new session
        held.release.set()  # the old session's answer arrives now …
        await pilot.pause()
        assert app.prompt.value == "!cat su", "… and is never applied"
        monkeypatch.setattr(app.link, "complete", held.real)
        await type_at_prompt(pilot, app, "")
        await pilot.press("up")
        assert app.prompt.value == "echo in-the-first-session", "history is every session's"
