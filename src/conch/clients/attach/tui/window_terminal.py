"""The terminal ``conch attach`` runs in, as the host's session sees it.

A full-screen program started from this window gets the whole terminal while it runs: the
window is suspended and raw_passthrough.py copies keys and frames (resize included). One
started in another client is said in its command's block instead. Otherwise the session's
terminal gets the size its output is drawn in here, so a program's lines wrap as shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from conch.clients.attach.host_link import FullScreen, HostGone, HostRequestFailed
from conch.clients.attach.raw_passthrough import lend_terminal

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp


class WindowTerminal:
    """Lends ``app``'s terminal to its full-screen programs and tells the host its size."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app

    def full_screen_changed(self, program: FullScreen | None) -> None:
        """The host says a full-screen program started or ended (here or elsewhere)."""
        if program is not None and program.yours:
            self.app.run_worker(self._lend(self.app.link.screen), exclusive=True,
                                group="full-screen")  # fmt: skip
        else:
            self.app.view.show_full_screen(program.program if program else None)
        self.show_whose_keys()

    def show_whose_keys(self) -> None:
        """The prompt says when the running program has its keys in another client."""
        program = self.app.link.full_screen
        elsewhere = program is not None and not program.yours
        self.app.prompt_bar.elsewhere = program.program if program and elsewhere else ""

    async def _lend(self, screen: asyncio.Queue[bytes | None]) -> None:
        """This client's program gets the terminal until it ends. Nothing is drawn while
        suspended: the loop still runs (the host's frames come through it), and a frame
        drawn then would go to a stopped writer thread whose queue blocks when full."""
        app = self.app
        stdin, stdout = sys.__stdin__, sys.__stdout__
        try:
            if stdin is None or stdout is None:
                raise SuspendNotSupported("no terminal")
            with app.batch_update(), app.suspend():
                await lend_terminal(
                    stdin.fileno(), stdout.fileno(), screen, app.link.send_keys, app.link.resize
                )
        except SuspendNotSupported:
            app.notify("A full-screen program started, but this window cannot give it the "
                       "terminal.", severity="warning")  # fmt: skip

    def send_size(self) -> None:
        self.app.run_worker(self._send_size(), exclusive=True, group="resize")

    async def _send_size(self) -> None:
        """The session's terminal gets the size its output is drawn in here (not while this
        client's full-screen program has the whole terminal: it sends that size itself)."""
        app = self.app
        lent = app.link.full_screen is not None and app.link.full_screen.yours
        if app.is_observer or app.host_lost or lent:
            return
        width, height = app.view.conversation.scrollable_content_region.size
        with contextlib.suppress(HostGone, HostRequestFailed):
            await app.link.resize(max(5, height), max(20, width - 4))  # a block's bar, padding
