"""Tab completion for shell mode: complete like the user's own bash, no UI.

``Completer(index, shell).complete(line, cursor, cwd)`` returns a ``Completion``: where
the word starts, its ``Candidate`` texts and what a menu shows, and ``apply`` to insert
one. ``CompletionShell`` is the private helper bash that runs programmable completion
(bash-completion, the user's ``complete`` specs). Nothing here imports Textual.
"""

from conch_plugins.shell_mode.completion.completer import Completer
from conch_plugins.shell_mode.completion.completion_shell import CompletionShell
from conch_plugins.shell_mode.completion.model import Candidate, Completion

__all__ = ["Candidate", "Completer", "Completion", "CompletionShell"]
