"""decide(): Auto mode's shell / agent / ask decision, with a controlled PATH; and
error_offer() on real bash error output."""

from __future__ import annotations

from pathlib import Path

import pytest

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.failure_offer import Offer, error_offer
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.route_decision import decide
from conch_plugins.shell_mode.routing import Target, route_line
from tests.peers.programs import needs_program
from tests.unit.routing_setup import run_bash, stub_command_index

_NAMES = """git python3 make find docker npm grep ps ls cat clear sort touch curl ssh tail
head top who vim pip node cp rm mv df du yes nice kubectl sudo tar wc less env date mkdir
pytest diff which file"""
COMMANDS = _NAMES.split()
NEEDS_MAKE = needs_program("make", "make", "the routing tests that read a Makefile's targets")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> CommandIndex:
    """A PATH holding stub executables for COMMANDS, so results do not depend on this box."""
    return stub_command_index(tmp_path_factory.mktemp("bin"), COMMANDS)


def target(line: str, index: CommandIndex) -> str:
    return decide(line, index).target


# -- the issue's own examples ------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "make the failing tests pass",
        "find where we handle authentication",
        "kill whatever is on port 3000",
        "echo back what you understood",
        "test the login flow",
    ],
)
def test_a_command_word_followed_by_prose_is_not_run(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "agent"


@pytest.mark.parametrize(
    "line",
    [
        "ps aux | grep python",
        "ls -la > listing.txt",
        "python3 script.py 2>&1 | tee run.log",
        "FOO=1 ./run.sh",
        "./x",
        "~/bin/x",
        "(cd frontend && npm install)",
        "{ echo start; date; } > log.txt",
        "for f in *.log; do gzip $f; done",
        "if [ -f .env ]; then echo found; fi",
        "while read -r line; do echo $line; done < hosts.txt",
        'grep -rn "the thing" src/',
        "docker run --rm -it -p 8080:80 nginx:alpine",
        "> app.log",
        "[ -d build ] || mkdir build",
        "sudo !!",
    ],
)
def test_real_shell_syntax_goes_to_the_shell(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "shell"


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("gti status", "git status"),
        ("pyhton3 app.py", "python3 app.py"),
        ("claer", "clear"),
        ("cd..", "cd .."),
    ],
)
def test_a_typo_of_a_command_goes_to_the_shell_with_the_correction(
    line: str, meant: str, index: CommandIndex
) -> None:
    decision = decide(line, index)
    assert decision.target == "shell"
    assert decision.suggestion == meant


