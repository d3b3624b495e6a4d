"""What the session picker in ``conch attach`` says of a session the host runs: that it is
live, its state and how many clients follow it (the host's ``ps``, as ``conch ps`` prints
it). Plain Python."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def live_marks(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The status column of each live session, by id: ``live · working · 2 clients``."""
    marks: dict[str, str] = {}
    for row in rows:
        session, clients = str(row.get("id") or ""), row.get("clients")
        if not session:
            continue
        count = clients if isinstance(clients, int) else 0
        followers = f"{count} client" + ("" if count == 1 else "s")
        marks[session] = f"live · {row.get('state') or 'idle'} · {followers}"
    return marks
