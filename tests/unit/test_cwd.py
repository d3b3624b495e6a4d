"""shorten_home: how a working directory is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.cwd import shorten_home


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/home/ann/src", "~/src"),
        ("/home/ann/src/conch/tests", "~/src/conch/tests"),
        ("/home/ann", "~"),
        ("/home/ann/", "~/"),
    ],
)
def test_paths_under_home_start_with_a_tilde(path: str, shown: str) -> None:
    assert shorten_home(path, "/home/ann") == shown


@pytest.mark.parametrize("path", ["/etc", "/home", "/home/bob/src", "/", "relative/dir", ""])
def test_paths_outside_home_are_unchanged(path: str) -> None:
    assert shorten_home(path, "/home/ann") == path


def test_sibling_directory_sharing_the_home_prefix_is_unchanged() -> None:
    assert shorten_home("/home/annie/src", "/home/ann") == "/home/annie/src"
    assert shorten_home("/home/ann-old", "/home/ann") == "/home/ann-old"


def test_home_given_with_a_trailing_slash_works() -> None:
    assert shorten_home("/home/ann/src", "/home/ann/") == "~/src"
    assert shorten_home("/home/ann", "/home/ann/") == "~"


def test_root_as_home_does_not_turn_every_path_into_a_tilde() -> None:
    assert shorten_home("/etc/hosts", "/") == "/etc/hosts"
    assert shorten_home("/", "/") == "/"


def test_empty_home_leaves_paths_unchanged() -> None:
    assert shorten_home("/home/ann/src", "") == "/home/ann/src"


def test_default_home_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fake-home"
    monkeypatch.setenv("HOME", str(home))
    assert shorten_home(str(home / "work")) == "~/work"
    assert shorten_home(str(home)) == "~"
    assert shorten_home("/usr/share") == "/usr/share"
