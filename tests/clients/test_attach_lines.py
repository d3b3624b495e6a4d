"""The attach client's plain decisions: where a typed line goes, which queued prompt
``/cancel N`` means, and which shared question a journaled request is."""

from __future__ import annotations

import pytest

from conch.clients.attach.line_submission import Submission, submission_for
from conch.clients.attach.queue_cancel import NothingToCancel, prompt_to_cancel, queue_lines
from conch.clients.attach.shared_questions import SharedQuestions
from conch.clients.attach.slash_lines import SlashLine, attach_help, not_here_yet, slash_line
from conch.paste_destination import UNKNOWN, paste_destination
from conch_plugins.shell_mode.modes import ExecutionMode

AUTO, SHELL, AGENT = ExecutionMode.AUTO, ExecutionMode.SHELL, ExecutionMode.AGENT


def test_a_bang_runs_the_rest_in_the_shell_whatever_the_mode() -> None:
    for mode in ExecutionMode:
        assert submission_for("!ls -la", mode) == Submission("ls -la", "shell")


def test_a_question_mark_sends_the_rest_to_the_agent_whatever_the_mode() -> None:
    for mode in ExecutionMode:
        assert submission_for("? what is here", mode) == Submission("what is here", "agent")


def test_without_a_prefix_the_line_goes_in_the_clients_mode() -> None:
    assert submission_for("git status", AUTO) == Submission("git status", "auto")
    assert submission_for("  echo hi", SHELL) == Submission("  echo hi", "shell")
    assert submission_for(" explain this ", AGENT) == Submission("explain this", "agent")


def test_a_bare_prefix_or_blank_line_sends_nothing() -> None:
    assert submission_for("!", AUTO) is None
    assert submission_for("?  ", AUTO) is None
    assert submission_for("   ", SHELL) is None


def test_slash_commands_are_the_apps_names_and_shell_mode_keeps_only_the_windows_own() -> None:
    assert slash_line("/agents  fake ", AUTO) == SlashLine("/agents", "fake")
    assert slash_line("/Mode shell", AGENT) == SlashLine("/mode", "shell")
    assert slash_line("/usr/bin/env", AUTO) is None, "a path still runs"
    assert slash_line("/help", SHELL) is None, "Shell mode sends it to bash, as the app does"
    assert slash_line("/detach", SHELL) == SlashLine("/detach", "")
    assert slash_line("/cancel 1", SHELL) == SlashLine("/cancel", "1")


def test_help_lists_every_command_the_window_takes() -> None:
    for works_here in ("/agents", "/new", "/rename", "/sessions", "/fork"):
        assert not_here_yet(works_here) is None
    shown = attach_help()
    assert "/agents [NAME]" in shown and "/detach" in shown and "/rename TITLE" in shown
    assert "/new " in shown and "goes on in the host" in shown
    assert "/sessions " in shown and "live or stored session" in shown
    assert "/fork " in shown and "this window goes to the fork" in shown
    assert "Ctrl+O  sessions" in shown


QUEUE = [{"id": "p1", "text": "first"}, {"id": "p2", "text": "second"}]


def test_cancel_n_names_the_nth_queued_prompt_as_listed() -> None:
    assert slash_line("/cancel 2", AUTO) == SlashLine("/cancel", "2")
    assert slash_line("/cancelled", AUTO) is None
    assert prompt_to_cancel("/cancel 2", QUEUE) == "p2"
    assert prompt_to_cancel("/cancel", QUEUE[:1]) == "p1"
    assert queue_lines(QUEUE) == (
        "⏳ queued for the agent: 1. first · 2. second   (/cancel N withdraws one)"
    )
    assert queue_lines([]) == ""


@pytest.mark.parametrize(
    ("line", "queue", "said"),
    [
        ("/cancel 1", [], "no prompt is queued"),
        ("/cancel", QUEUE, "2 prompts are queued"),
        ("/cancel 3", QUEUE, "1–2"),
        ("/cancel two", QUEUE, "1–2"),
    ],
)
def test_a_cancel_that_names_no_queued_prompt_says_why(
    line: str, queue: list[dict[str, str]], said: str
) -> None:
    with pytest.raises(NothingToCancel, match=said):
        prompt_to_cancel(line, queue)


def test_a_journaled_request_finds_its_question_id_even_after_it_was_settled() -> None:
    shared = SharedQuestions()
    shared.update({"q7": {"turn": 12.0, "tool_call_id": "edit-1", "tool": "Edit notes.txt"}})
    assert shared.id_for(12, "edit-1") == "q7" and shared.waiting == {"q7"}
    assert shared.id_for(3, "edit-1") is None, "the same tool call id in another turn"
    shared.update({})  # answered: the host dropped it
    assert shared.id_for(12, "edit-1") == "q7" and shared.waiting == set()


def test_a_paste_review_names_where_the_pasted_lines_would_go() -> None:
    auto, shell = ExecutionMode.AUTO, ExecutionMode.SHELL
    assert paste_destination("shell", auto, "cat") == "the running `cat` as its input"
    assert paste_destination("shell", shell) == "the shell (Shell mode), as one script"
    assert paste_destination("agent", ExecutionMode.AGENT) == "the agent, as one prompt"
    assert paste_destination("shell", auto) == "the shell, as one script"
    assert paste_destination("ask", auto) == "Auto mode, which will ask: shell or agent"
    assert paste_destination(UNKNOWN, auto).startswith("Auto mode: the shell as one script")
