"""Where Conch keeps its files: XDG directories via platformdirs.

XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_DATA_HOME are honoured, so users and
tests can isolate everything Conch writes.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "conch"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME))


def history_file() -> Path:
    return state_dir() / "history.jsonl"


def output_dir() -> Path:
    """Full output of commands too long for the in-widget scrollback."""
    return state_dir() / "output"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))
