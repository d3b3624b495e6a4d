"""Tab through the host, for real: a detached `conch host`, the session's real bash and its
helper bash. The answer comes from the session's own state — its cwd after a `cd`, an alias
defined in it — which only the host sees, not from the client's process."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.host.client import HostConnection, HostRequestFailed
from conch.host.completion_wire import completion_from_wire, request_completion
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


def test_a_reply_that_is_not_a_completion_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a completion"):
        completion_from_wire({"start": 0, "end": 1, "common": "", "quote": ""})
    with pytest.raises(ValueError, match="unknown candidate kind"):
        completion_from_wire({"start": 0, "end": 1, "common": "", "quote": "",
                              "candidates": [["x", "x", "spaceship", True]]})  # fmt: skip
