"""load_config: defaults, values, and every problem reported (never raised)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch.config import ConchConfig, HistoryConfig, ShellConfig, UiConfig, load_config


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults_and_no_problems(config_path: Path) -> None:
    loaded = load_config(config_path)
    assert loaded.config == ConchConfig()
    assert loaded.problems == ()
    assert loaded.path == config_path
    assert not config_path.exists()


def test_empty_file_gives_defaults_and_no_problems(config_path: Path) -> None:
    loaded = load_config(write(config_path, ""))
    assert loaded.config == ConchConfig()
    assert loaded.problems == ()


def test_default_values() -> None:
    config = ConchConfig()
    assert config.shell == ShellConfig(source_bashrc=True, bash="bash", command_timeout=0.0)
    assert config.ui == UiConfig(default_mode="auto", scrollback_lines=5000)
    assert config.history == HistoryConfig(max_entries=10000)
    assert config.agents == {}


def test_every_setting_is_read(config_path: Path) -> None:
    write(
        config_path,
        """
[shell]
source_bashrc = false
bash = "/usr/local/bin/bash"
command_timeout = 12.5

[ui]
default_mode = "agent"
scrollback_lines = 200

[history]
max_entries = 50
""",
    )
    loaded = load_config(config_path)
    assert loaded.problems == ()
    assert loaded.config.shell == ShellConfig(False, "/usr/local/bin/bash", 12.5)
    assert loaded.config.ui == UiConfig("agent", 200)
    assert loaded.config.history == HistoryConfig(50)


def test_bad_toml_gives_defaults_and_a_problem_naming_the_file(config_path: Path) -> None:
    write(config_path, "[shell\nbash = \n")
    loaded = load_config(config_path)
    assert loaded.config == ConchConfig()
    assert len(loaded.problems) == 1
    assert str(config_path) in loaded.problems[0]


def test_file_that_is_not_utf8_gives_defaults_and_a_problem(config_path: Path) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_bytes(b'[shell]\nbash = "\xff\xfe"\n')
    loaded = load_config(config_path)
    assert loaded.config == ConchConfig()
    assert len(loaded.problems) == 1
    assert str(config_path) in loaded.problems[0]


def test_unreadable_path_gives_defaults_and_a_problem(config_path: Path) -> None:
    config_path.mkdir(parents=True)
    loaded = load_config(config_path)
    assert loaded.config == ConchConfig()
    assert len(loaded.problems) == 1
    assert str(config_path) in loaded.problems[0]


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[shell]\nsource_bashrc = "yes"\n', "shell.source_bashrc"),
        ("[shell]\nbash = 5\n", "shell.bash"),
        ('[shell]\ncommand_timeout = "10s"\n', "shell.command_timeout"),
        ("[shell]\ncommand_timeout = true\n", "shell.command_timeout"),
        ("[ui]\nscrollback_lines = 1.5\n", "ui.scrollback_lines"),
        ("[ui]\nscrollback_lines = true\n", "ui.scrollback_lines"),
        ('[history]\nmax_entries = "many"\n', "history.max_entries"),
        ("[history]\nmax_entries = [1]\n", "history.max_entries"),
    ],
)
def test_wrong_type_is_reported_by_key_and_the_default_kept(
    config_path: Path, toml: str, key: str
) -> None:
    loaded = load_config(write(config_path, toml))
    assert loaded.config == ConchConfig()
    assert len(loaded.problems) == 1
    assert key in loaded.problems[0]
    assert str(config_path) in loaded.problems[0]


def test_wrong_type_keeps_the_other_keys_of_the_section(config_path: Path) -> None:
    loaded = load_config(write(config_path, '[shell]\nsource_bashrc = "no"\nbash = "zsh"\n'))
    assert loaded.config.shell.bash == "zsh"
    assert loaded.config.shell.source_bashrc is True
    assert len(loaded.problems) == 1


def test_wrong_type_problem_says_what_is_used_instead(config_path: Path) -> None:
    loaded = load_config(write(config_path, '[ui]\nscrollback_lines = "lots"\n'))
    assert "5000" in loaded.problems[0]


def test_integer_is_accepted_for_a_float_key(config_path: Path) -> None:
    loaded = load_config(write(config_path, "[shell]\ncommand_timeout = 30\n"))
    assert loaded.problems == ()
    assert loaded.config.shell.command_timeout == 30.0
    assert type(loaded.config.shell.command_timeout) is float


def test_unknown_key_is_reported_and_ignored(config_path: Path) -> None:
    loaded = load_config(write(config_path, '[ui]\ncolour = "blue"\nscrollback_lines = 10\n'))
    assert loaded.config.ui.scrollback_lines == 10
    assert len(loaded.problems) == 1
    assert "ui.colour" in loaded.problems[0]


def test_unknown_section_is_reported(config_path: Path) -> None:
    loaded = load_config(write(config_path, "[theme]\nname = 'dark'\n"))
    assert loaded.config == ConchConfig()
    assert len(loaded.problems) == 1
    assert "theme" in loaded.problems[0]


def test_unknown_top_level_key_is_reported(config_path: Path) -> None:
    loaded = load_config(write(config_path, "debug = true\n"))
    assert len(loaded.problems) == 1
    assert "debug" in loaded.problems[0]


def test_section_that_is_not_a_table_is_reported(config_path: Path) -> None:
    loaded = load_config(write(config_path, 'shell = "bash"\n'))
    assert loaded.config.shell == ShellConfig()
    assert len(loaded.problems) == 1
    assert "shell" in loaded.problems[0]


@pytest.mark.parametrize("mode", ["turbo", "", "Shell "])
def test_bad_default_mode_is_reported_and_auto_used(config_path: Path, mode: str) -> None:
    loaded = load_config(write(config_path, f'[ui]\ndefault_mode = "{mode}"\n'))
    assert loaded.config.ui.default_mode == "auto"
    assert len(loaded.problems) == 1
    assert "default_mode" in loaded.problems[0]
    for choice in ("auto", "shell", "agent"):
        assert choice in loaded.problems[0]


def test_default_mode_of_the_wrong_type_is_reported_once(config_path: Path) -> None:
    loaded = load_config(write(config_path, "[ui]\ndefault_mode = 3\n"))
    assert loaded.config.ui.default_mode == "auto"
    assert len(loaded.problems) == 1
    assert "ui.default_mode" in loaded.problems[0]


@pytest.mark.parametrize("mode", ["auto", "shell", "agent"])
def test_every_valid_default_mode_is_accepted(config_path: Path, mode: str) -> None:
    loaded = load_config(write(config_path, f'[ui]\ndefault_mode = "{mode}"\n'))
    assert loaded.problems == ()
    assert loaded.config.ui.default_mode == mode


def test_agent_tables_are_kept(config_path: Path) -> None:
    write(
        config_path,
        """