@pytest.mark.parametrize("line", ["undo that", "ok push it", "why?", "thanks"])
def test_conversation_goes_to_the_agent(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "agent"


# -- each rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["exit", "make", "clear", "top", "who am i", "ls", "exit 0"])
def test_a_bare_command_stays_in_the_shell(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "shell"


def test_bare_yes_is_an_answer_but_yes_in_a_pipe_is_a_command(index: CommandIndex) -> None:
    assert target("yes", index) == "agent"
    assert target("yes please", index) == "agent"
    assert target("yes | rm -i *.tmp", index) == "shell"
    assert target("nice work", index) == "agent"
    assert target("nice -n 10 make -j4", index) == "shell"


@pytest.mark.parametrize("line", ["test", "help", "wait", "time", "true", "kill"])
def test_a_word_that_is_both_a_command_and_a_reply_alone_asks(
    line: str, index: CommandIndex
) -> None:
    assert target(line, index) == "ask"


def test_a_typo_followed_by_prose_asks_and_carries_the_correction(index: CommandIndex) -> None:
    decision = decide("mkae the tests pass", index)
    assert decision.target == "ask"
    assert decision.suggestion == "make the tests pass"


def test_a_real_pipe_wrapped_in_a_question_asks(index: CommandIndex) -> None:
    assert target("ps aux | grep node shows nothing, why", index) == "ask"


@pytest.mark.parametrize(
    "line",
    [
        "df -h shows the disk is full, what can i delete",
        "kill -9 didn't work, what now",
        "pytest -x fails on test_auth, why",
    ],
)
def test_flags_alone_do_not_make_prose_a_command(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "agent"


def test_a_path_runs_but_a_path_followed_by_prose_goes_to_the_agent(
    index: CommandIndex,
) -> None:
    assert target("./scripts/deploy.sh staging", index) == "shell"
    assert target("venv/bin/python app.py", index) == "shell"
    assert target("./src/app.py is throwing on import", index) == "agent"
    assert target("~/projects/api/main.go won't compile", index) == "agent"


@pytest.mark.parametrize(
    "line",
    [
        "Traceback (most recent call last):\n  File \"app.py\", line 1\nKeyError: 'user'",
        "ls: cannot access 'foo': No such file or directory",
        "npm ERR! code ERESOLVE",
        '{"error": "invalid token", "status": 401}',
        "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py",
        "def add(a, b):\n    return a + b",
        "https://github.com/textualize/textual/issues/1",
        "why is `foo()` returning None",
    ],
)
def test_pasted_output_and_code_go_to_the_agent(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "agent"


def test_an_english_word_next_to_git_is_a_typo_only_when_nothing_reads_as_prose(
    index: CommandIndex,
) -> None:
    assert decide("got status", index).suggestion == "git status"
    assert target("got status", index) == "shell"
    assert target("got it, thanks", index) == "agent"
    assert target("makes sense", index) == "agent"


def test_heredoc_text_and_quoted_text_are_data_not_prose(index: CommandIndex) -> None:
    assert target("cat > notes.md <<EOF\nwhy is this the way it is\nEOF", index) == "shell"
    assert target('git commit -m "why is the build broken"', index) == "shell"


def test_an_alias_of_the_users_shell_is_a_command(index: CommandIndex) -> None:
    assert target("shipit", index) == "ask"  # an unknown word: neither guess is safe
    index.aliases = {"shipit"}
    try:
        assert target("shipit", index) == "shell"
    finally:
        index.aliases = set()


def test_auto_mode_routes_an_unsure_line_to_ask_with_the_correction(
    index: CommandIndex,
) -> None:
    route = route_line("  mkae the tests pass ", ExecutionMode.AUTO, index)
    assert route.target is Target.ASK
    assert route.text == "mkae the tests pass"
    assert route.suggestion == "make the tests pass"
    assert route_line("gti status", ExecutionMode.AUTO, index).suggestion == "git status"


# -- after an error ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "find where we handle authentication",
        "kill whatever is on port 3000",
        "test the login flow",
        "cat the config and tell me what's wrong",
        "sort these by date please",
        pytest.param("make the failing tests pass", marks=NEEDS_MAKE),
    ],
)
def test_a_failed_request_offers_to_send_it_to_the_agent(
    line: str, tmp_path: Path, index: CommandIndex
) -> None:
    status, output = run_bash(line, tmp_path)
    assert status != 0
    offer = error_offer(line, status, output, index)
    assert isinstance(offer, Offer) and offer.kind == "agent"
    assert "agent" in offer.message
    assert offer.text == line


@pytest.mark.parametrize(
    ("line", "meant"), [("gti status", "git status"), ("claer", "clear"), ("cd..", "cd ..")]
)
def test_command_not_found_offers_the_correction(
    line: str, meant: str, tmp_path: Path, index: CommandIndex
) -> None:
    status, output = run_bash(line, tmp_path)
    assert status == 127
    offer = error_offer(line, status, output, index)
    assert offer is not None and offer.kind == "correction"
    assert offer.text == meant
    assert meant in offer.message


@needs_program("git", "git", 'the test of git\'s own "did you mean"')
def test_gits_own_hint_becomes_the_correction_without_an_index(tmp_path: Path) -> None:
    status, output = run_bash("git stauts", tmp_path)
    offer = error_offer("git stauts", status, output)
    assert offer is not None and offer.text == "git status"


@pytest.mark.parametrize(
    "line", ["ls /no/such/dir", "false", "grep -q nothing /dev/null", "echo back what you said"]
)
def test_an_ordinary_failure_or_success_offers_nothing(
    line: str, tmp_path: Path, index: CommandIndex
) -> None:
    status, output = run_bash(line, tmp_path)
    assert error_offer(line, status, output, index) is None


def test_a_command_killed_by_a_signal_offers_nothing(index: CommandIndex) -> None:
    assert error_offer("gti status", 130, "gti: command not found", index) is None
    assert error_offer("gti status", None, "gti: command not found", index) is None


@pytest.mark.parametrize(
    "line",
    [
        "who calls parse_config",
        "set up pre-commit hooks",
        "which file handles auth",
        "find out why the build is slow",
        "sort out the imports",
    ],
)
def test_english_phrases_built_on_a_command_word_go_to_the_agent(
    line: str, index: CommandIndex
) -> None:
    assert target(line, index) == "agent"


@pytest.mark.parametrize("line", ["which python3 pip", "who am i", "set -- a b", "who -a"])
def test_the_same_commands_with_real_arguments_stay_in_the_shell(
    line: str, index: CommandIndex
) -> None:
    assert target(line, index) == "shell"


@pytest.mark.parametrize("line", ["lsl", "lsa", "lsl -la"])
def test_an_extra_letter_slipped_onto_a_two_letter_command_is_a_typo(
    line: str, index: CommandIndex
) -> None:
    decision = decide(line, index)
    assert (decision.target, (decision.suggestion or "").split()[0]) == ("shell", "ls")


def test_an_unknown_word_with_english_after_it_is_a_reply(index: CommandIndex) -> None:
    assert target("sounds good", index) == "agent"


def test_a_reply_word_followed_by_flags_or_paths_is_a_slip(index: CommandIndex) -> None:
    decision = decide('fine . -name "*.orig"', index)
    assert (decision.target, decision.suggestion) == ("shell", 'find . -name "*.orig"')
    assert target("fine", index) == "agent"
    assert target("fine, ship it", index) == "agent"


def test_a_data_file_followed_by_words_is_about_the_file(index: CommandIndex) -> None:
    assert target(".github/workflows/ci.yml needs a node 22 job", index) == "agent"
    assert target("./deploy.sh staging now", index) == "shell"


@pytest.mark.parametrize("line", ["% npm install", "[root@web1 ~]# tail -f log"])
def test_a_copied_prompt_goes_to_the_shell_with_the_command_as_the_fix(
    line: str, index: CommandIndex
) -> None:
    decision = decide(line, index)
    assert decision.target == "shell" and decision.suggestion is not None


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("Git status --short", "git status --short"),
        ("LS -LA", "ls -la"),
        ("echo$HOME", "echo $HOME"),
        ("bash-5.2$ echo $SHELL", "echo $SHELL"),
        ("me@mbp ~ % git fetch --all", "git fetch --all"),
        ("PS C:\\Users\\me> git status", "git status"),
    ],
)
def test_capitals_glued_variables_and_other_prompts_are_slips(
    line: str, fixed: str, index: CommandIndex
) -> None:
    decision = decide(line, index)
    assert (decision.target, decision.suggestion) == ("shell", fixed)


def test_a_capitalised_sentence_is_still_a_request(index: CommandIndex) -> None:
    assert target("Make the tests pass", index) == "agent"
    assert target("Find where we parse args", index) == "agent"


def test_commands_that_take_command_names_keep_them_as_arguments(index: CommandIndex) -> None:
    assert target("which sort", index) == "shell"
    assert target("man grep", index) == "shell"


def test_a_capitalised_command_without_arguments_is_asked_about(index: CommandIndex) -> None:
    decision = decide("Make build", index)
    assert (decision.target, decision.suggestion) == ("ask", "make build")
    assert target("Ls", index) == "ask"


@pytest.mark.parametrize(("line", "fixed"), [("npmrun build", "npm run build"),
                                             ("gitstatus", "git status")])  # fmt: skip
def test_a_tool_glued_to_its_subcommand_is_a_slip(
    line: str, fixed: str, index: CommandIndex
) -> None:
    decision = decide(line, index)
    assert (decision.target, decision.suggestion) == ("shell", fixed)


@pytest.mark.parametrize("line", ["yesss", "okkk", "gotcha", "wait stop"])
def test_drawn_out_replies_and_wait_with_words_are_replies(line: str, index: CommandIndex) -> None:
    assert target(line, index) == "agent"
