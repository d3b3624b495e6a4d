"""Tab through the host: a Completion as it crosses the socket, and the client's request.

The host answers ``complete`` (``line``, ``cursor``, ``mode``) with what the session's own
helper bash offers — the session's cwd, PATH, aliases and completion specs, which only the
host sees. The reply is the Completion's fields, each candidate as
``[text, display, kind, space_after]``.
"""

from __future__ import annotations

from typing import Any

from conch.host.client import HostConnection
from conch_plugins.shell_mode.completion import Candidate, Completion
from conch_plugins.shell_mode.completion.model import KINDS


def completion_to_wire(completion: Completion) -> dict[str, Any]:
    return {
        "start": completion.start,
        "end": completion.end,
        "common": completion.common,
        "quote": completion.quote,
        "candidates": [
            [choice.text, choice.display, choice.kind, choice.space_after]
            for choice in completion.candidates
        ],
    }


def completion_from_wire(reply: dict[str, Any]) -> Completion:
    """The Completion in a ``complete`` reply; ValueError if it is not one."""
    try:
        start, end, common, quote = reply["start"], reply["end"], reply["common"], reply["quote"]
        rows = reply["candidates"]
        candidates = tuple(
            Candidate(str(text), str(display), str(kind), bool(space_after))
            for text, display, kind, space_after in rows
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a completion: {error}") from None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        raise ValueError("not a completion: bad start/end")
    if any(choice.kind not in KINDS for choice in candidates):
        raise ValueError("not a completion: unknown candidate kind")
    return Completion(start, end, candidates, str(common), str(quote))


async def request_completion(
    connection: HostConnection, line: str, cursor: int, mode: str = "auto"
) -> Completion:
    """What Tab offers for ``line`` at ``cursor`` in the attached session."""
    reply = await connection.request("complete", line=line, cursor=cursor, mode=mode)
    return completion_from_wire(reply)
