"""`conch attach`'s window on a host that found the journal damaged, under Pilot: the
salvaged session comes back as the app shows it (its big output's last lines and count) with
the notice of where the damaged file went below it; a second window is not told again."""

from __future__ import annotations

from pathlib import Path

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.tui.attach_app import AttachApp
from conch.sessions.locations import journal_path
from conch.tui.widgets.command_block import CommandBlock
from conch.tui.widgets.notice import Notice
from tests.host.conch_process import conch
from tests.hostile.conftest import damage, write_journal
from tests.pilot.conftest import shown_text, wait_for
from tests.pilot.test_attach_app_agent import SIZE, attached


def notices(app: AttachApp) -> list[str]:
    return [shown_text(notice) for notice in app.query(Notice)]


async def test_a_salvaged_session_shows_below_it_where_the_damaged_journal_went(
    isolated_home: Path,
) -> None:
    project = isolated_home / "project"
    project.mkdir()
    write_journal(journal_path(), str(project), sessions=1, lines=3)
    damage(journal_path(), "random_header")
    # Started as `conch` starts it (not a child of this process, which would not reap it).
    assert conch("host").returncode == 0, "the host salvages as it starts"
    app = AttachApp(HostLink(str(project), name="first"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(app), timeout=30)
        await wait_for(pilot, lambda: any("set aside" in text for text in notices(app)))
        last = app.view.conversation.children[-1]
        assert isinstance(last, Notice) and "salvaged" in shown_text(last), "below the history"
        seq = [block for block in app.query(CommandBlock) if block.command == "seq 1 40000"]
        assert "40,000 lines, last 5,000 shown" in seq[0].status_text
    again = AttachApp(HostLink(str(project), name="second"))
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: attached(again) and bool(again.query(CommandBlock)))
        await pilot.pause()
        assert not [text for text in notices(again) if "set aside" in text], "said once"
