"""Big outputs of a session's restored commands, read from the host when a window attaches.

The journal stores an output over 64 KiB as a blob and keeps only its size and tail in the
event, which is what the host sends. The app reads the blobs of the commands it mounts
(widgets/restored.py), so a restored command shows its last lines and how many there were
("40,000 lines, last 5,000 shown"); the window asks the host for the same blobs (the ``blob``
request), newest first, within a budget. An output over the budget, or of a command mounted
later (scrolling up), shows its stored tail after a marker, as before.
Plain asyncio: no Textual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from conch.host.client import HostGone, HostRequestFailed
from conch.sessions.views import ConversationItem, OutputRef, ShellBlock

FetchBlob = Callable[[int], Awaitable[str]]
ReadBlob = Callable[[int], str]

BLOB_LIMIT = 8 * 1024 * 1024
"""Bytes of one blob read from the host at most: its reply stays under the wire's 64 MiB
frame limit even if every byte is escaped in JSON (6 bytes for a control character)."""
TOTAL_LIMIT = 32 * 1024 * 1024
"""Bytes read from the host for one attach at most (the newest commands' first)."""


async def blob_reader(
    items: Sequence[ConversationItem], mounted_from: int, fetch: FetchBlob
) -> ReadBlob:
    """What ``read_blob`` returns for every blob ``items`` refer to: the text the host sent
    for those of ``items[mounted_from:]`` in the budget, the stored preview (size and tail)
    for the others, and for all once the host fails to send one."""
    texts = {ref.ref: ref.preview() for ref in _refs(items)}
    budget = TOTAL_LIMIT
    for ref in reversed(_refs(items[mounted_from:])):
        if ref.size > min(BLOB_LIMIT, budget):
            continue
        try:
            texts[ref.ref] = await fetch(ref.ref)
        except (HostGone, HostRequestFailed):
            break  # the follow loop hears of a host that went away
        budget -= ref.size
    return texts.__getitem__


def _refs(items: Sequence[ConversationItem]) -> list[OutputRef]:
    return [
        piece
        for item in items
        if isinstance(item, ShellBlock)
        for piece in item.output
        if isinstance(piece, OutputRef)
    ]
