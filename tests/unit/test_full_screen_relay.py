"""The name a full-screen program is announced by, and whose it is while it runs."""

from __future__ import annotations

import os

from conch.host.full_screen_relay import FullScreenProgram, FullScreenRelay, program_name
from conch_plugins.shell_mode.sentinel import ScanResult


def test_the_program_is_named_without_prefixes_or_paths() -> None:
    assert program_name("vim -u NONE -N notes.txt") == "vim"
    assert program_name("sudo /usr/bin/vim /etc/hosts") == "vim"
    assert program_name("LESS=-R less log.txt") == "less"
    assert program_name("") == "a full-screen program"


def test_lending_tells_its_start_and_end_and_sends_the_screen_to_its_owner_first() -> None:
    relay = FullScreenRelay()
    owner, other = object(), object()
    heard: list[object] = []
    relay.on_change = heard.append
    relay.on_output = lambda to, data: heard.append((to, data))

    def program(keys: int, screen: int) -> ScanResult:
        assert relay.is_held_by_another(other) and not relay.is_held_by_another(owner)
        os.write(screen, b"drawn")
        return ScanResult(b"")

    assert relay.lend(program, "vim notes.txt", owner) == ScanResult(b"")
    assert heard == [FullScreenProgram("vim", owner), (owner, b"drawn"), None]
    assert relay.current is None and not relay.is_held_by_another(other)


def test_a_program_whose_owner_left_is_nobodys_until_adopted_and_then_redrawn() -> None:
    relay = FullScreenRelay()
    owner, other, newcomer = object(), object(), object()
    redraws: list[object] = []
    relay.on_adopted = lambda: redraws.append(relay.current)
    screens: list[tuple[object, bytes]] = []
    relay.on_output = lambda to, data: screens.append((to, data))

    def program(keys: int, screen: int) -> ScanResult:
        relay.leave(other)  # not its program: nothing changes
        assert relay.current == FullScreenProgram("less", owner)
        relay.leave(owner)
        assert relay.is_held_by_another(owner) and relay.is_held_by_another(newcomer)
        assert relay.adopt(newcomer) and not relay.adopt(other)
        assert not relay.is_held_by_another(newcomer)
        os.write(screen, b"page")
        return ScanResult(b"")

    relay.lend(program, "less notes.txt", owner)
    assert redraws == [FullScreenProgram("less", newcomer)]
    assert screens == [(newcomer, b"page")]
    assert relay.current is None
    relay.leave(newcomer)  # it ended: leaving brings nothing back
    assert relay.current is None and not relay.adopt(other)
