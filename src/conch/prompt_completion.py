"""What Tab completes for a line, by mode: the shell's words, `@` files, or `/` commands.

Shell mode, a ``!`` line and an Auto line that reads as shell complete like bash
(conch_plugins' Completer). Agent mode, a ``?`` line and an Auto line that reads as a request
complete ``@`` mentions of project files (fuzzy) and Conch's ``/`` commands. No Textual: the
app calls ``complete_line`` from a worker thread.
"""

from __future__ import annotations

import re

from conch.slash_commands import matching
from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion import Candidate, Completer, Completion
from conch_plugins.shell_mode.completion.model import completion
from conch_plugins.shell_mode.file_mentions import ProjectFiles, rank
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.route_decision import decide
from conch_plugins.shell_mode.routing import AGENT_PREFIX, SHELL_PREFIX

_MENTION = re.compile(r"(?:^|(?<=\s))@(\S*)$")
MENTION_LIMIT = 200
"""At most this many `@` matches, best first: the rest are worse than the 200th."""


class PromptCompleter:
    """Completes a prompt line for one session: its shell's words and its project files."""

    def __init__(self, shell: Completer) -> None:
        self.shell = shell
        self.files = ProjectFiles()

    def complete_line(
        self, line: str, cursor: int, mode: ExecutionMode, cwd: str, index: CommandIndex
    ) -> Completion:
        head = line[:cursor]
        if head.startswith(SHELL_PREFIX):
            return _shifted(self.shell.complete(line[1:], cursor - 1, cwd), 1)
        if head.startswith(AGENT_PREFIX):
            return _shifted(self.agent_side(line[1:], cursor - 1, cwd), 1)
        if mode is ExecutionMode.SHELL:
            return self.shell.complete(line, cursor, cwd)
        if mode is ExecutionMode.AGENT or _reads_as_agent(head, index):
            return self.agent_side(line, cursor, cwd)
        return self.shell.complete(line, cursor, cwd)

    def agent_side(self, line: str, cursor: int, cwd: str) -> Completion:
        """`@` file mentions anywhere, `/` commands at the start; otherwise nothing."""
        head = line[:cursor]
        mention = _MENTION.search(head)
        if mention is not None:
            found = rank(mention.group(1), self.files.list(cwd), MENTION_LIMIT)
            candidates = [_file_candidate(path) for path in found]
            return fuzzy_completion(mention.start(), cursor, head, candidates)
        if head.startswith("/") and " " not in head:
            commands = [
                Candidate(command.name, command.name, "command") for command in matching(head)
            ]
            return completion(0, cursor, commands)
        return completion(cursor, cursor, [])


def fuzzy_completion(start: int, end: int, line: str, found: list[Candidate]) -> Completion:
    """Best first, as ranked; no common prefix (the typed query stays until one is taken)."""
    return Completion(start=start, end=end, candidates=tuple(found), common=line[start:end])


def _file_candidate(path: str) -> Candidate:
    kind = "directory" if path.endswith("/") else "file"
    return Candidate("@" + path, path, kind)


def _reads_as_agent(head: str, index: CommandIndex) -> bool:
    if _MENTION.search(head) is not None:
        return True
    if head.startswith("/") and " " not in head and matching(head):
        return True
    # The word being typed is unfinished ("cd in" is not prose yet): judge the words before it.
    before = (
        head[: len(head) - len(head.split()[-1])]
        if head.strip() and not head[-1:].isspace()
        else head
    )
    return bool(before.strip()) and decide(before, index).target == "agent"


def _shifted(completion: Completion, by: int) -> Completion:
    """The completion of a line without its one-character prefix, moved back onto it."""
    return Completion(
        start=completion.start + by,
        end=completion.end + by,
        candidates=completion.candidates,
        common=completion.common,
    )
