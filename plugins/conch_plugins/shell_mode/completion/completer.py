"""Tab completion like the user's own bash: decide which source answers for the word under
the cursor.

The order is bash's: ``$NA`` completes variables, ``~na`` login names; the command word
(first word, or after ``|``, ``;``, ``&&``, ``$(``, ``(``, a keyword such as ``then`` or
``time``) completes command names, or paths when it holds a ``/``; a redirection's file and
an assignment's value complete paths; any other word runs the command's compspec in the
helper bash and falls back to paths, as ``-o default`` or a command without a spec does.
Without a helper (or when it times out) precommands such as ``sudo`` still complete
command names. No Textual: the first programmable completion starts the helper bash, so
call this from a worker thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.completion.command_source import command_candidates, command_kind
from conch_plugins.shell_mode.completion.comp_words import comp_words
from conch_plugins.shell_mode.completion.completion_shell import CompletionShell
from conch_plugins.shell_mode.completion.line_context import (
    ASSIGNMENT,
    LineContext,
    read_line_context,
)
from conch_plugins.shell_mode.completion.model import Candidate, Completion, completion
from conch_plugins.shell_mode.completion.path_source import path_candidates, user_candidates
from conch_plugins.shell_mode.completion.programmable import run_spec, spec_candidates
from conch_plugins.shell_mode.completion.quoting import closing, read_typed_word
from conch_plugins.shell_mode.completion.variable_source import (
    is_variable_prefix,
    variable_candidates,
)

KEYWORDS_BEFORE_COMMAND = frozenset(
    {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"}
)
"""bash keywords after which the next word is a command name again."""
PLAIN_FILE_SPECS = frozenset(
    {"_minimal", "_comp_complete_minimal", "_longopt", "_comp_complete_longopt"}
)
"""bash-completion's functions that complete a plain word as a file name (``_longopt``
completes options for ``-…`` and values after ``--opt``, which keep going to the spec)."""
_NOT_PLAIN = frozenset({"mkdir", "rmdir", "chroot"})
"""``_longopt`` completes directories only, or adds no space, for these."""
PRECOMMANDS = frozenset(
    {"sudo", "doas", "env", "nohup", "exec", "command", "builtin", "nice", "xargs"}
)
"""Commands that run the next word; their own compspec (``_sudo``) wins when there is one."""


class Completer:
    """Completions for a line of the user's shell; thread-safe (the helper has a lock)."""

    def __init__(self, index: CommandIndex, shell: CompletionShell | None = None) -> None:
        self.index = index
        self.shell = shell
        self._plain_files: set[str] = set()
        """Commands whose spec only lists files (bash-completion's ``_minimal``): their
        arguments are listed here, in Python, without a round trip through the helper."""
        self._plain_files_generation = 0

    def complete(self, line: str, cursor: int, cwd: str) -> Completion:
        """The candidates for the word that ends at ``cursor``, with paths relative to ``cwd``."""
        cursor = max(0, min(cursor, len(line)))
        context = read_line_context(line, cursor)
        query = _Query(line, cursor, context, cwd, self._variables_for())
        candidates, keep_order = self._candidates(query)
        return completion(
            context.start,
            cursor,
            candidates,
            quote=closing(context.quote),
            keep_order=keep_order,
        )

    def _candidates(self, query: _Query) -> tuple[list[Candidate], bool]:
        context = query.context
        if context.in_comment:
            return [], False
        if context.quote not in ("'", "$'") and is_variable_prefix(query.text):
            found = variable_candidates(query.text, query.variables(), query.cwd)
            return query.prefixed(found), False
        if not context.quote and query.word.startswith("~") and "/" not in query.word:
            return user_candidates(query.word), False
        words = context.command_words
        if context.in_command_position or _runs_next_word(words, KEYWORDS_BEFORE_COMMAND):
            return self._commands(query), False
        if context.after_redirection or context.is_assignment:
            return query.paths(), False
        if self._lists_plain_files(words, query.text):
            return query.paths(), False
        if self.shell is not None:
            programmable = self._programmable(query, self.shell)
            if programmable is not None:
                return programmable
        if _runs_next_word(words, KEYWORDS_BEFORE_COMMAND | PRECOMMANDS):
            return self._commands(query), False
        return query.paths(), False

    def _lists_plain_files(self, words: tuple[str, ...], text: str) -> bool:
        """True when the spec of ``words[0]`` is known to list only files for a plain word:
        not an option, not an ``--opt=value``, not the value after an option."""
        if self.shell is None or not words:
            return False
        if self.shell.generation != self._plain_files_generation:
            self._plain_files.clear()  # the user's definitions changed: learn the specs again
            self._plain_files_generation = self.shell.generation
        if words[0] not in self._plain_files or text.startswith("-") or "=" in text:
            return False
        return len(words) == 1 or not words[-1].startswith("-")

    def _commands(self, query: _Query) -> list[Candidate]:
        typed = read_typed_word(query.word, query.lookup)
        if typed.head:
            return query.paths(executables_only=True)
        found = query.prefixed(command_candidates(self.index, typed.name))
        # bash: when no command matches, directories still do (to reach ./dir/tool).
        return found or query.paths(dirs_only=True)

    def _programmable(
        self, query: _Query, shell: CompletionShell
    ) -> tuple[list[Candidate], bool] | None:
        context = query.context
        comp = comp_words(query.line, context.command_start, query.cursor)
        reply = run_spec(shell, comp, query.text, query.cwd)
        if reply is None:
            return None
        words = context.command_words
        if reply.function in PLAIN_FILE_SPECS and words and words[0] not in _NOT_PLAIN:
            self._plain_files.add(words[0])
        kind_of: Callable[[str], str | None] | None = None
        if _runs_next_word(context.command_words, KEYWORDS_BEFORE_COMMAND | PRECOMMANDS):
            kind_of = self._command_kind
        found = spec_candidates(
            reply,
            prefix=query.line[context.start : context.text_start],
            typed=read_typed_word(query.word, query.lookup),
            cwd=query.cwd,
            command_kind=kind_of,
        )
        options = reply.options
        if "plusdirs" in options:
            found += query.paths(dirs_only=True)
        if not found and "dirnames" in options:
            found = query.paths(dirs_only=True)
        if not found and options & {"default", "bashdefault"}:
            found = query.paths()
        return found, "nosort" in options

    def _command_kind(self, name: str) -> str | None:
        return command_kind(self.index, name)

    def _variables_for(self) -> Callable[[], dict[str, str]]:
        shell = self.shell

        def variables() -> dict[str, str]:
            found = shell.variables() if shell is not None else {}
            return found or dict(os.environ)

        return variables


