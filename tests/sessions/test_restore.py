"""After a restart: a new shell where the old one was, with the safe part of its environment,
and the agent loaded when it can be."""

from __future__ import annotations

from pathlib import Path

from conch.sessions import events as ev
from conch.sessions.environment import is_restorable, safe_environment
from conch.sessions.journal import Journal
from conch.sessions.restore import plan_agent_restore, plan_shell_restore


def test_the_new_shell_starts_in_the_last_cwd_with_a_note(journal: Journal, tmp_path: Path) -> None:
    project, sub = tmp_path / "project", tmp_path / "project" / "src"
    sub.mkdir(parents=True)
    sid = journal.create_session(str(project), "auto", "fake").id
    journal.append(sid, ev.SHELL_START, ev.USER, ev.shell_start("cd src", str(project)))
    journal.append(sid, ev.SHELL_END, ev.SHELL, ev.shell_end(0, str(sub)))
    plan = plan_shell_restore(journal.get_session(sid), journal.events(sid), home=str(tmp_path))
    assert plan.cwd == str(sub) and not plan.cwd_was_missing
    assert "new shell in ~/project/src" in plan.note


def test_a_deleted_directory_falls_back_to_the_session_directory(
    journal: Journal, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    sid = journal.create_session(str(project), "auto", "fake").id
    journal.append(sid, ev.CWD_CHANGE, ev.SHELL, ev.cwd_change(str(project / "gone")))
    plan = plan_shell_restore(journal.get_session(sid), journal.events(sid), home=str(tmp_path))
    assert plan.cwd == str(project) and plan.cwd_was_missing
    assert "~/project/gone no longer exists" in plan.note


def test_when_every_directory_is_gone_the_shell_starts_at_home(
    journal: Journal, tmp_path: Path
) -> None:
    sid = journal.create_session(str(tmp_path / "removed"), "auto", "fake").id
    plan = plan_shell_restore(journal.get_session(sid), journal.events(sid), home=str(tmp_path))
    assert plan.cwd == str(tmp_path)


def test_exported_variables_come_back_but_secrets_never_reach_the_journal(
    journal: Journal, tmp_path: Path
) -> None:
    sid = journal.create_session(str(tmp_path), "auto", "fake").id
    changed = {"VIRTUAL_ENV": "/v", "NODE_ENV": "dev", "GITHUB_TOKEN": "ghp_x",
               "AWS_SECRET_ACCESS_KEY": "s", "PWD": "/x", "SSH_AUTH_SOCK": "/s"}  # fmt: skip
    journal.append(sid, ev.SHELL_ENV, ev.SHELL, ev.shell_env(changed))
    journal.append(sid, ev.SHELL_ENV, ev.SHELL, ev.shell_env({}, removed=("NODE_ENV",)))
    stored = [e.payload for e in journal.events(sid)]
    assert "ghp_x" not in str(stored) and "AWS_SECRET" not in str(stored)
    plan = plan_shell_restore(journal.get_session(sid), journal.events(sid), home=str(tmp_path))
    assert plan.environment == {"VIRTUAL_ENV": "/v"}
    assert "Exported variables restored: VIRTUAL_ENV." in plan.note


def test_which_names_are_restorable() -> None:
    for name in ("VIRTUAL_ENV", "PATH", "EDITOR", "MY_FLAG", "RUST_LOG"):
        assert is_restorable(name), name
    secrets = ("OPENAI_API_KEY", "DB_PASSWORD", "SLACK_TOKEN", "GH_AUTH", "AWS_SECRET")
    shell_owned = ("SHLVL", "BASH_ENV", "PROMPT_COMMAND", "CONCH_X", "PWD")
    surroundings = ("DISPLAY", "SSH_AGENT_PID", "TMUX")
    for name in (*secrets, *shell_owned, *surroundings, "1BAD", "A-B"):
        assert not is_restorable(name), name
    assert safe_environment({"BIG": "x" * 5000, "NUL": "a\0b", "OK": "yes"}) == {"OK": "yes"}


def test_the_agent_session_is_loaded_only_for_the_same_agent(journal: Journal) -> None:
    sid = journal.create_session("/w", "auto", "opencode").id
    assert plan_agent_restore(journal.get_session(sid), "opencode").load_session_id is None
    journal.set_agent_session_id(sid, "acp-42")
    record = journal.get_session(sid)
    assert plan_agent_restore(record, "opencode").load_session_id == "acp-42"
    assert plan_agent_restore(record, "vibe").load_session_id is None
