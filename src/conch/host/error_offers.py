"""After a line fails in a host session: "did you mean `git status`?" or "send it to the agent?",
for the client that submitted the line and no other.

The host decides, because only it knows what the decision needs: the session's commands (the
PATH, aliases and functions of its bash), whether the session has an agent, and which client
submitted the line. The decision is the app's own (failure_offer.offer_after_failure). It goes
to that client as one ``error_offer`` message, sent after the command's ``shell_end`` event:
``block`` is the index of the command's ``shell_start`` event, ``kind`` is ``correction``
(``text`` is the corrected command), ``agent`` (``text`` is the line to send) or ``no-agent``
(the line reads as a request and there is no agent: nothing to accept, ``message`` says so).
The client shows it and sends an accepted line back as an ordinary ``submit``. Other clients
see the failed block only. Plain Python, no Textual.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.command_result import CommandResult
from conch_plugins.shell_mode.failure_offer import Offer, OfferKind, offer_after_failure

MESSAGE_TYPE = "error_offer"
SAMPLE_CHARS = 16_384
"""Output kept from each end of a command's output for the decision: the error that makes an
offer (``command not found``, ``No such file or directory``, a usage line) is short and comes
first or last; a command that printed megabytes costs the host no copy of them."""
_KINDS: tuple[OfferKind, ...] = ("agent", "correction", "no-agent")


class OutputSample:
    """The start and the end of a command's output (its middle is dropped past 2 × limit)."""

    def __init__(self, limit: int = SAMPLE_CHARS) -> None:
        self.limit = limit
        self._head: list[str] = []
        self._head_size = 0
        self._tail = ""
        self._dropped = False
        self._lock = threading.Lock()
        """Output comes from bash's reader; the end is read on the session's thread."""

    def add(self, text: str) -> None:
        with self._lock:
            room = self.limit - self._head_size
            if room > 0:
                self._head.append(text[:room])
                self._head_size += min(room, len(text))
                text = text[room:]
            if text:
                kept = self._tail + text
                self._dropped |= len(kept) > self.limit
                self._tail = kept[-self.limit :]

    def text(self) -> str:
        with self._lock:
            gap = "\n[…]\n" if self._dropped else ""
            return "".join(self._head) + gap + self._tail


@dataclass(frozen=True)
class CommandEnded:
    """A submitted command ended (told by the session's engine, on its thread)."""

    block: int
    """The index of the command's ``shell_start`` event."""
    command: str
    result: CommandResult
    output: OutputSample
    owner: object
    """The follower of the client whose ``submit`` ran the line."""


def offer_message(
    session_id: str, ended: CommandEnded, index: CommandIndex, *, has_agent: bool
) -> dict[str, Any] | None:
    """The ``error_offer`` message for the line's client, or None when there is nothing to
    offer (it succeeded, was interrupted, or failed in a way Conch does not read)."""
    offer = offer_after_failure(ended.command, ended.result, ended.output.text, index,
                                agent=has_agent)  # fmt: skip
    if offer is None:
        return None
    return {"type": MESSAGE_TYPE, "session": session_id, "block": ended.block,
            "kind": offer.kind, "text": offer.text, "message": offer.message}  # fmt: skip


def offer_from_wire(message: dict[str, Any]) -> tuple[int, Offer] | None:
    """The block and the offer an ``error_offer`` message carries; None if it is not one."""
    block, kind = message.get("block"), message.get("kind")
    text, said = message.get("text"), message.get("message")
    if not isinstance(block, int) or not isinstance(text, str) or not isinstance(said, str):
        return None
    for known in _KINDS:
        if kind == known:
            return block, Offer(known, text, said)
    return None