class _Query:
    """One completion request; the session's variables are fetched only if needed."""

    def __init__(
        self,
        line: str,
        cursor: int,
        context: LineContext,
        cwd: str,
        variables: Callable[[], dict[str, str]],
    ) -> None:
        self.line = line
        self.cursor = cursor
        self.context = context
        self.cwd = cwd
        self.word = line[context.start : cursor]
        """The word as typed, an opening quote included."""
        self.text = line[context.text_start : cursor]
        """readline's word: inside the quote left open."""
        self._fetch = variables
        self._variables: dict[str, str] | None = None

    def variables(self) -> dict[str, str]:
        if self._variables is None:
            self._variables = self._fetch()
        return self._variables

    def lookup(self, name: str) -> str | None:
        return self.variables().get(name)

    def prefixed(self, candidates: list[Candidate]) -> list[Candidate]:
        """``candidates`` behind what was typed before readline's word (an open quote)."""
        prefix = self.line[self.context.start : self.context.text_start]
        if not prefix:
            return candidates
        return [c._replace(text=prefix + c.text) for c in candidates]

    def paths(self, *, dirs_only: bool = False, executables_only: bool = False) -> list[Candidate]:
        return path_candidates(
            self.word,
            self.cwd,
            self.lookup,
            dirs_only=dirs_only,
            executables_only=executables_only,
        )


def _runs_next_word(words: tuple[str, ...], runners: frozenset[str]) -> bool:
    """True when every word before the cursor's is a runner (``sudo``, ``then``), its
    options, or an ``env`` assignment: the cursor's word is then a command name."""
    if not words:
        return False
    i = 0
    while i < len(words):
        runner = words[i]
        if runner not in runners:
            return False
        i += 1
        while i < len(words) and (
            words[i].startswith("-") or (runner == "env" and ASSIGNMENT.match(words[i]))
        ):
            i += 1
    return True
