"""The file tools Conch's own agent offers the model, on real files in a temp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conch.agents import builtin_tools as tools
from conch.agents import tool_arguments, tool_command, tool_files, tool_search
from conch.agents.tool_arguments import ToolError


@pytest.fixture
def cwd(tmp_path: Path) -> str:
    """An empty working directory (tmp_path also holds the test's HOME)."""
    work = tmp_path / "work"
    work.mkdir()
    return str(work)


def test_every_tool_has_a_function_calling_schema() -> None:
    schemas = tools.tool_schemas()
    names = [schema["function"]["name"] for schema in schemas]
    assert names == [
        "read_file",
        "write_file",
        "edit_file",
        "list_dir",
        "glob",
        "grep",
        "run_command",
    ]
    for schema in schemas:
        parameters = schema["function"]["parameters"]
        assert set(parameters["required"]) <= set(parameters["properties"])
        json.dumps(schema)


def test_only_writes_and_commands_ask_permission() -> None:
    asking = {tool.name for tool in tools.TOOLS.values() if tool.asks_permission}
    assert asking == {"write_file", "edit_file", "run_command"}


@pytest.mark.parametrize(
    ("name", "args", "title"),
    [
        ("read_file", {"path": "src/app.py"}, "Read src/app.py"),
        ("run_command", {"command": "pytest -q"}, "Run `pytest -q`"),
        ("run_command", {"command": "make\nmake install"}, "Run `make…`"),
        ("edit_file", {"path": "a.py"}, "Edit a.py"),
        ("grep", {"pattern": "TODO"}, "Search `TODO` in ."),
        ("nope", {}, "Unknown tool nope"),
    ],
)
def test_titles_say_what_the_call_does(name: str, args: dict[str, str], title: str) -> None:
    assert tools.describe_call(name, args) == title


def test_arguments_that_are_not_a_json_object_are_refused_clearly() -> None:
    assert tool_arguments.parse_arguments("") == {}
    with pytest.raises(ToolError, match="not valid JSON"):
        tool_arguments.parse_arguments('{"path": "a')
    with pytest.raises(ToolError, match="JSON object"):
        tool_arguments.parse_arguments("[1, 2]")


def test_read_file_reads_relative_to_the_cwd(cwd: str) -> None:
    Path(cwd, "a.txt").write_text("one\ntwo\n")
    assert tool_files.read_file(cwd, {"path": "a.txt"}) == "one\ntwo\n"


def test_read_file_pages_long_files_and_says_how_to_go_on(cwd: str) -> None:
    Path(cwd, "long.txt").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    page = tool_files.read_file(cwd, {"path": "long.txt", "offset": 3, "limit": "2"})
    assert page == "line 3\nline 4\n[lines 3-4 of 10; read on with offset=5]"


def test_read_file_explains_missing_binary_and_directory_paths(cwd: str) -> None:
    Path(cwd, "blob.bin").write_bytes(b"\x00\x01\x02")
    Path(cwd, "folder").mkdir()
    with pytest.raises(ToolError, match="does not exist"):
        tool_files.read_file(cwd, {"path": "missing.txt"})
    with pytest.raises(ToolError, match="binary"):
        tool_files.read_file(cwd, {"path": "blob.bin"})
    with pytest.raises(ToolError, match="list_dir"):
        tool_files.read_file(cwd, {"path": "folder"})
    with pytest.raises(ToolError, match="missing argument `path`"):
        tool_files.read_file(cwd, {})


def test_planning_a_write_changes_nothing_until_applied(cwd: str) -> None:
    diff = tool_files.plan_write(cwd, {"path": "new/dir/file.txt", "content": "hello\n"})
    assert diff.old_text is None
    assert diff.path == str(Path(cwd, "new/dir/file.txt"))
    assert not Path(cwd, "new").exists()
    tool_files.apply_diff(diff)
    assert Path(cwd, "new/dir/file.txt").read_text() == "hello\n"


def test_an_edit_replaces_exactly_one_unique_match_keeping_crlf(cwd: str) -> None:
    Path(cwd, "win.txt").write_bytes(b"a = 1\r\nb = 2\r\n")
    diff = tool_files.plan_edit(cwd, {"path": "win.txt", "old_text": "b = 2", "new_text": "b = 3"})
    assert diff.old_text == "a = 1\r\nb = 2\r\n"
    tool_files.apply_diff(diff)
    assert Path(cwd, "win.txt").read_bytes() == b"a = 1\r\nb = 3\r\n"


def test_an_edit_whose_text_is_missing_or_repeated_fails_with_advice(cwd: str) -> None:
    Path(cwd, "dup.py").write_text("x = 1\nx = 1\n")
    with pytest.raises(ToolError, match=r"occurs 2 times.*more surrounding lines"):
        tool_files.plan_edit(cwd, {"path": "dup.py", "old_text": "x = 1", "new_text": "y"})
    with pytest.raises(ToolError, match=r"not found.*copy the text exactly"):
        tool_files.plan_edit(cwd, {"path": "dup.py", "old_text": "z = 1", "new_text": "y"})
    with pytest.raises(ToolError, match="empty"):
        tool_files.plan_edit(cwd, {"path": "dup.py", "old_text": "", "new_text": "y"})


def test_a_file_changed_while_the_user_was_asked_is_not_overwritten(cwd: str) -> None:
    Path(cwd, "a.txt").write_text("before\n")
    diff = tool_files.plan_write(cwd, {"path": "a.txt", "content": "agent\n"})
    Path(cwd, "a.txt").write_text("user typed this\n")
    with pytest.raises(ToolError, match="changed while waiting"):
        tool_files.apply_diff(diff)
    assert Path(cwd, "a.txt").read_text() == "user typed this\n"


def test_list_dir_marks_directories(cwd: str) -> None:
    Path(cwd, "b.txt").write_text("")
    Path(cwd, "a").mkdir()
    assert tool_files.list_dir(cwd, {}) == "a/\nb.txt"
    assert tool_files.list_dir(cwd, {"path": "a"}) == "(empty directory)"


def test_glob_finds_files_recursively_but_not_inside_git(cwd: str) -> None:
    for name in ("src/app.py", "src/pkg/mod.py", ".git/hooks/x.py", "README.md"):
        Path(cwd, name).parent.mkdir(parents=True, exist_ok=True)
        Path(cwd, name).write_text("")
    assert tool_search.glob_files(cwd, {"pattern": "**/*.py"}) == "src/app.py\nsrc/pkg/mod.py"
    assert tool_search.glob_files(cwd, {"pattern": "*.rs"}) == "No files match *.rs"


def test_grep_searches_text_files_skipping_binaries_and_git(cwd: str) -> None:
    Path(cwd, "src").mkdir()
    Path(cwd, "src/app.py").write_text("import os\n# TODO: fix\n")
    Path(cwd, "notes.md").write_text("TODO later\n")
    Path(cwd, "blob.bin").write_bytes(b"TODO\x00")
    Path(cwd, ".git").mkdir()
    Path(cwd, ".git/COMMIT_EDITMSG").write_text("TODO in git\n")
    found = tool_search.grep_files(cwd, {"pattern": r"TODO\b"})
    assert found.splitlines() == ["notes.md:1: TODO later", "src/app.py:2: # TODO: fix"]
    assert (
        tool_search.grep_files(cwd, {"pattern": "TODO", "glob": "*.py"})
        == "src/app.py:2: # TODO: fix"
    )
    assert tool_search.grep_files(cwd, {"pattern": "nothing"}) == "No matches for nothing"


def test_grep_caps_its_results_and_rejects_bad_patterns(cwd: str) -> None:
    Path(cwd, "many.txt").write_text("hit\n" * (tool_search.GREP_LIMIT + 50))
    lines = tool_search.grep_files(cwd, {"pattern": "hit"}).splitlines()
    assert len(lines) == tool_search.GREP_LIMIT + 1
    assert lines[-1].startswith(f"[stopped after {tool_search.GREP_LIMIT} matches")
    with pytest.raises(ToolError, match="invalid regular expression"):
        tool_search.grep_files(cwd, {"pattern": "("})


def test_command_output_for_the_model_is_plain_and_keeps_the_tail() -> None:
    output = "\x1b[31mred\x1b[0m\r\n" + "x" * 20_000 + "END\r\n"
    text = tool_command.command_result_for_model(output, 0, timed_out=False, timeout=120)
    assert text.startswith("Exit status 0.\n[output truncated: showing the last 10,000 of ")
    assert text.endswith("xEND\n")
    assert "\x1b" not in text and "\r" not in text
    assert tool_command.command_result_for_model(
        "\x1b[32m\x1b[0m", 1, timed_out=False, timeout=5
    ) == ("Exit status 1. (no output)")
    assert "timed out after 5 s" in tool_command.command_result_for_model(
        "", None, timed_out=True, timeout=5
    )


def test_command_timeouts_are_kept_within_bounds() -> None:
    assert tool_command.command_timeout({}) == tool_command.COMMAND_TIMEOUT_DEFAULT
    assert tool_command.command_timeout({"timeout": 5}) == 5
    assert tool_command.command_timeout({"timeout": 10_000}) == tool_command.COMMAND_TIMEOUT_MAX
    with pytest.raises(ToolError, match="number"):
        tool_command.command_timeout({"timeout": "soon"})
