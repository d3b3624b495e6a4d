"""Reading `export -p`: the values come back exactly, whatever bash escaped in them."""

from __future__ import annotations

import subprocess

from conch_plugins.shell_mode.bash_supervisor import parse_exports


def test_values_with_quotes_dollars_backslashes_and_newlines_survive() -> None:
    tricky = 'say "hi" to $USER \\ `now`\nsecond line'
    listing = subprocess.run(
        ["bash", "--norc", "-c", "export -p"],
        env={"TRICKY": tricky, "PLAIN": "x"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = parse_exports(listing)
    assert found["TRICKY"] == tricky
    assert found["PLAIN"] == "x"


def test_a_variable_exported_without_a_value_is_left_out() -> None:
    assert parse_exports('declare -x EMPTY\ndeclare -x SET=""\n') == {"SET": ""}
