"""Recognise a mistyped command word and say what was meant.

``gti status`` → ``git status``, ``claer`` → ``clear``, ``cd..`` → ``cd ..``, ``gi tstatus`` →
``git status``, ``$ npm install`` → ``npm install``. Candidates come only from the user's real
command set (CommandIndex), and a near miss is one keyboard slip away: two letters swapped, a
letter doubled, missing or extra, a neighbouring key, one letter moved, a space missing or
misplaced. Pure: nothing is run, and a lookup costs microseconds (the names are indexed by
their one-letter deletions, rebuilt only when the index changes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from conch_plugins.shell_mode.command_check import BASH_BUILTINS, BASH_KEYWORDS, CommandIndex
from conch_plugins.shell_mode.natural_language import SUBCOMMAND_TOOLS, is_english

_CANDIDATE = re.compile(r"[a-z][a-z0-9_+-]*")
_GLUED_TAIL = re.compile(r"\.{1,2}|~\S*|-[A-Za-z]{1,3}|/\S*|-|\$\S+")
_HEAD = re.compile(r"(\S+)(\s*)(.*)", re.DOTALL)
_COPIED_PROMPT = re.compile(
    r"(?:[$%❯➜λ]"  # bare prompt signs
    r"|\[[^\]\s]*@[^\]]*\][$#%]"  # [root@web1 ~]#
    r"|[\w.-]+@[\w.-]+:\S*[$#%]"  # me@box:~/src$
    r"|[\w.-]+@[\w.-]+\s+\S+\s+[$#%]"  # me@mbp ~ % (zsh)
    r"|bash-\d[\d.]*[$#]"  # bash-5.2$
    r"|PS\s+[A-Za-z]:\\[^>]*>"  # PS C:\Users\me>
    r")\s+(?=[\w./~-])"
)
# What a command glued to a file name looks like: catREADME.md, vimsetup.py.
_GLUED_FILE = re.compile(r"[\w-]*[A-Z.][\w.-]*\.?\w+")
_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_POSITIONS = {key: (row, col) for row, keys in enumerate(_ROWS) for col, key in enumerate(keys)}
# Keywords nobody starts a line with: never the command a slip was aiming at.
_NOT_TARGETS = frozenset({"then", "else", "elif", "fi", "esac", "do", "done", "in"})
_POPULAR_NAMES = """
    git ls cd python3 python pip pip3 npm make docker grep cat clear exit vim ssh curl sudo
    tar cp mv rm mkdir touch echo find kubectl cargo go node yarn pnpm tail head less more sed
    awk kill top df du pwd man which code apt apt-get systemctl journalctl export source
    history wget chmod chown unzip rsync ipython ifconfig docker-compose pytest tmux"""
POPULAR = tuple(_POPULAR_NAMES.split())
_SUBCOMMAND_NAMES = """status run install add commit push pull log diff build test ps exec start
    stop get apply init update upgrade list show checkout switch branch merge rebase clone
    fetch remove uninstall logs describe images compose publish"""
COMMON_SUBCOMMANDS = frozenset(_SUBCOMMAND_NAMES.split())
"""What follows a tool's name when a space is forgotten: ``npmrun``, ``gitstatus``."""
"""What people type every day: preferred when two commands are equally near."""
_POPULAR_RANK = {name: rank for rank, name in enumerate(POPULAR)}

_path_cache: tuple[tuple[int, int], _Names] | None = None
_shell_cache: tuple[tuple[frozenset[str], frozenset[str]], _Names] | None = None


@dataclass(frozen=True)
class Correction:
    """A mistyped line and what was probably meant."""

    text: str
    """The whole corrected line."""
    command: str
    """The command word the slip was aiming at."""
    rank: int
    """How plausible the slip is: 0 swapped letters or a copied ``$``, 1 a doubled letter,
    a neighbouring key or a space out of place, 2 a letter missing or extra, 3 other."""


