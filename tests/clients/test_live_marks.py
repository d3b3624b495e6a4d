"""What the attach window's session picker says of the sessions the host runs (its `ps`)."""

from __future__ import annotations

from conch.clients.attach.live_marks import live_marks


def test_each_live_session_says_its_state_and_how_many_clients_follow_it() -> None:
    rows = [
        {"id": "a" * 32, "state": "working", "clients": 2},
        {"id": "b" * 32, "state": "idle", "clients": 1},
        {"id": "c" * 32, "state": "needs-input", "clients": 0},
        {"state": "idle", "clients": 1},  # no id: nothing to mark
    ]
    assert live_marks(rows) == {
        "a" * 32: "live · working · 2 clients",
        "b" * 32: "live · idle · 1 client",
        "c" * 32: "live · needs-input · 0 clients",
    }
