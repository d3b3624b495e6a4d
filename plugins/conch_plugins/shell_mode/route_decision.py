"""Decide, before anything runs, whether an Auto-mode line is shell, agent, or ask.

The rule (bench/routing_corpus/README.md): real shell syntax is shell; a command word followed
by prose is not run; a near miss of a command is a typo and goes to the shell (where it fails
and Conch offers the correction), never to the agent; a reply to the agent is agent; when both
readings are plausible the answer is ``ask``. Decisions use the user's real command set and
cost tens of microseconds: no process, no parser library, nothing run.

What to offer after a line has run and failed is failure_offer.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from conch_plugins.shell_mode.command_check import CommandIndex
from conch_plugins.shell_mode.control_syntax import has_compound_command, has_control_syntax
from conch_plugins.shell_mode.natural_language import (
    FUNCTION_WORDS,
    REPLIES,
    SUBCOMMAND_TOOLS,
    TEXT_COMMANDS,
    WORD_WEIGHTS,
    arguments_score,
    is_english,
    looks_pasted,
    prose_score,
    word_set,
)
from conch_plugins.shell_mode.shell_words import ShellWords, split_shell
from conch_plugins.shell_mode.typo_check import (
    copied_prompt,
    find_correction,
    is_popular,
    suggest_correction,
)

RouteTarget = Literal["shell", "agent", "ask"]


def _split_pair(pair: str) -> tuple[str, str]:
    verb, particle = pair.split("_")
    return verb, particle


# Bare words that are a command and a reply alike (README "either"): ask.
AMBIGUOUS_ALONE = word_set("test help time wait true false go more last info kill nvm quit :q")
# Commands that, followed by plain words, are still a reply: "nice work", "yes please".
REPLY_COMMANDS = word_set("yes y no n nice continue done cancel ok okay sure stop wait")
IDIOMS = frozenset({"who am i"})
# Commands whose arguments are command names: `whatis sort`, `man test`, `which make`.
NAME_COMMANDS = word_set("man whatis which whereis type info apropos help command")
# A command word and a particle that make an English verb; `set up` would set $1 to "up".
_PHRASES = word_set(
    """set_up clean_up sort_out touch_up look_up look_into figure_out find_out speed_up
    head_over spin_up split_up wrap_up write_up tidy_up"""
)
PHRASAL_VERBS = frozenset((verb, particle) for verb, particle in map(_split_pair, _PHRASES))
_CLOSERS = {"for": "done", "while": "done", "until": "done", "select": "done", "if": "fi"}
_CLOSERS |= {"case": "esac", "{": "}", "[[": "]]", "((": "))"}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
_PLAIN_WORD = re.compile(r"[a-z]+")
# Files nobody runs: a line that starts with one and goes on in words is about the file.
_DATA_FILE = re.compile(r"\.(?:ya?ml|md|json|toml|txt|cfg|ini|lock|csv|html|css|rst|env)$")
_DRAWN_OUT = re.compile(r"([a-z])\1{2,}$")
_NAME_WORD = re.compile(r"[a-z][a-z0-9_-]*")
_NOUN = re.compile(r"[a-z][a-z-]{2,}")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_.+~-]*")
_TRAILING = re.compile(r"[?,!.:;]+$")
# How much English a line with shell syntax needs to go to the agent without asking: more
# than the single function word an argument list can hold ("deploy the app && echo ok").
_PROSE_DESPITE_SYNTAX = 1.5
_STRONG_OPERATORS = frozenset({"|", "||", "&&", ";", "&", "|&", "<<", "<<-", "<<<", "\n"})


@dataclass(frozen=True)
class Decision:
    """Where an Auto-mode line goes, why, and the corrected command for a typo."""

    target: RouteTarget
    reason: str
    suggestion: str | None = None


def decide(line: str, index: CommandIndex) -> Decision:
    """Route one Auto-mode line; nothing is run."""
    stripped = line.strip()
    if not stripped:
        return Decision("shell", "empty line")
    prompt = copied_prompt(stripped)
    if prompt:
        fixed = suggest_correction(stripped, index)
        return Decision("shell", f"starts with a copied prompt `{prompt.strip()}`", fixed)
    if looks_pasted(line.rstrip()):
        return Decision("agent", "reads as pasted output or code")
    words = split_shell(stripped)
    first = words.first_word
    lead = words.leading_operator
    if lead not in (None, "("):
        # "> this is what the docs say" is quoted text; run, it would truncate a file.
        if _prose(words) >= 1.0 and len(words.operators) == 1:
            return Decision("agent", f"starts with `{lead}` but reads as quoted prose")
        return Decision("shell", f"starts with the shell operator `{lead}`")
    if not words.commands:
        return Decision("shell", "only shell syntax")
    if _ASSIGNMENT.match(first):
        return Decision("shell", "starts with a variable assignment")
    if first.startswith("!") and first[1:2] not in ("", " "):
        return Decision("shell", f"`{first}` is a history expansion")
    alone = _alone(words)
    decision = _decide_alone(alone, first, index) if alone is not None else None
    if decision is not None:
        return decision
    if _is_structure(words):
        return Decision("shell", f"a compound command (`{first}` … )")
    prose = _prose(words)
    if first in NAME_COMMANDS and all(map(index.is_command, words.commands[0][1:])):
        return Decision("shell", f"`{first}` looks up the commands named after it")
    if index.is_command(first) or _is_path(first) or words.leading_operator == "(":
        return _decide_command(stripped, first, words, prose + _phrase_prose(words, index))
    decision = _decide_unknown(stripped, first, words, prose, index)
    unsure = has_control_syntax(words) and not _prose_despite_syntax(words)
    if decision.target == "agent" and unsure:
        # An unknown command with `&&`, a pipe or a loop after it: a request or a command
        # not installed here. Sending it to the agent on a guess is the misfire; ask.
        return Decision("ask", f"`{first}` is not a command, but the line has shell syntax")
    return decision


def _prose_despite_syntax(words: ShellWords) -> bool:
    """The line starts with an English word and reads as English across its commands
    ("fix the build; then run tests"), more than one "the" would make it, and no loop or
    ``if`` is closed in it: prose never writes `do … done`. "mycli deploy the app && …"
    starts with a name, and "deploy the app && echo ok" has a single sign of prose."""
    opener = _TRAILING.sub("", words.first_word).lower()
    if has_compound_command(words) or not (is_english(opener) or "'" in opener):
        return False
    score = words.contractions + sum(map(prose_score, words.commands))
    return score >= _PROSE_DESPITE_SYNTAX


def _alone(words: ShellWords) -> str | None:
    """The one word of a one-word line, lowercased without trailing punctuation and with a
    drawn-out ending cut back (``yesss`` → ``yes``, ``okkk`` → ``ok``)."""
    if len(words.tokens) != 1 or words.leading_operator is not None:
        return None
    bare = _TRAILING.sub("", words.first_word).lower() or words.first_word
    return _DRAWN_OUT.sub(r"\1", bare)


def _decide_alone(bare: str, first: str, index: CommandIndex) -> Decision | None:
    """A one-word line: a reply, an ambiguous word, a command, or None (decide as usual)."""
    if bare in AMBIGUOUS_ALONE:
        return Decision("ask", f"`{bare}` alone is a command and a reply")
    if bare in REPLIES or bare.isdigit() or (first[-1:] in "?!" and first[:1].isalpha()):
        return Decision("agent", f"`{first}` reads as a reply")
    if index.is_command(first) or _is_path(first):
        return Decision("shell", f"`{first}` is a command")
    return None


def _decide_command(stripped: str, first: str, words: ShellWords, prose: float) -> Decision:
    if stripped.lower() in IDIOMS:
        return Decision("shell", f"`{stripped}` is a command")
    if _DATA_FILE.search(first) and len(words.tokens) > 2 and not _has_strong_syntax(words):
        return Decision("agent", f"`{first}` is a data file, not a program, and words follow")
    only_words = len(words.tokens) == len(words.commands[0])
    tail = words.commands[0][1:]
    if first.lower() in REPLY_COMMANDS and only_words and all(map(_PLAIN_WORD.fullmatch, tail)):
        return Decision("agent", f"`{first}` followed by words reads as a reply")
    if prose < 1.0:
        return Decision("shell", f"`{first}` is a command")
    if not _has_strong_syntax(words):
        return Decision("agent", f"`{first}` is a command, but the rest reads as prose")
    if prose >= 2.0 and first not in TEXT_COMMANDS:
        return Decision("ask", "shell syntax, but it reads as a question")
    return Decision("shell", f"`{first}` is a command")


def _decide_unknown(
    stripped: str, first: str, words: ShellWords, prose: float, index: CommandIndex
) -> Decision:
    lower = first.lower()
    # "fine . -name x" is `find` with a slipped key: a reply word never takes flags or paths.
    reply_with_arguments = lower in REPLIES and prose == 0 and _has_arguments(words, stripped)
    glued = not _IDENTIFIER.fullmatch(first) and first[:2].isalpha() and first[:2].islower()
    if glued and (correction := find_correction(stripped, index)) is not None:
        return Decision("shell", f"`{first}` looks like `{correction.command}` glued to its "
                        "argument", correction.text)  # fmt: skip
    shouted = first != lower and index.is_command(lower) and prose == 0
    if shouted:
        fixed = suggest_correction(stripped, index)
        if _has_arguments(words, stripped) or stripped.isupper():
            return Decision("shell", f"`{first}` is `{lower}` with capitals", fixed)
        # "Make build", "Ls": a capitalised command, or the first word of a sentence.
        return Decision("ask", f"`{first}` is `{lower}` with a capital, or a sentence", fixed)
    if not _IDENTIFIER.fullmatch(first) or lower in FUNCTION_WORDS:
        return Decision("agent", f"`{first}` is not a command")
    if lower in REPLIES and not reply_with_arguments:
        return Decision("agent", f"`{first}` is not a command")
    correction = find_correction(stripped, index)
    if correction is not None:
        typo = f"`{first}` looks like a typo of `{correction.command}`"
        # An English word ("got", "makes") is a slip only when it is one key from a
        # command people type all the time and nothing after it reads as prose.
        sure_slip = correction.rank <= 1 and is_popular(correction.command) and prose == 0
        sure_slip = sure_slip or (reply_with_arguments and correction.rank <= 1)
        if is_english(lower) and not sure_slip:
            return Decision("agent", f"`{first}` is not a command and the line reads as prose")
        if 0 < prose < 1.0 and correction.rank >= 2 and not is_popular(correction.command):
            return Decision("ask", f"{typo}, a rare slip, and the rest may be prose")
        if prose < 1.0:
            return Decision("shell", typo, correction.text)
        if correction.rank <= 1:
            return Decision("ask", f"{typo}, but the rest reads as prose", correction.text)
        return Decision("agent", f"`{first}` is not a command and the rest reads as prose")
    if prose < 0.5 and (_has_strong_syntax(words) or _has_flags(words)):
        return Decision("shell", f"`{first}` is not installed, but the line reads as a command")
    rest = [_TRAILING.sub("", word).lower() for word in words.commands[0][1:]]
    if rest and all(map(is_english, rest)) and not _has_strong_syntax(words):
        return Decision("agent", f"`{first}` is not a command and the words after it are English")
    if prose < 0.5 and first.islower() and not is_english(lower):
        # "htop", "lsx", "terrafrom plan": a command not installed, a slip too far to
        # name, or a word Conch does not know. Guessing either way is how peers misfire.
        return Decision("ask", f"`{first}` is not a command, and not a word Conch knows")
    return Decision("agent", f"`{first}` is not a command")


def _prose(words: ShellWords) -> float:
    """How much the line reads as English: contractions, punctuation, function words."""
    score = float(words.contractions)
    first = words.first_word
    if first[-1:] in ",?" and first[:1].isalpha():
        score += 1.0
    tail = [word.lower() for word in words.commands[0][1:3]] if words.commands else []
    if first in SUBCOMMAND_TOOLS:
        tail = []
    # A command's first argument is rarely "with", "on", "it", "the", or "a" before a word.
    if (tail and len(tail[0]) > 1 and WORD_WEIGHTS.get(tail[0], 0.0) >= 0.5) or (
        tail[:1] == ["a"] and len(tail) == 2 and _NOUN.fullmatch(tail[1])
    ):
        score += 0.5
    for command in words.commands:
        score += arguments_score(command)
    return score


def _phrase_prose(words: ShellWords, index: CommandIndex) -> float:
    """English built on a command word: "set up pre-commit", "who calls parse_config",
    "which file handles auth". Arguments of these commands never read that way."""
    command = words.commands[0] if words.commands else []
    args = [word.lower() for word in command[1:]]
    if len(args) < 1 or not all(map(_NAME_WORD.fullmatch, args)):
        return 0.0
    first = command[0]
    if (first, args[0]) in PHRASAL_VERBS and (first == "set" or len(args) >= 2):
        return 1.0
    if first == "who" and len(args) >= 2 and args[:2] != ["am", "i"]:
        return 1.0
    if first in ("which", "whereis", "type") and len(args) >= 2:
        return 1.0 if not all(map(index.is_command, args)) else 0.0
    return 0.0


def _is_structure(words: ShellWords) -> bool:
    """A loop, if, case, group or function definition, closed."""
    first = words.first_word
    closer = _CLOSERS.get(first)
    if closer is not None:
        return any(command[0] == closer for command in words.commands[1:]) or (
            closer in words.commands[0][1:]
        )
    tokens = words.tokens
    return len(tokens) >= 3 and tokens[1] == (True, "(") and tokens[2] == (True, ")")


def _has_strong_syntax(words: ShellWords) -> bool:
    if any(op in _STRONG_OPERATORS or op[-1] in "<>" for op in words.operators):
        return True
    return any("$(" in w or "`" in w for command in words.commands for w in command)


def _has_arguments(words: ShellWords, line: str) -> bool:
    """Flags, paths or double quotes after the first word: what commands take, not replies."""
    raw = words.commands[0][1:] if words.commands else []
    return _has_flags(words) or any(map(_is_path, raw)) or '"' in line


def _has_flags(words: ShellWords) -> bool:
    return any(w.startswith("-") and len(w) > 1 for w in words.commands[0][1:])


def _is_path(word: str) -> bool:
    return "/" in word or word.startswith((".", "~"))