[agents.claude]
command = "claude"
args = ["--print"]

[agents.local]
model = "small"
temperature = 0.2
""",
    )
    loaded = load_config(config_path)
    assert loaded.problems == ()
    assert loaded.config.agents == {
        "claude": {"command": "claude", "args": ["--print"]},
        "local": {"model": "small", "temperature": 0.2},
    }


def test_agents_that_is_not_a_table_is_reported(config_path: Path) -> None:
    loaded = load_config(write(config_path, 'agents = "claude"\n'))
    assert loaded.config.agents == {}
    assert len(loaded.problems) == 1
    assert "agents" in loaded.problems[0]


def test_several_problems_are_all_reported(config_path: Path) -> None:
    write(
        config_path,
        """
[shell]
bash = 1
[ui]
default_mode = "nope"
typo = 1
[extra]
""",
    )
    loaded = load_config(config_path)
    assert len(loaded.problems) == 4
    assert all(str(config_path) in problem for problem in loaded.problems)


def test_default_path_is_under_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    write(config_home / "conch" / "config.toml", "[history]\nmax_entries = 7\n")
    loaded = load_config()
    assert loaded.path == config_home / "conch" / "config.toml"
    assert loaded.config.history.max_entries == 7


def test_default_mode_is_case_insensitive_like_parse_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\ndefault_mode = "Shell"\n')
    loaded = load_config(path)
    assert loaded.problems == ()
    assert loaded.config.ui.default_mode == "shell"
