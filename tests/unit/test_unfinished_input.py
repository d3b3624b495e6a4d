from conch_plugins.shell_mode.unfinished_input import unfinished_reason


def test_open_quote_is_reported_as_unfinished() -> None:
    output = "bash: eval: line 1: unexpected EOF while looking for matching `''"
    assert unfinished_reason(2, output) == "an open quote or bracket"


def test_if_without_fi_is_reported_as_unfinished_block() -> None:
    output = "bash: eval: line 2: syntax error: unexpected end of file"
    assert "unfinished block" in (unfinished_reason(2, output) or "")


def test_other_failures_are_not_unfinished_input() -> None:
    assert unfinished_reason(2, "ls: cannot access 'x': No such file or directory") is None
    assert unfinished_reason(1, "unexpected EOF while looking for matching") is None
