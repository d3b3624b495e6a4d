"""Tab through the host, for real: a detached `conch host`, the session's real bash and its
helper bash. The answer comes from the session's own state — its cwd after a `cd`, an alias
defined in it — which only the host sees, not from the client's process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.host.completion_wire import (
    completion_from_wire,
    completion_to_wire,
    request_completion,
)
from conch_plugins.shell_mode.completion import Candidate, Completion
from tests.host.test_host_sessions import attach, events_until, is_kind


async def run(connection: HostConnection, line: str) -> None:
    await connection.request("submit", line=line)
    await events_until(connection, is_kind("shell_end"))


async def test_tab_offers_the_files_of_the_sessions_cwd_after_a_cd(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    inner = project / "inner"
    inner.mkdir()
    for name in ("alpha.txt", "alpine.txt", "beta.txt"):
        (inner / name).write_text("")
    connection, _ = await attach(clients, cwd=str(project))
    await run(connection, "cd inner")
    completion = await request_completion(connection, "cat al", 6, "shell")
    assert [choice.text for choice in completion.candidates] == ["alpha.txt", "alpine.txt"]
    assert (completion.start, completion.end, completion.common) == (4, 6, "alp")
    assert completion.apply("cat al") == ("cat alp", 7)


async def test_tab_knows_an_alias_defined_in_the_session(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    connection, _ = await attach(clients, cwd=str(project))
    await run(connection, "alias zzconchalias='ls -l'")
    completion = await request_completion(connection, "zzconch", 7)
    assert [(c.text, c.kind) for c in completion.candidates] == [("zzconchalias", "alias")]
    assert completion.apply("zzconch") == ("zzconchalias ", 13)


async def test_a_bad_complete_request_is_refused_with_the_reason(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    connection, _ = await attach(clients, cwd=str(project))
    with pytest.raises(HostRequestFailed, match="outside the line"):
        await connection.request("complete", line="ls", cursor=9)
    with pytest.raises(HostRequestFailed, match="mode must be"):
        await connection.request("complete", line="ls", cursor=2, mode="vim")


async def test_an_observer_cannot_ask_for_completions(
    host: int, project: Path, clients: list[HostConnection]
) -> None:
    _, attached = await attach(clients, cwd=str(project))
    observer, _ = await attach(clients, role="observer", session=attached["session"])
    with pytest.raises(HostRequestFailed, match="observer"):
        await request_completion(observer, "l", 1)


def reply(**columns: object) -> dict[str, object]:
    """A ``complete`` reply of one file candidate, with ``columns`` replaced."""
    base = {"texts": ["x"], "displays": [None], "kinds": ["file"], "spaced": [True]}
    return {"start": 0, "end": 1, "common": "", "quote": "", **base, **columns}


def test_a_reply_that_is_not_a_completion_is_a_value_error() -> None:
    assert completion_from_wire(reply()).candidates == (Candidate("x", "x", "file"),)
    with pytest.raises(ValueError, match="not a completion"):
        completion_from_wire({"start": 0, "end": 1, "common": "", "quote": ""})
    with pytest.raises(ValueError, match="unknown candidate kind"):
        completion_from_wire(reply(kinds=["spaceship"]))
    with pytest.raises(ValueError, match="unknown candidate kind"):
        completion_from_wire(reply(kinds=[["file"]]))
    with pytest.raises(ValueError, match="differ in length"):
        completion_from_wire(reply(displays=[]))
    with pytest.raises(ValueError, match="not a string"):
        completion_from_wire(reply(texts=[3]))
    with pytest.raises(ValueError, match="not a string"):
        completion_from_wire(reply(displays=[["x"]]))


def test_a_completion_crosses_the_wire_unchanged() -> None:
    """A display equal to its text crosses as null and comes back as the text."""
    sent = Completion(4, 6, (Candidate("a\\ b", "a b", "file"), Candidate("src/", "src/",
                      "directory", False)), "", '"')  # fmt: skip
    assert completion_from_wire(json.loads(json.dumps(completion_to_wire(sent)))) == sent
