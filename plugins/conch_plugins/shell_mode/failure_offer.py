"""What to offer after a shell line fails: the agent, for a line that reads as a request, or
the corrected command, for a typo.

The app and the host both ask ``offer_after_failure``, so a failed line gets the same offer
wherever it ran. Only failures that say the command line itself was wrong count (not found,
a bad option, `find` taking words for files); an ordinary non-zero exit gets no offer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.command_result import CommandResult
from conch_plugins.shell_mode.natural_language import WORD_WEIGHTS, reads_as_request
from conch_plugins.shell_mode.shell_words import split_shell
from conch_plugins.shell_mode.typo_check import suggest_correction
from conch_plugins.shell_mode.unfinished_input import unfinished_reason

OfferKind = Literal["agent", "correction", "no-agent"]
NO_AGENT_MESSAGE = "This reads as a request, but no agent is configured (see `conch agents`)."


@dataclass(frozen=True)
class Offer:
    """What to offer after a shell error: send the line to the agent, or run a correction.
    ``no-agent``: the line reads as a request and there is no agent: nothing to accept, the
    message says so."""

    kind: OfferKind
    text: str
    """The line to send to the agent, or the corrected command to run."""
    message: str


def offer_after_failure(
    command: str,
    result: CommandResult,
    output: Callable[[], str],
    index: CommandIndex | None,
    *,
    agent: bool = True,
) -> Offer | None:
    """After ``command`` ended with ``result``: what to offer, if anything. ``output`` gives
    what it printed (read only when it failed); ``agent``: an agent is configured to send a
    request to."""
    if result.succeeded or result.interrupted or result.shell_exited:
        return None
    printed = output()
    if unfinished_reason(result.exit_status, printed):
        return None  # the block already says what is missing; it is not a request
    return error_offer(command, result.exit_status, printed, index, agent=agent)


def error_offer(
    line: str,
    exit_status: int | None,
    output: str,
    index: CommandIndex | None = None,
    *,
    agent: bool = True,
) -> Offer | None:
    """After a shell error, what to offer: the agent for a request, a correction for a typo.

    ``output`` is what the command printed (stdout and stderr). Returns None when the
    failure is not one Conch understands (an ordinary non-zero exit, a signal). With no
    ``agent`` a request gets its correction if there is one, else the ``no-agent`` note.
    """
    if exit_status is None or not 1 <= exit_status <= 127 or not is_usage_error(output):
        return None
    request = reads_as_request(line) or _words_taken_for_files(line, output)
    if request and agent:
        return Offer("agent", line.strip(), "This reads as a request: send it to the agent?")
    fixed = suggest_correction(line, index) if index is not None else None
    fixed = fixed or _tool_suggestion(line, output)
    if fixed is not None:
        return Offer("correction", fixed, f"Did you mean `{fixed}`?")
    if request:
        return Offer("no-agent", line.strip(), NO_AGENT_MESSAGE)
    return None


_USAGE_ERRORS = re.compile(
    r"command not found|No such file or directory|syntax error|unexpected EOF"
    r"|unknown (?:option|command|subcommand|target|argument|flag|shorthand flag)"
    r"|(?:invalid|unrecognized|illegal|unrecognised) (?:option|argument|command|subcommand)"
    r"|is not a [\w-]+ command|No rule to make target|invalid choice|unexpected argument"
    r"|Unknown (?:command|option)|no such (?:command|option|subcommand)|[Uu]sage:"
    r"|arguments must be process or job IDs|(?:unary|binary) operator expected"
    r"|too many arguments|numeric argument required|not a valid identifier"
    r"|no such job|no job control",
)
_PLAIN_WORD = re.compile(r"[a-z]+")
_MISSING_FILE = re.compile(r"^.*(?:No such file or directory|cannot access).*$", re.MULTILINE)
_WORD = re.compile(r"[\w.-]+")
_TOOL_HINT = re.compile(r"The most similar commands? (?:is|are)\s*\n\s*(\S+)")


def is_usage_error(output: str) -> bool:
    """True when ``output`` says the command line itself was wrong (not found, bad option)."""
    return _USAGE_ERRORS.search(output) is not None


def _words_taken_for_files(line: str, output: str) -> bool:
    """``find all python files`` failed because `find` read the words as file names: two or
    more plain words reported missing, and an English word among them ("all", "the", "new").
    ``ls foo bar`` and ``find src tests`` have none."""
    words = split_shell(line)
    if words.operators or len(words.commands) != 1:
        return False
    args = words.commands[0][1:]
    if len(args) < 2 or not all(map(_PLAIN_WORD.fullmatch, args)):
        return False
    if not any(arg in WORD_WEIGHTS for arg in args):
        return False
    reported = {word for found in _MISSING_FILE.findall(output) for word in _WORD.findall(found)}
    return len(reported.intersection(args)) >= 2


def _tool_suggestion(line: str, output: str) -> str | None:
    """git's own "The most similar command is …" applied to the line."""
    hint = _TOOL_HINT.search(output)
    words = line.split()
    if hint is None or len(words) < 2:
        return None
    return " ".join([words[0], hint.group(1), *words[2:]])