def suggest_correction(line: str, index: CommandIndex) -> str | None:
    """The line as it was probably meant, when its first word is a slip; else None."""
    correction = find_correction(line, index)
    return correction.text if correction else None


def find_correction(line: str, index: CommandIndex) -> Correction | None:
    """Like suggest_correction, with the command meant and how plausible the slip is."""
    stripped = line.strip()
    prompt = copied_prompt(stripped)
    if prompt:
        fixed = stripped[len(prompt) :]
        return Correction(fixed, fixed.split(None, 1)[0], 0)
    head = _HEAD.fullmatch(stripped)
    if head is None:
        return None
    first, space, rest = head.groups()
    if index.is_command(first):
        return None
    if first != first.lower() and index.is_command(first.lower()):  # Git pull, LS -LA
        fixed = stripped.lower() if stripped.isupper() else first.lower() + space + rest
        return Correction(fixed, first.lower(), 1)
    found: list[Correction] = []
    near = near_command(first, index)
    if near is not None:
        found.append(Correction(near[0] + space + rest, near[0], near[1]))
    for cut in range(len(first) - 1, 1, -1):  # cd.. → cd .., df-h → df -h
        if _GLUED_TAIL.fullmatch(first[cut:]) and index.is_command(first[:cut]):
            found.append(Correction(f"{first[:cut]} {first[cut:]}{space}{rest}", first[:cut], 1))
            break
    for cut in range(2, len(first) - 2):  # catREADME.md → cat README.md
        head_word, tail = first[:cut], first[cut:]
        if is_popular(head_word) and _GLUED_FILE.fullmatch(tail) and index.is_command(head_word):
            found.append(Correction(f"{head_word} {tail}{space}{rest}", head_word, 2))
            break
    respaced = _respaced(first, rest, index)
    if respaced is not None:
        found.append(respaced)
    for cut in range(2, len(first) - 1):  # npmrun → npm run, gitstatus → git status
        tool, sub = first[:cut], first[cut:]
        if tool in SUBCOMMAND_TOOLS and sub in COMMON_SUBCOMMANDS and index.is_command(tool):
            found.append(Correction(f"{tool} {sub}{space}{rest}", tool, 1))
            break
    if not found:
        return None
    return min(found, key=lambda fix: (fix.rank, _POPULAR_RANK.get(fix.command, 999)))


def copied_prompt(line: str) -> str:
    """The shell prompt pasted in front of a command (``$ ``, ``% ``, ``user@host:~$ ``,
    ``[root@web1 ~]# ``), or ""."""
    found = _COPIED_PROMPT.match(line)
    return found.group() if found else ""


def near_command(word: str, index: CommandIndex) -> tuple[str, int] | None:
    """The command ``word`` is one slip away from and the slip's rank, or None."""
    if len(word) < 2 or not _CANDIDATE.fullmatch(word) or index.is_command(word):
        return None
    on_path, in_shell = _lookups(index)
    found = on_path.near(word) | in_shell.near(word)
    ranked = [(rank, name) for name in found if (rank := slip_rank(word, name)) is not None]
    if not ranked:
        return None
    rank, name = min(ranked, key=lambda pair: (pair[0], _POPULAR_RANK.get(pair[1], 999), pair))
    return name, rank


def is_popular(command: str) -> bool:
    return command in _POPULAR_RANK


