"""fullscreen: which commands need the real terminal, and the alternate-screen escape."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.fullscreen import (
    ALT_SCREEN_ENTER,
    enters_alternate_screen,
    is_fullscreen_command,
)


@pytest.mark.parametrize(
    "command",
    [
        "vim",
        "vim notes.txt",
        "vi",
        "nvim .",
        "nano file",
        "emacs -nw",
        "less README.md",
        "more file",
        "man bash",
        "man 5 crontab",
        "top",
        "htop",
        "watch -n 1 date",
        "tmux",
        "fzf",
        "/usr/bin/vim x",
        "sudo vim x",
        "sudo -E vim /etc/hosts",
        "FOO=1 vim",
        "FOO=1 BAR='two words' less x",
        "env FOO=1 vim",
        "command vim",
        "nohup top",
        "exec vim",
        "crontab -e",
        "ssh host",
        "ssh user@host",
        "ssh -v host",
        "ssh -p 2222 host",
        "ssh -i ~/.ssh/key -l me host",
    ],
)
def test_full_screen_programs_are_recognised(command: str) -> None:
    assert is_fullscreen_command(command)


@pytest.mark.parametrize(
    "command",
    [
        "ls",
        "ls -la",
        "git status",
        "git log",
        "python3",
        "python3 script.py",
        "sqlite3 db.sqlite",
        "echo vim",
        "cat less.txt",
        "grep top file",
        "ssh host ls",
        "ssh -p 2222 host uptime",
        "crontab -l",
        "FOO=1",
        "sudo",
        "",
        "   ",
        "# vim in a comment",
        "echo 'unterminated",
    ],
)
def test_ordinary_commands_are_not_full_screen(command: str) -> None:
    assert not is_fullscreen_command(command)


@pytest.mark.parametrize("sequence", ALT_SCREEN_ENTER)
def test_alternate_screen_escape_is_found(sequence: bytes) -> None:
    assert enters_alternate_screen(b"before" + sequence + b"after") == len(b"before")


def test_alternate_screen_escape_at_the_start_is_found() -> None:
    assert enters_alternate_screen(b"\x1b[?1049h\x1b[H\x1b[2J") == 0


def test_earliest_alternate_screen_escape_wins() -> None:
    data = b"ab\x1b[?47hcd\x1b[?1049h"
    assert enters_alternate_screen(data) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain output\r\n",
        b"\x1b[31mcolour\x1b[0m",
        b"\x1b[?1049l",
        b"\x1b[?25h\x1b[?25l",
        b"\x1b[?1049",
    ],
)
def test_output_without_the_alternate_screen_escape_is_not_detected(data: bytes) -> None:
    assert enters_alternate_screen(data) == -1
