"""Tell whether a line uses shell control syntax: lists, pipes, redirects, ``$(…)``, loops.

Auto mode never sends such a line to the agent on a guess: a line like
``mycli build && for f in a b; do echo $f; done`` is a command whose first word this machine
does not know, not a request. Only reads words already split by split_shell; runs nothing.

Backticks and newlines are left out on purpose: prose quotes code in backticks
(``why is `foo()` returning None``) and pasted output spans lines.
"""

from __future__ import annotations

from conch_plugins.shell_mode.shell_words import ShellWords

# `&&`, `||`, `;`, `&` and pipes join commands; any operator with `<` or `>` redirects.
_LIST_OPERATORS = frozenset({"|", "||", "&&", ";", "&", "|&", ";;"})
# A compound command is closed by its own word: `for … done`, `if … fi`, `{ …; }`.
_CLOSERS = {"for": "done", "while": "done", "until": "done", "select": "done", "if": "fi"}
_CLOSERS |= {"case": "esac", "{": "}"}


def has_control_syntax(words: ShellWords) -> bool:
    """True for a list, pipe, redirection, command substitution or compound command."""
    if any(op in _LIST_OPERATORS or "<" in op or ">" in op for op in words.operators):
        return True
    if any("$(" in word for command in words.commands for word in command):
        return True
    return has_compound_command(words)


def has_compound_command(words: ShellWords) -> bool:
    """True when a loop, ``if``, ``case`` or ``{ …; }`` opens and is closed, anywhere."""
    heads = [command[0] for command in words.commands if command]
    for position, head in enumerate(heads):
        closer = _CLOSERS.get(head)
        if closer is not None and closer in heads[position + 1 :]:
            return True
    return False
