"""The session picker's rename and delete in ``conch attach``: requests to the host.

The host holds the claims of the sessions it runs, so a write from the window would be
refused for those; the host renames any session (a live one's new title reaches every client
through the shared state) and deletes a stored one, refusing a live one with what to do.
"""

from __future__ import annotations

from conch.clients.attach.host_link import HostLink
from conch.host.client import HostGone, HostRequestFailed
from conch.sessions import SessionSummary
from conch.tui.widgets.session_jobs import Changed, Failed


class HostSessionWrites:
    def __init__(self, link: HostLink) -> None:
        self.link = link

    async def rename(self, summary: SessionSummary, title: str | None) -> Changed | Failed:
        try:
            stored = await self.link.rename(title, session=summary.record.id)
        except (HostRequestFailed, HostGone) as error:
            return Failed(f"Could not rename “{summary.display_title}”: {error}.")
        return Changed(f"Renamed “{summary.display_title}” to “{stored or 'its first input'}”.")

    async def delete(self, summary: SessionSummary, done: str) -> Changed | Failed:
        try:
            await self.link.delete(summary.record.id)
        except (HostRequestFailed, HostGone) as error:
            return Failed(f"Could not delete “{summary.display_title}”: {error}.")
        return Changed(done)
