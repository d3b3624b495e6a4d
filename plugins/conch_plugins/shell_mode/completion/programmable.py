"""Programmable completion: run the command's compspec in the helper bash, read COMPREPLY.

The helper (completion_helper.bash) looks the spec up as bash does (``complete -p CMD``,
its basename, then the ``-D`` default, which is bash-completion's dynamic loader in every
version), sets COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT/COMP_TYPE/COMP_KEY, calls it and
prints COMPREPLY with the options in effect (``-o`` flags and ``compopt`` changes). This
module builds that request and turns the reply into candidates the way readline would:
with ``filenames`` the items are quoted and directories get ``/``; otherwise they are
inserted as they are. git marks finished words with a trailing space under ``nospace``.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from conch_plugins.shell_mode.completion.comp_words import CompWords
from conch_plugins.shell_mode.completion.completion_shell import CompletionShell
from conch_plugins.shell_mode.completion.model import Candidate
from conch_plugins.shell_mode.completion.quoting import TypedWord, quote_name


@dataclass(frozen=True)
class SpecReply:
    """What a compspec produced."""

    items: tuple[str, ...]
    """COMPREPLY, in the order the spec gave it."""
    options: frozenset[str]
    """The ``-o`` options in effect at the end: filenames, nospace, default, dirnames..."""
    function: str = ""
    """The spec's ``-F`` function (``_minimal``, ``_git``…), "" for none."""


def run_spec(shell: CompletionShell, comp: CompWords, cur: str, cwd: str) -> SpecReply | None:
    """The reply of the compspec for ``comp.command``; None when no spec applies or the
    helper could not answer in time. ``cur`` is readline's word (a function's ``$2``)."""
    found_quote = "1" if any(c in comp.line[: comp.point] for c in "\\'\"") else ""
    args = [found_quote, str(comp.cword), str(comp.point), comp.line, cur, comp.previous]
    args += comp.words
    reply = shell.query("__conch_complete " + " ".join(shlex.quote(a) for a in args), cwd=cwd)
    if reply is None:
        return None
    fields = reply.split("\0")
    if len(fields) < 3 or fields[0] != "spec":
        return None
    items = tuple(item for item in fields[3:] if item)
    return SpecReply(items=items, options=frozenset(fields[1].split()), function=fields[2])


def spec_candidates(
    reply: SpecReply,
    *,
    prefix: str,
    typed: TypedWord,
    cwd: str,
    command_kind: Callable[[str], str | None] | None = None,
) -> list[Candidate]:
    """Candidates from COMPREPLY. ``prefix`` is the typed text before readline's word (an
    opening quote), ``typed`` the whole word as read; ``command_kind`` names the kind of
    an item that is a command (for ``sudo gi``), when the word is in command position."""
    filenames = "filenames" in reply.options
    quoted = filenames and "noquote" not in reply.options
    nospace = "nospace" in reply.options
    candidates = []
    for raw in reply.items:
        item = raw.removesuffix(" ")
        finished = item != raw
        if not item:
            continue
        is_dir = False
        text = prefix + item
        if filenames:
            path, rest = _in_typed_directory(item, typed)
            is_dir = os.path.isdir(os.path.join(cwd, os.path.expanduser(path)))
            if quoted:
                text = _file_text(item, rest, prefix, typed)
        slash = "/" if is_dir and not item.endswith("/") else ""
        display = item
        if filenames:
            display = (item.rstrip("/").rsplit("/", 1)[-1] or item) + slash
        candidates.append(
            Candidate(
                text=text + slash,
                display=display,
                kind=_kind(item, filenames, is_dir, command_kind),
                space_after=finished or not (nospace or is_dir),
            )
        )
    return candidates


def _in_typed_directory(item: str, typed: TypedWord) -> tuple[str, str | None]:
    """The path ``item`` names (to stat), and what follows the directory the user typed
    when it lies there. bash's file completion returns ``$HOME/src`` as typed, while
    bash-completion's _filedir expands it to ``/home/me/src``: both count."""
    for directory in (typed.directory, typed.unexpanded_directory):
        if directory and item.startswith(directory):
            rest = item[len(directory) :]
            return typed.directory + rest, rest
    return item, None


def _file_text(item: str, rest: str | None, prefix: str, typed: TypedWord) -> str:
    """A file name from COMPREPLY, quoted as readline would; the directory part the user
    typed (``~/``, ``$HOME/``, ``"my dir/``) stays as typed."""
    if rest is not None:
        opener = "" if typed.quote_in_head else typed.quote
        return typed.head + opener + quote_name(rest, typed.quote, at_word_start=False)
    at_word_start = not prefix and not item.startswith("~")
    return prefix + quote_name(item, typed.quote, at_word_start=at_word_start)


def _kind(
    item: str, filenames: bool, is_dir: bool, command_kind: Callable[[str], str | None] | None
) -> str:
    if is_dir:
        return "directory"
    kind = command_kind(item) if command_kind is not None else None
    if kind is not None:
        return kind
    if filenames:
        return "file"
    return "option" if item.startswith("-") else "argument"
