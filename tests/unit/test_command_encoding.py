"""command_encoding: what the user typed becomes one safe line for the session bash.

Round trips go through a real (non-interactive) bash: what bash makes of the
quoted text must be exactly what was typed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_encoding import (
    AFTER,
    MAX_TTY_LINE,
    ansi_c_quote,
    encode_command,
    file_command,
    normalise_newlines,
)

# Stands in for conch_init.bash's hook that every encoded line ends with; it
# keeps the command's status.
AFTER_HOOK = "__conch_after() { return; }\n"


def bash(script: str, cwd: Path | None = None) -> bytes:
    """stdout of ``bash --norc -c script``; fails on a non-zero exit."""
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", AFTER_HOOK + script],
        capture_output=True,
        cwd=cwd,
        check=True,
        timeout=10,
    )
    return done.stdout


def is_one_safe_line(line: str) -> bool:
    """No byte the tty's line discipline would act on, no newline."""
    return all(ord(char) >= 0x20 and ord(char) != 0x7F for char in line)


SAMPLES = [
    "",
    "plain words",
    "a'b\\c",
    "'",
    "\\",
    "\\'",
    "'\\''",
    "\"double\" and 'single'",
    "line one\nline two\n",
    "\n\n",
    "tab\tcr\rlf\n",
    "$HOME $(echo no) `echo no` ${x:-y} * ? [a] ~ !! !$",
    "ünïcödé ✓ 日本語 🐚",
    "\x01ab\x02ff\x7f7",
    "\x1b[31mred\x1b[0m",
    "".join(chr(code) for code in range(1, 128)),
]


@pytest.mark.parametrize("text", SAMPLES)
def test_ansi_c_quote_has_no_control_bytes(text: str) -> None:
    quoted = ansi_c_quote(text)
    assert quoted.startswith("$'")
    assert quoted.endswith("'")
    assert is_one_safe_line(quoted)


@pytest.mark.parametrize("text", SAMPLES)
def test_ansi_c_quote_round_trips_through_bash(text: str) -> None:
    assert bash(f"printf '%s' {ansi_c_quote(text)}") == text.encode()


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ("\\", "\\\\"),
        ("'", "\\'"),
        ("\n", "\\n"),
        ("\t", "\\t"),
        ("\r", "\\r"),
        ("\x03", "\\x03"),
        ("\x1b", "\\x1b"),
        ("\x7f", "\\x7f"),
    ],
)
def test_ansi_c_quote_escapes_special_characters(char: str, escaped: str) -> None:
    assert ansi_c_quote(char) == f"$'{escaped}'"


def test_ansi_c_quote_leaves_printable_text_and_unicode_alone() -> None:
    assert ansi_c_quote('echo "hi" $x ü ✓') == "$'echo \"hi\" $x ü ✓'"


def test_hex_escape_followed_by_a_hex_digit_stays_one_byte() -> None:
    assert bash(f"printf '%s' {ansi_c_quote(chr(1) + 'f')}") == b"\x01f"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("a\r\nb\r\n", "a\nb\n"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("no newlines", "no newlines"),
        ("a\nb", "a\nb"),
    ],
)
def test_normalise_newlines_turns_crlf_and_cr_into_lf(pasted: str, expected: str) -> None:
    assert normalise_newlines(pasted) == expected


def test_encode_command_is_one_eval_line() -> None:
    line = encode_command("for i in 1 2\ndo echo $i\ndone")
    assert line is not None
    assert line.startswith(" eval $'")
    assert is_one_safe_line(line)


@pytest.mark.parametrize(
    ("command", "output"),
    [
        ("echo hi", b"hi\n"),
        ("for i in 1 2 3\ndo\n  echo $i\ndone", b"1\n2\n3\n"),
        ("printf '%s' 'a'\"'\"'b\\\\c'", b"a'b\\\\c"),
        ("echo one\r\necho two\r\n", b"one\ntwo\n"),
        ("x='it'\\''s'; echo \"$x\"", b"it's\n"),
        ("cat <<'EOF'\n$not expanded\nEOF", b"$not expanded\n"),
    ],
)
def test_encoded_command_runs_as_typed(command: str, output: bytes) -> None:
    line = encode_command(command)
    assert line is not None
    assert bash(line) == output


def test_unfinished_command_becomes_a_syntax_error_not_more_input() -> None:
    line = encode_command("echo 'abc")
    assert line is not None
    done = subprocess.run(
        ["bash", "--norc", "-c", AFTER_HOOK + line], capture_output=True, timeout=10, check=False
    )
    assert done.returncode == 2
    assert b"unexpected EOF" in done.stderr


def test_encode_command_fits_up_to_the_tty_line_limit() -> None:
    prefix_length = len(" eval $''" + AFTER)
    fits = "x" * (MAX_TTY_LINE - prefix_length)
    line = encode_command(fits)
    assert line is not None
    assert len(line.encode()) == MAX_TTY_LINE
    assert encode_command(fits + "x") is None


def test_encode_command_counts_bytes_not_characters() -> None:
    command = "é" * (MAX_TTY_LINE // 2)
    assert len(" eval $''" + AFTER + command) < MAX_TTY_LINE
    assert encode_command(command) is None


def test_escapes_count_towards_the_limit() -> None:
    assert encode_command("\x01" * (MAX_TTY_LINE // 4)) is None


def test_file_command_runs_a_stored_command_in_the_current_shell(tmp_path: Path) -> None:
    folder = tmp_path / "it's a dir"
    folder.mkdir()
    script = folder / "long command.sh"
    payload = "y" * 6000
    script.write_text(f"conch_var={payload}\nfor i in 1 2; do echo $i; done\n")
    line = file_command(str(script))
    assert is_one_safe_line(line)
    assert bash(line + '\necho "${#conch_var}"') == b"1\n2\n6000\n"