def slip_rank(typed: str, meant: str) -> int | None:
    """How plausible a keyboard slip turns ``meant`` into ``typed`` (0 best), or None."""
    if len(meant) < 2 or typed == meant or meant in _NOT_TARGETS:
        return None
    if len(typed) == len(meant):
        diffs = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i = diffs[0]
            if typed[i] == meant[i + 1] and typed[i + 1] == meant[i]:
                return 0  # gti → git
        if len(diffs) == 1:
            if _neighbours(typed[diffs[0]], meant[diffs[0]]):
                return 1  # ks → ls
            return 3 if len(typed) > 2 else None
        if len(typed) > 3 and sorted(typed) == sorted(meant) and _moved(typed, meant):
            return 3  # gepr → grep
        return None
    longer, shorter = (typed, meant) if len(typed) > len(meant) else (meant, typed)
    if len(longer) - len(shorter) != 1:
        return None
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            if longer[i] in (longer[i - 1 : i], longer[i + 1 : i + 2]):
                return 1  # lls → ls, pwdd → pwd
            if len(shorter) >= 3:
                return 2
            # On a two-letter command an extra letter is usually another word, unless the
            # finger slipped: lsl, lsa → ls (a letter of the command, or next to one).
            beside = longer[max(i - 1, 0) : i] + longer[i + 1 : i + 2]
            if longer is typed and (longer[i] in meant or _near_any(longer[i], beside)):
                return 2
            return None
    return None


def _respaced(first: str, rest: str, index: CommandIndex) -> Correction | None:
    """gi tstatus → git status, gitp ull → git pull, l s → ls (never "makes sense")."""
    head = _HEAD.fullmatch(rest)
    if head is None:
        return None
    second, space, after = head.groups()
    joined = first + second
    if not second[:1].isalnum() or not _CANDIDATE.fullmatch(joined):
        return None
    if is_english(first) or is_english(second):
        return None
    if index.is_command(joined):
        return Correction(joined + space + after, joined, 1)
    for cut in (len(first) + 1, len(first) - 1):
        if 2 <= cut < len(joined) - 1 and index.is_command(joined[:cut]):
            return Correction(f"{joined[:cut]} {joined[cut:]}{space}{after}", joined[:cut], 1)
    return None


def _lookups(index: CommandIndex) -> tuple[_Names, _Names]:
    """The PATH names and the shell's own names (builtins, aliases, functions), indexed.

    The PATH part (thousands of names, ~10 ms to index) is rebuilt only when the PATH is
    read again; the small part follows alias and function changes, which the session
    re-reads after every command, by content.
    """
    global _path_cache, _shell_cache
    path_key = (id(index.executables), len(index.executables))
    if _path_cache is None or _path_cache[0] != path_key:
        _path_cache = (path_key, _Names(index.executables))
    shell_key = (frozenset(index.aliases), frozenset(index.functions))
    if _shell_cache is None or _shell_cache[0] != shell_key:
        every = (*BASH_BUILTINS, *BASH_KEYWORDS, *shell_key[0], *shell_key[1])
        _shell_cache = (shell_key, _Names(every))
    return _path_cache[1], _shell_cache[1]


class _Names:
    """Names a person types (not ``[``, not bash-completion's ``_git`` helpers), indexed by
    their one-letter deletions so a near miss is a few dict lookups."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(name for name in names if _CANDIDATE.fullmatch(name))
        self.by_deletion: dict[str, set[str]] = {}
        for name in self.names:
            for variant in _deletions(name):
                self.by_deletion.setdefault(variant, set()).add(name)

    def near(self, word: str) -> set[str]:
        """Names one insertion, deletion, substitution or swap from ``word`` (and more)."""
        found: set[str] = set()
        for variant in (word, *_deletions(word)):
            if variant in self.names:
                found.add(variant)
            found.update(self.by_deletion.get(variant, ()))
        return found


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _neighbours(a: str, b: str) -> bool:
    pa, pb = _POSITIONS.get(a), _POSITIONS.get(b)
    if pa is None or pb is None:
        return False
    return abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1


def _near_any(key: str, keys: str) -> bool:
    return any(_neighbours(key, other) for other in keys)


def _moved(typed: str, meant: str) -> bool:
    for i in range(len(typed)):
        without = typed[:i] + typed[i + 1 :]
        for j in range(len(typed)):
            if without[:j] + typed[i] + without[j:] == meant:
                return True
    return False
