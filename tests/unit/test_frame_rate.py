"""Conch asks Textual for more frames a second, without leaking the setting to bash."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = (
    "import os; from conch.tui.frame_rate import raise_frame_rate; raise_frame_rate(); "
    "import textual.screen as screen; "
    "print(round(1 / screen.UPDATE_PERIOD), os.environ.get('TEXTUAL_FPS', 'unset'))"
)


def probe(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_textual_draws_up_to_240_frames_and_programs_in_the_shell_do_not_see_it() -> None:
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    assert probe(env) == "240 unset"


def test_a_frame_rate_the_user_set_wins() -> None:
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    assert probe(env | {"TEXTUAL_FPS": "30"}) == "30 30"
